//! Runs pytest as child processes and turns their event streams into a [`Run`].
//!
//! Each worker is one `python fixpoint_pytest_boot.py -p fixpoint_pytest_plugin
//! --continue-on-collection-errors ARGS` in its own process group, with the
//! plugin's events on a pipe (descriptor 3). The supervisor here:
//!
//! - kills a worker whose current test runs past the test timeout, records
//!   that test as `timeout`, and starts a new worker for the tests it had not
//!   reached (the plugin drops the ones already done);
//! - does the same when a worker dies in a test (`crashed`);
//! - with `-j N`, runs N workers over a round-robin partition of the selected
//!   tests and puts the results back in collection order;
//! - reruns failing tests in fresh processes for `--reruns`; a test that
//!   passes on a rerun is `flaky`.
//!
//! A worker is done when its process has exited, not when its pipe closes: a
//! child a test forked may hold the pipe forever. On exit the worker's
//! leftovers are killed (`sys::kill_worker`) and the pipe gets three seconds
//! to deliver what was written. Nothing here blocks on the worker, so both
//! timeouts hold whatever the pipe carries.
//!
//! Here: the options, the progress events and the run as a whole (the main
//! pass, reruns, results in collection order); in `pass`: one round of
//! worker processes and their supervision; in `reader`: the thread that
//! reads a worker's pipe; in `output`: a worker's printed output, explained.

mod output;
mod pass;
mod reader;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant, SystemTime};

use fixpoint_core::{Outcome, Phase, Run, RunInfo, TestResult, format_rfc3339};

use crate::aggregate::ResultBuilder;
use crate::interpreter::Interpreter;
use crate::{PytestError, Shard, plugin};
use pass::Pass;

/// What to run and how.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub interpreter: Interpreter,
    /// pytest's working directory: the project root.
    pub project_dir: PathBuf,
    /// Selection and pass-through arguments for pytest (paths, `-k`, `-m`, ...).
    pub pytest_args: Vec<OsString>,
    /// Number of pytest processes (at least 1).
    pub jobs: u32,
    pub shard: Option<Shard>,
    pub reruns: u32,
    pub test_timeout: Option<Duration>,
    /// A limit on the whole run.
    pub timeout: Option<Duration>,
    /// Seconds per node id from an earlier run: with them, `-j` balances
    /// workers longest test first instead of round robin.
    pub durations: HashMap<String, f64>,
    /// Environment variables for pytest, beside the inherited ones.
    pub env: Vec<(String, String)>,
    /// The order to run the tests in, and the budget; `None`: pytest's order.
    pub order: Option<Ordering>,
}

/// How the plugin orders the collected tests (`fixpoint run --order`) and
/// cuts them to a budget. Applies to the main pass only: reruns run what
/// failed, and a worker restarted after a crash reaches the same order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ordering {
    /// A score per known test; tests run highest first, ties in pytest's order.
    pub scores: Vec<(String, f64)>,
    /// The score of a test `scores` does not list.
    pub new_test_score: f64,
    /// Shuffle with this seed instead of sorting by score.
    pub seed: Option<u64>,
    /// Seconds of test time the run may spend, over all workers together:
    /// tests that do not fit (by `RunOptions::durations`) are left out.
    pub budget: Option<f64>,
    /// The longest a single test may take to be kept: the wall-clock
    /// budget, which one test cannot share between workers.
    pub longest: Option<f64>,
}

/// What the runner reports while it works; the binary draws it.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Another worker finished collecting; `total` is the sum so far.
    Collected {
        total: usize,
    },
    TestStarted {
        nodeid: &'a str,
    },
    /// A test (or a module that failed to collect) has its result. `attempt`
    /// is 1 for the first run, 2 for the first rerun, ...
    TestFinished {
        test: &'a TestResult,
        attempt: u32,
    },
    RerunStarted {
        attempt: u32,
        tests: usize,
    },
    /// Something the user should know, e.g. a worker restarted after a crash.
    Notice {
        message: String,
    },
}

