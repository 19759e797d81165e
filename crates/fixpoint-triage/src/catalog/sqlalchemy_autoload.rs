//! The `sqlalchemy-autoload` category: `Table(..., autoload=True)`, refused by SQLAlchemy 2.0. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-autoload",
    title: "`Table(..., autoload=True)`, refused by SQLAlchemy 2.0",
    explanation: "SQLAlchemy 2.0 reflects a table when it is given `autoload_with=engine` and refuses the `autoload` keyword.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "write `Table(name, metadata, autoload_with=engine)`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("got 'autoload'")
}
