//! `FP002` missing-import.
//!
//! ## What it does
//! Adds the import for a name that a module uses but never imports: the
//! names of the `NameError`s in the latest run, in the file where each was
//! raised, and in those same files every other well-known name that is used
//! but bound nowhere (so `datetime.now(timezone.utc)` gets both imports at
//! once, not one per run). The import comes from the project's own modules (a symbol index of
//! every top-level definition), or from a table of well-known names
//! (`Decimal` from `decimal`, `datetime` from `datetime`, `Path` from
//! `pathlib`, `select` from `sqlalchemy`, `BaseModel` from `pydantic`,
//! `pytest`, ...). A new name joins an existing `from module import ...`
//! statement; otherwise a new import goes at the end of the module's import
//! block.
//!
//! ## Why
//! A missing import fails every test that reaches the line, often far from
//! the file the test is about.
//!
//! ## Example
//! ```python
//! def inventory_value(character):
//!     total = Decimal(0)
//! ```
//! becomes
//! ```python
//! from decimal import Decimal
//!
//! def inventory_value(character):
//!     total = Decimal(0)
//! ```
//!
//! ## Fix safety
//! Safe when exactly one import fits. When the project defines the name in
//! several modules the fix is display-only and lists the candidates: picking
//! one is a person's call. A name the module already binds is left alone, so
//! a second run changes nothing.

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;

use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Edit, Fix};

/// Where well-known names come from. `module` for `import module` entries.
const WELL_KNOWN: &[(&str, &str)] = &[
    ("Decimal", "decimal"),
    ("ROUND_HALF_UP", "decimal"),
    ("datetime", "datetime"),
    ("date", "datetime"),
    ("timedelta", "datetime"),
    ("timezone", "datetime"),
    ("Path", "pathlib"),
    ("Enum", "enum"),
    ("IntEnum", "enum"),
    ("StrEnum", "enum"),
    ("auto", "enum"),
    ("dataclass", "dataclasses"),
    ("field", "dataclasses"),
    ("asdict", "dataclasses"),
    ("Any", "typing"),
    ("Optional", "typing"),
    ("Union", "typing"),
    ("List", "typing"),
    ("Dict", "typing"),
    ("Tuple", "typing"),
    ("Callable", "typing"),
    ("Iterable", "typing"),
    ("Iterator", "typing"),
    ("Sequence", "typing"),
    ("TYPE_CHECKING", "typing"),
    ("Literal", "typing"),
    ("defaultdict", "collections"),
    ("Counter", "collections"),
    ("namedtuple", "collections"),
    ("partial", "functools"),
    ("lru_cache", "functools"),
    ("uuid4", "uuid"),
    ("UUID", "uuid"),
    ("select", "sqlalchemy"),
    ("insert", "sqlalchemy"),
    ("update", "sqlalchemy"),
    ("delete", "sqlalchemy"),
    ("func", "sqlalchemy"),
    ("create_engine", "sqlalchemy"),
    ("Column", "sqlalchemy"),
    ("ForeignKey", "sqlalchemy"),
    ("Integer", "sqlalchemy"),
    ("String", "sqlalchemy"),
    ("Session", "sqlalchemy.orm"),
    ("sessionmaker", "sqlalchemy.orm"),
    ("relationship", "sqlalchemy.orm"),
    ("Mapped", "sqlalchemy.orm"),
    ("mapped_column", "sqlalchemy.orm"),
    ("DeclarativeBase", "sqlalchemy.orm"),
    ("BaseModel", "pydantic"),
    ("Field", "pydantic"),
    ("ConfigDict", "pydantic"),
    ("ValidationError", "pydantic"),
    ("field_validator", "pydantic"),
    ("model_validator", "pydantic"),
];

/// Names that are modules themselves: `import name`.
const MODULES: &[&str] = &[
    "pytest",
    "os",
    "sys",
    "re",
    "json",
    "math",
    "random",
    "logging",
    "itertools",
    "functools",
    "collections",
    "typing",
    "uuid",
    "decimal",
    "pathlib",
    "shutil",
    "subprocess",
    "tempfile",
    "textwrap",
    "string",
    "copy",
    "enum",
    "inspect",
    "asyncio",
    "contextlib",
    "csv",
    "hashlib",
    "base64",
    "operator",
    "statistics",
    "warnings",
    "sqlalchemy",
    "pydantic",
];

/// Adds the import a `NameError` says is missing.
pub struct MissingImport;

enum Origin {
    From(String),
    Module,
    Ambiguous(Vec<String>),
}

fn origin(name: &str, own_module: Option<&str>, context: &FixContext<'_>) -> Option<Origin> {
    if MODULES.contains(&name) {
        return Some(Origin::Module);
    }
    if let Some((_, module)) = WELL_KNOWN.iter().find(|(known, _)| *known == name) {
        return Some(Origin::From((*module).to_owned()));
    }
    let candidates: Vec<String> = context
        .symbols
        .defining(name)
        .iter()
        .filter(|module| Some(module.as_str()) != own_module)
        .cloned()
        .collect();
    match candidates.len() {
        0 => None,
        1 => candidates.into_iter().next().map(Origin::From),
        _ => Some(Origin::Ambiguous(candidates)),
    }
}

