//! The `sqlalchemy-mapper-init` category: sQLAlchemy mappers failed to configure. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-mapper-init",
    title: "SQLAlchemy mappers failed to configure",
    explanation: "Configuring the mappers failed: a relationship names a class that is not imported or does not exist, or a join condition cannot be worked out.",
    fix: Remedy::Manual(
        "import every model module before the first query, and check the class names in relationship() strings",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("failed to locate a name")
        || failure.says("One or more mappers failed to initialize")
        || failure.says("Could not determine join condition")
        || failure.says("could not assemble any primary key columns")
}
