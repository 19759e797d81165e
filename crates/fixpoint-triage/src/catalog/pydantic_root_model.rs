//! The `pydantic-root-model` category: pydantic __root__ model. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-root-model",
    title: "Pydantic __root__ model",
    explanation: "Pydantic 2 dropped custom root types declared with `__root__`; they are `RootModel` now.",
    fix: Remedy::Fixer {
        code: FixerCode::PydanticV2,
        manual: "subclass RootModel[T] and use .root instead of __root__",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("__root__")
}
