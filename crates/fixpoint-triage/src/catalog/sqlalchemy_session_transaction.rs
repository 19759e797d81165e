//! The `sqlalchemy-session-transaction` category: `session.transaction`,
//! removed in SQLAlchemy 2.0. Its explanation and fix are user
//! documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-session-transaction",
    title: "`session.transaction`, removed in SQLAlchemy 2.0",
    explanation: "SQLAlchemy 2.0 removed `Session.transaction`: the current transaction is `session.get_transaction()` (and the nested one `session.get_nested_transaction()`).",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "read the transaction with `session.get_transaction()`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("'Session' object has no attribute 'transaction'")
}
