//! `fix` verified by the tests. After the fixes are written, the tests the
//! changed files reach (the import graph's impact set, `conftest.py`
//! directories included) run again and are compared with the run the fixes
//! came from. When a test that passed fails, a module stops collecting or
//! the suite no longer starts, the change is taken back through the journal,
//! the culprit files are found by bisecting over the changed files that
//! reach the broken tests, and the rest is written again and verified.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use fixpoint_core::{Outcome, Run};
use fixpoint_fix::journal::Manifest;
use fixpoint_pytest::PytestError;
use fixpoint_pytest::runner::Observer;
use fixpoint_python::ImportGraph;
use fixpoint_store::{OutcomeFilter, Store};

use super::{FixPlan, apply, undo_entry};
use crate::paths::selects;
use crate::{AppError, Project, RunRequest};

/// A change the tests refused (one file, or the files that make one change:
/// see `units`), and what it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenBack {
    pub paths: Vec<String>,
    /// The fixers that changed them.
    pub codes: Vec<String>,
    /// The tests that passed before and fail with it.
    pub broke: Vec<String>,
    /// Why the suite did not start with it, when it started before.
    pub stopped: Option<String>,
}

/// What the verified fix kept, took back and cost.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// The journal entry of what was kept (none when nothing was).
    pub entry: Option<Manifest>,
    /// The final verification run's id in the history.
    pub run_id: Option<i64>,
    /// The test files and directories the kept files reach.
    pub paths: Vec<String>,
    /// Tests in the final verification run.
    pub tests: u32,
    /// Kept files that no test reaches: nothing could check them.
    pub unreached: Vec<String>,
    /// Failing before, not failing with what was kept.
    pub fixed: Vec<String>,
    pub still_failing: Vec<String>,
    pub taken_back: Vec<TakenBack>,
    /// Tests that failed with a fix and passed when run again: flaky, not
    /// counted against it.
    pub flaky: Vec<String>,
    /// What verifying cost: pytest runs, the tests they ran, and seconds.
    pub runs: u32,
    pub tests_run: u32,
    pub seconds: f64,
}

/// Writes `plan` through the journal and keeps only what the tests confirm.
/// The trials' journal entries end `undone`; what is kept is one entry that
/// `fixpoint undo` takes back. The final verification run is recorded in
/// the history. Interrupted, or when pytest cannot run at all, nothing is
/// kept.
pub fn apply_verified(
    store: &mut dyn Store,
    project: &Project,
    plan: &FixPlan,
    base: &RunRequest,
    command: &str,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
) -> Result<Verification, AppError> {
    let started = Instant::now();
    let changed: BTreeSet<String> = plan.changed().map(|file| file.path.clone()).collect();
    if changed.is_empty() {
        return Ok(Verification::default());
    }
    let sources = fixpoint_python::read_project(&project.root);
    // The tests run with the interpreter of the run the fixes came from,
    // unless one is named.
    let recorded = match (&base.python, plan.run_id) {
        (None, Some(id)) => store.run(id)?.as_ref().and_then(super::recorded_python),
        _ => None,
    };
    let base = &RunRequest {
        python: base.python.clone().or(recorded),
        ..base.clone()
    };
    let mut verifier = Verifier {
        project,
        plan,
        base,
        command,
        graph: ImportGraph::build(&project.root, &sources),
        before: HashMap::new(),
        started_before: true,
        observer,
        cancel,
        runs: 0,
        tests_run: 0,
        flaky: BTreeSet::new(),
    };
    verifier.before = store
        .outcomes(plan.run_id.as_slice(), OutcomeFilter::All)?
        .into_iter()
        .map(|row| (row.nodeid, row.outcome))
        .collect();
    verifier.baseline_uncovered(&changed)?;

    let mut kept = changed;
    let mut taken_back = Vec::new();
    let (mut entry, mut judged) = verifier.trial(&kept)?;
    let (entry, judged) = loop {
        if judged.clean() {
            break (entry, judged);
        }
        undo_entry(project, entry.as_ref())?;
        let suspects = verifier.suspects(&kept, &judged);
        let mut accepted: BTreeSet<String> = kept
            .iter()
            .filter(|file| !suspects.iter().flatten().any(|suspect| suspect == *file))
            .cloned()
            .collect();
        let mut last_pass: Option<(BTreeSet<String>, Judged)> = None;
        let mut chunks: VecDeque<Vec<Vec<String>>> = VecDeque::new();
        if let [unit] = suspects.as_slice() {
            // The only change the broken tests reach: no trial needed.
            taken_back.push(verifier.taken_back(unit, &judged, entry.as_ref())?);
        } else {
            let (first, second) = suspects.split_at(suspects.len() / 2);
            chunks.extend([first.to_vec(), second.to_vec()]);
        }
        while let Some(chunk) = chunks.pop_front() {
            let candidate: BTreeSet<String> = accepted.iter().chain(chunk.iter().flatten()).cloned().collect();
            let (trial, result) = verifier.trial(&candidate)?;
            undo_entry(project, trial.as_ref())?;
            if result.clean() {
                accepted.clone_from(&candidate);
                last_pass = Some((candidate, result));
            } else if let [unit] = chunk.as_slice() {
                taken_back.push(verifier.taken_back(unit, &result, trial.as_ref())?);
            } else {
                let (first, second) = chunk.split_at(chunk.len() / 2);
                chunks.push_front(second.to_vec());
                chunks.push_front(first.to_vec());
            }
        }
        kept = accepted;
        if kept.is_empty() {
            break (None, Judged::default());
        }
        match last_pass {
            // The last trial that passed was exactly what is kept: write it again.
            Some((set, result)) if set == kept => break (apply(project, &verifier.subplan(&kept), command)?, result),
            // Otherwise verify what is kept; what it still breaks goes round again.
            _ => (entry, judged) = verifier.trial(&kept)?,
        }
    };

    let mut verification = Verification {
        entry,
        taken_back,
        ..Verification::default()
    };
    if verification.entry.is_some() {
        verification.paths = verifier.impact(&kept);
        verification.unreached = kept
            .iter()
            .filter(|file| verifier.graph.affected_tests(std::slice::from_ref(file)).is_empty())
            .cloned()
            .collect();
    }
    if let Some(run) = &judged.run {
        verification.tests = run.counts.total;
        verification.run_id = Some(crate::record::record_run(store, project, run, None, command)?);
        let now: BTreeSet<&str> = run.tests.iter().map(|t| t.nodeid.as_str()).collect();
        for (nodeid, outcome) in &verifier.before {
            // A module that failed to collect before and collects now.
            if !nodeid.contains("::")
                && outcome.is_failing()
                && !now.contains(nodeid.as_str())
                && verification.paths.iter().any(|path| reaches(path, nodeid))
            {
                verification.fixed.push(nodeid.clone());
            }
        }
        for test in &run.tests {
            let was = verifier.before.get(&test.nodeid).copied();
            match (was.map(Outcome::is_failing), test.outcome.is_failing()) {
                (Some(true), false) => verification.fixed.push(test.nodeid.clone()),
                (_, true) => verification.still_failing.push(test.nodeid.clone()),
                _ => {}
            }
        }
        verification.fixed.sort();
    }
    verification.flaky = verifier.flaky.iter().cloned().collect();
    verification.runs = verifier.runs;
    verification.tests_run = verifier.tests_run;
    verification.seconds = started.elapsed().as_secs_f64();
    Ok(verification)
}

