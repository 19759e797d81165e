//! The `name-error` category: name not defined. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "name-error",
    title: "Name not defined",
    explanation: "A name is used but never defined or imported in that module: usually a missing import.",
    fix: Remedy::Fixer {
        code: FixerCode::MissingImport,
        manual: "import the name in the module that uses it",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("NameError")
}
