//! The `pydantic-not-fully-defined` category: pydantic model not fully defined. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-not-fully-defined",
    title: "Pydantic model not fully defined",
    explanation: "A model refers to a type that was not defined when the model was built (a forward reference).",
    fix: Remedy::Manual("define or import the referenced type, then call Model.model_rebuild()"),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("is not fully defined")
}
