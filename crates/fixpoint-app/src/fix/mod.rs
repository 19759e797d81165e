//! The batch-fix use cases: plan the fixes the latest triage calls for,
//! write them through the journal, undo them.

use fixpoint_core::{FixerCode, TestResult};
use fixpoint_fix::engine::{FileOutcome, fix_files};
use fixpoint_fix::fixers::{FailureView, ProjectFacts, Target, selected};
use fixpoint_fix::journal::{Journal, Manifest};
use fixpoint_store::Store;

use crate::store::resolve_run;

mod verify;
use crate::{AppError, FixerChoice, Project};
pub use verify::{TakenBack, Verification, apply_verified};

/// What `fixpoint fix` was asked for.
#[derive(Debug, Clone, Default)]
pub struct FixRequest {
    /// Only files under these paths (relative to the project root).
    pub paths: Vec<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub unsafe_fixes: bool,
    /// Apply each fixer wherever its pattern occurs, not only where the
    /// latest run's failures point.
    pub all: bool,
}

impl FixRequest {
    /// The caller's paths and fixer choice, the choice merged over
    /// `[tool.fixpoint.fix]` (`FixSettings::combine`): what every front end asks.
    pub fn new(project: &Project, paths: Vec<String>, given: FixerChoice, all: bool) -> Self {
        let choice = project.settings.fix.combine(given);
        Self {
            paths,
            select: choice.select,
            ignore: choice.ignore,
            unsafe_fixes: choice.unsafe_fixes,
            all,
        }
    }
}

/// The fixes planned for the latest run, file by file.
#[derive(Debug, Clone)]
pub struct FixPlan {
    /// The run whose failures the plan answers (none for `--all` without a history).
    pub run_id: Option<i64>,
    pub files: Vec<FileOutcome>,
    /// Journal entries of earlier fix runs that never finished.
    pub unfinished: Vec<Manifest>,
}

impl FixPlan {
    pub fn changed(&self) -> impl Iterator<Item = &FileOutcome> {
        self.files.iter().filter(|file| file.changed())
    }
}

/// A `--select`/`--ignore` list as fixers; an entry that names none is a
/// usage error that lists them.
pub fn parse_fixer_list(list: &[String]) -> Result<Vec<FixerCode>, AppError> {
    fixpoint_core::fixer::parse_fixers(list, |_| true).map_err(|entry| {
        AppError::Usage(format!(
            "unknown fixer `{entry}` (known: {})",
            fixpoint_core::fixer::fixer_list(|_| true)
        ))
    })
}

/// What the failures of a run point the fixers at: each fixer reads every
/// failing test, with the verdict triage gave it, for its own targets.
pub(crate) fn failure_targets(
    tests: &[TestResult],
    facts: &ProjectFacts,
    triage: &fixpoint_triage::Triage,
) -> Vec<Target> {
    let verdicts: std::collections::HashMap<&str, (&str, &str)> = triage
        .verdicts
        .iter()
        .map(|verdict| (verdict.nodeid.as_str(), (verdict.category, verdict.pattern.as_str())))
        .collect();
    let failures: Vec<FailureView<'_>> = tests
        .iter()
        .filter(|test| test.outcome.is_failing())
        .map(|test| {
            let (category, pattern) = verdicts.get(test.nodeid.as_str()).copied().unwrap_or(("", ""));
            FailureView {
                test,
                category,
                pattern,
            }
        })
        .collect();
    fixpoint_fix::fixers::failure_targets(&failures, facts)
}

/// Plans the fixes for a recorded run (default: the latest).
pub fn plan(
    store: &mut dyn Store,
    project: &Project,
    request: &FixRequest,
    run: Option<&str>,
) -> Result<FixPlan, AppError> {
    let paths = crate::paths::python_selection(project, &request.paths)?;
    let (select, ignore) = (parse_fixer_list(&request.select)?, parse_fixer_list(&request.ignore)?);
    let facts = ProjectFacts::read(&project.root);
    let run = match (run, request.all) {
        (Some(reference), _) => Some(resolve_run(store, reference)?),
        (None, false) => Some(resolve_run(store, "latest")?),
        // --all needs no failures; it still answers the latest run when there is one.
        (None, true) => store.runs(1)?.into_iter().next(),
    };
    let tests: Vec<TestResult> = match &run {
        Some(run) => store.results(run.id)?.into_iter().map(TestResult::from).collect(),
        None => Vec::new(),
    };
    let triage = fixpoint_triage::triage(&tests, &fixpoint_triage::ProjectIndex::from_sources(&facts.sources));
    let mut targets = failure_targets(&tests, &facts, &triage);
    if request.all {
        // Every Python file, for every fixer: an empty name means "the whole file".
        for (path, _) in &facts.sources {
            for code in fixpoint_core::fixer::check_rules() {
                targets.push(Target {
                    code,
                    path: path.clone(),
                    name: String::new(),
                });
            }
        }
    }
    let mut files: Vec<String> = targets
        .iter()
        .map(|t| t.path.clone())
        .filter(|path| crate::paths::selects(&paths, path))
        .collect();
    files.sort();
    files.dedup();
    let chosen = fixpoint_core::fixer::selected_fixers(&select, &ignore);
    if chosen.is_empty() {
        return Err(AppError::Usage(format!(
            "--ignore leaves no fixer to run (--select {})",
            request.select.join(",")
        )));
    }
    let fixers = selected(&select, &ignore);
    let testdata = chosen.contains(&FixerCode::TestdataFixture);
    let journal = Journal::new(&project.root);
    let mut files = fix_files(&files, &fixers, &facts.context(&targets), request.unsafe_fixes);
    if testdata {
        // FP008: fixtures of model data, written by the test-data generator.
        // Its files go together (a marked test needs the conftest fixture, the
        // conftest the factories), so they wait for the next `fix` when one of
        // them is outside the PATHS or another fixer changes it in this run.
        let mut outcomes = crate::testdata::fixture_outcomes(project, &tests, &triage.verdicts);
        if !outcomes.is_empty()
            && let Some(left) = generated_code_cannot_import(project, run.as_ref())
        {
            outcomes = vec![left];
        }
        let blocked = outcomes.iter().any(|outcome| {
            !crate::paths::selects(&paths, &outcome.path) || files.iter().any(|f| f.path == outcome.path && f.changed())
        });
        if !blocked {
            for outcome in outcomes {
                files.retain(|f| f.path != outcome.path);
                files.push(outcome);
            }
        }
    }
    Ok(FixPlan {
        run_id: run.map(|run| run.id),
        files,
        unfinished: journal.unfinished()?,
    })
}

