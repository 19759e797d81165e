//! The `fixture-error` category: error in a fixture. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};
use fixpoint_core::Phase;

pub static CATEGORY: Category = Category {
    id: "fixture-error",
    title: "Error in a fixture",
    explanation: "A fixture raised during setup or teardown, so the test never ran (or did not clean up): a resource it needs is missing or broken.",
    fix: Remedy::Manual("fix the fixture: the traceback shows where in setup or teardown it failed"),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    matches!(failure.test.phase, Some(Phase::Setup | Phase::Teardown))
}
