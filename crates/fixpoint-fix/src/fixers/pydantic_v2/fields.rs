//! Field declarations whose meaning v2 changed: optional without a default,
//! `const=True`, no annotation.

use fixpoint_python::ast::{Expr, Stmt, StmtClassDef};
use fixpoint_python::text_size::Ranged;

use super::{Work, called_name};
use crate::{Applicability, Edit};

/// Field declarations whose v1 meaning v2 changed: an `Optional[...]`,
/// `... | None` or `Any` field without a default was optional in v1 and is
/// required in v2 (it gets `= None`); `Field(value, const=True)` is a
/// `Literal[value]` in v2.
pub(super) fn convert_fields(work: &mut Work<'_>, class: &StmtClassDef) {
    for member in &class.body {
        if let Stmt::Assign(assign) = member {
            annotate_inferred_field(work, class, assign);
            continue;
        }
        let Stmt::AnnAssign(assign) = member else { continue };
        let Expr::Name(target) = assign.target.as_ref() else {
            continue;
        };
        if target.id.as_str().starts_with('_') {
            continue;
        }
        let annotation = work.text(assign.annotation.range()).to_owned();
        let optional = annotation.starts_with("Optional[")
            || annotation.starts_with("typing.Optional[")
            || annotation == "Any"
            || annotation.ends_with("| None")
            || annotation.starts_with("None |")
            || (annotation.starts_with("Union[") && annotation.contains("None"));
        match assign.value.as_deref() {
            None if optional && !annotation.starts_with("ClassVar") => {
                work.push(
                    Applicability::Safe,
                    vec![Edit::insertion(assign.range.end().to_usize(), " = None")],
                    format!(
                        "`{}.{}`: Optional without a default is required in v2: = None",
                        class.name.as_str(),
                        target.id.as_str()
                    ),
                );
            }
            Some(Expr::Call(call)) if called_name(&call.func) == Some("Field") => {
                let Some((value, call_edit)) = const_field(work, call) else {
                    continue;
                };
                work.imports.insert(("typing", "Literal"));
                work.push(
                    Applicability::Safe,
                    vec![
                        Edit::replacement(
                            assign.annotation.range().start().to_usize(),
                            assign.annotation.range().end().to_usize(),
                            format!("Literal[{value}]"),
                        ),
                        call_edit,
                    ],
                    format!(
                        "`{}.{}`: Field(const=True) → Literal",
                        class.name.as_str(),
                        target.id.as_str()
                    ),
                );
            }
            _ => {}
        }
    }
}

/// `Field(value, const=True, ...)` or `Field(default=value, const=True, ...)`:
/// the value's text and the edit that drops the constant from the call
/// (the whole call becomes the value when nothing else is left in it).
pub(super) fn const_field(work: &mut Work<'_>, call: &fixpoint_python::ast::ExprCall) -> Option<(String, Edit)> {
    let keywords = &call.arguments.keywords;
    let constant = keywords.iter().find(|k| {
        k.arg.as_ref().is_some_and(|a| a.as_str() == "const")
            && matches!(k.value, Expr::BooleanLiteral(ref b) if b.value)
    })?;
    let value = match call.arguments.args.as_ref() {
        [value] => value,
        [] => {
            &keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "default"))?
                .value
        }
        _ => return None,
    };
    if matches!(value, Expr::EllipsisLiteral(_)) {
        return None;
    }
    let text = work.text(value.range()).to_owned();
    let start = call.range().start().to_usize();
    work.consts.push(start);
    if call.arguments.args.len() + keywords.len() == 2 {
        return Some((
            text.clone(),
            Edit::replacement(start, call.range().end().to_usize(), text),
        ));
    }
    // Drop `, const=True` (or `const=True, ` when it comes first).
    let mut ranges: Vec<(usize, usize)> = call
        .arguments
        .args
        .iter()
        .map(|a| (a.range().start().to_usize(), a.range().end().to_usize()))
        .chain(
            keywords
                .iter()
                .map(|k| (k.range.start().to_usize(), k.range.end().to_usize())),
        )
        .collect();
    ranges.sort_unstable();
    let own = (constant.range.start().to_usize(), constant.range.end().to_usize());
    let at = ranges.iter().position(|r| *r == own)?;
    let edit = if at > 0 {
        Edit::deletion(ranges[at - 1].1, own.1)
    } else {
        Edit::deletion(own.0, ranges.get(1)?.0)
    };
    Some((text, edit))
}

/// A field without an annotation: Pydantic 1 took its type from its default
/// (`apple = "x"` is a `str` field), Pydantic 2 refuses it. A literal default
/// gets the annotation v1 inferred; `name = Field(value, const=True)` becomes
/// `name: Literal[value] = value`; any other value is reported.
pub(super) fn annotate_inferred_field(
    work: &mut Work<'_>,
    class: &StmtClassDef,
    assign: &fixpoint_python::ast::StmtAssign,
) {
    let [Expr::Name(target)] = assign.targets.as_slice() else {
        return;
    };
    let name = target.id.as_str();
    if name.starts_with('_') || name == "model_config" || name == "Config" {
        return;
    }
    let end = target.range.end().to_usize();
    let (edits, annotation) = match assign.value.as_ref() {
        Expr::StringLiteral(_) => (vec![Edit::insertion(end, ": str")], "str"),
        Expr::BytesLiteral(_) => (vec![Edit::insertion(end, ": bytes")], "bytes"),
        Expr::BooleanLiteral(_) => (vec![Edit::insertion(end, ": bool")], "bool"),
        Expr::NumberLiteral(number) => match number.value {
            fixpoint_python::ast::Number::Int(_) => (vec![Edit::insertion(end, ": int")], "int"),
            fixpoint_python::ast::Number::Float(_) => (vec![Edit::insertion(end, ": float")], "float"),
            fixpoint_python::ast::Number::Complex { .. } => return,
        },
        Expr::Call(call) if called_name(&call.func) == Some("Field") => {
            let Some((value, call_edit)) = const_field(work, call) else {
                work.report(format!(
                    "`{}.{name}`: a field without an annotation, which Pydantic 2 refuses: annotate it",
                    class.name.as_str()
                ));
                return;
            };
            work.imports.insert(("typing", "Literal"));
            (
                vec![Edit::insertion(end, format!(": Literal[{value}]")), call_edit],
                "Literal",
            )
        }
        _ => {
            work.report(format!(
                "`{}.{name}`: a field without an annotation, which Pydantic 2 refuses: annotate it (or `ClassVar`)",
                class.name.as_str()
            ));
            return;
        }
    };
    let message = format!(
        "`{}.{name}`: a field without an annotation (v1 took it from the default) → `: {annotation}`",
        class.name.as_str()
    );
    work.push(Applicability::Safe, edits, message);
}
