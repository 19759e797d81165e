//! The `not-implemented` category: not implemented yet. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "not-implemented",
    title: "Not implemented yet",
    explanation: "The code path raises `NotImplementedError`: a stub that was never written.",
    fix: Remedy::Repair {
        manual: "implement the function",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("NotImplementedError")
}
