//! `@validator` and `@root_validator` → `@field_validator` / `@model_validator`.

use std::fmt::Write as _;

use fixpoint_python::ast::{Decorator, Expr, Stmt, StmtClassDef, StmtFunctionDef};
use fixpoint_python::text_size::Ranged;

use super::super::lines::{indentation, line_end, line_start};
use super::{Work, called_name};
use crate::{Applicability, Edit};

/// Positional names of a function's parameters.
pub(super) fn parameter_names(function: &StmtFunctionDef) -> Vec<&str> {
    function
        .parameters
        .posonlyargs
        .iter()
        .chain(function.parameters.args.iter())
        .map(|p| p.parameter.name.as_str())
        .collect()
}

/// Whole-word occurrences of `word` in `text`.
pub(super) fn uses(text: &str, word: &str) -> bool {
    occurrences(text, word) > 0
}

/// How many whole-word occurrences of `word` `text` holds.
pub(super) fn occurrences(text: &str, word: &str) -> usize {
    text.match_indices(word)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            boundary(before) && boundary(after)
        })
        .count()
}

/// `validate_default=True` on the field `name` the class declares, which
/// v1's `@validator(..., always=True)` meant: added to its `Field(...)`, or
/// its plain default wrapped in one. None when the class does not declare
/// it with a default (a required field is validated anyway).
fn validate_default(work: &mut Work<'_>, class: &StmtClassDef, name: &str) -> Option<Edit> {
    let value = class.body.iter().find_map(|member| match member {
        Stmt::AnnAssign(assign) if matches!(assign.target.as_ref(), Expr::Name(n) if n.id.as_str() == name) => {
            assign.value.as_deref()
        }
        _ => None,
    })?;
    // `x: int = None` is optional in v1; validating its default in v2
    // would refuse the None before the validator sees it.
    if matches!(value, Expr::NoneLiteral(_)) {
        return None;
    }
    if let Expr::Call(call) = value
        && called_name(&call.func) == Some("Field")
    {
        // After the last argument, so that a trailing comma or a comment
        // in the call stays where it is.
        let last = call
            .arguments
            .args
            .iter()
            .map(Ranged::end)
            .chain(call.arguments.keywords.iter().map(Ranged::end))
            .max();
        return Some(match last {
            Some(end) => Edit::insertion(end.to_usize(), ", validate_default=True"),
            None => Edit::insertion(call.range().end().to_usize() - 1, "validate_default=True"),
        });
    }
    work.imports.insert(("pydantic", "Field"));
    Some(Edit::replacement(
        value.range().start().to_usize(),
        value.range().end().to_usize(),
        format!("Field({}, validate_default=True)", work.text(value.range())),
    ))
}

pub(super) fn keyword_value<'e>(decorator: &'e Decorator, name: &str) -> Option<&'e Expr> {
    let Expr::Call(call) = &decorator.expression else {
        return None;
    };
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
}

pub(super) fn is_true(expr: Option<&Expr>) -> bool {
    matches!(expr, Some(Expr::BooleanLiteral(literal)) if literal.value)
}

