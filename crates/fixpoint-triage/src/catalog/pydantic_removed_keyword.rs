//! The `pydantic-removed-keyword` category: pydantic Field keyword removed in v2. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "pydantic-removed-keyword",
    title: "Pydantic Field keyword removed in v2",
    explanation: "`Field(regex=...)`, `const=`, `min_items=`/`max_items=` and similar keywords were removed or renamed in Pydantic 2.",
    fix: Remedy::Fixer {
        code: FixerCode::PydanticV2,
        manual: "regex -> pattern, min_items/max_items -> min_length/max_length, const -> Literal",
    },
    matches,
};

/// Keywords Pydantic 2 dropped: as a `TypeError` from `conlist(min_items=)` and friends.
const REMOVED: [&str; 6] = [
    "min_items",
    "max_items",
    "unique_items",
    "regex",
    "const",
    "allow_mutation",
];

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    let dropped_keyword = failure.says("got an unexpected keyword argument")
        && REMOVED
            .iter()
            .any(|keyword| failure.says(&format!("argument '{keyword}'")));
    [
        "`regex` is removed",
        "`const` is removed",
        "`min_items` is",
        "`max_items` is",
        "`unique_items` is removed",
        "`allow_mutation` is",
    ]
    .iter()
    .any(|needle| failure.says(needle))
        || dropped_keyword
}
