//! The `sqlalchemy-connectionless` category: connectionless execution, removed in SQLAlchemy 2.0. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-connectionless",
    title: "Connectionless execution, removed in SQLAlchemy 2.0",
    explanation: "SQLAlchemy 2.0 removed `engine.execute()`, `engine.scalar()`, `engine.table_names()`, `engine.has_table()` and `statement.execute()`: a statement runs on a connection, which commits when asked.",
    fix: Remedy::Manual(
        "run it on a connection: `with engine.begin() as conn: conn.execute(...)` (and `inspect(engine).get_table_names()` for the inspection methods, which FP009 rewrites)",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    [
        "Engine",
        "Select",
        "Insert",
        "Update",
        "Delete",
        "TextClause",
        "OptionEngine",
    ]
    .iter()
    .any(|owner| {
        ["execute", "scalar", "table_names", "has_table"]
            .iter()
            .any(|method| failure.says(&format!("'{owner}' object has no attribute '{method}'")))
    })
}
