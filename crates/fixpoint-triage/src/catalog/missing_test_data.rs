//! The `missing-test-data` category: missing test data. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, Fix, ProjectIndex};

pub static CATEGORY: Category = Category {
    id: "missing-test-data",
    title: "Missing test data",
    explanation: "The test needs data that is not there: a data file that was never committed, or database rows that no fixture created.",
    fix: Fix::Manual(
        "add the data file, or create the rows in a fixture (fixpoint's test-data generator will write factories for the models)",
    ),
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("FileNotFoundError")
        || failure.exception_is("NoResultFound")
        || failure.says("No row was found")
        || failure.short_exception().ends_with("NotFound")
        || failure.short_exception().ends_with("DoesNotExist")
}