pub trait Observer {
    fn progress(&mut self, event: Progress<'_>);
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {
    fn progress(&mut self, _event: Progress<'_>) {}
}

/// Runs the suite. `cancel` is polled: set it (from a Ctrl-C handler) to stop
/// the run; the result then says it was interrupted.
pub fn run(options: &RunOptions, observer: &mut dyn Observer, cancel: &AtomicBool) -> Result<Run, PytestError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let workdir = tempfile::Builder::new()
        .prefix("fixpoint-run-")
        .tempdir()
        .map_err(|e| PytestError::io("could not create a temporary directory", e))?;
    let boot = plugin::install(workdir.path())?;
    let context = Context {
        options,
        boot,
        workdir: workdir.path().to_path_buf(),
        deadline: options.timeout.map(|limit| clock + limit),
        cancel,
    };

    let jobs = options.jobs.max(1);
    let budget = options.order.as_ref().and_then(|order| order.budget);
    let durations_file = ((jobs > 1 || budget.is_some()) && !options.durations.is_empty())
        .then(|| write_durations(&context.workdir, &options.durations))
        .transpose()?;
    let order_env = options
        .order
        .as_ref()
        .map(|order| order_env(&context.workdir, order))
        .transpose()?
        .unwrap_or_default();
    let mut slot_envs = Vec::new();
    for part in 1..=jobs {
        let mut env = Vec::new();
        if let Some(shard) = options.shard {
            env.push(("FIXPOINT_SHARD", shard.to_string()));
        }
        if jobs > 1 {
            env.push(("FIXPOINT_PARTITION", format!("{part}/{jobs}")));
        }
        if let Some(file) = &durations_file {
            env.push(("FIXPOINT_DURATIONS_FILE", file.display().to_string()));
        }
        env.extend(order_env.iter().cloned());
        slot_envs.push(env);
    }
    let main = Pass::new(&context, slot_envs, 1, observer).execute()?;
    let left_out = main.left_out.clone().unwrap_or_default();
    let order = main.collection_order();
    let mut session = main.session.clone();
    let mut interrupted = main.interrupted.clone();
    // The first pass's warnings: a rerun raises the same ones again.
    let warnings = main.warnings;
    let mut tests = main.builder.into_results();
    sort_by_collection_order(&mut tests, &order);

    let mut attempt = 1;
    while attempt <= options.reruns && interrupted.is_none() {
        let failing: Vec<String> = tests
            .iter()
            .filter(|test| test.outcome.is_failing() && test.phase != Some(Phase::Collection))
            .map(|test| test.nodeid.clone())
            .collect();
        if failing.is_empty() {
            break;
        }
        attempt += 1;
        observer.progress(Progress::RerunStarted {
            attempt: attempt - 1,
            tests: failing.len(),
        });
        let only = context.workdir.join(format!("rerun-{attempt}.txt"));
        fs::write(&only, failing.join("\n")).map_err(|e| PytestError::io("could not write the rerun list", e))?;
        let workers = jobs.min(u32::try_from(failing.len()).unwrap_or(u32::MAX));
        let envs = (1..=workers)
            .map(|part| {
                let mut env = vec![("FIXPOINT_ONLY_FILE", only.display().to_string())];
                if workers > 1 {
                    env.push(("FIXPOINT_PARTITION", format!("{part}/{workers}")));
                }
                env
            })
            .collect();
        let rerun = Pass::new(&context, envs, attempt, observer).execute()?;
        interrupted = interrupted.or(rerun.interrupted.clone());
        if session.is_none() {
            session.clone_from(&rerun.session);
        }
        merge_rerun(&mut tests, &failing, &rerun.builder);
    }

    let session = session.unwrap_or_default();
    let info = RunInfo {
        source: "run".to_owned(),
        started_at: format_rfc3339(started_at),
        finished_at: format_rfc3339(SystemTime::now()),
        duration: clock.elapsed().as_secs_f64(),
        project: options.project_dir.display().to_string(),
        rootdir: session.rootdir,
        python: Some(
            session
                .python_executable
                .unwrap_or_else(|| options.interpreter.path.display().to_string()),
        ),
        python_version: session.python_version,
        pytest_version: session.pytest_version,
        plugins: session.plugins,
        selection: Vec::new(),
        group: None,
        shard: options.shard.map(|shard| shard.to_string()),
        workers: jobs,
        interrupted,
        order: None,
        budget,
        left_out_seconds: (!left_out.is_empty()).then(|| {
            left_out
                .iter()
                .filter_map(|id| options.durations.get(id))
                .fold(0.0, |sum, seconds| sum + seconds)
        }),
        left_out,
    };
    let mut run = Run::new(info, tests);
    run.warnings = warnings;
    Ok(run)
}

/// The plugin's variables for an [`Ordering`] (its scores in a file).
fn order_env(dir: &Path, order: &Ordering) -> Result<Vec<(&'static str, String)>, PytestError> {
    let mut env = Vec::new();
    if let Some(seed) = order.seed {
        env.push(("FIXPOINT_RANDOM_SEED", seed.to_string()));
    } else {
        let scores = order.scores.iter().map(|(nodeid, score)| (nodeid.as_str(), *score));
        let path = write_numbers(&dir.join("order.tsv"), scores, "order")?;
        env.push(("FIXPOINT_ORDER_FILE", path.display().to_string()));
        env.push(("FIXPOINT_NEW_SCORE", order.new_test_score.to_string()));
    }
    if let Some(budget) = order.budget {
        env.push(("FIXPOINT_BUDGET", budget.to_string()));
    }
    if let Some(longest) = order.longest {
        env.push(("FIXPOINT_BUDGET_LONGEST", longest.to_string()));
    }
    Ok(env)
}

fn write_durations(dir: &Path, durations: &HashMap<String, f64>) -> Result<PathBuf, PytestError> {
    let durations = durations.iter().map(|(nodeid, seconds)| (nodeid.as_str(), *seconds));
    write_numbers(&dir.join("durations.tsv"), durations, "durations")
}

/// A `number<TAB>node id` file for the plugin (`_read_numbers`); a node id
/// that would break its line is left out.
fn write_numbers<'a>(
    path: &Path,
    numbers: impl Iterator<Item = (&'a str, f64)>,
    what: &str,
) -> Result<PathBuf, PytestError> {
    let mut lines = String::new();
    for (nodeid, number) in numbers.filter(|(nodeid, _)| !nodeid.contains(['\n', '\t'])) {
        let _ = writeln!(lines, "{number}\t{nodeid}");
    }
    fs::write(path, lines).map_err(|e| PytestError::io(format!("could not write the {what} file"), e))?;
    Ok(path.to_path_buf())
}

/// Applies a rerun's outcomes to the tests it reran.
fn merge_rerun(tests: &mut [TestResult], rerun_ids: &[String], rerun: &ResultBuilder) {
    let rerun_ids: HashSet<&str> = rerun_ids.iter().map(String::as_str).collect();
    for test in tests.iter_mut().filter(|test| rerun_ids.contains(test.nodeid.as_str())) {
        let Some(again) = rerun.get(&test.nodeid) else {
            continue;
        };
        test.attempts += 1;
        test.rerun_outcomes.push(again.outcome);
        if again.outcome == Outcome::Passed {
            // Keep the first failure's details: they say how it flakes.
            test.outcome = Outcome::Flaky;
        }
    }
}

/// Collection errors first, in the order they came; then tests in the order
/// pytest collected them.
fn sort_by_collection_order(tests: &mut [TestResult], order: &HashMap<String, usize>) {
    tests.sort_by_key(|test| order.get(&test.nodeid).map_or((0, 0), |&at| (1, at)));
}

pub(super) struct Context<'a> {
    pub(super) options: &'a RunOptions,
    pub(super) boot: PathBuf,
    pub(super) workdir: PathBuf,
    pub(super) deadline: Option<Instant>,
    pub(super) cancel: &'a AtomicBool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_reruns_into_flaky_and_still_failing() {
        let mut first = TestResult::new("t.py::a", "t.py", Some(1));
        first.outcome = Outcome::Failed;
        let mut second = first.clone();
        second.nodeid = "t.py::b".into();
        let mut tests = vec![first, second];
        let mut rerun = ResultBuilder::new();
        rerun.start_test("t.py::a", "t.py", Some(1), Vec::new());
        rerun.set_outcome("t.py::b", "t.py", Some(2), Outcome::Failed, "again".into(), 0.1);
        merge_rerun(&mut tests, &["t.py::a".into(), "t.py::b".into()], &rerun);
        assert_eq!((tests[0].outcome, tests[0].attempts), (Outcome::Flaky, 2));
        assert_eq!(tests[1].outcome, Outcome::Failed);
        assert_eq!(tests[1].rerun_outcomes, vec![Outcome::Failed]);
    }
}
