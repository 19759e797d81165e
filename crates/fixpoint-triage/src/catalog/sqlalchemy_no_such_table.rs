//! The `sqlalchemy-no-such-table` category: table missing in the test database. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-no-such-table",
    title: "Table missing in the test database",
    explanation: "The test database has no such table: `Base.metadata.create_all()` never ran for it, ran on another engine, or the model was not imported before it ran.",
    fix: Remedy::Manual(
        "create the tables in the session fixture (Base.metadata.create_all(engine)) after importing every model",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("no such table")
        || (failure.says("relation \"") && failure.says("does not exist"))
        || failure.says("UndefinedTable")
}
