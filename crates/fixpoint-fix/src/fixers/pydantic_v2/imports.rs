//! Names Pydantic 2 moved: each `from <v1 module> import <name>` becomes an
//! import of the same thing from where it lives now, at any depth of the
//! module (inside `if TYPE_CHECKING:`, `try:` or a function as well).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use fixpoint_python::ModuleSummary;
use fixpoint_python::ast::{Stmt, StmtImportFrom};

use super::super::lines::{indentation, line_end, line_start};
use super::Work;
use crate::{Applicability, Edit};

/// One moved name: imported from one of `from` in v1, it is `name` in
/// module `to` in v2. The module keeps binding the v1 name (`as` when
/// the names differ), so no use of it changes.
pub(super) struct Move {
    pub from: &'static [&'static str],
    pub v1: &'static str,
    pub to: &'static str,
    pub v2: &'static str,
    pub why: &'static str,
    /// Whether its calls change too ([`super::internals`]).
    pub calls: Calls,
}

/// What a moved name's calls need.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Calls {
    /// Nothing: the same thing under a new home.
    Same,
    /// A different call: the import binds the v2 name, the calls are rewritten.
    Renamed,
    /// The same call with an argument more: the import keeps the v1 name.
    Amended,
}

const TYPING: &str = "`pydantic.typing` is gone in v2: its re-exports of `typing` come from `typing`";

/// Every name whose v2 home is known and means the same.
pub(super) const MOVES: &[Move] = &[
    Move {
        from: &["pydantic"],
        v1: "BaseSettings",
        to: "pydantic_settings",
        v2: "BaseSettings",
        why: "import BaseSettings from pydantic_settings (it left pydantic in v2)",
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic", "pydantic.generics"],
        v1: "GenericModel",
        to: "pydantic",
        v2: "BaseModel",
        why: "GenericModel is gone in v2: a generic model is BaseModel + Generic[T]",
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.error_wrappers"],
        v1: "ValidationError",
        to: "pydantic",
        v2: "ValidationError",
        why: "`pydantic.error_wrappers` is gone in v2: ValidationError comes from pydantic",
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.error_wrappers"],
        v1: "ErrorDict",
        to: "pydantic_core",
        v2: "ErrorDetails",
        why: "`pydantic.error_wrappers.ErrorDict` is `pydantic_core.ErrorDetails` in v2",
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.schema"],
        v1: "schema",
        to: "pydantic.json_schema",
        v2: "models_json_schema",
        why: "`pydantic.schema.schema` is `pydantic.json_schema.models_json_schema` in v2",
        calls: Calls::Renamed,
    },
    Move {
        from: &["pydantic.schema"],
        v1: "schema_of",
        to: "pydantic",
        v2: "TypeAdapter",
        why: "`pydantic.schema.schema_of(T)` is `TypeAdapter(T).json_schema()` in v2",
        calls: Calls::Renamed,
    },
    Move {
        from: &["pydantic", "pydantic.errors"],
        v1: "ConfigError",
        to: "pydantic",
        v2: "PydanticUserError",
        why: "`ConfigError` is `PydanticUserError` in v2, raised with a `code`",
        calls: Calls::Amended,
    },
    Move {
        from: &["pydantic.typing"],
        v1: "Literal",
        to: "typing",
        v2: "Literal",
        why: TYPING,
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.typing"],
        v1: "Annotated",
        to: "typing",
        v2: "Annotated",
        why: TYPING,
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.typing"],
        v1: "ForwardRef",
        to: "typing",
        v2: "ForwardRef",
        why: TYPING,
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.typing"],
        v1: "get_args",
        to: "typing",
        v2: "get_args",
        why: TYPING,
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.typing"],
        v1: "get_origin",
        to: "typing",
        v2: "get_origin",
        why: TYPING,
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.typing"],
        v1: "ClassVar",
        to: "typing",
        v2: "ClassVar",
        why: TYPING,
        calls: Calls::Same,
    },
    Move {
        from: &["pydantic.typing"],
        v1: "AnyCallable",
        to: "typing",
        v2: "Callable",
        why: "`pydantic.typing.AnyCallable` is a bare `typing.Callable`",
        calls: Calls::Same,
    },
];

/// The move for `name` imported from `module`, if Pydantic 2 moved it.
pub(super) fn moved(module: &str, name: &str) -> Option<&'static Move> {
    MOVES.iter().find(|m| m.v1 == name && m.from.contains(&module))
}

/// Every `from ... import` statement of the module, at any depth.
pub(super) fn import_froms(suite: &[Stmt]) -> Vec<&StmtImportFrom> {
    super::statements(suite, |statement| match statement {
        Stmt::ImportFrom(import) => Some(import),
        _ => None,
    })
}

