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

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use fixpoint_core::{Outcome, Run, TestResult};
use fixpoint_fix::engine::unified_diff;
use fixpoint_fix::journal::Journal;
use fixpoint_git::Git;
use fixpoint_pytest::runner::Observer;
use fixpoint_repair::edits::{self, EditError};
use fixpoint_repair::prompt::{self, Failure, Relevance, SourceFile};
use fixpoint_repair::redact::{Redactor, is_dotenv};

mod guard;

use fixpoint_repair::{ApiKey, Client, Message, ModelConfig, Provider};
use fixpoint_store::{AttemptRow, Store};
use guard::{Guard, is_python, missing_data_file};
use serde::Serialize;

use crate::{AppError, Project, Recording, RepairSettings, RunRequest, run_and_record};

/// Environment variables the key is read from, in order.
pub const KEY_VARIABLES: [&str; 3] = ["FIXPOINT_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"];

/// What `fixpoint repair` was asked for; `None` falls back to
/// `[tool.fixpoint.repair]`, then to the defaults.
#[derive(Debug, Clone, Default)]
pub struct RepairRequest {
    /// Tests to repair; none: one representative of every failing pattern.
    pub nodeids: Vec<String>,
    /// Repair this pattern's representative.
    pub pattern: Option<String>,
    /// The caller's model and limits; each key given overrides the same key
    /// of `[tool.fixpoint.repair]` ([`RepairSettings::over`]).
    pub settings: RepairSettings,
    pub branch: Option<String>,
    pub allow_dirty: bool,
    /// Run the whole suite first even when the history has a run (the code
    /// changed since, as after `fixpoint fix`).
    pub fresh_baseline: bool,
    /// How verification runs are made (interpreter, timeouts).
    pub run: RunRequest,
}

/// The settings after flags, `[tool.fixpoint.repair]` and defaults.
#[derive(Debug, Clone)]
pub struct RepairConfig {
    pub model: ModelConfig,
    pub temperature: f64,
    pub temperature_step: f64,
    pub max_retries: u32,
    pub context_tokens: usize,
    pub token_budget: u64,
    pub allow_test_edits: bool,
    pub commit: bool,
}

impl RepairConfig {
    /// Merges the flags over the project's settings; `env` reads the
    /// environment (for the key).
    pub fn resolve(
        project: &Project,
        request: &RepairRequest,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, AppError> {
        let settings = &request.settings.over(&project.settings.repair);
        let model = settings.model.clone().ok_or_else(|| {
                AppError::Usage(
                    "no model to repair with: pass --model (for example --model gpt-4o) or set `model` under \
                 [tool.fixpoint.repair]"
                        .into(),
                )
            })?;
        let provider = match settings.provider.as_ref() {
            Some(name) => Provider::parse(name).ok_or_else(|| {
                AppError::Usage(format!(
                    "unknown provider `{name}`: use `openai` (any OpenAI-compatible server) or `anthropic`"
                ))
            })?,
            None => Provider::OpenAi,
        };
        let mut config = ModelConfig::new(provider, model);
        if let Some(url) = settings.base_url.clone() {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(AppError::Usage(format!(
                    "--base-url `{url}` is not an http:// or https:// URL"
                )));
            }
            config.base_url = url;
        }
        let keys: &[&str] = match provider {
            Provider::OpenAi => &KEY_VARIABLES[..2],
            Provider::Anthropic => &[KEY_VARIABLES[0], KEY_VARIABLES[2]],
        };
        config.api_key = keys
            .iter()
            .find_map(|name| env(name).filter(|value| !value.is_empty()))
            .map(ApiKey::new);
        let seconds = settings.request_timeout.unwrap_or(120.0);
        config.timeout = Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                AppError::Usage(format!(
                    "the request timeout must be a positive number of seconds, not {seconds}"
                ))
            })?;
        if let Some(retries) = settings.http_retries {
            config.retries = retries;
        }
        config.requests_per_minute = settings.requests_per_minute;
        if let Some(tokens) = settings.max_tokens {
            config.max_tokens = tokens;
        }
        let temperature = settings.temperature.unwrap_or(0.4);
        let temperature_step = settings.temperature_step.unwrap_or(0.1);
        if !(0.0..=2.0).contains(&temperature) || !(0.0..=1.0).contains(&temperature_step) {
            return Err(AppError::Usage(format!(
                "temperature {temperature} must be within 0 to 2 and its step {temperature_step} within 0 to 1"
            )));
        }
        let max_retries = settings.max_retries.unwrap_or(3);
        if max_retries == 0 {
            return Err(AppError::Usage("--max-retries must be at least 1".into()));
        }
        Ok(Self {
            model: config,
            temperature,
            temperature_step,
            max_retries,
            context_tokens: settings.context_tokens.unwrap_or(12_000) as usize,
            token_budget: settings.token_budget.unwrap_or(200_000),
            allow_test_edits: settings.allow_test_edits.unwrap_or(false),
            commit: settings.commit.unwrap_or(true),
        })
    }
}

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
        let targets = RunRequest {
            paths: missing,
            from_root: true,
            ..request.run.clone()
        };
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
        let whole_suite = run.selection.is_empty() && run.shard.is_none() && run.interrupted.is_none();
        if whole_suite {
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
                let dirty = git.dirty_paths(".fixpoint")?;
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

/// Everything one target's attempts share.
struct Session<'a> {
    project: &'a Project,
    config: &'a RepairConfig,
    request: &'a RepairRequest,
    recording: &'a Recording,
    redactor: &'a Redactor,
    guard: &'a Guard<'a>,
    journal: &'a Journal,
    git: Option<&'a Git>,
    store: &'a mut dyn Store,
    client: &'a mut Client,
    results: &'a mut HashMap<String, TestResult>,
    report: &'a mut RepairReport,
}

