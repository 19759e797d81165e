//! The `assertion` category: assertion failed. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "assertion",
    title: "Assertion failed",
    explanation: "The code ran and gave a wrong result: a logic bug in the code under test (or a wrong expectation in the test).",
    fix: Remedy::Repair {
        manual: "read the compared values, fix the logic",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("AssertionError") || failure.says("DID NOT RAISE") || failure.says("[XPASS(strict)]")
}
