//! The `pydantic-v1-config` category: pydantic v1 class Config. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy, v1_config_model};

pub static CATEGORY: Category = Category {
    id: "pydantic-v1-config",
    title: "Pydantic v1 class Config",
    explanation: "A model still configures itself with a Pydantic 1 `class Config`. Pydantic 2 ignores renamed keys with a warning (`orm_mode`, `allow_population_by_field_name`, `schema_extra`), so the failure shows up later as a validation error or a missing schema example.",
    fix: Remedy::Fixer {
        code: FixerCode::PydanticV2,
        manual: "replace class Config with model_config = ConfigDict(...) and the v2 key names (orm_mode -> from_attributes, allow_population_by_field_name -> populate_by_name, schema_extra -> json_schema_extra)",
    },
    matches,
};

fn matches(failure: &Failure<'_>, project: &ProjectIndex) -> bool {
    failure.says("\"Config\" and \"model_config\" cannot be used together")
        || failure.says("Valid config keys have changed in V2")
        || failure.says("from_attributes=True")
        || failure.says("class-based `config` is deprecated")
        || v1_config_model(failure, project)
}