/// The edit that adds `line` as a new import statement.
fn new_import(source: &str, module: &ModuleSummary, line: &str) -> Edit {
    let at = module.insert_at;
    let needs_newline = at == source.len() && !source.is_empty() && !source.ends_with('\n');
    Edit::insertion(
        at,
        if needs_newline {
            format!("\n{line}\n")
        } else {
            format!("{line}\n")
        },
    )
}

/// `NameError: name 'Decimal' is not defined` → `Decimal`.
fn undefined_name(text: &str) -> Option<&str> {
    let rest = &text[text.find("name '")? + 6..];
    let name = &rest[..rest.find('\'')?];
    rest[name.len()..].starts_with("' is not defined").then_some(name)
}

impl Fixer for MissingImport {
    fn code(&self) -> FixerCode {
        FixerCode::MissingImport
    }

    /// The name a `NameError` says is not defined, in the file it was raised in.
    fn targets(&self, failure: &FailureView<'_>, _facts: &ProjectFacts) -> Vec<Target> {
        let name = failure.messages().into_iter().find_map(undefined_name);
        match (name, failure.raised_in()) {
            (Some(name), Some(path)) => vec![Target {
                code: self.code(),
                path,
                name: name.to_owned(),
            }],
            _ => Vec::new(),
        }
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        let own_module = fixpoint_python::module_name(context.root, &context.root.join(path));
        let mut names: Vec<String> = context
            .targets
            .iter()
            .filter(|t| t.code == self.code() && t.path == path)
            .map(|t| t.name.clone())
            .collect();
        // An empty name (`--all`) asks for the file's unbound names only.
        let implicated = !names.is_empty();
        names.retain(|name| !name.is_empty());
        if implicated {
            // The file is implicated: its other unbound well-known names go too.
            let known = |name: &str| MODULES.contains(&name) || WELL_KNOWN.iter().any(|(known, _)| *known == name);
            let unbound = module.unbound_names(source).unwrap_or_default();
            names.extend(unbound.into_iter().map(|(name, _)| name).filter(|name| known(name)));
        }
        names.sort_unstable();
        names.dedup();
        // Every import this file needs becomes one fix: additions to an
        // existing `from` statement in place, and all new statements in one
        // insertion (several insertions at one point could only apply one per pass).
        let mut fixes = Vec::new();
        let mut appended: Vec<(usize, Vec<String>, String)> = Vec::new();
        let mut new_from: Vec<(String, Vec<String>)> = Vec::new();
        let mut new_modules: Vec<String> = Vec::new();
        for name in names.iter().map(String::as_str).filter(|name| !module.binds(name)) {
            match origin(name, own_module.as_deref(), context) {
                Some(Origin::Module) => new_modules.push(name.to_owned()),
                Some(Origin::From(from)) => match module.from_import(&from) {
                    Some(existing) => {
                        let at = existing.names.last().map_or(existing.end, |n| n.end);
                        match appended.iter_mut().find(|(offset, _, _)| *offset == at) {
                            Some((_, list, _)) => list.push(name.to_owned()),
                            None => appended.push((at, vec![name.to_owned()], from)),
                        }
                    }
                    None => match new_from.iter_mut().find(|(module, _)| *module == from) {
                        Some((_, list)) => list.push(name.to_owned()),
                        None => new_from.push((from, vec![name.to_owned()])),
                    },
                },
                Some(Origin::Ambiguous(candidates)) => fixes.push(
                    Fix::new(self.code().id(), Applicability::DisplayOnly, Vec::new()).with_message(format!(
                        "`{name}` is defined in {}: import it from the right one",
                        candidates.join(", ")
                    )),
                ),
                None => fixes.push(
                    Fix::new(self.code().id(), Applicability::DisplayOnly, Vec::new()).with_message(format!(
                        "`{name}` is not defined in the project nor a well-known name: import or define it"
                    )),
                ),
            }
        }
        let mut edits = Vec::new();
        let mut messages = Vec::new();
        for (at, list, from) in appended {
            edits.push(Edit::insertion(at, format!(", {}", list.join(", "))));
            messages.push(format!("add `{}` to `from {from} import ...`", list.join("`, `")));
        }
        let mut lines: Vec<String> = new_modules.iter().map(|name| format!("import {name}")).collect();
        lines.extend(
            new_from
                .iter()
                .map(|(from, list)| format!("from {from} import {}", list.join(", "))),
        );
        if !lines.is_empty() {
            messages.extend(lines.iter().map(|line| format!("add `{line}`")));
            edits.push(new_import(source, module, &lines.join("\n")));
        }
        if !edits.is_empty() {
            fixes.push(Fix::new(self.code().id(), Applicability::Safe, edits).with_message(messages.join("\n")));
        }
        fixes
    }
}

#[cfg(test)]
mod tests {
    use super::undefined_name;

    #[test]
    fn reads_the_name_of_a_name_error() {
        assert_eq!(
            undefined_name("NameError: name 'Decimal' is not defined"),
            Some("Decimal")
        );
        assert_eq!(
            undefined_name("NameError: name 'x' is not defined. Did you mean: 'y'?"),
            Some("x")
        );
        assert_eq!(undefined_name("KeyError: 'name'"), None);
    }
}
