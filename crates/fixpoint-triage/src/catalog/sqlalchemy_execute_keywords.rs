//! The `sqlalchemy-execute-keywords` category: statement parameters passed as keywords. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-execute-keywords",
    title: "Statement parameters passed as keywords",
    explanation: "SQLAlchemy 2.0's `execute()` takes a statement's parameters as one dictionary (or a list of them), not as keyword arguments.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "pass the parameters as a dictionary: `conn.execute(stmt, {\"name\": value})`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("Connection.execute() got an unexpected keyword argument")
        || failure.says("Session.execute() got an unexpected keyword argument")
}
