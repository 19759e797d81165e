//! The `sqlalchemy-select-list` category: `select([...])`: a list where SQLAlchemy 2.0 wants positional arguments. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-select-list",
    title: "`select([...])`: a list where SQLAlchemy 2.0 wants positional arguments",
    explanation: "SQLAlchemy 2.0 takes the columns of `select()` (and the whens of `case()`, the columns of `exists()` and `with_only_columns()`) as positional arguments; the 1.x list form raises `ArgumentError` where the statement is built, often in a conftest or at import, so one call can take a whole suite down.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "write `select(a, b).where(...)` for `select([a, b], ...)`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("Column expression, FROM clause, or other columns clause element expected, got [")
        || failure.says("when referring to a sequence of items, is now passed as a series of positional elements")
}
