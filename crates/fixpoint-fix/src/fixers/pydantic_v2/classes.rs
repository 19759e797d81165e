//! The model classes' bases: `GenericModel` → `BaseModel`, `__root__`
//! models → `RootModel` (their imports move in [`super::imports`]).

use fixpoint_python::ast::{Expr, Stmt, StmtClassDef};
use fixpoint_python::text_size::Ranged;

use super::Work;
use crate::{Applicability, Edit};

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
