//! The `module-not-found` category: module not found. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "module-not-found",
    title: "Module not found",
    explanation: "An import names a module that does not exist: a package missing from the environment, or a module path that changed (a moved file, a package imported under the wrong root).",
    fix: Remedy::Manual("install the missing package into the test environment, or correct the module path"),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("ModuleNotFoundError") || failure.says("No module named ")
}
