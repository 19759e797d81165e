//! Pydantic 1 names whose v2 equivalent is a different call:
//! `pydantic.schema.schema(models)`, `schema_of(T)` and `ConfigError(message)`.
//!
//! Their imports move with the other moved names ([`super::imports`]); a
//! module that uses one in a way not converted here (passed as a value,
//! called with `title=`) keeps both its import and its calls, so that the
//! `pydantic.schema` left in it says why it stays on Pydantic 1.

use std::collections::BTreeSet;

use fixpoint_python::ast::{Expr, ExprCall, Stmt};
use fixpoint_python::text_size::Ranged;

use super::calls::bound_in;
use super::{Work, imports};
use crate::{Applicability, Edit};

/// Pydantic 1's default `ref_prefix`: where `schema()` put the models.
const V1_REF_PREFIX: &str = "#/definitions/";

/// The converted calls of the module's `schema` and `schema_of`, and the
/// v1 names that have a use left unconverted (their imports stay).
pub(super) fn convert_schema_calls(
    work: &mut Work<'_>,
    suite: &[Stmt],
    module: &fixpoint_python::ModuleSummary,
) -> Vec<&'static str> {
    let mut names: Vec<(String, &'static str)> = Vec::new();
    for statement in suite {
        collect_imports(statement, &mut names);
    }
    let mut kept = Vec::new();
    for (bound, v1) in names {
        let mut uses = Uses {
            bound: &bound,
            locals: Vec::new(),
            calls: Vec::new(),
            other: 0,
            hazards: 0,
        };
        fixpoint_python::ast::visitor::Visitor::visit_body(&mut uses, suite);
        // The module binds the name again (`def schema(...)`): its calls may be that.
        let rebound = module.defined.iter().filter(|name| **name == bound).count() > 1;
        // `except ConfigError:` and `isinstance` keep working; a subclass or a
        // bare `raise ConfigError` would need the `code` FP003 adds to calls.
        let usable = if v1 == "ConfigError" {
            uses.hazards == 0
        } else {
            uses.other == 0
        };
        let converted: Option<Vec<Vec<Edit>>> = uses
            .calls
            .iter()
            .map(|call| match v1 {
                "schema" => models_json_schema(work, call).map(|text| vec![replace_call(call, text)]),
                "schema_of" => type_adapter_schema(work, call).map(|text| vec![replace_call(call, text)]),
                _ => user_error(call),
            })
            .collect();
        match converted {
            Some(edits) if usable && !rebound => {
                for edit in edits.into_iter().flatten() {
                    let message = match v1 {
                        "schema" => "schema(models) → models_json_schema(...) under \"definitions\", refs as in v1",
                        "schema_of" => "schema_of(T) → TypeAdapter(T).json_schema()",
                        _ => "ConfigError(message) → PydanticUserError(message, code=None)",
                    };
                    work.push(Applicability::Safe, vec![edit], message.to_owned());
                }
            }
            _ => {
                work.report(format!(
                    "`{v1}` is used in a way FP003 does not convert (a keyword it does not map, or passed as a value): left on Pydantic 1"
                ));
                kept.push(v1);
            }
        }
    }
    kept
}

