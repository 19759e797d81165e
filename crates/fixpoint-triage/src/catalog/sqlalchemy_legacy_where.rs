//! The `sqlalchemy-legacy-where` category: `table.select(whereclause)` and friends with positional arguments. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-legacy-where",
    title: "`table.select(whereclause)` and friends with positional arguments",
    explanation: "SQLAlchemy 2.0's `Table.select()`, `update()`, `delete()` and `insert()` take no positional arguments: the criteria go to `.where(...)`, the values to `.values(...)`.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "write `table.select().where(...)`, `table.update().where(...).values(...)`, `table.insert().values(...)`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    [
        "FromClause.select()",
        "TableClause.insert()",
        "TableClause.update()",
        "TableClause.delete()",
    ]
    .iter()
    .any(|method| failure.says(&format!("{method} takes 1 positional argument")))
}
