//! The `timeout` category: test ran past its timeout. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};
use fixpoint_core::Outcome;

pub static CATEGORY: Category = Category {
    id: "timeout",
    title: "Test ran past its timeout",
    explanation: "The test did not finish within `--test-timeout` and was killed with its process group. Usually an infinite loop, a wait on something that never comes (a lock, a socket, a subprocess), or a test that is simply too slow.",
    fix: Remedy::Repair {
        manual: "find the loop or the wait: the traceback of a hang is not available, so rerun the test alone with `pytest -x --full-trace` and interrupt it",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.test.outcome == Outcome::Timeout
}
