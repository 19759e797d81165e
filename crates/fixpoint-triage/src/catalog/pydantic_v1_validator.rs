//! The `pydantic-v1-validator` category: pydantic v1 validator. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-v1-validator",
    title: "Pydantic v1 validator",
    explanation: "A `@validator` or `@root_validator` written for Pydantic 1 is rejected by Pydantic 2 (`skip_on_failure`, the `field`/`config` parameters, `each_item`).",
    fix: Remedy::Fixer {
        code: FixerCode::PydanticV2,
        manual: "use @field_validator / @model_validator (mode=\"before\" for pre=True)",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("root_validator")
        || failure.says("@validator")
        || failure.says("`field` and `config` parameters")
        || (failure.says("PydanticDeprecatedSince20") && failure.says("validator"))
}