/// `(bound name, v1 name)` of each top-level import of a moved name whose
/// calls change (`schema`, `schema_of`, `ConfigError`).
fn collect_imports(statement: &Stmt, names: &mut Vec<(String, &'static str)>) {
    let Stmt::ImportFrom(import) = statement else { return };
    let Some(from) = super::absolute_module(import) else {
        return;
    };
    for alias in &import.names {
        if let Some(moved) = imports::moved(from, alias.name.as_str()).filter(|m| m.calls != imports::Calls::Same) {
            let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str().to_owned();
            names.push((bound, moved.v1));
        }
    }
}

/// The edit that replaces a whole call.
fn replace_call(call: &ExprCall, text: String) -> Edit {
    Edit::replacement(call.range().start().to_usize(), call.range().end().to_usize(), text)
}

/// `ConfigError(message)` → `ConfigError(message, code=None)`: the import
/// binds `PydanticUserError as ConfigError`, whose one message and `code`
/// are required. No edit for a call that has its `code`; None for any
/// other shape (two messages, `*args`, keywords), which v2's class refuses.
/// The keyword goes right after the message, so comments and a trailing
/// comma in the call stay as they are.
fn user_error(call: &ExprCall) -> Option<Vec<Edit>> {
    let arguments = &call.arguments;
    let has_code = |k: &fixpoint_python::ast::Keyword| k.arg.as_ref().is_some_and(|a| a.as_str() == "code");
    match (&arguments.args[..], &arguments.keywords[..]) {
        ([message], []) if !matches!(message, Expr::Starred(_)) => {
            Some(vec![Edit::insertion(message.range().end().to_usize(), ", code=None")])
        }
        ([message], [code]) if !matches!(message, Expr::Starred(_)) && has_code(code) => Some(Vec::new()),
        _ => None,
    }
}

/// `schema(models, by_alias=..., ref_prefix=...)` →
/// `{"definitions": models_json_schema([(m, "validation") for m in models],
/// by_alias=..., ref_template=...)[1].get("$defs", {})}`: the same document
/// under the same key, its references pointing where v1's did.
fn models_json_schema(work: &Work<'_>, call: &ExprCall) -> Option<String> {
    let [models] = &call.arguments.args[..] else {
        return None;
    };
    if matches!(models, Expr::Starred(_)) {
        return None;
    }
    let mut by_alias = None;
    let mut template = None;
    for keyword in &call.arguments.keywords {
        let value = work.text(keyword.value.range());
        match keyword.arg.as_ref().map(fixpoint_python::ast::Identifier::as_str) {
            Some("by_alias") => by_alias = Some(value.to_owned()),
            Some("ref_template") if template.is_none() => template = Some(value.to_owned()),
            Some("ref_prefix") if template.is_none() => template = Some(prefix_template(value)?),
            _ => return None,
        }
    }
    let template = template.unwrap_or_else(|| format!("\"{V1_REF_PREFIX}{{model}}\""));
    let by_alias = by_alias.map(|value| format!(", by_alias={value}")).unwrap_or_default();
    Some(format!(
        "{{\"definitions\": models_json_schema([(m, \"validation\") for m in {}]{by_alias}, ref_template={template})[1].get(\"$defs\", {{}})}}",
        work.text(models.range())
    ))
}

/// A v1 `ref_prefix` as a v2 `ref_template`: a plain string literal gets
/// `{model}` inside its quotes, anything else `+ "{model}"`. None for a
/// literal with braces, which the template would read as fields.
fn prefix_template(prefix: &str) -> Option<String> {
    let quoted = ['"', '\'']
        .into_iter()
        .find(|q| prefix.starts_with(*q) && prefix.ends_with(*q) && prefix.len() >= 2);
    match quoted {
        Some(_) if prefix.contains(['{', '}']) => None,
        Some(quote) => Some(format!("{}{{model}}{quote}", &prefix[..prefix.len() - 1])),
        None => Some(format!("{prefix} + \"{{model}}\"")),
    }
}

/// `schema_of(T)` → `TypeAdapter(T).json_schema()`; keywords are not mapped.
fn type_adapter_schema(work: &Work<'_>, call: &ExprCall) -> Option<String> {
    let [kind] = &call.arguments.args[..] else { return None };
    if !call.arguments.keywords.is_empty() || matches!(kind, Expr::Starred(_)) {
        return None;
    }
    Some(format!("TypeAdapter({}).json_schema()", work.text(kind.range())))
}

/// The module's uses of one imported name: calls, and anything else; a
/// function that binds the name itself hides it.
struct Uses<'n, 'a> {
    bound: &'n str,
    locals: Vec<BTreeSet<String>>,
    calls: Vec<&'a ExprCall>,
    other: usize,
    /// Uses as a base class or in a bare `raise`.
    hazards: usize,
}

/// Whether a lambda takes a parameter named `name` (which hides the import).
fn lambda_binds(lambda: &fixpoint_python::ast::ExprLambda, name: &str) -> bool {
    lambda.parameters.as_ref().is_some_and(|parameters| {
        parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .chain(&parameters.kwonlyargs)
            .map(|p| p.parameter.name.as_str())
            .chain(
                [&parameters.vararg, &parameters.kwarg]
                    .into_iter()
                    .flatten()
                    .map(|p| p.name.as_str()),
            )
            .any(|bound| bound == name)
    })
}

impl<'a> fixpoint_python::ast::visitor::Visitor<'a> for Uses<'_, 'a> {
    fn visit_stmt(&mut self, statement: &'a Stmt) {
        let named = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == self.bound);
        match statement {
            Stmt::FunctionDef(function) => {
                self.locals.push(bound_in(function));
                fixpoint_python::ast::visitor::walk_stmt(self, statement);
                self.locals.pop();
                return;
            }
            Stmt::ClassDef(class) if class.arguments.as_ref().is_some_and(|a| a.args.iter().any(named)) => {
                self.hazards += 1;
            }
            Stmt::Raise(raise) if raise.exc.as_deref().is_some_and(named) => self.hazards += 1,
            _ => {}
        }
        fixpoint_python::ast::visitor::walk_stmt(self, statement);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        let hidden = self.locals.iter().any(|names| names.contains(self.bound));
        match expr {
            Expr::Call(call)
                if !hidden && matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == self.bound) =>
            {
                self.calls.push(call);
                // The arguments may use the name too.
                for argument in &call.arguments.args {
                    self.visit_expr(argument);
                }
                for keyword in &call.arguments.keywords {
                    self.visit_expr(&keyword.value);
                }
                return;
            }
            Expr::Name(name) if !hidden && name.id.as_str() == self.bound => self.other += 1,
            Expr::Lambda(lambda) if lambda_binds(lambda, self.bound) => return,
            _ => {}
        }
        fixpoint_python::ast::visitor::walk_expr(self, expr);
    }
}

