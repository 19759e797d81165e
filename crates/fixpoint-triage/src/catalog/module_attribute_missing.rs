//! The `module-attribute-missing` category: module has no such attribute. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "module-attribute-missing",
    title: "Module has no such attribute",
    explanation: "Code uses `module.name` and the module has no `name`: a function that was never written, or was renamed.",
    fix: Remedy::Fixer {
        code: FixerCode::StubMissing,
        manual: "write the function in the module, or call it by its current name",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("AttributeError") && failure.says("module '") && failure.says("has no attribute")
}
