//! The `sqlalchemy-bound-metadata` category: bound metadata, removed in SQLAlchemy 2.0. Its
//! explanation and fix are user documentation: `docs/categories.md` is
//! generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "sqlalchemy-bound-metadata",
    title: "Bound metadata, removed in SQLAlchemy 2.0",
    explanation: "SQLAlchemy 2.0 has no `MetaData(bind=engine)` or `declarative_base(bind=engine)`, reads `MetaData(engine)` as a schema name, and wants the engine given to `create_all()`, `drop_all()` and `reflect()`.",
    fix: Remedy::Fixer {
        code: FixerCode::SqlalchemyV2,
        manual: "create the `MetaData()` without a bind and pass the engine to `create_all(engine)`, `drop_all(engine)`, `reflect(engine)` and `Table(..., autoload_with=engine)`",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("got an unexpected keyword argument 'bind'")
        || failure.says("expected schema argument to be a string, got <class 'sqlalchemy.engine")
        || ["create_all()", "drop_all()", "reflect()"]
            .iter()
            .any(|method| failure.says(&format!("{method} missing 1 required positional argument: 'bind'")))
}