/// `@validator` and `@root_validator` → `@field_validator` / `@model_validator`.
pub(super) fn convert_validator(work: &mut Work<'_>, class: &StmtClassDef, function: &StmtFunctionDef) {
    let has_classmethod = function
        .decorator_list
        .iter()
        .any(|d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "classmethod"));
    for decorator in &function.decorator_list {
        let (name, call) = match &decorator.expression {
            Expr::Call(call) => (called_name(&call.func), Some(call)),
            other => (called_name(other), None),
        };
        let Some(kind @ ("validator" | "root_validator")) = name else {
            continue;
        };
        let body_start = function
            .body
            .first()
            .map_or(function.range.end(), Ranged::start)
            .to_usize();
        let body = &work.source[body_start..function.range.end().to_usize()];
        let params = parameter_names(function);
        let indent = indentation(work.source, decorator.range.start().to_usize()).to_owned();
        let pre = is_true(keyword_value(decorator, "pre"));
        let mut edits = Vec::new();
        let mut clean = true;
        let mut notes = Vec::new();
        if kind == "validator" {
            if is_true(keyword_value(decorator, "each_item")) {
                work.report(format!("`{}`: @validator(each_item=True) has no v2 form: validate the items with a type or an Annotated validator", function.name.as_str()));
                return;
            }
            let fields: Vec<String> = call
                .map(|c| {
                    c.arguments
                        .args
                        .iter()
                        .map(|a| work.text(a.range()).to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let mut arguments = fields;
            if pre {
                arguments.push("mode=\"before\"".to_owned());
            }
            if is_true(keyword_value(decorator, "always")) {
                // The fields' own `validate_default=True`; a field this class
                // does not declare (inherited, or `"*"`) gets a comment.
                for field in arguments.iter().filter(|a| !a.contains('=')) {
                    match validate_default(work, class, field.trim_matches(['"', '\''])) {
                        Some(edit) => edits.push(edit),
                        None => notes.push(format!(
                            "{indent}# fixpoint: always=True is Field(validate_default=True) on {field} in Pydantic 2\n"
                        )),
                    }
                }
            }
            let mut replacement = format!("@field_validator({})", arguments.join(", "));
            if !has_classmethod {
                let _ = write!(replacement, "\n{indent}@classmethod");
            }
            edits.push(Edit::replacement(
                decorator.range.start().to_usize(),
                decorator.range.end().to_usize(),
                replacement,
            ));
            work.imports.insert(("pydantic", "field_validator"));
            // (cls, value, values, field, config) → (cls, value, info)
            let extra: Vec<&str> = params.iter().skip(2).copied().collect();
            if !extra.is_empty() {
                let mut body_text = body.to_owned();
                for (old, new) in [
                    ("values[", "info.data["),
                    ("values.get(", "info.data.get("),
                    ("field.name", "info.field_name"),
                ] {
                    body_text = body_text.replace(old, new);
                }
                clean = !extra.iter().any(|name| uses(&body_text, name));
                let first_extra = function
                    .parameters
                    .args
                    .iter()
                    .find(|p| p.parameter.name.as_str() == extra[0]);
                let last = function.parameters.args.last();
                if let (Some(first_extra), Some(last)) = (first_extra, last) {
                    edits.push(Edit::replacement(
                        first_extra.range.start().to_usize(),
                        last.range.end().to_usize(),
                        "info",
                    ));
                    edits.push(Edit::replacement(
                        body_start,
                        function.range.end().to_usize(),
                        body_text,
                    ));
                }
            }
        } else if pre {
            let replacement = if has_classmethod {
                "@model_validator(mode=\"before\")".to_owned()
            } else {
                format!("@model_validator(mode=\"before\")\n{indent}@classmethod")
            };
            edits.push(Edit::replacement(
                decorator.range.start().to_usize(),
                decorator.range.end().to_usize(),
                replacement,
            ));
            work.imports.insert(("pydantic", "model_validator"));
        } else {
            // After the fields: the model itself instead of a dict of values.
            let Some(values) = params.get(1) else { continue };
            let mut body_text = body.to_owned();
            let mut rewritten = String::new();
            let mut rest = body_text.as_str();
            // values["x"] / values.get("x") → self.x / getattr(self, "x", None)
            while let Some(at) = rest.find(values) {
                let (head, tail) = rest.split_at(at);
                rewritten.push_str(head);
                let after = &tail[values.len()..];
                let quoted = |s: &str| -> Option<(String, usize)> {
                    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                    let end = s[1..].find(quote)?;
                    let key = &s[1..=end];
                    key.chars()
                        .all(|c| c.is_alphanumeric() || c == '_')
                        .then(|| (key.to_owned(), end + 2))
                };
                if let Some((key, used)) = after
                    .strip_prefix('[')
                    .and_then(quoted)
                    .filter(|(_, used)| after[1 + used..].starts_with(']'))
                {
                    let _ = write!(rewritten, "self.{key}");
                    rest = &after[used + 2..];
                } else if let Some((key, used)) = after
                    .strip_prefix(".get(")
                    .and_then(quoted)
                    .filter(|(_, used)| after[5 + used..].starts_with(')'))
                {
                    let _ = write!(rewritten, "getattr(self, \"{key}\", None)");
                    rest = &after[used + 6..];
                } else {
                    rewritten.push_str(values);
                    rest = after;
                }
            }
            rewritten.push_str(rest);
            body_text = rewritten.replace(&format!("return {values}"), "return self");
            clean = !uses(&body_text, values);
            edits.push(Edit::replacement(
                decorator.range.start().to_usize(),
                decorator.range.end().to_usize(),
                "@model_validator(mode=\"after\")",
            ));
            if let Some(first) = function.parameters.args.first() {
                let last = function.parameters.args.get(1).unwrap_or(first);
                edits.push(Edit::replacement(
                    first.range.start().to_usize(),
                    last.range.end().to_usize(),
                    "self",
                ));
            }
            edits.push(Edit::replacement(
                body_start,
                function.range.end().to_usize(),
                body_text,
            ));
            if let Some(classmethod) = function
                .decorator_list
                .iter()
                .find(|d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "classmethod"))
            {
                let start = line_start(work.source, classmethod.range.start().to_usize());
                edits.push(Edit::deletion(
                    start,
                    line_end(work.source, classmethod.range.end().to_usize()),
                ));
            }
            work.imports.insert(("pydantic", "model_validator"));
        }
        for note in notes {
            let start = line_start(work.source, decorator.range.start().to_usize());
            edits.push(Edit::insertion(start, note));
        }
        let applicability = if clean {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let target = if kind == "validator" {
            "@field_validator"
        } else {
            "@model_validator"
        };
        work.push(
            applicability,
            edits,
            format!("`{}`: @{kind} → {target}", function.name.as_str()),
        );
        return;
    }
}
