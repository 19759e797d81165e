//! Triage: sorts failures into categories, clusters them into root-cause
//! patterns, ranks the patterns by how many tests each one breaks, and says
//! which fix applies to each.
//!
//! A user with 300 red tests sees the five causes behind them. Each failure's
//! category comes from the [`catalog`] (one category per file, first match
//! wins); its fingerprint ([`fingerprint`]) is the category, the exception,
//! the message with its volatile parts masked and the innermost frame in the
//! project's own code. Failures that share a fingerprint are one pattern, so a
//! model module that fails to import groups every test module it takes down.
//!
//! ```
//! use fixpoint_core::{Outcome, TestResult};
//! use fixpoint_triage::{ProjectIndex, triage};
//!
//! let mut test = TestResult::new("tests/test_a.py::test_x", "tests/test_a.py", Some(3));
//! test.outcome = Outcome::Failed;
//! test.exception_type = Some("NameError".into());
//! test.longrepr = Some("E       NameError: name 'Decimal' is not defined\n\napp/loot.py:57: NameError".into());
//! let result = triage(&[test], &ProjectIndex::empty());
//! assert_eq!(result.patterns[0].category, "name-error");
//! ```

pub mod catalog;
mod failure;
pub mod fingerprint;
pub mod guidelines;
pub mod limits;
mod project;
pub mod traceback;

use std::collections::HashMap;

pub use catalog::{CATALOG, Category, Package, Remedy};
pub use failure::Failure;
use fixpoint_core::{Phase, TestResult};
pub use limits::{Limits, OverLimit};
pub use project::ProjectIndex;
use serde::Serialize;
use traceback::{Frame, innermost_project_frame, trim_to_project};

/// The fix suggested for a pattern, with the command that applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// `fixer`, `repair` or `manual`.
    pub kind: &'static str,
    /// The batch fix's code (`FP001`) when one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixer: Option<&'static str>,
    /// The command that applies it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Whether this fixpoint has that command yet (every fixer of the
    /// registry is built; kept for readers of the JSON).
    pub available: bool,
    /// What to do by hand.
    pub manual: &'static str,
}

impl Suggestion {
    /// The suggestion for a pattern of a category with this fix.
    pub fn for_pattern(fix: Remedy, pattern_id: &str) -> Self {
        match fix {
            Remedy::Fixer { code, manual } => Self {
                kind: "fixer",
                code: Some(code.id()),
                fixer: Some(code.name()),
                command: Some(code.fix_command()),
                available: true,
                manual,
            },
            Remedy::Repair { manual } => Self {
                kind: "repair",
                code: None,
                fixer: None,
                command: Some(format!("fixpoint repair --pattern {pattern_id}")),
                available: true,
                manual,
            },
            Remedy::Migrate { library, manual } => Self {
                kind: "migrate",
                code: None,
                fixer: None,
                command: Some(format!("fixpoint migrate {library}")),
                available: true,
                manual,
            },
            Remedy::Manual(manual) => Self {
                kind: "manual",
                code: None,
                fixer: None,
                command: None,
                available: true,
                manual,
            },
        }
    }
}

/// Failures that share one root cause.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    /// `P` and six hex digits, stable across runs for the same cause.
    pub id: String,
    pub category: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    pub exception_type: Option<String>,
    /// The first failure's headline, as it was.
    pub message: String,
    /// The headline with volatile parts masked: what the pattern matches.
    pub masked_message: String,
    /// The innermost frame in the project's code, where the cause sits.
    pub location: Option<Frame>,
    /// For dependency drift: the installed package the name is missing from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// The failing results (node ids; a module path for a collection error).
    pub failures: Vec<String>,
    /// Tests this cause takes down: failing tests plus the tests inside
    /// modules that could not be collected.
    pub blast_radius: u32,
    /// Every project location the failures point at (`path:line`).
    pub locations: Vec<String>,
    /// One failure's traceback, library frames folded away.
    pub traceback: String,
    pub fix: Suggestion,
}

/// One failure's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub nodeid: String,
    pub category: &'static str,
    pub pattern: String,
}

/// A run's failures, explained.
#[derive(Debug, Clone, Serialize)]
pub struct Triage {
    /// Failing results (tests and modules that failed to collect).
    pub failures: u32,
    /// The sum of the patterns' blast radii.
    pub tests_affected: u32,
    /// Most tests affected first.
    pub patterns: Vec<Pattern>,
    pub verdicts: Vec<Verdict>,
    /// Tests over the project's limits, failing or not (`slow`, `memory-hungry`).
    pub over_limits: Vec<OverLimit>,
}

impl Triage {
    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|pattern| pattern.id == id)
    }

    pub fn verdict(&self, nodeid: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|verdict| verdict.nodeid == nodeid)
    }
}

/// Classifies one failure.
pub fn classify(test: &TestResult, project: &ProjectIndex) -> &'static Category {
    catalog::classify(&Failure::new(test), project)
}

/// Triages every failing or flaky result of a run.
pub fn triage(tests: &[TestResult], project: &ProjectIndex) -> Triage {
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut by_fingerprint: HashMap<String, usize> = HashMap::new();
    let mut verdicts = Vec::new();
    let failing = tests
        .iter()
        .filter(|test| test.outcome.is_failing() || test.outcome == fixpoint_core::Outcome::Flaky);
    for test in failing {
        let failure = Failure::new(test);
        let category = catalog::classify(&failure, project);
        let fingerprint = fingerprint::fingerprint(category, &failure);
        let radius = if test.phase == Some(Phase::Collection) {
            project.tests_in(&test.path).max(1)
        } else {
            1
        };
        let frame = innermost_project_frame(&failure.frames).cloned();
        let at = *by_fingerprint.entry(fingerprint.clone()).or_insert_with(|| {
            let id = fingerprint::pattern_id(&fingerprint);
            patterns.push(Pattern {
                fix: Suggestion::for_pattern(catalog::fix_for(category, &failure, project), &id),
                id,
                category: category.id,
                title: category.title,
                explanation: category.explanation,
                exception_type: test.exception_type.clone(),
                message: failure.headline().to_owned(),
                masked_message: fingerprint::mask(failure.headline()),
                location: frame.clone(),
                package: catalog::installed(&failure),
                failures: Vec::new(),
                blast_radius: 0,
                locations: Vec::new(),
                traceback: trim_to_project(test.longrepr.as_deref().unwrap_or_default()),
            });
            patterns.len() - 1
        });
        let pattern = &mut patterns[at];
        pattern.failures.push(test.nodeid.clone());
        pattern.blast_radius += radius;
        let crash = test
            .crash
            .as_ref()
            .filter(|crash| traceback::is_project_path(&crash.path))
            .map(|crash| match crash.line {
                Some(line) => format!("{}:{line}", crash.path),
                None => crash.path.clone(),
            });
        for location in frame.map(|f| format!("{}:{}", f.path, f.line)).into_iter().chain(crash) {
            if !pattern.locations.contains(&location) {
                pattern.locations.push(location);
            }
        }
        verdicts.push(Verdict {
            nodeid: test.nodeid.clone(),
            category: category.id,
            pattern: pattern.id.clone(),
        });
    }
    patterns.sort_by(|a, b| b.blast_radius.cmp(&a.blast_radius).then_with(|| a.id.cmp(&b.id)));
    Triage {
        failures: verdicts.len() as u32,
        tests_affected: patterns.iter().map(|p| p.blast_radius).sum(),
        patterns,
        verdicts,
        over_limits: Vec::new(),
    }
}
