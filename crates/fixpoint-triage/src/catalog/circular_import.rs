//! The `circular-import` category: circular import. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "circular-import",
    title: "Circular import",
    explanation: "Two modules import each other, and one of them is used before it has finished importing (`partially initialized module`). Often one of the imports is only needed for type annotations.",
    fix: Remedy::Fixer {
        code: FixerCode::TypeCheckingImport,
        manual: "move the import that is only used in annotations under `if TYPE_CHECKING:`, or import inside the function that needs it",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("partially initialized module") || failure.says("(most likely due to a circular import)")
}