/// Where v1 code resolves forward references (`X.update_forward_refs()` at
/// the top of a module, typically a package's `__init__.py` once every model
/// is imported), v2 needs every model the module holds rebuilt: v1 resolved
/// the others when they were first used, v2 refuses to validate with a model
/// that is not fully defined. `model_rebuild()` on a complete model does
/// nothing, so the loop costs the others nothing. Once the calls are
/// `model_rebuild`, a second run finds nothing to do.
pub(super) fn rebuild_after_forward_refs(
    work: &mut Work<'_>,
    suite: &[Stmt],
    module: &fixpoint_python::ModuleSummary,
    context: &super::FixContext<'_>,
) {
    let models = context.pydantic_models;
    // The calls FP003 converts (on a name), so that the next pass sees none.
    let resolving = suite.iter().filter(|statement| {
        let Stmt::Expr(expr) = statement else { return false };
        let Expr::Call(call) = expr.value.as_ref() else {
            return false;
        };
        matches!(call.func.as_ref(), Expr::Attribute(a)
            if a.attr.as_str() == "update_forward_refs" && matches!(a.value.as_ref(), Expr::Name(_)))
    });
    let Some(last) = resolving.last() else { return };
    // The project's own models only: `BaseModel`, or a library class that
    // shares a model's name, has no `model_rebuild` of its own to call.
    let from_project = |import: &fixpoint_python::Import| {
        import.level > 0
            || import
                .from
                .as_deref()
                .is_some_and(|from| context.modules.iter().any(|(name, _)| name == from))
    };
    let mut names: Vec<&str> = Vec::new();
    for import in module.imports.iter().filter(|import| from_project(import)) {
        for name in &import.names {
            let bound = name.asname.as_deref().unwrap_or(&name.name);
            if models.contains(&name.name) && !names.contains(&bound) {
                names.push(bound);
            }
        }
    }
    for statement in suite {
        if let Stmt::ClassDef(class) = statement
            && super::is_model(class, models)
            && !names.contains(&class.name.as_str())
        {
            names.push(class.name.as_str());
        }
    }
    if names.len() < 2 {
        return;
    }
    let listed = if names.len() > 4 {
        let lines: String = names.iter().fold(String::new(), |mut lines, name| {
            lines.push_str("    ");
            lines.push_str(name);
            lines.push_str(",\n");
            lines
        });
        format!("(\n{lines})")
    } else {
        format!("({},)", names.join(", "))
    };
    let at = super::super::lines::line_end(work.source, last.range().end().to_usize());
    // A last line without its newline gets one first.
    let newline = if work.source[..at].ends_with('\n') { "" } else { "\n" };
    let text = format!(
        "{newline}# Pydantic 2 builds each model when its class is made: rebuild the ones whose\n\
         # forward references need this module's names (a no-op for the others).\n\
         for _model in {listed}:\n    _model.model_rebuild()\ndel _model\n"
    );
    work.push(
        Applicability::Safe,
        vec![Edit::insertion(at, text)],
        format!(
            "forward references resolved here: {} models rebuilt once every name is imported",
            names.len()
        ),
    );
}
