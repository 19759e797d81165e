//! The `crashed` category: the interpreter died in the test. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};
use fixpoint_core::Outcome;

pub static CATEGORY: Category = Category {
    id: "crashed",
    title: "The interpreter died in the test",
    explanation: "The Python process ended while the test ran: a segfault in a C extension, `os._exit`, or the kernel's out-of-memory killer. pytest's fault handler output, when there is one, is the traceback.",
    fix: Remedy::Manual(
        "read the fault handler stack in the traceback; a crash in a C extension usually needs a version change or a guard around the call",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.test.outcome == Outcome::Crashed
}
