//! The `sqlalchemy-autocommit` category: `autocommit=True`, removed in SQLAlchemy 2.0. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-autocommit",
    title: "`autocommit=True`, removed in SQLAlchemy 2.0",
    explanation: "SQLAlchemy 2.0 removed autocommit mode from sessions and connections: a session always works in a transaction that the code commits.",
    fix: Remedy::Manual(
        "drop `autocommit=True` and commit where the code relied on it (`session.commit()`, or `with session.begin():`)",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("autocommit=True is no longer supported")
}
