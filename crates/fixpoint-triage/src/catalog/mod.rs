//! The catalog of failure categories, one per file. Order is precedence: the
//! first category whose matcher accepts a failure is its category, so the
//! specific ones (a fixture that is missing, a table defined twice) come
//! before the general ones (an error in a fixture, an assertion) and
//! `unknown` is last.

mod assertion;
mod circular_import;
mod crashed;
mod dependency_drift;
pub use dependency_drift::{Package, installed};
mod fixture_error;
mod fixture_not_found;
mod flaky;
mod import_missing_name;
pub(crate) mod memory_hungry;
mod missing_test_data;
pub use missing_test_data::missing_data_path;
mod module_attribute_missing;
mod module_not_found;
mod name_error;
mod not_implemented;
mod object_attribute_missing;
mod pydantic_non_annotated;
mod pydantic_not_fully_defined;
mod pydantic_removed_keyword;
mod pydantic_root_model;
mod pydantic_settings_moved;
mod pydantic_v1_config;
mod pydantic_v1_method;
mod pydantic_v1_validator;
mod pydantic_validation_error;
mod signature_missing_argument;
mod signature_unexpected_keyword;
pub(crate) mod slow;
mod sqlalchemy_autocommit;
mod sqlalchemy_autoload;
mod sqlalchemy_bound_metadata;
mod sqlalchemy_classical_mapper;
mod sqlalchemy_connectionless;
mod sqlalchemy_duplicate_class;
mod sqlalchemy_execute_keywords;
mod sqlalchemy_legacy_where;
mod sqlalchemy_mapper_init;
mod sqlalchemy_mapper_redefined;
mod sqlalchemy_no_such_table;
mod sqlalchemy_private_api;
mod sqlalchemy_removed_name;
mod sqlalchemy_row_mapping;
mod sqlalchemy_select_list;
mod sqlalchemy_session_transaction;
mod sqlalchemy_table_redefined;
mod sqlalchemy_textual_sql;
mod timeout;
mod unknown;

use fixpoint_core::FixerCode;

pub use crate::failure::Failure;
pub use crate::project::{ProjectIndex, v1_config_model};