/// What one verification run showed.
#[derive(Debug, Default)]
struct Judged {
    /// None when no test reaches the files, or the suite did not start.
    run: Option<Run>,
    /// Tests that passed before and fail now.
    broke: Vec<String>,
    /// Why the suite did not start, when it started before.
    stopped: Option<String>,
}

impl Judged {
    fn clean(&self) -> bool {
        self.broke.is_empty() && self.stopped.is_none()
    }
}

struct Verifier<'a> {
    project: &'a Project,
    plan: &'a FixPlan,
    base: &'a RunRequest,
    command: &'a str,
    graph: ImportGraph,
    /// Every outcome of the unchanged code: the run the fixes came from,
    /// and the baseline of the tests it did not run.
    before: HashMap<String, Outcome>,
    /// Whether the suite started on the unchanged code.
    started_before: bool,
    observer: &'a mut dyn Observer,
    cancel: &'a AtomicBool,
    runs: u32,
    tests_run: u32,
    /// Tests that failed in a trial and passed when run again.
    flaky: BTreeSet<String>,
}

/// How many times a test that broke runs again before the fix is blamed.
const CONFIRMING_RERUNS: usize = 3;

impl Verifier<'_> {
    /// The test files and directories `files` reach.
    fn impact(&self, files: &BTreeSet<String>) -> Vec<String> {
        self.graph.affected_tests(&files.iter().cloned().collect::<Vec<_>>())
    }

    /// Runs, on the unchanged code, the tests the changed files reach that
    /// the run the fixes came from did not (all of them without a run).
    fn baseline_uncovered(&mut self, changed: &BTreeSet<String>) -> Result<(), AppError> {
        let uncovered: Vec<String> = self
            .impact(changed)
            .into_iter()
            .filter(|path| !self.before.keys().any(|nodeid| reaches(path, nodeid)))
            .collect();
        if uncovered.is_empty() {
            return Ok(());
        }
        match self.run(uncovered)? {
            Ok(run) => {
                for test in run.tests {
                    self.before.insert(test.nodeid, test.outcome);
                }
            }
            Err(_) => self.started_before = false,
        }
        Ok(())
    }

    /// Writes `files`' fixes through the journal and runs the tests they
    /// reach. The entry stays written; the caller keeps or undoes it.
    fn trial(&mut self, files: &BTreeSet<String>) -> Result<(Option<Manifest>, Judged), AppError> {
        let entry = apply(self.project, &self.subplan(files), self.command)?;
        let paths = self.impact(files);
        if paths.is_empty() {
            return Ok((entry, Judged::default()));
        }
        match self.judge(paths) {
            Ok(judged) => Ok((entry, judged)),
            Err(error) => {
                undo_entry(self.project, entry.as_ref())?;
                Err(error)
            }
        }
    }

    /// Runs the tests under `paths` on the code as it is now and compares
    /// them with the unchanged code.
    fn judge(&mut self, paths: Vec<String>) -> Result<Judged, AppError> {
        Ok(match self.run(paths)? {
            Ok(run) => Judged {
                broke: self.confirmed(self.broken(&run))?,
                run: Some(run),
                stopped: None,
            },
            Err(stopped) => Judged {
                run: None,
                broke: Vec::new(),
                stopped: self.started_before.then_some(stopped),
            },
        })
    }

    /// Runs the tests under `paths`: the run, or why the suite did not
    /// start. Interrupted, or when pytest cannot run at all, an error.
    fn run(&mut self, paths: Vec<String>) -> Result<Result<Run, String>, AppError> {
        let request = self.base.only(paths);
        self.runs += 1;
        let run = match crate::run_tests(self.project, &request, self.observer, self.cancel) {
            Ok(run) => run,
            Err(AppError::Pytest(PytestError::PytestFailed { detail, .. })) => {
                return Ok(Err(detail));
            }
            Err(error) => {
                return Err(AppError::Usage(format!(
                    "cannot verify the fixes: {error} (nothing was changed; `--no-verify` writes them without running the tests)"
                )));
            }
        };
        self.tests_run += run.counts.total;
        if run.info.interrupted.is_some() || self.cancel.load(Ordering::Relaxed) {
            return Err(AppError::Usage(
                "interrupted while verifying: every fix was taken back".to_owned(),
            ));
        }
        Ok(Ok(run))
    }

    /// The broken tests that fail every time they run again: one that
    /// passes on a rerun is flaky, and its failure says nothing about the fix.
    fn confirmed(&mut self, mut broke: Vec<String>) -> Result<Vec<String>, AppError> {
        for _ in 0..CONFIRMING_RERUNS {
            let tests: Vec<String> = broke.iter().filter(|nodeid| nodeid.contains("::")).cloned().collect();
            if tests.is_empty() {
                break;
            }
            let Ok(rerun) = self.run(tests)? else { break };
            let passed: BTreeSet<&str> = rerun
                .tests
                .iter()
                .filter(|test| !test.outcome.is_failing())
                .map(|test| test.nodeid.as_str())
                .collect();
            self.flaky.extend(passed.iter().map(|nodeid| (*nodeid).to_owned()));
            broke.retain(|nodeid| !passed.contains(nodeid.as_str()));
        }
        Ok(broke)
    }

    /// Tests that passed before and fail in `run`, and modules that
    /// collected before and do not now.
    fn broken(&self, run: &Run) -> Vec<String> {
        let passed =
            |outcome: Option<&Outcome>| matches!(outcome, Some(Outcome::Passed | Outcome::Flaky | Outcome::XPassed));
        let mut broken = Vec::new();
        for test in run.tests.iter().filter(|test| test.outcome.is_failing()) {
            let collected_before = !test.nodeid.contains("::")
                && !self.before.get(&test.nodeid).is_some_and(|was| was.is_failing())
                && self
                    .before
                    .iter()
                    .any(|(nodeid, outcome)| passed(Some(outcome)) && reaches(&test.nodeid, nodeid));
            if passed(self.before.get(&test.nodeid)) || collected_before {
                broken.push(test.nodeid.clone());
            }
        }
        broken
    }

    /// The changes that could have caused what `judged` shows: those that
    /// reach a broken test, or that the error of a suite that did not start
    /// names (all of them when none does).
    fn suspects(&self, files: &BTreeSet<String>, judged: &Judged) -> Vec<Vec<String>> {
        let units = units(self.plan, files);
        let suspect = |file: &String| {
            if let Some(stopped) = &judged.stopped {
                return stopped.contains(file.as_str());
            }
            let impact = self.graph.affected_tests(std::slice::from_ref(file));
            judged
                .broke
                .iter()
                .any(|nodeid| impact.iter().any(|path| reaches(path, nodeid)))
        };
        let suspects: Vec<Vec<String>> = units.iter().filter(|unit| unit.iter().any(suspect)).cloned().collect();
        if suspects.is_empty() { units } else { suspects }
    }

    /// The plan with only `files`' fixes.
    fn subplan(&self, files: &BTreeSet<String>) -> FixPlan {
        FixPlan {
            run_id: self.plan.run_id,
            files: self
                .plan
                .changed()
                .filter(|file| files.contains(&file.path))
                .cloned()
                .collect(),
            unfinished: Vec::new(),
        }
    }

    /// What the tests refused of `unit`, also noted on the trial's journal
    /// entry (already undone) for the workflow's lessons.
    fn taken_back(&self, unit: &[String], judged: &Judged, trial: Option<&Manifest>) -> Result<TakenBack, AppError> {
        let taken_back = TakenBack {
            paths: unit.to_vec(),
            codes: codes(self.plan, unit),
            broke: judged.broke.clone(),
            stopped: judged.stopped.clone(),
        };
        if let Some(trial) = trial {
            fixpoint_fix::journal::Journal::new(&self.project.root).record_refused(
                &trial.id,
                fixpoint_fix::journal::Refused {
                    files: taken_back.paths.clone(),
                    codes: taken_back.codes.clone(),
                    broke: taken_back.broke.clone(),
                    stopped: taken_back.stopped.clone(),
                    run: self.plan.run_id,
                },
            )?;
        }
        Ok(taken_back)
    }
}

