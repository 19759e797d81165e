//! The `pydantic-validation-error` category: pydantic validation error. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-validation-error",
    title: "Pydantic validation error",
    explanation: "Data given to a model does not validate: a missing or mistyped field in the test's data or in the code that builds it.",
    fix: Remedy::Repair {
        manual: "compare the data with the model: the error lists each field that failed and why",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("ValidationError")
        && (failure.exception.contains("pydantic") || failure.says("validation error for "))
}
