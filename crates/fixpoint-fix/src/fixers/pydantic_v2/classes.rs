//! The model classes' bases: `BaseSettings` from `pydantic_settings`,
//! `GenericModel` → `BaseModel`, `__root__` models → `RootModel`.

use fixpoint_python::ModuleSummary;
use fixpoint_python::ast::{Expr, Stmt, StmtClassDef};
use fixpoint_python::text_size::Ranged;

use super::super::lines::{line_end, line_start};
use super::Work;
use crate::{Applicability, Edit};

/// `from pydantic import BaseSettings` → `pydantic_settings`; `GenericModel`
/// (from `pydantic` or `pydantic.generics`) → `BaseModel`: the import lines.
pub(super) fn move_imports(work: &mut Work<'_>, module: &ModuleSummary) {
    for import in module.imports.iter().filter(|i| i.level == 0) {
        let from = import.from.as_deref();
        let is_moved = |name: &str| {
            (from == Some("pydantic") && name == "BaseSettings")
                || (matches!(from, Some("pydantic" | "pydantic.generics")) && name == "GenericModel")
        };
        let moved: Vec<&str> = import
            .names
            .iter()
            .filter(|n| n.asname.is_none() && is_moved(&n.name))
            .map(|n| n.name.as_str())
            .collect();
        if moved.is_empty() {
            continue;
        }
        let kept: Vec<String> = import
            .names
            .iter()
            .filter(|n| n.asname.is_some() || !is_moved(&n.name))
            .map(|n| {
                n.asname
                    .as_ref()
                    .map_or_else(|| n.name.clone(), |a| format!("{} as {a}", n.name))
            })
            .collect();
        let start = line_start(work.source, import.start);
        let end = line_end(work.source, import.end);
        let mut text = if kept.is_empty() {
            String::new()
        } else {
            format!("from {} import {}\n", from.unwrap_or_default(), kept.join(", "))
        };
        let mut messages = Vec::new();
        if moved.contains(&"BaseSettings") {
            text.push_str("from pydantic_settings import BaseSettings\n");
            messages.push("import BaseSettings from pydantic_settings (it left pydantic in v2)".to_owned());
        }
        if moved.contains(&"GenericModel") {
            if !module.binds("BaseModel") && !kept.iter().any(|k| k == "BaseModel") {
                text.push_str("from pydantic import BaseModel\n");
            }
            messages.push("GenericModel is gone in v2: a generic model is BaseModel + Generic[T]".to_owned());
        }
        work.push(
            Applicability::Safe,
            vec![Edit::replacement(start, end, text)],
            messages.join("\n"),
        );
    }
}

/// `class Page(GenericModel, Generic[T])` → `class Page(BaseModel, Generic[T])`.
pub(super) fn rename_generic_base(work: &mut Work<'_>, class: &StmtClassDef) {
    let Some(arguments) = &class.arguments else { return };
    for base in &arguments.args {
        if let Expr::Name(name) = base
            && name.id.as_str() == "GenericModel"
        {
            work.push(
                Applicability::Safe,
                vec![Edit::replacement(
                    name.range.start().to_usize(),
                    name.range.end().to_usize(),
                    "BaseModel",
                )],
                format!("`{}`: GenericModel → BaseModel", class.name.as_str()),
            );
        }
    }
}

/// `class Tags(BaseModel): __root__: list[str]` → `class Tags(RootModel): root: list[str]`.
pub(super) fn convert_root_model(work: &mut Work<'_>, class: &StmtClassDef) {
    let root = class.body.iter().find_map(|member| match member {
        Stmt::AnnAssign(assign) if matches!(assign.target.as_ref(), Expr::Name(n) if n.id.as_str() == "__root__") => {
            Some(assign)
        }
        _ => None,
    });
    let (Some(root), Some(arguments)) = (root, &class.arguments) else {
        return;
    };
    let Some(Expr::Name(base)) = arguments
        .args
        .iter()
        .find(|b| matches!(b, Expr::Name(n) if n.id.as_str() == "BaseModel"))
    else {
        work.report(format!(
            "`{}` is a __root__ model on another base: make it a RootModel by hand",
            class.name.as_str()
        ));
        return;
    };
    let mut edits = vec![
        Edit::replacement(base.range.start().to_usize(), base.range.end().to_usize(), "RootModel"),
        Edit::replacement(
            root.target.range().start().to_usize(),
            root.target.range().end().to_usize(),
            "root",
        ),
    ];
    // `.__root__` in this module becomes `.root`.
    let mut at = 0;
    while let Some(found) = work.source[at..].find(".__root__") {
        let start = at + found + 1;
        edits.push(Edit::replacement(start, start + "__root__".len(), "root"));
        at = start + "__root__".len();
    }
    work.imports.insert(("pydantic", "RootModel"));
    // Other modules may still pass `__root__=` or read `.__root__`: unsafe.
    work.push(
        Applicability::Unsafe,
        edits,
        format!("`{}`: __root__ model → RootModel", class.name.as_str()),
    );
}