/// How one attempt ended.
struct Verdict {
    kind: &'static str,
    reason: String,
    /// What the model is told, when there is a next attempt.
    feedback: String,
}

impl Session<'_> {
    fn repair_target(
        &mut self,
        target: &mut TargetReport,
        pattern: Option<&str>,
        observer: &mut dyn Observer,
        events: &mut dyn FnMut(RepairEvent<'_>),
        cancel: &AtomicBool,
    ) -> Result<(), AppError> {
        let nodeid = target.nodeid.clone();
        let sources = fixpoint_python::read_project(&self.project.root);
        let failure_text = self.results.get(&nodeid).map(failure_text).unwrap_or_default();
        let files = context_files(&self.project.root, &nodeid, &failure_text, &sources);
        let missing = self
            .results
            .get(&nodeid)
            .and_then(|test| missing_data_file(self.guard.policy(), test));
        let first = prompt::build(
            &Failure {
                nodeid: &nodeid,
                traceback: &failure_text,
                missing_file: missing.as_deref(),
            },
            &files,
            self.config.context_tokens,
            self.config.allow_test_edits,
            self.redactor,
        );
        let mut messages = vec![Message::user(first.user)];
        for attempt in 1..=self.config.max_retries {
            if cancel.load(Ordering::SeqCst) {
                self.report.stopped = Some("interrupted".into());
                target.status = TargetStatus::Stopped;
                return Ok(());
            }
            if self.report.tokens >= self.config.token_budget {
                self.report.stopped = Some(format!(
                    "the spending cap of {} tokens is reached (token-budget under [tool.fixpoint.repair], or --token-budget)",
                    self.config.token_budget
                ));
                target.status = TargetStatus::Stopped;
                return Ok(());
            }
            let temperature = self.config.temperature + self.config.temperature_step * f64::from(attempt - 1);
            let temperature = (temperature * 100.0).round() / 100.0;
            events(RepairEvent::Asking { attempt, temperature });
            target.attempts = attempt;
            let mut row = AttemptRow {
                id: 0,
                started_at: fixpoint_core::format_rfc3339(std::time::SystemTime::now()),
                finished_at: String::new(),
                nodeid: nodeid.clone(),
                pattern: pattern.map(str::to_owned),
                attempt,
                temperature,
                provider: self.config.model.provider.name().to_owned(),
                model: self.config.model.model.clone(),
                prompt_chars: (first.system.len() + messages.iter().map(|m| m.content.len()).sum::<usize>()) as u64,
                response_chars: 0,
                prompt_tokens: None,
                completion_tokens: None,
                diff: String::new(),
                verdict: String::new(),
                reason: String::new(),
                journal_id: None,
                git_commit: None,
                run_id: None,
            };
            let completion = match self.client.complete(&first.system, &messages, temperature) {
                Ok(completion) => completion,
                Err(error) => {
                    let reason = error.to_string();
                    self.finish(&mut row, "error", &reason, events)?;
                    self.report.stopped = Some(reason);
                    target.status = TargetStatus::Stopped;
                    return Ok(());
                }
            };
            row.response_chars = completion.text.len() as u64;
            row.prompt_tokens = completion.prompt_tokens;
            row.completion_tokens = completion.completion_tokens;
            self.report.tokens += completion
                .prompt_tokens
                .unwrap_or(prompt::estimate_tokens(&first.system) as u64 + row.prompt_chars / 4)
                + completion
                    .completion_tokens
                    .unwrap_or(prompt::estimate_tokens(&completion.text) as u64);
            let verdict = self.try_answer(&completion.text, &mut row, target, observer, events, cancel)?;
            let fixed = verdict.kind == "fixed";
            self.finish(&mut row, verdict.kind, &verdict.reason, events)?;
            if fixed {
                target.status = TargetStatus::Fixed;
                return Ok(());
            }
            // An answer that echoed a secret goes back to the model without it.
            messages.push(Message::assistant(self.redactor.redact(&completion.text)));
            messages.push(Message::user(verdict.feedback));
        }
        Ok(())
    }

    /// Applies one answer, verifies it, and keeps or reverts it.
    fn try_answer(
        &mut self,
        answer: &str,
        row: &mut AttemptRow,
        target: &mut TargetReport,
        observer: &mut dyn Observer,
        events: &mut dyn FnMut(RepairEvent<'_>),
        cancel: &AtomicBool,
    ) -> Result<Verdict, AppError> {
        let refuse = |kind: &'static str, reason: String| Verdict {
            kind,
            feedback: format!("your edit was not applied: {reason}"),
            reason,
        };
        let blocks = match edits::parse(answer) {
            Ok(blocks) => blocks,
            Err(error) => return Ok(refuse("malformed", error.to_string())),
        };
        let missing = self
            .results
            .get(&target.nodeid)
            .and_then(|test| missing_data_file(self.guard.policy(), test));
        // Creating the data file the test failed to open cannot weaken the test.
        let blocks = match self.guard.blocks(blocks, missing.as_deref()) {
            Ok(blocks) => blocks,
            Err(reason) => return Ok(refuse("refused", reason)),
        };
        let guard = self.guard;
        let changed = match edits::apply(&blocks, &mut |path| guard.read(path)) {
            Ok(changed) => changed,
            Err(error @ (EditError::NotFound { .. } | EditError::Ambiguous { .. })) => {
                return Ok(refuse("refused", error.to_string()));
            }
            Err(error) => return Ok(refuse("malformed", error.to_string())),
        };
        if let Err(reason) = guard.changes(&changed) {
            return Ok(refuse("refused", reason));
        }
        let mut originals: Vec<(String, String)> = Vec::new();
        for (path, text) in &changed {
            let before = guard.read(path).unwrap_or_default();
            if is_python(path)
                && let Err(error) = fixpoint_python::parses(text)
                && fixpoint_python::parses(&before).is_ok()
            {
                return Ok(refuse("refused", format!("{path}: the edit would not parse: {error}")));
            }
            originals.push((path.clone(), before));
        }
        if changed.iter().zip(&originals).all(|((_, new), (_, old))| new == old) {
            return Ok(refuse("refused", "the edit changes nothing".into()));
        }
        row.diff = changed
            .iter()
            .zip(&originals)
            .map(|((path, new), (_, old))| unified_diff(path, old, new))
            .collect();

        let mut change = self.journal.begin(&self.recording.command)?;
        for (path, text) in &changed {
            change.write(path, text.as_bytes(), &["repair".to_owned()])?;
        }
        let entry = change.finish()?;
        row.journal_id = Some(entry.id.clone());

        let files: Vec<String> = changed.keys().cloned().collect();
        let run = self.verify(&target.nodeid, &files, observer, events, cancel);
        let (run, run_id) = match run {
            Ok(done) => done,
            Err(error) => {
                self.journal.undo(Some(&entry.id), true)?;
                return Err(error);
            }
        };
        row.run_id = run_id;
        let judged = self.judge(&target.nodeid, &run);
        if let Some((reason, output)) = judged {
            self.journal.undo(Some(&entry.id), false)?;
            return Ok(Verdict {
                kind: "reverted",
                feedback: prompt::feedback(
                    &format!("your edit was applied, then {reason}."),
                    &output,
                    self.redactor,
                    6000,
                ),
                reason,
            });
        }
        // Kept: what the run saw is now what is known.
        let mut also_fixed = Vec::new();
        for test in run.tests {
            let was_failing = self.results.get(&test.nodeid).is_some_and(|t| t.outcome.is_failing());
            if was_failing && !test.outcome.is_failing() && test.nodeid != target.nodeid {
                also_fixed.push(test.nodeid.clone());
            }
            self.results.insert(test.nodeid.clone(), test);
        }
        also_fixed.sort();
        target.also_fixed = also_fixed;
        if self.config.commit
            && let Some(git) = self.git
        {
            let message = commit_message(&target.nodeid, row, self.config, &files, &target.also_fixed);
            let commit = git.commit(&files, &message).map_err(|error| AppError::Commit {
                nodeid: target.nodeid.clone(),
                error,
            })?;
            row.git_commit = Some(commit.clone());
            target.commit = Some(commit);
        }
        Ok(Verdict {
            kind: "fixed",
            reason: format!(
                "the target passes and no test that passed before fails ({} tests rerun)",
                run.counts.total
            ),
            feedback: String::new(),
        })
    }

    /// Reruns the target and the tests the changed files reach.
    fn verify(
        &mut self,
        nodeid: &str,
        files: &[String],
        observer: &mut dyn Observer,
        events: &mut dyn FnMut(RepairEvent<'_>),
        cancel: &AtomicBool,
    ) -> Result<(Run, Option<i64>), AppError> {
        let sources = fixpoint_python::read_project(&self.project.root);
        let mut paths = fixpoint_python::ImportGraph::build(&self.project.root, &sources).affected_tests(files);
        let target_file = nodeid.split("::").next().unwrap_or(nodeid);
        let covered = paths.iter().any(|path| {
            target_file == path || target_file.starts_with(&format!("{}/", path.trim_end_matches('/'))) || path == "."
        });
        if !covered {
            paths.push(nodeid.to_owned());
        }
        events(RepairEvent::Verifying { files, paths: &paths });
        let request = RunRequest {
            paths,
            from_root: true,
            group: None,
            keyword: None,
            markers: None,
            ..self.request.run.clone()
        };
        run_and_record(self.project, &request, Some(self.recording), observer, cancel)
    }

    /// Why the verification run does not count as a fix (and the output
    /// the model should see), or `None` when it does.
    fn judge(&self, nodeid: &str, run: &Run) -> Option<(String, String)> {
        if run.info.interrupted.is_some() {
            return Some(("the test run was interrupted".into(), String::new()));
        }
        let is_module = !nodeid.contains("::");
        let mine: Vec<&TestResult> = run
            .tests
            .iter()
            .filter(|t| t.nodeid == nodeid || (is_module && t.nodeid.starts_with(&format!("{nodeid}::"))))
            .collect();
        let broken: Vec<&TestResult> = run
            .tests
            .iter()
            .filter(|t| t.outcome.is_failing() && t.nodeid != nodeid)
            .filter(|t| match self.results.get(&t.nodeid) {
                Some(before) => !before.outcome.is_failing() && before.outcome != Outcome::Skipped,
                // Not seen before: a failure may be new, so it counts against the change.
                None => true,
            })
            .collect();
        let still_failing = mine.iter().find(|t| t.outcome.is_failing());
        if mine.is_empty() {
            return Some((
                format!("the test {nodeid} did not run (was it renamed or removed?)"),
                String::new(),
            ));
        }
        if let Some(test) = still_failing {
            return Some((format!("the test {nodeid} still fails"), failure_text(test)));
        }
        if !broken.is_empty() {
            let names: Vec<&str> = broken.iter().map(|t| t.nodeid.as_str()).collect();
            return Some((
                format!(
                    "it broke {} test(s) that passed before: {}",
                    names.len(),
                    names.join(", ")
                ),
                failure_text(broken[0]),
            ));
        }
        None
    }

    fn finish(
        &mut self,
        row: &mut AttemptRow,
        verdict: &str,
        reason: &str,
        events: &mut dyn FnMut(RepairEvent<'_>),
    ) -> Result<(), AppError> {
        row.finished_at = fixpoint_core::format_rfc3339(std::time::SystemTime::now());
        verdict.clone_into(&mut row.verdict);
        row.reason = self.redactor.redact(reason);
        row.id = self.store.record_attempt(row)?;
        events(RepairEvent::Attempted(row));
        Ok(())
    }
}

/// The failure as the model should read it: the traceback trimmed to the
/// project's frames, or the message when there is no traceback.
fn failure_text(test: &TestResult) -> String {
    match (&test.longrepr, &test.message) {
        (Some(longrepr), _) => fixpoint_triage::traceback::trim_to_project(longrepr),
        (None, Some(message)) => message.clone(),
        (None, None) => format!("{} {}", test.nodeid, test.outcome),
    }
}

/// The files the model sees: the test's file, the project files in the
/// traceback, and the project modules the test imports. Never a `.env`.
fn context_files(root: &Path, nodeid: &str, failure: &str, sources: &[(String, String)]) -> Vec<SourceFile> {
    let source_of = |path: &str| sources.iter().find(|(p, _)| p == path).map(|(_, s)| s.clone());
    let mut files = Vec::new();
    let test_file = nodeid.split("::").next().unwrap_or(nodeid);
    if let Some(text) = source_of(test_file) {
        files.push(SourceFile {
            path: test_file.to_owned(),
            text,
            why: Relevance::Test,
        });
    }
    let mut seen: BTreeSet<String> = BTreeSet::from([test_file.to_owned()]);
    for frame in fixpoint_triage::traceback::frames(failure) {
        if frame.is_project()
            && seen.insert(frame.path.clone())
            && let Some(text) = source_of(&frame.path)
        {
            files.push(SourceFile {
                path: frame.path,
                text,
                why: Relevance::InTraceback,
            });
        }
    }
    let graph = fixpoint_python::ImportGraph::build(root, sources);
    for path in graph.imports_of(test_file) {
        if seen.insert(path.to_owned())
            && let Some(text) = source_of(path)
        {
            files.push(SourceFile {
                path: path.to_owned(),
                text,
                why: Relevance::Imported,
            });
        }
    }
    files.retain(|file| !is_dotenv(file.path.rsplit('/').next().unwrap_or(&file.path)));
    files
}

fn commit_message(nodeid: &str, row: &AttemptRow, config: &RepairConfig, files: &[String], also: &[String]) -> String {
    let mut message = format!(
        "fixpoint repair: fix {nodeid}\n\nAttempt {} of {} by {} ({}) at temperature {}.\nChanged: {}\n",
        row.attempt,
        config.max_retries,
        row.model,
        row.provider,
        row.temperature,
        files.join(", ")
    );
    if !also.is_empty() {
        let _ = writeln!(message, "Also fixes: {}", also.join(", "));
    }
    if let Some(id) = &row.journal_id {
        let _ = writeln!(message, "Journal entry: {id} (`fixpoint undo {id}` takes it back)");
    }
    message
}

/// `fixpoint attempts [NODEID]`.
pub fn attempts(store: &mut dyn Store, nodeid: Option<&str>, limit: usize) -> Result<Vec<AttemptRow>, AppError> {
    Ok(store.attempts(nodeid, limit)?)
}
