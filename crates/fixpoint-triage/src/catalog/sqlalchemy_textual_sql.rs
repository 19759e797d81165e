//! The `sqlalchemy-textual-sql` category: a plain SQL string run where SQLAlchemy 2.0 wants `text()`. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-textual-sql",
    title: "A plain SQL string run where SQLAlchemy 2.0 wants `text()`",
    explanation: "SQLAlchemy 2.0 no longer runs a string given to `Connection.execute()` (`ObjectNotExecutableError`) or `Session.execute()` (`ArgumentError`): 1.x passed it to the driver, or wrapped it in `text()` itself.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "wrap the string in `text(...)`, or run it with `conn.exec_driver_sql(...)`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("Not an executable object") || failure.says("should be explicitly declared as text(")
}
