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
    let longrepr = failure.test.longrepr.as_deref().unwrap_or_default();
    failure.says("Could not locate column in row for column")
        // Raised in SQLAlchemy's row code (`resultproxy.pyx`, `_py_row.py`),
        // which a plain tuple indexed by a name never reaches.
        || (failure.says("tuple indices must be integers or slices, not str") && longrepr.contains("sqlalchemy"))
        // `dict(row)` fails in `dict` itself: the code around it shows the row.
        || (failure.says("cannot convert dictionary update sequence element") && reads_a_row(longrepr))
}

/// Whether the failing code reads a result row.
fn reads_a_row(longrepr: &str) -> bool {
    [
        "sqlalchemy",
        ".execute(",
        ".fetchone()",
        ".fetchall()",
        ".first()",
        ".one()",
    ]
    .iter()
    .any(|needle| longrepr.contains(needle))
}
