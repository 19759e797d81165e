//! The `pydantic-settings-moved` category: baseSettings moved to pydantic-settings. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-settings-moved",
    title: "BaseSettings moved to pydantic-settings",
    explanation: "Pydantic 2 moved `BaseSettings` to the separate `pydantic-settings` package.",
    fix: Remedy::Fixer {
        code: FixerCode::PydanticV2,
        manual: "add pydantic-settings and import BaseSettings from pydantic_settings",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("pydantic-settings") && failure.says("BaseSettings")
}