/// A kind of failure with a known cause and a known way out.
pub struct Category {
    /// Stable id, e.g. `sqlalchemy-table-redefined`.
    pub id: &'static str,
    pub title: &'static str,
    /// The cause, in the words a developer would use.
    pub explanation: &'static str,
    pub fix: Remedy,
    pub matches: fn(&Failure<'_>, &ProjectIndex) -> bool,
}

/// What makes a category's failures go away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// A batch fix (codemod) of the fixer registry, and the manual step it automates.
    Fixer { code: FixerCode, manual: &'static str },
    /// Needs a real code change: the LLM repair loop, or a person.
    Repair { manual: &'static str },
    /// A step only a person can take.
    Manual(&'static str),
    /// `fixpoint migrate LIBRARY`: the code moved to the installed version.
    Migrate {
        library: &'static str,
        manual: &'static str,
    },
}

/// Every category, in precedence order; `unknown` takes every failure the
/// ones before it leave.
pub static CATALOG: &[&Category] = &[
    &timeout::CATEGORY,
    &crashed::CATEGORY,
    &flaky::CATEGORY,
    &fixture_not_found::CATEGORY,
    &circular_import::CATEGORY,
    &module_not_found::CATEGORY,
    &sqlalchemy_select_list::CATEGORY,
    &sqlalchemy_textual_sql::CATEGORY,
    &sqlalchemy_row_mapping::CATEGORY,
    &sqlalchemy_connectionless::CATEGORY,
    &sqlalchemy_bound_metadata::CATEGORY,
    &sqlalchemy_autoload::CATEGORY,
    &sqlalchemy_execute_keywords::CATEGORY,
    &sqlalchemy_removed_name::CATEGORY,
    &sqlalchemy_legacy_where::CATEGORY,
    &sqlalchemy_autocommit::CATEGORY,
    &sqlalchemy_classical_mapper::CATEGORY,
    &sqlalchemy_session_transaction::CATEGORY,
    &sqlalchemy_private_api::CATEGORY,
    &dependency_drift::CATEGORY,
    &import_missing_name::CATEGORY,
    &sqlalchemy_table_redefined::CATEGORY,
    &sqlalchemy_duplicate_class::CATEGORY,
    &sqlalchemy_mapper_redefined::CATEGORY,
    &sqlalchemy_mapper_init::CATEGORY,
    &sqlalchemy_no_such_table::CATEGORY,
    &pydantic_settings_moved::CATEGORY,
    &pydantic_root_model::CATEGORY,
    &pydantic_non_annotated::CATEGORY,
    &pydantic_not_fully_defined::CATEGORY,
    &pydantic_removed_keyword::CATEGORY,
    &pydantic_v1_validator::CATEGORY,
    &pydantic_v1_config::CATEGORY,
    &pydantic_v1_method::CATEGORY,
    &pydantic_validation_error::CATEGORY,
    &not_implemented::CATEGORY,
    &module_attribute_missing::CATEGORY,
    &object_attribute_missing::CATEGORY,
    &name_error::CATEGORY,
    &signature_missing_argument::CATEGORY,
    &signature_unexpected_keyword::CATEGORY,
    &missing_test_data::CATEGORY,
    &fixture_error::CATEGORY,
    &assertion::CATEGORY,
    &unknown::CATEGORY,
    // Not failure categories: tests over the project's limits, whatever
    // their outcome (`crate::limits`). Their matchers accept no failure.
    &slow::CATEGORY,
    &memory_hungry::CATEGORY,
];

/// The first category that accepts the failure.
pub fn classify(failure: &Failure<'_>, project: &ProjectIndex) -> &'static Category {
    CATALOG
        .iter()
        .find(|category| (category.matches)(failure, project))
        .copied()
        .unwrap_or(&unknown::CATEGORY)
}

/// The fixes [`fix_for`] gives instead of a category's own, as (category,
/// the case, fix): documented with the category.
const VARIANTS: [(&str, &str, &Remedy); 3] = [
    (
        missing_test_data::CATEGORY.id,
        "A missing data file",
        &missing_test_data::FILE_FIX,
    ),
    (
        dependency_drift::CATEGORY.id,
        "In Pydantic",
        &dependency_drift::PYDANTIC_FIX,
    ),
    (
        sqlalchemy_table_redefined::CATEGORY.id,
        "A true duplicate",
        &sqlalchemy_table_redefined::TRUE_DUPLICATE_FIX,
    ),
];

impl Remedy {
    /// What to do by hand.
    pub fn manual(&self) -> &'static str {
        match *self {
            Remedy::Fixer { manual, .. }
            | Remedy::Repair { manual }
            | Remedy::Manual(manual)
            | Remedy::Migrate { manual, .. } => manual,
        }
    }
}

/// The fix for one failure: its category's, except a missing data file,
/// which no batch fix can write, a table two classes declare, which FP001
/// only reports, and drift in a library fixpoint migrates.
pub fn fix_for(category: &Category, failure: &Failure<'_>, project: &ProjectIndex) -> Remedy {
    if category.id == missing_test_data::CATEGORY.id && missing_data_path(failure).is_some() {
        return missing_test_data::FILE_FIX;
    }
    if category.id == sqlalchemy_table_redefined::CATEGORY.id
        && sqlalchemy_table_redefined::table(failure).is_some_and(|table| project.classes_mapping(table) >= 2)
    {
        return sqlalchemy_table_redefined::TRUE_DUPLICATE_FIX;
    }
    if category.id == dependency_drift::CATEGORY.id && dependency_drift::package_module(failure) == Some("pydantic") {
        return dependency_drift::PYDANTIC_FIX;
    }
    category.fix
}

/// The catalog as Markdown: `docs/categories.md` is this text, checked by a
/// test so that the documentation never drifts from the code.
pub fn markdown() -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "# Failure categories\n\n\
         Generated from `crates/fixpoint-triage/src/catalog/` (one file per category) by\n\
         `FIXPOINT_UPDATE_DOCS=1 cargo test -p fixpoint-triage --test catalog_doc`. A failure gets the\n\
         first category, in this order, whose matcher accepts it.\n\n\
         | category | title | fix |\n| --- | --- | --- |\n",
    );
    let fix = |category: &Category| match category.fix {
        Remedy::Fixer { code, .. } => format!("batch fix `{code}` ({})", code.name()),
        Remedy::Repair { .. } => "code change (repair loop)".to_owned(),
        Remedy::Manual(_) => "manual".to_owned(),
        Remedy::Migrate { library, .. } => format!("migration (`fixpoint migrate {library}`)"),
    };
    for category in CATALOG {
        let _ = writeln!(
            out,
            "| [`{0}`](#{0}) | {1} | {2} |",
            category.id,
            category.title,
            fix(category)
        );
    }
    for category in CATALOG {
        let mut manual = category.fix.manual().to_owned();
        for (_, case, fix) in VARIANTS.iter().filter(|(id, ..)| *id == category.id) {
            let _ = write!(manual, ". {case}: {}", fix.manual());
            match fix {
                Remedy::Repair { .. } => manual.push_str(" (`fixpoint repair --pattern ID`)"),
                Remedy::Migrate { library, .. } => {
                    let _ = write!(manual, " (`fixpoint migrate {library}`)");
                }
                _ => {}
            }
        }
        let _ = write!(
            out,
            "\n## {}\n\n**{}.** {}\n\nFix: {}. By hand: {}.\n",
            category.id,
            category.title,
            category.explanation,
            fix(category),
            manual.trim_end_matches('.')
        );
    }
    out
}

/// A category by id.
pub fn category(id: &str) -> Option<&'static Category> {
    CATALOG.iter().find(|category| category.id == id).copied()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn failing(exception: &str, message: &str) -> fixpoint_core::TestResult {
        let mut test = fixpoint_core::TestResult::new("tests/test_a.py::test_a", "tests/test_a.py", Some(1));
        test.outcome = fixpoint_core::Outcome::Failed;
        test.exception_type = Some(exception.into());
        test.longrepr = Some(format!("tests/test_a.py:3: in test_a\n    run()\nE   {message}"));
        test
    }

