use fixpoint_core::{Counts, Outcome, Phase};
use serde::Serialize;

/// Where a run came from, beyond what the run itself knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// One CI build's id, shared by its shards (`--build-id`, `FIXPOINT_BUILD_ID`,
    /// `GITHUB_RUN_ID`, `CI_PIPELINE_ID`).
    pub build_id: Option<String>,
    pub git_commit: Option<String>,
    pub git_branch: Option<String>,
    pub git_dirty: Option<bool>,
    pub host: Option<String>,
    /// The command line that made the run.
    pub command: String,
    /// A hash of the code the run tested: the content of the project's
    /// Python files (and pytest configuration) as they were in the working
    /// tree. Two runs with one hash ran the same code, whatever their
    /// commits; `None` when it could not be computed.
    pub code_hash: Option<String>,
}

/// A stored run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub build_id: Option<String>,
    pub shard: Option<String>,
    pub source: String,
    pub started_at: String,
    pub finished_at: String,
    pub duration: f64,
    pub git_commit: Option<String>,
    pub git_branch: Option<String>,
    pub git_dirty: Option<bool>,
    pub command: String,
    pub selection: Vec<String>,
    pub group: Option<String>,
    pub project: String,
    pub python: Option<String>,
    pub python_version: Option<String>,
    pub pytest_version: Option<String>,
    pub host: Option<String>,
    pub workers: u32,
    pub interrupted: Option<String>,
    pub counts: Counts,
    /// See [`Provenance::code_hash`]; `None` for runs recorded before
    /// fixpoint stored it.
    pub code_hash: Option<String>,
    /// `--order` when the tests did not run in pytest's order.
    pub order: Option<String>,
    /// Tests `--budget` left out (0 without a budget).
    pub left_out: u32,
}

impl RunRow {
    /// Whether the run ran the whole suite: no paths, `-k`, `-m`, group or
    /// shard, nothing left out by a budget, and not cut short. Only such
    /// runs say what the suite's state is (baselines, trends, slowdowns).
    pub fn is_whole_suite(&self) -> bool {
        self.selection.is_empty()
            && self.shard.is_none()
            && self.interrupted.is_none()
            && self.group.is_none()
            && self.left_out == 0
    }
}

/// A stored test result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRow {
    pub run_id: i64,
    pub nodeid: String,
    pub path: String,
    pub line: Option<u32>,
    pub outcome: Outcome,
    pub phase: Option<Phase>,
    pub duration: f64,
    pub exception_type: Option<String>,
    pub crash_path: Option<String>,
    pub crash_line: Option<u32>,
    pub crash_message: Option<String>,
    pub message: Option<String>,
    pub traceback: Option<String>,
    pub attempts: u32,
    pub rerun_outcomes: Vec<Outcome>,
    pub markers: Vec<String>,
    /// See `fixpoint_core::TestResult::cpu_time`.
    pub cpu_time: Option<f64>,
    /// See `fixpoint_core::TestResult::peak_rss`.
    pub peak_rss: Option<u64>,
}

/// Just a test's outcome and time in a run: what trends, comparisons,
/// the slowdown detector and the prioritized run need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRow {
    pub run_id: i64,
    pub nodeid: String,
    pub outcome: Outcome,
    /// Seconds in setup, call and teardown.
    pub duration: f64,
}

/// Outcomes as stored: `failed,passed`.
pub(crate) fn join_outcomes(outcomes: &[Outcome]) -> String {
    outcomes.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(",")
}

pub(crate) fn split_outcomes(text: &str) -> Vec<Outcome> {
    text.split(',').filter_map(Outcome::parse).collect()
}

pub(crate) fn split_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn join_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn parse_outcome(text: &str) -> Outcome {
    Outcome::parse(text).unwrap_or(Outcome::Error)
}

/// A pattern of a run, as triage found it when the run was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternRow {
    pub run_id: i64,
    pub pattern: String,
    pub category: String,
    pub title: String,
    pub message: String,
    /// Failing results in the pattern.
    pub failures: u32,
    /// Tests it takes down (modules that failed to collect count their tests).
    pub blast_radius: u32,
}

/// Which category and pattern one failing result fell into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictRow {
    /// Ignored on the way in: the run's own id is used.
    pub run_id: i64,
    pub nodeid: String,
    pub category: String,
    pub pattern: String,
}

/// One attempt of the repair loop: what was asked, what came back, what
/// was done with it and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptRow {
    /// Given by the store; ignored on the way in.
    pub id: i64,
    pub started_at: String,
    pub finished_at: String,
    /// The test being repaired.
    pub nodeid: String,
    /// Its triage pattern, when the repair was for a pattern.
    pub pattern: Option<String>,
    /// From 1.
    pub attempt: u32,
    pub temperature: f64,
    pub provider: String,
    pub model: String,
    pub prompt_chars: u64,
    pub response_chars: u64,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// The change applied (a unified diff), empty when none was.
    pub diff: String,
    /// `fixed`, `reverted`, `refused`, `malformed` or `error`.
    pub verdict: String,
    pub reason: String,
    /// The journal entry of the change.
    pub journal_id: Option<String>,
    /// The commit that holds a successful repair.
    pub git_commit: Option<String>,
    /// The run that verified it.
    pub run_id: Option<i64>,
}

/// A run's triage as it is stored with the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageRows {
    /// `run_id` is ignored on the way in: the run's own id is used.
    pub patterns: Vec<PatternRow>,
    pub verdicts: Vec<VerdictRow>,
}

impl From<ResultRow> for fixpoint_core::TestResult {
    /// Back to the runner's shape, for the analyses that take results.
    fn from(row: ResultRow) -> Self {
        let crash = row.crash_path.map(|path| fixpoint_core::Crash {
            path,
            line: row.crash_line,
            message: row.crash_message.unwrap_or_default(),
        });
        let mut test = Self::new(row.nodeid, row.path, row.line);
        test.outcome = row.outcome;
        test.phase = row.phase;
        test.duration = row.duration;
        test.exception_type = row.exception_type;
        test.crash = crash;
        test.message = row.message;
        test.longrepr = row.traceback;
        test.attempts = row.attempts;
        test.rerun_outcomes = row.rerun_outcomes;
        test.markers = row.markers;
        test.cpu_time = row.cpu_time;
        test.peak_rss = row.peak_rss;
        test
    }
}
