//! `fixpoint migrate sqlalchemy`: SQLAlchemy 1.x code moved to the installed
//! 2.0, in rounds driven by the tests. Failures under 2.0 come in layers
//! (clearing a conftest's `select([...])` only shows the bound metadata on
//! the next line), so each round runs the whole suite, triages it, plans
//! FP009 over the code (every file under the PATHS, and the lines the
//! tracebacks point at), and writes the plan through the verified fix
//! (`fix::apply_verified`): what makes a test that passed fail is taken
//! back. The rounds stop when one brings nothing new.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use fixpoint_core::{FixerCode, TestResult};
use fixpoint_fix::engine::fix_files;
use fixpoint_fix::fixers::{ProjectFacts, SqlalchemyV2, Target};
use fixpoint_pytest::runner::Observer;
use fixpoint_store::Store;

use crate::fix::{FixPlan, Verification, apply_verified};
use crate::{AppError, Project, RunRequest};

/// At most this many rounds unless asked otherwise.
pub const MAX_ROUNDS: u32 = 5;

/// What `fixpoint migrate sqlalchemy` was asked for.
pub struct SqlalchemyRequest<'a> {
    /// Only files under these paths are rewritten (the whole suite runs).
    pub paths: &'a [String],
    pub unsafe_fixes: bool,
    /// The interpreter the tests run with (else the usual discovery).
    pub python: Option<PathBuf>,
    /// The command line, for the journal and the history.
    pub command: &'a str,
    pub max_rounds: u32,
}

/// What one round found and did, for the front end to show as it goes.
pub enum RoundEvent<'a> {
    /// The suite ran under the installed SQLAlchemy: its results (or why it
    /// did not start).
    Ran {
        round: usize,
        run: Result<&'a [TestResult], &'a str>,
    },
    /// FP009's plan for the code and the failures of that run.
    Planned { round: usize, plan: &'a FixPlan },
    /// The plan written and checked by the tests it reaches.
    Verified {
        round: usize,
        verification: &'a Verification,
    },
}

/// Pass and fail counts of one full run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Passed (a flaky pass and an expected failure included).
    pub passed: u32,
    pub failing: u32,
    pub skipped: u32,
    /// Tests (node ids with `::`).
    pub total: u32,
    /// Modules that failed to collect: their tests are not counted.
    pub uncollected: u32,
}

impl Tally {
    pub fn of(tests: &[TestResult]) -> Self {
        let count = |keep: &dyn Fn(&TestResult) -> bool| {
            u32::try_from(tests.iter().filter(|t| keep(t)).count()).unwrap_or(u32::MAX)
        };
        Self {
            passed: count(&|t| {
                t.nodeid.contains("::")
                    && matches!(
                        t.outcome,
                        fixpoint_core::Outcome::Passed
                            | fixpoint_core::Outcome::Flaky
                            | fixpoint_core::Outcome::XFailed
                            | fixpoint_core::Outcome::XPassed
                    )
            }),
            failing: count(&|t| t.nodeid.contains("::") && t.outcome.is_failing()),
            skipped: count(&|t| t.nodeid.contains("::") && t.outcome == fixpoint_core::Outcome::Skipped),
            total: count(&|t| t.nodeid.contains("::")),
            uncollected: count(&|t| !t.nodeid.contains("::") && t.outcome.is_failing()),
        }
    }

    /// Every test passed and every module collected.
    pub fn green(&self) -> bool {
        self.failing == 0 && self.uncollected == 0
    }
}

/// What the migration did, over all its rounds.
#[derive(Debug, Clone)]
pub struct SqlalchemyMigration {
    /// The suite before the first round and after the last (none when it
    /// did not start).
    pub before: Option<Tally>,
    pub after: Option<Tally>,
    /// Rounds that kept a change.
    pub rounds: usize,
    /// The last round brought nothing new (else `max_rounds` stopped it).
    pub settled: bool,
    /// The journal entries of the kept changes, one per round, oldest first.
    pub entries: Vec<String>,
}

