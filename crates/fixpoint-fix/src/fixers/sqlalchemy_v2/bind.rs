//! Bound metadata: 2.0 has no `MetaData(bind=...)`, and reads
//! `MetaData(engine)` as a schema name. The bind leaves the constructor and
//! goes where the metadata used it: `create_all()`, `drop_all()`,
//! `reflect()` and `Table(..., autoload=True)` of the same module.

use std::collections::BTreeMap;

use fixpoint_python::ast::{Expr, ExprCall, Stmt};
use fixpoint_python::text_size::Ranged;

use super::calls::keyword_span;
use super::{Work, keyword};
use crate::{Applicability, Edit};

/// What a metadata object was bound to.
struct Bound {
    /// The engine's expression, as written.
    bind: String,
    /// The bind is a module-level name or `self.name`: valid wherever the
    /// metadata is used in the module.
    safe: bool,
}

pub(super) fn convert_bound_metadata(work: &mut Work<'_>, suite: &[Stmt], calls: &[&ExprCall]) {
    let mut bound: BTreeMap<String, Bound> = BTreeMap::new();
    let assignments = super::super::statements::statements(suite, |statement| match statement {
        Stmt::Assign(assign) => Some(assign),
        _ => None,
    });
    // Names the module assigns an engine to: a first positional argument of
    // `MetaData(...)` is a bind (1.x) only when it is one of these or is
    // named as an engine; 2.0 reads it as the schema.
    let engines: Vec<String> = assignments
        .iter()
        .filter(|assign| {
            matches!(assign.value.as_ref(), Expr::Call(call)
                if ["create_engine", "engine_from_config"].iter().any(|f| work.names.is(&call.func, f)))
        })
        .flat_map(|assign| assign.targets.iter().map(|t| work.text(t.range()).to_owned()))
        .collect();
    let is_bind = |work: &Work<'_>, expr: &Expr| {
        let text = work.text(expr.range());
        engines.iter().any(|engine| engine == text) || super::calls::named_like(text, &["engine", "bind", "eng"])
    };
    for assign in &assignments {
        let [target] = &assign.targets[..] else { continue };
        let target_text = work.text(target.range()).to_owned();
        match assign.value.as_ref() {
            Expr::Call(call) if work.names.is(&call.func, "MetaData") => {
                if let Some((_, bind)) =
                    metadata_bind(call).filter(|(_, bind)| keyword(call, "bind").is_some() || is_bind(work, bind))
                {
                    let bind = work.text(bind.range()).to_owned();
                    let safe = is_stable(work, &bind);
                    bound.insert(target_text, Bound { bind, safe });
                }
            }
            Expr::Call(call) if work.names.is(&call.func, "declarative_base") => {
                if let Some(bind) = keyword(call, "bind") {
                    let bind = work.text(bind.value.range()).to_owned();
                    let safe = is_stable(work, &bind);
                    bound.insert(format!("{target_text}.metadata"), Bound { bind, safe });
                }
            }
            value => {
                // `metadata.bind = engine`, `Base.metadata.bind = engine`.
                if let Expr::Attribute(attribute) = target
                    && attribute.attr.as_str() == "bind"
                {
                    let owner = work.text(attribute.value.range()).to_owned();
                    let bind = work.text(value.range()).to_owned();
                    bound.entry(owner).or_insert(Bound { bind, safe: false });
                }
            }
        }
    }
    for &call in calls {
        if work.names.is(&call.func, "MetaData")
            && let Some((start, _)) =
                metadata_bind(call).filter(|(_, bind)| keyword(call, "bind").is_some() || is_bind(work, bind))
        {
            drop_argument(work, call, start, "MetaData");
        } else if work.names.is(&call.func, "declarative_base")
            && let Some(bind) = keyword(call, "bind")
        {
            drop_argument(work, call, bind.start().to_usize(), "declarative_base");
        } else if let Expr::Attribute(method) = call.func.as_ref()
            && matches!(method.attr.as_str(), "create_all" | "drop_all" | "reflect")
            && call.arguments.args.is_empty()
            && keyword(call, "bind").is_none()
        {
            let owner = work.text(method.value.range()).to_owned();
            let Some(found) = bound.get(&owner) else { continue };
            let open = call.arguments.start().to_usize() + 1;
            let separator = if call.arguments.keywords.is_empty() { "" } else { ", " };
            let applicability = if found.safe && !shadowed(work, suite, call.start().to_usize(), &found.bind) {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            let message = format!(
                "`{owner}.{}()` → `{owner}.{}({})`: 2.0 metadata has no bind, the engine is passed",
                method.attr.as_str(),
                method.attr.as_str(),
                found.bind
            );
            let edits = vec![Edit::insertion(open, format!("{}{separator}", found.bind))];
            work.push(applicability, edits, message, Vec::new());
        } else if work.names.is(&call.func, "Table")
            && let Some(autoload) = keyword(call, "autoload")
            && keyword(call, "autoload_with").is_none()
        {
            let metadata = call.arguments.args.get(1).map(|m| work.text(m.range()).to_owned());
            match metadata.and_then(|m| bound.get(&m)) {
                Some(found) => {
                    let applicability = if found.safe && !shadowed(work, suite, call.start().to_usize(), &found.bind) {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    };
                    let edits = vec![Edit::replacement(
                        autoload.start().to_usize(),
                        autoload.end().to_usize(),
                        format!("autoload_with={}", found.bind),
                    )];
                    let message = format!(
                        "`Table(..., autoload=True)` → `Table(..., autoload_with={})`: 2.0 reflects from the engine it is given",
                        found.bind
                    );
                    work.push(applicability, edits, message, Vec::new());
                }
                // Unbound, 1.4 reflected nothing: the call returned the table
                // the metadata already held (or failed). Bound somewhere (a
                // `metadata.bind = ...` in another module), it reflected:
                // safe only when no file of the project binds metadata.
                None => match super::calls::keyword_span(work, call, autoload.start().to_usize()) {
                    Some((start, end)) => work.push(
                        // A fresh `MetaData()` is unbound for sure; another
                        // (`Base.metadata`, an imported name) is unless some
                        // file of the project binds metadata.
                        if fresh_metadata(work, call) || !work.binds_metadata() {
                            Applicability::Safe
                        } else {
                            Applicability::Unsafe
                        },
                        vec![Edit::deletion(start, end)],
                        "`Table(..., autoload=True)` with no bind known → `autoload` dropped: unbound, 1.4 returned the table the metadata already held (where the project binds metadata somewhere, pass `autoload_with=engine` instead)".to_owned(),
                        Vec::new(),
                    ),
                    None => work.report(
                        autoload.start().to_usize(),
                        "`Table(..., autoload=True)` with no bind known here: pass `autoload_with=engine`".to_owned(),
                    ),
                },
            }
        }
    }
}

