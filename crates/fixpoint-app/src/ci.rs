//! `fixpoint ci`: run the suite, triage it, and judge it against a baseline
//! as a ratchet: the build fails only for tests that fail now and did not
//! fail in the baseline. Known failures are reported but pass (unless
//! strict), so a team can turn CI on for a red suite and let it only get
//! greener.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use fixpoint_core::Outcome;
use fixpoint_pytest::runner::Observer;
use fixpoint_report::{Report, TestEntry};
use fixpoint_store::slowdown::Detector;
use fixpoint_store::{OutcomeFilter, Store};
use serde::Serialize;

use crate::{AppError, Project, Recording, RunRequest, run_and_record};

/// Where the baseline comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// The latest whole-suite run recorded on the repository's default
    /// branch (see [`default_branch`]).
    DefaultBranch,
    /// The latest whole-suite run recorded on this git branch.
    Branch(String),
    /// A run in the history (`fixpoint history` ids, `latest~N`).
    Run(String),
    /// A JSON document with a `tests` array of `nodeid`/`outcome` objects:
    /// `fixpoint report --format json` or `fixpoint run --output-format json`.
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct CiRequest {
    pub run: RunRequest,
    pub baseline: Baseline,
    /// Fail on any failing test, known or not.
    pub strict: bool,
    /// Finds the tests that got slower; they are warnings...
    pub detector: Detector,
    /// ... or fail the build (`--fail-on-slowdown`).
    pub fail_on_slowdown: bool,
}

/// One failing test as CI reports it.
#[derive(Debug, Clone, Serialize)]
pub struct CiFailure {
    pub nodeid: String,
    pub outcome: Outcome,
    pub message: Option<String>,
    pub category: Option<String>,
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CiVerdict {
    pub run_id: Option<i64>,
    /// What the run was compared with, in words (`run #12 on main`), or none.
    pub baseline: Option<String>,
    /// The branch the baseline was looked for on, and why that one
    /// (`master (the default branch: origin/HEAD)`); none for a run or a file.
    pub baseline_branch: Option<String>,
    /// Failing now, not failing in the baseline: these fail the build.
    pub new_failures: Vec<CiFailure>,
    /// Failing now and in the baseline.
    pub known_failures: Vec<CiFailure>,
    /// Failing in the baseline, not now.
    pub fixed: Vec<String>,
    pub strict: bool,
    /// Tests that got slower over the whole-suite runs, this one included.
    pub slowdowns: Vec<fixpoint_report::SlowdownEntry>,
    pub fail_on_slowdown: bool,
    /// Whether the build passes.
    pub passed: bool,
    #[serde(skip)]
    pub report: Report,
}

/// Runs the suite, records it, and judges it against the baseline.
pub fn ci(
    project: &Project,
    request: &CiRequest,
    recording: &Recording,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
) -> Result<CiVerdict, AppError> {
    let mut store = crate::store::open_store(project, recording.db.as_deref())?;
    let branch = match &request.baseline {
        Baseline::DefaultBranch => Some(default_branch(&project.root)),
        Baseline::Branch(name) => Some(BranchChoice {
            name: name.clone(),
            why: "--baseline-branch",
        }),
        Baseline::Run(_) | Baseline::File(_) => None,
    };
    // Chosen before the run, so that the run cannot be its own baseline.
    let baseline = baseline_outcomes(store.as_mut(), &request.baseline, branch.as_ref())?;
    let (_, run_id) = run_and_record(project, &request.run, Some(recording), observer, cancel)?;
    let run_id = run_id.ok_or(AppError::NoRuns)?;
    let report = crate::report::build_with(store.as_mut(), project, &run_id.to_string(), Some(&request.detector))?;
    let mut verdict = judge(report, baseline, request.strict);
    verdict.baseline_branch = branch.map(|branch| branch.to_string());
    verdict.slowdowns.clone_from(&verdict.report.slowdowns);
    verdict.fail_on_slowdown = request.fail_on_slowdown;
    verdict.passed &= !request.fail_on_slowdown || verdict.slowdowns.is_empty();
    Ok(verdict)
}

/// The branch a baseline is looked for on, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchChoice {
    pub name: String,
    /// `--baseline-branch`, `origin/HEAD`, `init.defaultBranch`, ...
    pub why: &'static str,
}

impl std::fmt::Display for BranchChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.why == "--baseline-branch" {
            write!(f, "{} (--baseline-branch)", self.name)
        } else {
            write!(f, "{} (the default branch: {})", self.name, self.why)
        }
    }
}