/// FP009 over every Python file under `paths`, and at the lines the
/// failures of `tests` point at.
pub fn plan_round(
    project: &Project,
    paths: &[String],
    tests: &[TestResult],
    run_id: Option<i64>,
    unsafe_fixes: bool,
) -> Result<FixPlan, AppError> {
    let paths = crate::paths::python_selection(project, paths)?;
    let facts = ProjectFacts::read(&project.root);
    let triage = fixpoint_triage::triage(tests, &fixpoint_triage::ProjectIndex::from_sources(&facts.sources));
    let mut targets: Vec<Target> = crate::fix::failure_targets(tests, &facts, &triage)
        .into_iter()
        .filter(|target| target.code == FixerCode::SqlalchemyV2)
        .collect();
    let files: Vec<String> = facts
        .sources
        .iter()
        .map(|(path, _)| path.clone())
        .filter(|path| crate::paths::selects(&paths, path))
        .collect();
    targets.retain(|target| files.contains(&target.path));
    targets.extend(files.iter().map(|path| Target {
        code: FixerCode::SqlalchemyV2,
        path: path.clone(),
        name: String::new(),
    }));
    let outcomes = fix_files(&files, &[&SqlalchemyV2], &facts.context(&targets), unsafe_fixes);
    Ok(FixPlan {
        run_id,
        files: outcomes,
        unfinished: Vec::new(),
    })
}

