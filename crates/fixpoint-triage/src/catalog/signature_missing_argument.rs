//! The `signature-missing-argument` category: call misses a required argument. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "signature-missing-argument",
    title: "Call misses a required argument",
    explanation: "A call does not pass an argument the function requires: the signature changed, or the call site is out of date.",
    fix: Remedy::Repair {
        manual: "update the call sites to the function's signature (or give the parameter a default)",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("TypeError") && failure.says("missing") && failure.says("required") && failure.says("argument")
}