/// Writes a plan's changes through the journal; returns the entry (none
/// when nothing changed).
pub fn apply(project: &Project, plan: &FixPlan, command: &str) -> Result<Option<Manifest>, AppError> {
    if plan.changed().next().is_none() {
        return Ok(None);
    }
    let journal = Journal::new(&project.root);
    let mut change = journal.begin(command)?;
    for file in plan.changed() {
        let mut codes: Vec<String> = file.applied.iter().map(|note| note.code.clone()).collect();
        codes.dedup();
        change.write(&file.path, file.fixed.as_bytes(), &codes)?;
    }
    Ok(Some(change.finish()?))
}

/// When the project's interpreter (the run's, else the one `run` would pick)
/// cannot import what FP008's fixtures need, the note that leaves them, on
/// `tests/conftest.py`: writing them would stop the suite from starting.
fn generated_code_cannot_import(project: &Project, run: Option<&fixpoint_store::RunRow>) -> Option<FileOutcome> {
    let python = match run.and_then(recorded_python) {
        Some(python) => python,
        None => {
            fixpoint_pytest::interpreter::discover(None, &project.root, &|key| std::env::var_os(key))
                .ok()?
                .path
        }
    };
    let missing = crate::testdata::not_importable(project, &python)?;
    if missing.is_empty() {
        return None;
    }
    let message = format!(
        "{} and run `fixpoint fix` again",
        crate::testdata::install_hint("the model fixtures need", &python, &missing)
    );
    // A note only: the same (empty) text before and after changes nothing.
    Some(FileOutcome {
        path: "tests/conftest.py".to_owned(),
        original: String::new(),
        fixed: String::new(),
        applied: Vec::new(),
        left: vec![fixpoint_fix::engine::Note {
            code: FixerCode::TestdataFixture.id().to_owned(),
            line: 1,
            message,
        }],
        skipped: None,
    })
}

/// The interpreter a recorded run used, while it still exists: what `fix`
/// checks and verifies with when no `--python` is given.
pub(crate) fn recorded_python(run: &fixpoint_store::RunRow) -> Option<std::path::PathBuf> {
    run.python
        .as_deref()
        .map(std::path::PathBuf::from)
        .filter(|python| python.is_file())
}

/// Takes back one entry `apply` wrote (a trial, or a change the tests refused).
pub(crate) fn undo_entry(project: &Project, entry: Option<&Manifest>) -> Result<(), AppError> {
    if let Some(entry) = entry {
        Journal::new(&project.root).undo(Some(&entry.id), false)?;
    }
    Ok(())
}

pub fn undo(project: &Project, id: Option<&str>, force: bool) -> Result<Manifest, AppError> {
    Ok(Journal::new(&project.root).undo(id, force)?)
}

/// `fixpoint journal --verify`: the whole chain and every backup checked.
pub fn verify_journal(project: &Project) -> Result<fixpoint_fix::journal::Verified, AppError> {
    Ok(Journal::new(&project.root).verify()?)
}

pub fn journal(project: &Project) -> Result<Vec<Manifest>, AppError> {
    Ok(Journal::new(&project.root).entries()?)
}

#[cfg(test)]
mod tests {
    /// Every fixer of the registry has exactly one implementation: in
    /// `fixpoint-fix`, or (FP008) in this crate's `testdata`.
    #[test]
    fn every_fixer_of_the_registry_is_implemented_once() {
        use fixpoint_core::FixerCode;
        let implemented: Vec<FixerCode> = fixpoint_fix::fixers::FIXERS
            .iter()
            .map(|fixer| fixer.code())
            .chain([FixerCode::TestdataFixture])
            .collect();
        let mut distinct = implemented.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), implemented.len(), "{implemented:?}");
        assert_eq!(distinct, FixerCode::all().collect::<Vec<_>>());
    }
}
