//! The `sqlalchemy-classical-mapper` category: classical `mapper()`,
//! removed in SQLAlchemy 2.0. Its explanation and fix are user
//! documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-classical-mapper",
    title: "Classical `mapper()`, removed in SQLAlchemy 2.0",
    explanation: "SQLAlchemy 2.0 removed the `sqlalchemy.orm.mapper()` function: a class is mapped to a table imperatively through a registry, `registry().map_imperatively(Class, table)`.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "map the class through a registry: `registry().map_imperatively(Class, table)`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("The 'sqlalchemy.orm.mapper()' function is removed as of SQLAlchemy 2.0")
}