/// Runs the rounds (see the module's documentation).
pub fn migrate_sqlalchemy(
    store: &mut dyn Store,
    project: &Project,
    request: &SqlalchemyRequest<'_>,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
    on_round: &mut dyn FnMut(RoundEvent<'_>),
) -> Result<SqlalchemyMigration, AppError> {
    let base = RunRequest {
        python: request.python.clone(),
        from_root: true,
        ..RunRequest::default()
    };
    let interrupted = || {
        cancel
            .load(Ordering::Relaxed)
            .then(|| AppError::Usage("interrupted: the rounds kept so far stay in the journal".to_owned()))
    };
    let mut migration = SqlalchemyMigration {
        before: None,
        after: None,
        rounds: 0,
        settled: false,
        entries: Vec::new(),
    };
    // The verification's last run, when it ran the whole suite on the code
    // as the round left it: the next round starts from it rather than
    // running the suite once more.
    // It counts only when it ran the same tests as the round's own run
    // (a run of `.` may collect more than the configured `testpaths`).
    let mut carried: Option<(i64, std::collections::BTreeSet<String>)> = None;
    for round in 1.. {
        let reused = match carried.take() {
            Some((id, expected)) => {
                let tests: Vec<TestResult> = store.results(id)?.into_iter().map(TestResult::from).collect();
                let same = tests.len() == expected.len() && tests.iter().all(|t| expected.contains(&t.nodeid));
                same.then_some((tests, id))
            }
            None => None,
        };
        // A suite that does not start (a conftest that fails to import) is
        // the first layer: the static rewrites go first, judged by whether
        // the suite starts with them.
        let outcome = match reused {
            Some((tests, id)) => Ok((tests, id)),
            None => crate::run_tests(project, &base, observer, cancel).and_then(|run| {
                if let Some(error) = interrupted() {
                    return Err(error);
                }
                let run = super::from_project_root(project, run);
                let id = crate::record::record_run(store, project, &run, None, request.command)?;
                Ok((run.tests, id))
            }),
        };
        let (tests, run_id) = match outcome {
            Ok((tests, id)) => {
                on_round(RoundEvent::Ran { round, run: Ok(&tests) });
                migration.after = Some(Tally::of(&tests));
                (tests, Some(id))
            }
            Err(AppError::Pytest(fixpoint_pytest::PytestError::PytestFailed { detail, .. })) => {
                on_round(RoundEvent::Ran {
                    round,
                    run: Err(&detail),
                });
                migration.after = None;
                (Vec::new(), None)
            }
            Err(error) => return Err(error),
        };
        if round == 1 {
            migration.before = migration.after;
        }
        if round > request.max_rounds as usize {
            break;
        }
        let plan = plan_round(project, request.paths, &tests, run_id, request.unsafe_fixes)?;
        on_round(RoundEvent::Planned { round, plan: &plan });
        if plan.changed().next().is_none() {
            migration.settled = true;
            break;
        }
        let verification = apply_verified(store, project, &plan, &base, request.command, observer, cancel)?;
        on_round(RoundEvent::Verified {
            round,
            verification: &verification,
        });
        let Some(entry) = &verification.entry else {
            migration.settled = true;
            break;
        };
        migration.entries.push(entry.id.clone());
        migration.rounds += 1;
        if verification.paths.iter().any(|path| path == ".") {
            carried = verification
                .run_id
                .map(|id| (id, tests.iter().map(|t| t.nodeid.clone()).collect()));
        }
    }
    Ok(migration)
}

/// What `--warnings` found: the suite's `RemovedIn20Warning` sites in the
/// project's own files, under the installed SQLAlchemy 1.4.
#[derive(Debug, Clone)]
pub struct WarningsReport {
    /// The installed SQLAlchemy's version.
    pub version: String,
    pub tally: Tally,
    /// One per place (path, line), the most raised first.
    pub sites: Vec<fixpoint_core::RecordedWarning>,
}

/// The installed SQLAlchemy's version, as the project's interpreter reports it.
fn installed_version(project: &Project, python: Option<&std::path::Path>) -> Result<String, AppError> {
    let interpreter = fixpoint_pytest::interpreter::discover(python, &project.root, &|key| std::env::var_os(key))?;
    let output = std::process::Command::new(&interpreter.path)
        .args(["-c", "import sqlalchemy, sys; sys.stdout.write(sqlalchemy.__version__)"])
        .current_dir(&project.root)
        .output()
        .map_err(|error| AppError::Usage(format!("cannot run {}: {error}", interpreter.path.display())))?;
    if !output.status.success() {
        return Err(AppError::Usage(format!(
            "{} cannot import sqlalchemy: install the project's requirements in it (or name another with --python)",
            interpreter.path.display()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs the suite once under the installed SQLAlchemy 1.4 with
/// `SQLALCHEMY_WARN_20=1`, which makes 1.4 warn at every construct 2.0
/// removes, and returns those warnings raised in the project's own files:
/// what a team can move before it upgrades.
pub fn removed_in_20_warnings(
    project: &Project,
    python: Option<PathBuf>,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
) -> Result<WarningsReport, AppError> {
    let version = installed_version(project, python.as_deref())?;
    if !version.starts_with("1.4") {
        return Err(AppError::Usage(format!(
            "--warnings needs SQLAlchemy 1.4 (its SQLALCHEMY_WARN_20 mode names what 2.0 removes); the interpreter has SQLAlchemy {version}"
        )));
    }
    let request = RunRequest {
        python,
        from_root: true,
        env: vec![("SQLALCHEMY_WARN_20".to_owned(), "1".to_owned())],
        pytest_args: vec!["-W".to_owned(), "always::sqlalchemy.exc.RemovedIn20Warning".to_owned()],
        ..RunRequest::default()
    };
    let run = crate::run_tests(project, &request, observer, cancel)?;
    if cancel.load(Ordering::Relaxed) {
        return Err(AppError::Usage("interrupted".to_owned()));
    }
    let run = super::from_project_root(project, run);
    let files: std::collections::BTreeSet<String> = fixpoint_python::read_project(&project.root)
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let mut sites: Vec<fixpoint_core::RecordedWarning> = Vec::new();
    for warning in run
        .warnings
        .iter()
        .filter(|w| w.category.ends_with("RemovedIn20Warning") && files.contains(&w.path))
    {
        match sites
            .iter_mut()
            .find(|s| s.path == warning.path && s.line == warning.line)
        {
            Some(site) => site.count += warning.count,
            None => sites.push(fixpoint_core::RecordedWarning {
                // SQLAlchemy ends each one with the same pointer to its guide.
                message: warning
                    .message
                    .split(" (Background on SQLAlchemy")
                    .next()
                    .unwrap_or_default()
                    .trim_end()
                    .to_owned(),
                ..warning.clone()
            }),
        }
    }
    sites.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(WarningsReport {
        version,
        tally: Tally::of(&run.tests),
        sites,
    })
}
