//! The `signature-unexpected-keyword` category: call passes an unknown keyword. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "signature-unexpected-keyword",
    title: "Call passes an unknown keyword",
    explanation: "A call passes a keyword argument the function does not take: the parameter was renamed or removed.",
    fix: Remedy::Repair {
        manual: "rename the keyword at the call site, or add the parameter to the function",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("TypeError") && failure.says("got an unexpected keyword argument")
}
