//! The data every fixpoint crate shares: what happened to each test, and the
//! run it happened in.
//!
//! A [`Run`] is what `fixpoint run` and `fixpoint import` produce and what the
//! history store, triage and the reports consume. Its JSON form (serde) is the
//! documented `--output-format json` schema (`docs/json.md`), so fields are
//! only ever added, never renamed.
//!
//! ```
//! use fixpoint_core::{Counts, Outcome};
//! let mut counts = Counts::default();
//! counts.add(Outcome::Failed);
//! counts.add(Outcome::Passed);
//! counts.add(Outcome::Passed);
//! assert_eq!(counts.summary(1.5), "1 failed, 2 passed in 1.50s");
//! ```

pub mod fixer;
mod outcome;
mod time;

pub use fixer::{FixerCode, FixerInfo};
pub use outcome::{Counts, Outcome, Phase};
pub use time::{Timestamp, format_rfc3339, parse_rfc3339};

use serde::{Deserialize, Serialize};

/// Where a failure category's cause and fix are documented, for a reader of
/// a SARIF rule or a test marker who has no fixpoint at hand.
pub fn category_docs_url(category: &str) -> String {
    format!("https://github.com/fixpoint-dev/fixpoint/blob/main/docs/categories.md#{category}")
}

/// Where a failure was raised: the crash site pytest reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crash {
    /// Path relative to the project's rootdir where possible.
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

/// The result of one test (or of one module that failed to collect).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    /// pytest's node id; for a collection error, the module's path.
    pub nodeid: String,
    /// The file that defines the test, relative to the rootdir.
    pub path: String,
    /// 1-based line of the test's definition, when known.
    pub line: Option<u32>,
    pub outcome: Outcome,
    /// The phase that decided a non-passing outcome.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phase: Option<Phase>,
    /// Seconds spent in setup, call and teardown together.
    pub duration: f64,
    /// The exception's qualified type name, e.g. `sqlalchemy.exc.InvalidRequestError`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exception_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crash: Option<Crash>,
    /// One line that says what went wrong (crash message, skip or xfail reason).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    /// The full traceback text as pytest formats it (trimmed in the middle when huge).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub longrepr: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub stdout: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub stderr: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub log: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub markers: Vec<String>,
    /// How many times the test ran: 1, plus one per rerun.
    pub attempts: u32,
    /// Outcomes of the reruns, in order (empty when it was not rerun).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub rerun_outcomes: Vec<Outcome>,
    /// The `-j` worker (1-based) that ran the test's first attempt.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub worker: Option<u32>,
    /// CPU seconds the worker spent on the test's first attempt (setup, call
    /// and teardown; every thread of the worker, not its child processes).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cpu_time: Option<f64>,
    /// The worker's peak resident memory, in bytes, while the test's first
    /// attempt ran (Linux only; the interpreter and what is already loaded
    /// count too: `docs/intelligence.md`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub peak_rss: Option<u64>,
}

impl TestResult {
    /// A result with nothing known yet but the node id and its place.
    pub fn new(nodeid: impl Into<String>, path: impl Into<String>, line: Option<u32>) -> Self {
        Self {
            nodeid: nodeid.into(),
            path: path.into(),
            line,
            outcome: Outcome::Passed,
            phase: None,
            duration: 0.0,
            exception_type: None,
            crash: None,
            message: None,
            longrepr: None,
            stdout: String::new(),
            stderr: String::new(),
            log: String::new(),
            markers: Vec::new(),
            attempts: 1,
            rerun_outcomes: Vec::new(),
            worker: None,
            cpu_time: None,
            peak_rss: None,
        }
    }

    /// The `path` part of a node id (`tests/test_x.py::test_y` → `tests/test_x.py`).
    pub fn file_of(nodeid: &str) -> &str {
        nodeid.split("::").next().unwrap_or(nodeid)
    }
}

/// Facts about one run of a suite, from fixpoint and from pytest itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunInfo {
    /// Where the results came from: `run`, `import:junit`, `import:reportlog`.
    pub source: String,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    /// Wall-clock seconds.
    pub duration: f64,
    /// The project directory, absolute.
    pub project: String,
    /// pytest's rootdir, when pytest reported it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rootdir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub python: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub python_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pytest_version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub plugins: Vec<String>,
    /// The arguments the selection passed to pytest (paths, `-k`, `-m`, group).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub selection: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub group: Option<String>,
    /// `count:M/N` or `hash:M/N` when the run was one shard of a suite.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<String>,
    pub workers: u32,
    /// Set when the run was cut short (`--timeout`, Ctrl-C): tests may be missing.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub interrupted: Option<String>,
    /// `--order` (`failed-first`, `risk`, `duration`, `random:SEED`) when the
    /// tests did not run in pytest's order.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub order: Option<String>,
    /// `--budget` in seconds, when the run had one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub budget: Option<f64>,
    /// The tests `--budget` left out, highest-ranked first.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub left_out: Vec<String>,
    /// Their recorded seconds, together.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub left_out_seconds: Option<f64>,
}

/// A whole run: its facts and every test's result, collection errors first,
/// then tests in collection order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Run {
    pub info: RunInfo,
    pub counts: Counts,
    pub tests: Vec<TestResult>,
    /// The warnings the run raised, once per category, place and message
    /// (a live run only; not kept in the history).
    #[serde(skip)]
    pub warnings: Vec<RecordedWarning>,
}

/// A warning Python raised while the tests ran, where its `stacklevel`
/// points (for a library's deprecation warning: the caller's line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedWarning {
    /// The qualified class, e.g. `pydantic.warnings.PydanticDeprecatedSince20`.
    pub category: String,
    /// The first line of its message.
    pub message: String,
    /// Relative to the rootdir when inside it.
    pub path: String,
    pub line: Option<u32>,
    /// How many times it was raised.
    pub count: u32,
}

impl Run {
    pub fn new(info: RunInfo, tests: Vec<TestResult>) -> Self {
        let counts = Counts::of(&tests);
        Self {
            info,
            counts,
            tests,
            warnings: Vec::new(),
        }
    }

    /// True when nothing failed: the run's verdict for exit codes.
    pub fn is_success(&self) -> bool {
        self.counts.failing() == 0 && self.info.interrupted.is_none()
    }
}
