//! The `memory-hungry` category: a test whose worker's peak resident memory
//! passed `memory-limit-mb`. Not a failure: it is flagged beside the failures
//! (`Triage::over_limits`), never given to one.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "memory-hungry",
    title: "Test over memory-limit-mb",
    explanation: "The peak resident memory of the pytest process while the test ran passed `memory-limit-mb` in `[tool.fixpoint]`. The peak counts the whole worker (the interpreter and everything imported), so the limit is best set well above a trivial test's peak (`fixpoint slow` shows both). Usually a data set read whole, a cache that grows across tests, or a fixture that builds more than the test needs; on CI such a test is the one the out-of-memory killer takes.",
    fix: Remedy::Manual(
        "run the test alone and watch its memory (`fixpoint test NODEID` shows its peak across runs); stream the data instead of reading it whole, shrink the fixture, or free the cache in teardown",
    ),
    matches,
};

/// Never a failure's category: see the module docs.
fn matches(_failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    false
}
