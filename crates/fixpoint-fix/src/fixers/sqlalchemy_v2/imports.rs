//! Names that moved or were renamed: `sqlalchemy.ext.declarative`'s
//! declarative API now in `sqlalchemy.orm`, and `relation`, `eagerload`,
//! `Binary`, which 2.0 removed in favour of the names they stood for.

use fixpoint_python::ast::{Stmt, StmtImportFrom};
use fixpoint_python::text_size::Ranged;

use super::Work;
use crate::{Applicability, Edit};

/// What `sqlalchemy.ext.declarative` re-exported from `sqlalchemy.orm`
/// (1.4 and 2.0 have them there; 2.0 warns on the old path).
const DECLARATIVE: &[&str] = &[
    "declarative_base",
    "declared_attr",
    "as_declarative",
    "DeclarativeMeta",
    "synonym_for",
    "has_inherited_table",
];

/// Removed names: (module, old, new).
const RENAMED: &[(&str, &str, &str)] = &[
    ("sqlalchemy.orm", "relation", "relationship"),
    ("sqlalchemy.orm", "eagerload", "joinedload"),
    ("sqlalchemy", "Binary", "LargeBinary"),
    ("sqlalchemy.types", "Binary", "LargeBinary"),
];

pub(super) fn move_names(work: &mut Work<'_>, suite: &[Stmt]) {
    let imports = super::super::statements::statements(suite, |statement| match statement {
        Stmt::ImportFrom(import) => Some(import),
        _ => None,
    });
    for import in imports {
        match super::super::statements::absolute_module(import) {
            Some("sqlalchemy.ext.declarative") => move_declarative(work, import),
            Some(module) => rename_imported(work, import, module),
            None => {}
        }
    }
    rename_attributes(work, suite);
}

/// `from sqlalchemy.ext.declarative import declarative_base` → `from sqlalchemy.orm import ...`.
fn move_declarative(work: &mut Work<'_>, import: &StmtImportFrom) {
    let (moved, kept): (Vec<_>, Vec<_>) = import
        .names
        .iter()
        .partition(|alias| DECLARATIVE.contains(&alias.name.as_str()));
    if moved.is_empty() {
        return;
    }
    let Some(module) = import.module.as_ref() else { return };
    let names = |aliases: &[&fixpoint_python::ast::Alias]| {
        aliases
            .iter()
            .map(|alias| work.text(alias.range()).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (edit, message) = if kept.is_empty() {
        (
            Edit::replacement(module.start().to_usize(), module.end().to_usize(), "sqlalchemy.orm"),
            format!(
                "`from sqlalchemy.ext.declarative import {}` → `from sqlalchemy.orm import ...`: the declarative API moved",
                names(&moved)
            ),
        )
    } else {
        let statement = work.text(import.range());
        if statement.contains('\n') || statement.contains('#') {
            return work.report(
                import.start().to_usize(),
                format!(
                    "import {} from `sqlalchemy.orm`, where the declarative API moved",
                    names(&moved)
                ),
            );
        }
        let indent = indentation(work.source, import.start().to_usize());
        (
            Edit::replacement(
                import.start().to_usize(),
                import.end().to_usize(),
                format!(
                    "from sqlalchemy.orm import {}\n{indent}from sqlalchemy.ext.declarative import {}",
                    names(&moved),
                    names(&kept)
                ),
            ),
            format!("`{}` moved to `sqlalchemy.orm`: imported from there", names(&moved)),
        )
    };
    work.push(Applicability::Safe, vec![edit], message, Vec::new());
}

/// The whitespace before a statement on its line.
fn indentation(source: &str, at: usize) -> &str {
    let line_start = source[..at].rfind('\n').map_or(0, |n| n + 1);
    &source[line_start..at]
}

/// `from sqlalchemy.orm import relation` → `from sqlalchemy.orm import
/// relationship as relation`: the module's uses stay as they are.
fn rename_imported(work: &mut Work<'_>, import: &StmtImportFrom, module: &str) {
    for alias in &import.names {
        let Some((_, old, new)) = RENAMED
            .iter()
            .find(|(from, old, _)| *from == module && alias.name.as_str() == *old)
        else {
            continue;
        };
        let name = &alias.name;
        let replacement = if alias.asname.is_some() {
            (*new).to_owned()
        } else {
            format!("{new} as {old}")
        };
        work.push(
            Applicability::Safe,
            vec![Edit::replacement(
                name.start().to_usize(),
                name.end().to_usize(),
                replacement,
            )],
            format!("`{old}` is gone in 2.0: imported as `{new}`, the name it stood for"),
            Vec::new(),
        );
    }
}

/// `orm.relation(...)`, `sa.Binary` → `orm.relationship(...)`, `sa.LargeBinary`.
fn rename_attributes(work: &mut Work<'_>, suite: &[Stmt]) {
    for attribute in super::attributes_in(suite) {
        let Some((_, old, new)) = RENAMED.iter().find(|(_, old, _)| attribute.attr.as_str() == *old) else {
            continue;
        };
        if !work.names.is_module(&attribute.value) {
            continue;
        }
        let name = &attribute.attr;
        work.push(
            Applicability::Safe,
            vec![Edit::replacement(name.start().to_usize(), name.end().to_usize(), *new)],
            format!("`.{old}` is gone in 2.0: `.{new}`, the name it stood for"),
            Vec::new(),
        );
    }
}