    /// After a dependency upgrade: a name gone from an installed library is
    /// drift (migrate Pydantic, pin the rest), never a stub to write.
    #[test]
    fn upgrade_messages_land_in_their_categories() {
        let cases = [
            (
                "ImportError",
                "ImportError: cannot import name 'ConfigError' from 'pydantic' (/v/lib/python3.11/site-packages/pydantic/__init__.py)",
                "dependency-drift",
                Some("fixpoint migrate pydantic"),
            ),
            (
                "ImportError",
                "ImportError: cannot import name 'Markup' from 'jinja2' (/usr/lib/python3/dist-packages/jinja2/__init__.py)",
                "dependency-drift",
                None,
            ),
            (
                "ImportError",
                "ImportError: cannot import name 'split_coins' from 'app.loot' (/home/ci/app/loot.py)",
                "import-missing-name",
                Some("fixpoint fix --select FP004 --unsafe-fixes"),
            ),
            (
                "TypeError",
                "TypeError: `localns` arguments are not longer accepted.",
                "pydantic-v1-method",
                Some("fixpoint fix --select FP003"),
            ),
        ];
        for (exception, message, category, command) in cases {
            let test = failing(exception, message);
            let failure = Failure::new(&test);
            let found = classify(&failure, &ProjectIndex::empty());
            assert_eq!(found.id, category, "{message}");
            let suggestion =
                crate::Suggestion::for_pattern(fix_for(found, &failure, &ProjectIndex::empty()), "P000000");
            assert_eq!(suggestion.command.as_deref(), command, "{message}");
        }
    }

    #[test]
    fn ids_are_unique_and_unknown_is_last() {
        let ids: HashSet<&str> = CATALOG.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), CATALOG.len());
        // `unknown` takes every failure; after it come only the limits,
        // which take none.
        let ids: Vec<&str> = CATALOG.iter().map(|c| c.id).collect();
        assert_eq!(ids[ids.len() - 3..], ["unknown", "slow", "memory-hungry"]);
        assert!(CATALOG.len() >= 30);
    }
}
