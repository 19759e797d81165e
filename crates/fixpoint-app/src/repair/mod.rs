//! `fixpoint repair`: what the batch fixers cannot fix goes to an LLM, in a
//! loop that never leaves the code worse than it found it.
//!
//! For each target (a failing test, or one representative per pattern):
//! build the context, ask the model for search/replace edits, apply them
//! through the journal (refusing paths outside the project, test files
//! unless allowed, and edits that break the syntax), rerun the target and
//! the tests the changed files reach, and keep the change only when the
//! target passes and nothing that passed before fails. Otherwise revert
//! through the journal, tell the model what happened, raise the temperature
//! and try again. A kept change is committed with git. Every attempt is
//! stored in the history.

mod config;
mod context;
mod guard;
mod session;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use fixpoint_core::TestResult;
use fixpoint_fix::journal::Journal;
use fixpoint_git::Git;
use fixpoint_pytest::runner::Observer;
use fixpoint_repair::Client;
use fixpoint_repair::prompt::{self, Failure};
use fixpoint_repair::redact::Redactor;
use fixpoint_store::{AttemptRow, Store};
use serde::Serialize;

pub use config::{KEY_VARIABLES, RepairConfig, RepairRequest};
use context::{context_files, failure_text};
use guard::{Guard, missing_data_file};
use session::Session;

use crate::{AppError, Project, Recording, run_and_record};

/// What the loop reports as it goes.
#[derive(Debug)]
pub enum RepairEvent<'a> {
    /// The history had no run: the whole suite runs first.
    RunningBaseline,
    Target {
        index: usize,
        total: usize,
        nodeid: &'a str,
    },
    /// A target that needs no repair any more.
    Skipped {
        nodeid: &'a str,
        reason: &'a str,
    },
    Asking {
        attempt: u32,
        temperature: f64,
    },
    /// The edit applied; its tests run now.
    Verifying {
        files: &'a [String],
        paths: &'a [String],
    },
    Attempted(&'a AttemptRow),
}

/// How one target ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status", content = "reason")]
pub enum TargetStatus {
    Fixed,
    /// Every attempt failed.
    NotFixed,
    /// It passed already (or an earlier repair fixed it).
    Skipped(String),
    /// The loop stopped before finishing it (spending cap, model unreachable, interrupt).
    Stopped,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub nodeid: String,
    pub status: TargetStatus,
    pub attempts: u32,
    pub commit: Option<String>,
    /// Other failing tests the kept change fixed too.
    pub also_fixed: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RepairReport {
    pub targets: Vec<TargetReport>,
    pub tokens: u64,
    /// Why the loop stopped early, if it did.
    pub stopped: Option<String>,
    pub model: String,
}

impl RepairReport {
    pub fn fixed(&self) -> usize {
        self.targets.iter().filter(|t| t.status == TargetStatus::Fixed).count()
    }

