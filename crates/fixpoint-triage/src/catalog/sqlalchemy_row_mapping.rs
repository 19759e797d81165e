//! The `sqlalchemy-row-mapping` category: a `Row` used as a mapping. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-row-mapping",
    title: "A `Row` used as a mapping",
    explanation: "In SQLAlchemy 2.0 a result row is a named tuple: `row[\"name\"]`, `row.keys()` and `dict(row)` go through its mapping view, `row._mapping`.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "read the row through `row._mapping` (`row._mapping[\"name\"]`, `dict(row._mapping)`)",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("Could not locate column in row for column")
        || (failure.says("tuple indices must be integers or slices, not str") && reads_a_row(failure))
        || (failure.says("cannot convert dictionary update sequence element") && reads_a_row(failure))
}

/// Whether the failing code reads a result row: a plain tuple indexed by a
/// string raises the same error, so the traceback must show SQLAlchemy.
fn reads_a_row(failure: &Failure<'_>) -> bool {
    let longrepr = failure.test.longrepr.as_deref().unwrap_or_default();
    [
        "sqlalchemy",
        ".execute(",
        ".fetchone()",
        ".fetchall()",
        ".first()",
        "row",
    ]
    .iter()
    .any(|needle| longrepr.contains(needle))
}
