//! The `pydantic-non-annotated` category: pydantic field without an annotation. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-non-annotated",
    title: "Pydantic field without an annotation",
    explanation: "Pydantic 2 requires every field to have a type annotation; a bare `x = 1` in a model is an error.",
    fix: Remedy::Manual("annotate the attribute (x: int = 1), or mark it ClassVar if it is not a field"),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("non-annotated attribute was detected") || failure.says("requires a type annotation")
}