/// How often the module names `GenericModel` other than in its imports and
/// as a class's base (which FP003 renames to `BaseModel`).
fn generic_uses(source: &str, suite: &[Stmt]) -> usize {
    let imports = import_froms(suite)
        .iter()
        .flat_map(|import| &import.names)
        .filter(|alias| alias.name.as_str() == "GenericModel")
        .count();
    let bases = super::classes_in(suite)
        .iter()
        .filter_map(|class| class.arguments.as_ref())
        .flat_map(|arguments| &arguments.args)
        .filter(|base| matches!(base, fixpoint_python::ast::Expr::Name(n) if n.id.as_str() == "GenericModel"))
        .count();
    super::validators::occurrences(source, "GenericModel").saturating_sub(imports + bases)
}

/// Rewrites each import of a moved name; `skip` names the v1 names whose
/// calls [`super::internals`] could not all convert.
pub(super) fn move_imports(work: &mut Work<'_>, suite: &[Stmt], module: &ModuleSummary, skip: &[&str]) {
    for import in import_froms(suite) {
        let Some(from) = super::absolute_module(import) else {
            continue;
        };
        // An aliased `GenericModel` keeps its import: its classes name the alias.
        // A name whose calls change moves only where they were converted:
        // imported at the top level, every call converted.
        let top_level = suite
            .iter()
            .any(|s| matches!(s, Stmt::ImportFrom(i) if std::ptr::eq(i, import)));
        let move_of = |alias: &fixpoint_python::ast::Alias| {
            moved(from, alias.name.as_str()).filter(|m| {
                let calls_converted = m.calls == Calls::Same || (top_level && !skip.contains(&m.v1));
                calls_converted && (m.v1 != "GenericModel" || alias.asname.is_none())
            })
        };
        if !import.names.iter().any(|alias| move_of(alias).is_some()) {
            continue;
        }
        let start = line_start(work.source, import.range.start().to_usize());
        let indent = indentation(work.source, start);
        let end = line_end(work.source, import.range.end().to_usize());
        // A statement that shares its line (`if X: from a import b`,
        // `from a import b; c = 1`) is left alone: the line is rewritten whole.
        let after = work.source[import.range.end().to_usize()..end].trim();
        if work.source[start..import.range.start().to_usize()].trim() != ""
            || !(after.is_empty() || after.starts_with('#'))
        {
            continue;
        }
        let spelled = |name: &str, bound: &str| {
            if name == bound {
                name.to_owned()
            } else {
                format!("{name} as {bound}")
            }
        };
        let mut kept: Vec<String> = import
            .names
            .iter()
            .filter(|alias| move_of(alias).is_none())
            .map(|alias| {
                spelled(
                    alias.name.as_str(),
                    alias.asname.as_ref().unwrap_or(&alias.name).as_str(),
                )
            })
            .collect();
        let mut targets: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut messages: Vec<&str> = Vec::new();
        for alias in &import.names {
            let Some(moved) = move_of(alias) else { continue };
            let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
            // GenericModel → BaseModel: the module may import BaseModel
            // already, and may use GenericModel as more than a base class
            // (`issubclass(x, GenericModel)`), which then keeps its name.
            let generic = moved.v2 == "BaseModel";
            let already = generic && (module.binds(moved.v2) || kept.iter().any(|k| k == moved.v2));
            let other_uses = generic && generic_uses(work.source, suite) > 0;
            if !already || other_uses {
                let name = if moved.calls == Calls::Renamed || (generic && !other_uses) {
                    moved.v2.to_owned()
                } else {
                    spelled(moved.v2, bound)
                };
                let names = targets.entry(moved.to).or_default();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            if !messages.contains(&moved.why) {
                messages.push(moved.why);
            }
        }
        // A name that stays in the statement's own module joins what it keeps.
        if let Some(same) = targets.remove(from) {
            for name in same {
                if !kept.contains(&name) {
                    kept.push(name);
                }
            }
        }
        let mut text = String::new();
        if !kept.is_empty() {
            let _ = writeln!(text, "{indent}from {from} import {}", kept.join(", "));
        }
        for (to, names) in targets {
            let _ = writeln!(text, "{indent}from {to} import {}", names.join(", "));
        }
        if text.is_empty() && !indent.is_empty() {
            // An indented block must keep a statement.
            text = format!("{indent}pass\n");
        }
        work.push(
            Applicability::Safe,
            vec![Edit::replacement(start, end, text)],
            messages.join("\n"),
        );
    }
}
