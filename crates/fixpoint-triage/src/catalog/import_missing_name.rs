//! The `import-missing-name` category: name missing from a module. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "import-missing-name",
    title: "Name missing from a module",
    explanation: "`from M import X` fails because M has no X: the function or class was never written, was renamed, or lives elsewhere.",
    fix: Remedy::Fixer {
        code: FixerCode::StubMissing,
        manual: "write the missing function or class in the module it is imported from (or import it from where it lives now)",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("ImportError") && failure.says("cannot import name")
}
