//! The report: everything every format shows, gathered once by the
//! application layer from the history, triage, the journal and the repair
//! attempts. `--format json` prints it as it is; its shape is documented in
//! `docs/reports.md` and versioned by [`SCHEMA_VERSION`].

use fixpoint_core::{Counts, Outcome};
use serde::Serialize;

/// The version of the JSON report's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// `fixpoint <version>`.
    pub tool: String,
    /// The project directory's name.
    pub project: String,
    pub run: RunSummary,
    /// The run the trend starts from (the oldest whole-suite run kept).
    pub baseline: Option<RunSummary>,
    /// Whole-suite runs, oldest first, the reported run last.
    pub trend: Vec<TrendPoint>,
    /// Largest first.
    pub patterns: Vec<PatternEntry>,
    /// Tests each pattern took down in each run of the trend.
    pub pattern_trend: Vec<PatternTrendRow>,
    /// Every result of the run, in its order.
    pub tests: Vec<TestEntry>,
    /// What fixpoint changed: batch fixes and repairs, newest first.
    pub fixes: Vec<FixEntry>,
    pub flaky: Vec<FlakyEntry>,
    /// Against the whole-suite run before this one.
    pub comparison: Option<ComparisonEntry>,
    /// The run's slowest tests, slowest first.
    pub slowest: Vec<SlowEntry>,
    /// Tests that got slower over the whole-suite runs (the detector with
    /// its defaults, or `ci`'s flags).
    pub slowdowns: Vec<SlowdownEntry>,
}

/// One of the run's slowest tests.
#[derive(Debug, Clone, Serialize)]
pub struct SlowEntry {
    pub nodeid: String,
    pub duration: f64,
    /// Its share of the run's test time.
    pub share: f64,
    pub cpu_time: Option<f64>,
    pub peak_rss: Option<u64>,
}

/// A duration regression: the run where the test slowed, its medians before
/// and after, and the detector's score.
#[derive(Debug, Clone, Serialize)]
pub struct SlowdownEntry {
    pub nodeid: String,
    pub run_id: i64,
    pub before_median: f64,
    pub after_median: f64,
    pub score: f64,
    pub method: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub id: i64,
    pub started_at: String,
    pub duration: f64,
    pub git_commit: Option<String>,
    pub git_branch: Option<String>,
    pub host: Option<String>,
    pub counts: Counts,
    /// Passed among the tests that were judged (skips and xfails left out).
    pub pass_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub run_id: i64,
    pub started_at: String,
    pub git_commit: Option<String>,
    pub total: u32,
    pub passed: u32,
    pub failing: u32,
    pub pass_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatternEntry {
    pub id: String,
    pub category: String,
    pub title: String,
    /// The cause, from the category catalog.
    pub explanation: String,
    /// The first failure's headline.
    pub message: String,
    pub blast_radius: u32,
    pub failures: Vec<String>,
    /// `path:line` of the innermost project frame.
    pub location: Option<String>,
    /// How it is fixed, in words: `batch fix FP003 (pydantic-v2)`, `code change (repair loop)`, `manual`.
    pub fix: String,
    /// The fixer code when a batch fix applies.
    pub fixer: Option<String>,
    /// What a person would do.
    pub manual: String,
    /// One failure's traceback, trimmed to the project.
    pub traceback: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatternTrendRow {
    pub pattern: String,
    pub title: String,
    /// One per trend point, oldest first.
    pub blast_radius: Vec<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestEntry {
    pub nodeid: String,
    /// The test file, relative to the project.
    pub path: String,
    pub outcome: Outcome,
    pub duration: f64,
    /// CPU seconds and peak resident bytes, where the run measured them.
    pub cpu_time: Option<f64>,
    pub peak_rss: Option<u64>,
    /// The one-line reason: the exception's message, or the skip reason.
    pub message: Option<String>,
    pub exception_type: Option<String>,
    pub traceback: Option<String>,
    /// Where it crashed: a project file and line.
    pub crash_path: Option<String>,
    pub crash_line: Option<u32>,
    /// Triage's verdict for a failing test.
    pub category: Option<String>,
    pub pattern: Option<String>,
}

/// One change fixpoint made.
#[derive(Debug, Clone, Serialize)]
pub struct FixEntry {
    pub at: String,
    /// `fixer` or `repair`.
    pub kind: String,
    /// The fixer codes, or the model.
    pub by: String,
    pub files: Vec<String>,
    pub journal_id: Option<String>,
    /// `complete`, `undone` or `open` for journal entries; the verdict for repairs.
    pub state: String,
    /// The test a repair was for.
    pub test: Option<String>,
    pub commit: Option<String>,
    /// Lines added and removed.
    pub added: u32,
    pub removed: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlakyEntry {
    pub nodeid: String,
    pub runs: u32,
    pub flips: u32,
    pub passed_on_rerun: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonEntry {
    pub base_run: i64,
    pub new_failures: Vec<String>,
    pub fixed: Vec<String>,
}

impl Report {
    /// Failing results, in the run's order.
    pub fn failures(&self) -> impl Iterator<Item = &TestEntry> {
        self.tests.iter().filter(|t| t.outcome.is_failing())
    }

    pub fn skipped(&self) -> impl Iterator<Item = &TestEntry> {
        self.tests
            .iter()
            .filter(|t| matches!(t.outcome, Outcome::Skipped | Outcome::XFailed))
    }
}

/// A rate as a percentage with one decimal, or `-` when there is none.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", r * 100.0))
}
