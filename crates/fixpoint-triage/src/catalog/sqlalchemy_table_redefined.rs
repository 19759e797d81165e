//! The `sqlalchemy-table-redefined` category: sQLAlchemy table defined twice. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-table-redefined",
    title: "SQLAlchemy table defined twice",
    explanation: "Two mapped classes (or one model module imported under two names, such as `models` and `app.models`) define the same table on one MetaData. Importing the module under one name is the real fix; `extend_existing=True` only hides a true duplicate.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyExtendExisting,
        manual: "import the model module under one name only; for a true duplicate, rename or remove one table",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("is already defined for this MetaData instance")
}

/// The fix when two of the project's classes declare the table: FP001 only
/// reports that (`extend_existing` would let one class silently take the
/// other's table), so it is a person's change.
pub static TRUE_DUPLICATE_FIX: Remedy = Remedy::Manual(
    "two classes declare this table: give each its own `__tablename__`, or remove the copy (`extend_existing=True` would let one silently take over the other's table)",
);

/// The table a failure says is defined twice: `Table 'roll_logs' is already ...`.
pub fn table<'f>(failure: &'f Failure<'_>) -> Option<&'f str> {
    let line = failure
        .text
        .lines()
        .find(|line| line.contains("is already defined for this MetaData instance"))?;
    let (_, rest) = line.split_once("Table '")?;
    rest.split_once('\'').map(|(table, _)| table)
}
