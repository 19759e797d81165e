//! The `slow` category: a test over `slow-test-seconds`. Not a failure: it is
//! flagged beside the failures (`Triage::over_limits`), never given to one,
//! and documented here with the others (`docs/categories.md`).

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "slow",
    title: "Test slower than slow-test-seconds",
    explanation: "The test took longer than `slow-test-seconds` in `[tool.fixpoint]` (setup, call and teardown together). Flagged whatever its outcome, beside the failures: a slow test is not a broken one, but a suite of them is one nobody runs. Often a real network call, a `sleep`, a fixture with a wider scope than it needs, or a data set larger than the test needs.",
    fix: Remedy::Manual(
        "see where the time goes with `fixpoint slow` and `pytest --durations=0`; narrow fixtures, fake the network or the clock, shrink the data, or mark the test (`@pytest.mark.slow`) and keep it out of the quick run with `-m \"not slow\"`",
    ),
    matches,
};

/// Never a failure's category: see the module docs.
fn matches(_failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    false
}
