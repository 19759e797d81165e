//! The `fixture-not-found` category: missing fixture. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "fixture-not-found",
    title: "Missing fixture",
    explanation: "The test asks for a fixture that no conftest.py or plugin defines: a typo, a fixture that was renamed, or test data that was never written.",
    fix: Remedy::Fixer {
        code: FixerCode::TestdataFixture,
        manual: "define the fixture in the nearest conftest.py (or fix its name: pytest lists the available ones in the traceback); a fixture named after a model (`campaign`, `campaign_factory`) is generated from the model by FP008",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.says("fixture '") && failure.says("' not found")
}
