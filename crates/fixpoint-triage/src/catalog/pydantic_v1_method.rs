//! The `pydantic-v1-method` category: pydantic v1 model method. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-v1-method",
    title: "Pydantic v1 model method",
    explanation: "Code calls a Pydantic 1 model method (`.dict()`, `.json()`, `.parse_obj()`, `.from_orm()`, ...) that Pydantic 2 deprecates or changed (`.json(indent=2)` no longer takes dumps keywords).",
    fix: Remedy::Fixer {
        code: FixerCode::PydanticV2,
        manual: ".dict() -> .model_dump(), .json() -> .model_dump_json(), .parse_obj() -> .model_validate(), .from_orm() -> .model_validate(); .update_forward_refs(**localns) -> .model_rebuild(_types_namespace=localns), by hand",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    (failure.says("PydanticDeprecatedSince20")
        && (failure.says("method is deprecated") || failure.says("`__fields__` attribute is deprecated")))
        || failure.says("`dumps_kwargs` keyword arguments are no longer supported")
        // `Model.update_forward_refs(**localns)` under Pydantic 2 (sic: "not longer").
        || failure.says("`localns` arguments are not longer accepted")
}
