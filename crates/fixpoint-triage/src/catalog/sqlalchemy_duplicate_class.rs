//! The `sqlalchemy-duplicate-class` category: sQLAlchemy class registered twice. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-duplicate-class",
    title: "SQLAlchemy class registered twice",
    explanation: "A relationship names a class by string, and the declarative registry holds two classes of that name: usually one model module imported under two names.",
    fix: Remedy::Manual(
        "import the model module under one name only, or use the class's full module path in relationship()",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("Multiple classes found for path")
}
