//! The `sqlalchemy-mapper-redefined` category: sQLAlchemy class mapped twice. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-mapper-redefined",
    title: "SQLAlchemy class mapped twice",
    explanation: "A class was mapped a second time (`already has a primary mapper defined`), typically by running the mapping code twice.",
    fix: Remedy::Manual("map each class once: remove the second mapping or the second import path"),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("already has a primary mapper defined")
}
