//! The `flaky` category: flaky: failed, then passed on a rerun. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};
use fixpoint_core::Outcome;

pub static CATEGORY: Category = Category {
    id: "flaky",
    title: "Flaky: failed, then passed on a rerun",
    explanation: "The test's outcome does not depend on the code alone: unseeded randomness, time, ordering between tests, shared state, or the network.",
    fix: Remedy::Manual(
        "seed the randomness, freeze time or isolate the shared state; `fixpoint flaky` shows how often it flips",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.test.outcome == Outcome::Flaky
}