/// The changes that go together, so that verification keeps or takes them
/// back as one: the files of a fixer whose edits make one change (FP008's
/// conftest, the tests' markers, factories and seed), and a file a fixer
/// created with the changed file of the same fixers; every other file alone.
fn units(plan: &FixPlan, files: &BTreeSet<String>) -> Vec<Vec<String>> {
    let created = |path: &str| {
        plan.files
            .iter()
            .any(|file| file.path == path && file.original.is_empty())
    };
    let one_change = |codes: &[String]| {
        codes
            .iter()
            .any(|code| fixpoint_core::FixerCode::parse(code).is_some_and(|code| code.info().one_change))
    };
    let mut units: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let changed_first = files
        .iter()
        .filter(|file| !created(file))
        .chain(files.iter().filter(|file| created(file)));
    for file in changed_first {
        let file_codes = codes(plan, std::slice::from_ref(file));
        let joins = created(file) || one_change(&file_codes);
        match units
            .iter_mut()
            .find(|(unit_codes, _)| joins && *unit_codes == file_codes)
        {
            Some((_, unit)) => unit.push(file.clone()),
            None => units.push((file_codes, vec![file.clone()])),
        }
    }
    units.into_iter().map(|(_, unit)| unit).collect()
}

/// The fixers that changed `files`.
fn codes(plan: &FixPlan, files: &[String]) -> Vec<String> {
    let mut codes: Vec<String> = plan
        .files
        .iter()
        .filter(|file| files.contains(&file.path))
        .flat_map(|file| file.applied.iter().map(|note| note.code.clone()))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Whether the test path `path` (a file, a directory, `.` for the root)
/// holds the test or module `nodeid`.
fn reaches(path: &str, nodeid: &str) -> bool {
    let file = nodeid.split("::").next().unwrap_or(nodeid);
    path == "." || selects(&[path.to_owned()], file)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fixpoint_fix::engine::{FileOutcome, Note};

    use super::{FixPlan, units};

    fn outcome(path: &str, original: &str, code: &str) -> FileOutcome {
        FileOutcome {
            path: path.to_owned(),
            original: original.to_owned(),
            fixed: format!("{original}# fixed\n"),
            applied: vec![Note {
                code: code.to_owned(),
                line: 1,
                message: String::new(),
            }],
            left: Vec::new(),
            skipped: None,
        }
    }

    /// FP008's conftest and the markers that use its fixtures go back
    /// together: a test file kept with its `usefixtures` marker and without
    /// the fixture would fail with "fixture not found".
    #[test]
    fn a_fixer_whose_files_make_one_change_is_one_unit() {
        let plan = FixPlan {
            run_id: None,
            files: vec![
                outcome("tests/conftest.py", "import pytest\n", "FP008"),
                outcome("tests/test_loot.py", "def test_a(): pass\n", "FP008"),
                outcome("tests/factories.py", "", "FP008"),
                outcome("app/a.py", "x = 1\n", "FP002"),
                outcome("app/b.py", "y = 1\n", "FP002"),
                outcome("app/stub.py", "", "FP002"),
            ],
            unfinished: Vec::new(),
        };
        let files: BTreeSet<String> = plan.files.iter().map(|file| file.path.clone()).collect();
        assert_eq!(
            units(&plan, &files),
            vec![
                vec!["app/a.py".to_owned(), "app/stub.py".to_owned()],
                vec!["app/b.py".to_owned()],
                vec![
                    "tests/conftest.py".to_owned(),
                    "tests/test_loot.py".to_owned(),
                    "tests/factories.py".to_owned()
                ],
            ]
        );
    }
}
