//! One target's attempts: ask, apply through the journal, verify, judge,
//! keep and commit, or revert and tell the model why.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use fixpoint_core::{Outcome, Run, TestResult};
use fixpoint_fix::engine::unified_diff;
use fixpoint_fix::journal::Journal;
use fixpoint_git::Git;
use fixpoint_pytest::runner::Observer;
use fixpoint_repair::edits::{self, EditError};
use fixpoint_repair::prompt::{self, Failure};
use fixpoint_repair::redact::Redactor;

use super::guard::{Guard, is_python, missing_data_file};
use fixpoint_repair::{Client, Message};
use fixpoint_store::{AttemptRow, Store};

use super::config::{RepairConfig, RepairRequest};
use super::context::{context_files, failure_text};
use super::{RepairEvent, RepairReport, TargetReport, TargetStatus};
use crate::{AppError, Project, Recording, run_and_record};

/// Everything one target's attempts share.
pub(super) struct Session<'a> {
    pub(super) project: &'a Project,
    pub(super) config: &'a RepairConfig,
    pub(super) request: &'a RepairRequest,
    pub(super) recording: &'a Recording,
    pub(super) redactor: &'a Redactor,
    pub(super) guard: &'a Guard<'a>,
    pub(super) journal: &'a Journal,
    pub(super) git: Option<&'a Git>,
    pub(super) store: &'a mut dyn Store,
    pub(super) client: &'a mut Client,
    pub(super) results: &'a mut HashMap<String, TestResult>,
    pub(super) report: &'a mut RepairReport,
    /// The project's Python sources as the current target found them.
    pub(super) sources: Vec<(String, String)>,
}

/// How one attempt ended.
struct AttemptVerdict {
    kind: &'static str,
    reason: String,
    /// What the model is told, when there is a next attempt.
    feedback: String,
}

impl Session<'_> {
    pub(super) fn repair_target(
        &mut self,
        target: &mut TargetReport,
        pattern: Option<&str>,
        observer: &mut dyn Observer,
        events: &mut dyn FnMut(RepairEvent<'_>),
        cancel: &AtomicBool,
    ) -> Result<(), AppError> {
        let nodeid = target.nodeid.clone();
        // Read once per target (an earlier target's commit changed the code);
        // each attempt's verification patches in what it changed.
        self.sources = fixpoint_python::read_project(&self.project.root);
        let sources = &self.sources;
        let failure_text = self.results.get(&nodeid).map(failure_text).unwrap_or_default();
        let files = context_files(&self.project.root, &nodeid, &failure_text, sources);
        let missing = self
            .results
            .get(&nodeid)
            .and_then(|test| missing_data_file(self.guard.policy(), test));
        let first = prompt::build(
            &Failure {
                nodeid: &nodeid,
                traceback: &failure_text,
                missing_file: missing.as_deref(),
                background: self.request.background.as_deref(),
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
    ) -> Result<AttemptVerdict, AppError> {
        let refuse = |kind: &'static str, reason: String| AttemptVerdict {
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
        let sources = with_changes(&self.sources, &changed);
        let run = self.verify(&target.nodeid, &files, &sources, observer, events, cancel);
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
            return Ok(AttemptVerdict {
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
        Ok(AttemptVerdict {
            kind: "fixed",
            reason: format!(
                "the target passes and no test that passed before fails ({} rerun)",
                fixpoint_report::count(run.counts.total as usize, "test")
            ),
            feedback: String::new(),
        })
    }

    /// Reruns the target and the tests the changed files reach.
    fn verify(
        &mut self,
        nodeid: &str,
        files: &[String],
        sources: &[(String, String)],
        observer: &mut dyn Observer,
        events: &mut dyn FnMut(RepairEvent<'_>),
        cancel: &AtomicBool,
    ) -> Result<(Run, Option<i64>), AppError> {
        let mut paths = fixpoint_python::ImportGraph::build(&self.project.root, sources).affected_tests(files);
        let target_file = nodeid.split("::").next().unwrap_or(nodeid);
        let covered = paths.iter().any(|path| {
            target_file == path || target_file.starts_with(&format!("{}/", path.trim_end_matches('/'))) || path == "."
        });
        if !covered {
            paths.push(nodeid.to_owned());
        }
        events(RepairEvent::Verifying { files, paths: &paths });
        let request = self.request.run.only(paths);
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
        crate::workflow::after_event(self.store, self.project);
        events(RepairEvent::Attempted(row));
        Ok(())
    }
}

/// The project's Python sources as an applied edit leaves them: the target's
/// reading of the project (made once per target, not per attempt) with the
/// changed files' new texts.
fn with_changes(sources: &[(String, String)], changed: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut sources = sources.to_vec();
    for (path, text) in changed.iter().filter(|(path, _)| is_python(path)) {
        match sources.iter_mut().find(|(known, _)| known == path) {
            Some(entry) => entry.1.clone_from(text),
            None => sources.push((path.clone(), text.clone())),
        }
    }
    sources
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_patches_its_python_changes_into_the_targets_reading() {
        let read = vec![
            ("app/a.py".to_owned(), "import app.b\n".to_owned()),
            ("app/b.py".to_owned(), "x = 1\n".to_owned()),
        ];
        let changed = BTreeMap::from([
            ("app/a.py".to_owned(), String::new()),
            ("app/new.py".to_owned(), "import app.a\n".to_owned()),
            ("tests/data/monsters.json".to_owned(), "[]".to_owned()),
        ]);
        assert_eq!(
            with_changes(&read, &changed),
            [
                ("app/a.py".to_owned(), String::new()),
                ("app/b.py".to_owned(), "x = 1\n".to_owned()),
                ("app/new.py".to_owned(), "import app.a\n".to_owned()),
            ]
        );
    }
}
