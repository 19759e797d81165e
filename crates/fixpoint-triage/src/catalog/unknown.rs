//! The `unknown` category: other failures. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "unknown",
    title: "Other failures",
    explanation: "None of the known categories matched; the traceback has the details.",
    fix: Remedy::Repair {
        manual: "read the traceback",
    },
    matches,
};

fn matches(_failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    true
}
