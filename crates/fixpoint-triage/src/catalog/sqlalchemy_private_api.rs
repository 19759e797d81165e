//! The `sqlalchemy-private-api` category: code built on SQLAlchemy's
//! internals. Its explanation and fix are user documentation:
//! `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-private-api",
    title: "Code built on SQLAlchemy's private API",
    explanation: "The code relies on SQLAlchemy internals that 2.0 changed or removed (`sqlalchemy.__all__`, `AttributeImpl`, underscore names of its modules): no rule can rewrite them, the code has to be moved to the public API.",
    fix: Remedy::Repair {
        manual: "move the code to SQLAlchemy's public API (`fixpoint repair` can try, verified by the tests)",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    let from_sqlalchemy = failure.says("module 'sqlalchemy") || failure.says("from 'sqlalchemy");
    (from_sqlalchemy && (failure.says("has no attribute '_") || failure.says("cannot import name '_")))
        || failure.says("AttributeImpl.__init__()")
}