/// The bind of a 1.x `MetaData(...)`: `bind=`, or its first positional
/// argument (2.0's first positional is the schema, a string).
/// Returns the argument's start with the bind's expression.
fn metadata_bind(call: &ExprCall) -> Option<(usize, &Expr)> {
    if let Some(bind) = keyword(call, "bind") {
        return Some((bind.start().to_usize(), &bind.value));
    }
    match call.arguments.args.first() {
        Some(Expr::StringLiteral(_) | Expr::FString(_) | Expr::NoneLiteral(_) | Expr::Starred(_)) | None => None,
        Some(first) => Some((first.start().to_usize(), first)),
    }
}

/// Whether a bind's text names the same engine wherever the metadata is
/// used in the module: a name bound at the top level, or `self.name`.
fn is_stable(work: &Work<'_>, bind: &str) -> bool {
    let is_identifier = |text: &str| !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_');
    match bind.strip_prefix("self.") {
        Some(attribute) => is_identifier(attribute),
        None => is_identifier(bind) && work.module.defined.iter().any(|name| name == bind),
    }
}

/// Removes the bind argument that starts at `start` from a call.
fn drop_argument(work: &mut Work<'_>, call: &ExprCall, start: usize, function: &str) {
    let Some(span) = keyword_span(work, call, start) else {
        return;
    };
    work.taken.insert(call.start().to_usize());
    work.push(
        Applicability::Safe,
        vec![Edit::deletion(span.0, span.1)],
        format!("`{function}(bind=...)` → `{function}()`: 2.0 has no bound metadata; the engine goes to the calls that used it"),
        Vec::new(),
    );
}

/// Whether the function around `at` binds the bind's name itself (a
/// parameter or an assignment), so that the name there is another engine.
fn shadowed(work: &Work<'_>, suite: &[Stmt], at: usize, bind: &str) -> bool {
    let name = bind.split('.').next().unwrap_or(bind);
    if name == "self" {
        return false;
    }
    let functions = super::super::statements::statements(suite, |statement| match statement {
        Stmt::FunctionDef(function) => Some(function),
        _ => None,
    });
    functions
        .into_iter()
        .filter(|function| function.start().to_usize() <= at && at < function.end().to_usize())
        .any(|function| {
            let parameters = &function.parameters;
            let mut names = parameters
                .posonlyargs
                .iter()
                .chain(&parameters.args)
                .chain(&parameters.kwonlyargs)
                .map(|p| p.parameter.name.as_str());
            names.any(|parameter| parameter == name)
                || super::super::statements::statements(&function.body, |statement| match statement {
                    Stmt::Assign(assign) => Some(assign),
                    _ => None,
                })
                .iter()
                .any(|assign| assign.targets.iter().any(|t| work.text(t.range()) == name))
        })
}

/// Whether a `Table(name, MetaData(), ...)` gets a metadata made on the spot
/// without a bind.
fn fresh_metadata(work: &Work<'_>, call: &ExprCall) -> bool {
    matches!(call.arguments.args.get(1), Some(Expr::Call(metadata))
        if work.names.is(&metadata.func, "MetaData") && metadata_bind(metadata).is_none())
}
