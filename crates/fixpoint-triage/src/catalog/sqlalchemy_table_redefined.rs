//! The `sqlalchemy-table-redefined` category: sQLAlchemy table defined twice. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, Fix, ProjectIndex};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-table-redefined",
    title: "SQLAlchemy table defined twice",
    explanation: "Two mapped classes (or one model module imported under two names, such as `models` and `app.models`) define the same table on one MetaData. Importing the module under one name is the real fix; `extend_existing=True` only hides a true duplicate.",
    fix: Fix::Fixer {
        code: "FP001",
        name: "sqlalchemy-extend-existing",
        manual: "import the model module under one name only; for a true duplicate, rename or remove one table",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("is already defined for this MetaData instance")
}
