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

fn matches(failure: &Failure<'_>, project: &ProjectIndex) -> bool {
    failure.says("Could not locate column in row for column")
        // Raised in SQLAlchemy's row code (`resultproxy.pyx`, `_py_row.py`),
        // which a plain tuple indexed by a name never reaches.
        || (failure.says("tuple indices must be integers or slices, not str") && in_sqlalchemy(failure))
        // `dict(row)` fails in `dict` itself: the file it fails in uses no
        // driver of its own, and imports SQLAlchemy or shows its objects
        // (pytest prints a test's arguments: `conn = <sqlalchemy.engine...>`).
        || (failure.says("cannot convert dictionary update sequence element")
            && failure
                .frames
                .iter()
                .rev()
                .find(|frame| frame.is_project() && !in_library(&frame.path))
                .is_some_and(|frame| {
                    !project.uses_a_driver(&frame.path)
                        && (project.uses_sqlalchemy(&frame.path)
                            || failure.test.longrepr.as_deref().unwrap_or_default().contains("<sqlalchemy."))
                }))
}

/// A frame of SQLAlchemy's own code: in its installed package, or its
/// compiled extension (which pytest prints as `lib/sqlalchemy/...pyx`).
fn in_library(path: &str) -> bool {
    let compiled = std::path::Path::new(path)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("pyx"));
    path.contains("sqlalchemy/") && (path.contains("site-packages/") || compiled)
}

/// The failure was raised in SQLAlchemy's code, or passed through it.
fn in_sqlalchemy(failure: &Failure<'_>) -> bool {
    failure.test.crash.as_ref().is_some_and(|crash| in_library(&crash.path))
        || failure.frames.iter().any(|frame| in_library(&frame.path))
}