    pub fn attempts(&self) -> u32 {
        self.targets.iter().map(|t| t.attempts).sum()
    }
}

/// Runs the repair loop.
pub fn repair(
    project: &Project,
    request: &RepairRequest,
    recording: &Recording,
    env: &dyn Fn(&str) -> Option<String>,
    observer: &mut dyn Observer,
    events: &mut dyn FnMut(RepairEvent<'_>),
    cancel: &AtomicBool,
) -> Result<RepairReport, AppError> {
    let config = RepairConfig::resolve(project, request, env)?;
    let git = prepare_git(project, &config, request, true)?;
    let mut store = crate::store::open_store(project, recording.db.as_deref())?;

    // What is known of every test: the history back to the latest whole-suite
    // run, plus the targets when they were not in it.
    let mut results = if request.fresh_baseline {
        HashMap::new()
    } else {
        known_results(store.as_mut())?
    };
    if results.is_empty() {
        events(RepairEvent::RunningBaseline);
        let (run, _) = run_and_record(project, &request.run, Some(recording), observer, cancel)?;
        for test in run.tests {
            results.insert(test.nodeid.clone(), test);
        }
    }
    let missing: Vec<String> = request
        .nodeids
        .iter()
        .filter(|nodeid| !results.contains_key(*nodeid))
        .cloned()
        .collect();
    if !missing.is_empty() {
        let targets = request.run.only(missing);
        let (run, _) = run_and_record(project, &targets, Some(recording), observer, cancel)?;
        for test in run.tests {
            results.insert(test.nodeid.clone(), test);
        }
    }
    let targets = choose_targets(project, request, &results)?;

    let redactor = Redactor::new(&project.root, std::env::vars());
    let guard = Guard::new(&project.root, &redactor, config.allow_test_edits)
        .map_err(|e| AppError::io(format!("could not read {}", project.root.display()), e))?;
    let mut client = Client::new(config.model.clone());
    let journal = Journal::new(&project.root);
    let mut report = RepairReport {
        model: config.model.model.clone(),
        ..RepairReport::default()
    };
    let total = targets.len();
    for (index, (nodeid, pattern)) in targets.iter().enumerate() {
        events(RepairEvent::Target {
            index: index + 1,
            total,
            nodeid,
        });
        let mut target = TargetReport {
            nodeid: nodeid.clone(),
            status: TargetStatus::NotFixed,
            attempts: 0,
            commit: None,
            also_fixed: Vec::new(),
        };
        if report.stopped.is_some() || cancel.load(Ordering::SeqCst) {
            target.status = TargetStatus::Stopped;
            report.targets.push(target);
            continue;
        }
        if let Some(result) = results.get(nodeid.as_str())
            && !result.outcome.is_failing()
        {
            let reason = "it passes now".to_owned();
            events(RepairEvent::Skipped {
                nodeid,
                reason: &reason,
            });
            target.status = TargetStatus::Skipped(reason);
            report.targets.push(target);
            continue;
        }
        let mut session = Session {
            project,
            config: &config,
            request,
            recording,
            redactor: &redactor,
            guard: &guard,
            journal: &journal,
            git: git.as_ref(),
            store: store.as_mut(),
            client: &mut client,
            results: &mut results,
            report: &mut report,
            sources: Vec::new(),
        };
        session.repair_target(&mut target, pattern.as_deref(), observer, events, cancel)?;
        report.targets.push(target);
    }
    Ok(report)
}

/// How many runs back [`known_results`] looks for a whole-suite run.
const KNOWN_RUNS: usize = 200;

/// Each test's newest result, from the newest run back to the latest run of
/// the whole suite: repair's own verification runs select a few files, and
/// the rest of the suite is known from the runs before them.
fn known_results(store: &mut dyn Store) -> Result<HashMap<String, TestResult>, AppError> {
    let mut results = HashMap::new();
    for run in store.runs(KNOWN_RUNS)? {
        for row in store.results(run.id)? {
            if !results.contains_key(&row.nodeid) {
                results.insert(row.nodeid.clone(), TestResult::from(row));
            }
        }
        if run.is_whole_suite() {
            break;
        }
    }
    Ok(results)
}

/// Checks, before anything changes, that a repair could start: a model is
/// set, and the work tree is clean and can be committed to.
pub fn preflight(
    project: &Project,
    request: &RepairRequest,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), AppError> {
    let config = RepairConfig::resolve(project, request, env)?;
    prepare_git(project, &config, request, false).map(drop)
}

/// The first message the repair loop would send for `nodeid`, with its system
/// prompt: what an assistant needs to fix that test (the MCP prompt
/// `fix-failing-test`). Secrets are redacted as in the loop.
pub fn prompt_for(project: &Project, store: &mut dyn Store, nodeid: &str) -> Result<(String, String), AppError> {
    let test = known_test(store, nodeid)?;
    let sources = fixpoint_python::read_project(&project.root);
    let failure = failure_text(&test);
    let files = context_files(&project.root, nodeid, &failure, &sources);
    let settings = &project.settings.repair;
    let allow_test_edits = settings.allow_test_edits.unwrap_or(false);
    let missing = missing_data_file(&crate::paths::policy(project)?, &test);
    let prompt = prompt::build(
        &Failure {
            nodeid,
            traceback: &failure,
            missing_file: missing.as_deref(),
            background: None,
        },
        &files,
        settings.context_tokens.unwrap_or(12_000) as usize,
        allow_test_edits,
        &Redactor::new(&project.root, std::env::vars()),
    );
    Ok((prompt.system, prompt.user))
}

/// The files the repair loop would show the model for `nodeid` (the test's
/// file, the project files in its traceback, the modules it imports): what
/// `fixpoint context --for NODEID` packs.
pub fn context_paths(project: &Project, store: &mut dyn Store, nodeid: &str) -> Result<Vec<String>, AppError> {
    let test = known_test(store, nodeid)?;
    let sources = fixpoint_python::read_project(&project.root);
    Ok(context_files(&project.root, nodeid, &failure_text(&test), &sources)
        .into_iter()
        .map(|file| file.path)
        .collect())
}

/// A test's newest result in the history.
fn known_test(store: &mut dyn Store, nodeid: &str) -> Result<TestResult, AppError> {
    known_results(store)?.remove(nodeid).ok_or_else(|| {
        AppError::Usage(format!(
            "`{nodeid}` is not in the history: run it first (`fixpoint run {}`)",
            nodeid.split("::").next().unwrap_or(nodeid)
        ))
    })
}

/// Checks the work tree and switches branch (when `switch`) before anything changes.
fn prepare_git(
    project: &Project,
    config: &RepairConfig,
    request: &RepairRequest,
    switch: bool,
) -> Result<Option<Git>, AppError> {
    let git = Git::open(&project.root);
    match &git {
        None if config.commit => {
            return Err(AppError::Usage(format!(
                "{} is not in a git repository: fixpoint repair commits each fix; pass --no-commit to leave them uncommitted",
                project.root.display()
            )));
        }
        None => {}
        Some(git) => {
            if !request.allow_dirty {
                // fixpoint's own state, which every recorded run may rewrite.
                let dirty = git.dirty_paths(&[".fixpoint", crate::workflow::AI_DIR, crate::workflow::WORKFLOW_DIR])?;
                if !dirty.is_empty() {
                    return Err(AppError::Usage(format!(
                        "the work tree has uncommitted changes ({}): commit or stash them first, or pass --allow-dirty",
                        dirty.join(", ")
                    )));
                }
            }
            if config.commit {
                git.check_identity()?;
            }
            if let Some(branch) = request.branch.as_ref().filter(|_| switch) {
                git.switch_new_branch(branch)?;
            }
        }
    }
    Ok(git)
}

/// The tests to repair, each with its pattern: the node ids asked for, or
/// the representative of the pattern asked for, or of every pattern.
fn choose_targets(
    project: &Project,
    request: &RepairRequest,
    results: &HashMap<String, TestResult>,
) -> Result<Vec<(String, Option<String>)>, AppError> {
    let mut tests: Vec<TestResult> = results.values().cloned().collect();
    tests.sort_by(|a, b| a.nodeid.cmp(&b.nodeid));
    let triage = crate::triage::triage_results(project, &tests);
    let pattern_of = |nodeid: &str| triage.verdict(nodeid).map(|v| v.pattern.clone());
    if !request.nodeids.is_empty() {
        return Ok(request
            .nodeids
            .iter()
            .map(|nodeid| (nodeid.clone(), pattern_of(nodeid)))
            .collect());
    }
    if let Some(id) = &request.pattern {
        let pattern = triage.pattern(id).ok_or_else(|| {
            AppError::Usage(format!(
                "no pattern `{id}` among the latest run's failures: `fixpoint triage` lists them"
            ))
        })?;
        let first = pattern.failures.first().cloned().unwrap_or_default();
        return Ok(vec![(first, Some(pattern.id.clone()))]);
    }
    Ok(triage
        .patterns
        .iter()
        .filter_map(|pattern| Some((pattern.failures.first()?.clone(), Some(pattern.id.clone()))))
        .collect())
}

/// `fixpoint attempts [NODEID]`.
pub fn attempts(store: &mut dyn Store, nodeid: Option<&str>, limit: usize) -> Result<Vec<AttemptRow>, AppError> {
    Ok(store.attempts(nodeid, limit)?)
}
