//! The `sqlalchemy-removed-name` category: a name SQLAlchemy 2.0 removed. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-removed-name",
    title: "A name SQLAlchemy 2.0 removed",
    explanation: "SQLAlchemy 2.0 removed the old names `relation` (now `relationship`), `eagerload` (`joinedload`) and `Binary` (`LargeBinary`).",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "use the name it stood for: `relationship`, `joinedload`, `LargeBinary`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    ["relation", "eagerload", "Binary"].iter().any(|name| {
        failure.says(&format!("cannot import name '{name}' from 'sqlalchemy"))
            || (failure.says("module 'sqlalchemy") && failure.says(&format!("has no attribute '{name}'")))
    })
}