/// The repository's default branch: where `origin/HEAD` points when there
/// is a remote, else `init.defaultBranch` when that branch exists, else
/// `main` or `master`, whichever exists (`main` first), else `main`.
pub fn default_branch(root: &std::path::Path) -> BranchChoice {
    let choice = |name: &str, why| BranchChoice {
        name: name.to_owned(),
        why,
    };
    let Some(git) = fixpoint_git::Git::open(root) else {
        return choice("main", "no other branch found");
    };
    if let Some(name) = git.origin_head() {
        return choice(&name, "origin/HEAD");
    }
    if let Some(configured) = git.config("init.defaultBranch")
        && git.has_branch(&configured)
    {
        return choice(&configured, "init.defaultBranch");
    }
    match ["main", "master"].into_iter().find(|name| git.has_branch(name)) {
        Some(name) => choice(name, "the branch of that name in the repository"),
        None => choice("main", "no other branch found"),
    }
}

/// A baseline: what it is, in words, and each test's outcome in it.
struct Known {
    description: String,
    outcomes: HashMap<String, Outcome>,
}

/// Sorts the report's failures into new and known against the baseline.
fn judge(report: Report, baseline: Option<Known>, strict: bool) -> CiVerdict {
    let failure = |t: &TestEntry| CiFailure {
        nodeid: t.nodeid.clone(),
        outcome: t.outcome,
        message: t.message.clone(),
        category: t.category.clone(),
        pattern: t.pattern.clone(),
    };
    let (description, before) = match baseline {
        Some(known) => (Some(known.description), known.outcomes),
        None => (None, HashMap::new()),
    };
    let mut new_failures = Vec::new();
    let mut known_failures = Vec::new();
    for test in report.failures() {
        let was_failing = before.get(&test.nodeid).is_some_and(|o| o.is_failing());
        if was_failing {
            known_failures.push(failure(test));
        } else {
            new_failures.push(failure(test));
        }
    }
    let now: HashMap<&str, Outcome> = report.tests.iter().map(|t| (t.nodeid.as_str(), t.outcome)).collect();
    let mut fixed: Vec<String> = before
        .iter()
        .filter(|(nodeid, outcome)| outcome.is_failing() && now.get(nodeid.as_str()).is_some_and(|o| !o.is_failing()))
        .map(|(nodeid, _)| nodeid.clone())
        .collect();
    fixed.sort();
    let passed = new_failures.is_empty() && (!strict || known_failures.is_empty());
    CiVerdict {
        run_id: Some(report.run.id),
        baseline: description,
        baseline_branch: None,
        new_failures,
        known_failures,
        fixed,
        strict,
        slowdowns: Vec::new(),
        fail_on_slowdown: false,
        passed,
        report,
    }
}

/// The baseline's outcome per test, with a description; `None` when the
/// branch has no recorded run yet.
fn baseline_outcomes(
    store: &mut dyn Store,
    baseline: &Baseline,
    branch: Option<&BranchChoice>,
) -> Result<Option<Known>, AppError> {
    let from_run = |store: &mut dyn Store, id: i64| -> Result<HashMap<String, Outcome>, AppError> {
        Ok(store
            .outcomes(&[id], OutcomeFilter::All)?
            .into_iter()
            .map(|row| (row.nodeid, row.outcome))
            .collect())
    };
    match baseline {
        Baseline::DefaultBranch | Baseline::Branch(_) => {
            let Some(branch) = branch else {
                return Ok(None);
            };
            let run = store
                .runs(1000)?
                .into_iter()
                .find(|run| run.is_whole_suite() && run.git_branch.as_deref() == Some(branch.name.as_str()));
            match run {
                Some(run) => Ok(Some(Known {
                    description: format!("run #{} on {branch}", run.id),
                    outcomes: from_run(store, run.id)?,
                })),
                None => Ok(None),
            }
        }
        Baseline::Run(reference) => {
            let run = crate::store::resolve_run(store, reference)?;
            Ok(Some(Known {
                description: format!("run #{}", run.id),
                outcomes: from_run(store, run.id)?,
            }))
        }
        Baseline::File(path) => {
            let bad = |reason: String| AppError::Usage(format!("baseline {}: {reason}", path.display()));
            let text = fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
            let document: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| bad(format!("not JSON ({e})")))?;
            let tests = document
                .get("tests")
                .and_then(serde_json::Value::as_array)
                .ok_or_else(|| {
                    bad("no `tests` array: write one with `fixpoint report --format json` or `fixpoint run --output-format json`".into())
                })?;
            let mut outcomes = HashMap::new();
            for test in tests {
                let nodeid = test.get("nodeid").and_then(serde_json::Value::as_str);
                let outcome = test
                    .get("outcome")
                    .and_then(serde_json::Value::as_str)
                    .and_then(Outcome::parse);
                match (nodeid, outcome) {
                    (Some(nodeid), Some(outcome)) => {
                        outcomes.insert(nodeid.to_owned(), outcome);
                    }
                    _ => return Err(bad(format!("a test without a `nodeid` or a known `outcome`: {test}"))),
                }
            }
            Ok(Some(Known {
                description: path.display().to_string(),
                outcomes,
            }))
        }
    }
}
