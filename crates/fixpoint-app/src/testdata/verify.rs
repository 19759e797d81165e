//! `fixpoint testdata verify`: the seed scenarios against a real database,
//! then the test suite, each step reported.
//!
//! On a failure it diagnoses before it tries again, up to three fix cycles:
//! generated files that no longer match the models or the decisions are
//! regenerated (through the journal) and the steps run again; what no
//! regeneration can fix escalates with its reason instead of looping: no
//! models, an unreachable database, project code that does not import, a
//! decision whose value the model refuses, a suite that fails with the data.

use std::env;
use std::path::Path;
use std::process::Command;

use fixpoint_pytest::interpreter;
use fixpoint_testdata::Layout;
use serde::Serialize;

use crate::{AppError, Project};

use super::discover;

/// One step of `verify`.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub name: String,
    pub ok: bool,
    /// The step's last line of output, or its error (which names the model and field).
    pub detail: String,
}

/// One fix cycle: what failed, why, and what was changed (none when it escalated).
#[derive(Debug, Clone, Serialize)]
pub struct Cycle {
    pub failed: String,
    pub diagnosis: String,
    pub change: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The database the scenarios ran against (the password hidden).
    pub database: String,
    /// The steps of the last attempt.
    pub steps: Vec<Step>,
    pub ok: bool,
    /// The fix cycles, in order.
    pub cycles: Vec<Cycle>,
    /// Why verify stopped trying: what needs a person.
    pub escalated: Option<String>,
}

/// How many times verify fixes and tries again.
const FIX_CYCLES: usize = 3;

/// What a diagnosis calls for.
enum Remedy {
    Regenerate,
    Escalate(String),
}

/// Runs the seed scenarios (`minimal`, `--clean`, `edge`, `--clean`) against
/// a real database (a fresh SQLite file unless `db` names one), then the
/// test suite, and reports each step.
pub fn verify(
    project: &Project,
    python: Option<&Path>,
    db: Option<&str>,
    command: &str,
) -> Result<VerifyReport, AppError> {
    let layout = Layout::read(&project.root);
    let seed = format!("{}/seed.py", layout.tests_dir);
    if !project.root.join(&seed).is_file() {
        return Err(AppError::Usage(format!(
            "{seed} does not exist: `fixpoint testdata generate` writes it"
        )));
    }
    if discover(project).models.is_empty() {
        return Err(AppError::Usage(format!(
            "no models found in {}: there is no test data to verify",
            project.root.display()
        )));
    }
    let mut cycles = Vec::new();
    loop {
        let mut report = attempt(project, python, db, &seed)?;
        let Some(failed) = report.steps.iter().find(|s| !s.ok) else {
            report.cycles = cycles;
            return Ok(report);
        };
        let failed = format!("{}: {}", failed.name, failed.detail);
        let (diagnosis, remedy) = diagnose(project, python, &failed);
        let remedy = match remedy {
            Remedy::Regenerate if cycles.len() >= FIX_CYCLES => Remedy::Escalate(format!(
                "{FIX_CYCLES} fix cycles did not make the scenarios and the suite pass"
            )),
            // The same failure after regenerating: regenerating again would loop.
            Remedy::Regenerate if cycles.iter().any(|c: &Cycle| c.failed == failed) => {
                Remedy::Escalate("regenerating did not change the failure".to_owned())
            }
            other => other,
        };
        match remedy {
            Remedy::Regenerate => {
                let options = super::GenerateOptions {
                    python: python.map(Path::to_path_buf),
                    ..super::GenerateOptions::default()
                };
                let generated = super::generate(project, &options, command)?;
                let written: Vec<&str> = generated
                    .files
                    .iter()
                    .filter(|f| matches!(f.state, super::FileState::Created | super::FileState::Updated))
                    .map(|f| f.path.as_str())
                    .collect();
                let change = match &generated.journal_id {
                    Some(id) if !written.is_empty() => {
                        format!(
                            "regenerated {} (`fixpoint undo {id}` takes it back)",
                            written.join(", ")
                        )
                    }
                    _ => {
                        cycles.push(Cycle {
                            failed,
                            diagnosis,
                            change: None,
                        });
                        report.cycles = cycles;
                        report.escalated = Some("regenerating changed nothing".to_owned());
                        return Ok(report);
                    }
                };
                cycles.push(Cycle {
                    failed,
                    diagnosis,
                    change: Some(change),
                });
            }
            Remedy::Escalate(reason) => {
                cycles.push(Cycle {
                    failed,
                    diagnosis,
                    change: None,
                });
                report.cycles = cycles;
                report.escalated = Some(reason);
                return Ok(report);
            }
        }
    }
}

/// Why a step failed, and what to do about it.
fn diagnose(project: &Project, python: Option<&Path>, failed: &str) -> (String, Remedy) {
    const UNREACHABLE: [&str; 6] = [
        "could not connect",
        "Connection refused",
        "unable to open database",
        "password authentication failed",
        "could not translate host name",
        "No such file or directory",
    ];
    if UNREACHABLE.iter().any(|sign| failed.contains(sign)) && failed.starts_with("seed.py") {
        return (
            "the database is unreachable".to_owned(),
            Remedy::Escalate("the database is unreachable: check --db and that the server runs".to_owned()),
        );
    }
    // Generated files that no longer match the models or the decisions.
    let graph = discover(project);
    let layout = Layout::read(&project.root);
    let stale: Vec<String> = super::plan(project, &graph, &layout, false)
        .into_iter()
        .filter(|file| file.old.as_deref() != Some(file.new.as_str()) && file.edited.is_none())
        .map(|file| file.path)
        .collect();
    if !stale.is_empty() {
        return (
            format!(
                "{} no longer {} the models and the decisions",
                stale.join(", "),
                if stale.len() == 1 { "matches" } else { "match" }
            ),
            Remedy::Regenerate,
        );
    }
    if let Some(decision) = failed.split("(from ").nth(1).and_then(|rest| rest.split(')').next()) {
        return (
            format!("a row from the decision at .workflow/{decision} is refused by the model or the database"),
            Remedy::Escalate(format!(
                "the decision at .workflow/{decision} and the model disagree: change the decision or the model"
            )),
        );
    }
    if let Some(python) = python.map(Path::to_path_buf).or_else(|| {
        interpreter::discover(None, &project.root, &|key| env::var_os(key))
            .ok()
            .map(|found| found.path)
    }) && let Some(missing) = super::not_importable(project, &python)
        && !missing.is_empty()
    {
        return (
            format!("the interpreter cannot import {}", missing.join(", ")),
            Remedy::Escalate(super::install_hint("the test data needs", &python, &missing)),
        );
    }
    if [
        "ImportError",
        "ModuleNotFoundError",
        "SyntaxError",
        "NameError",
        "AttributeError",
    ]
    .iter()
    .any(|error| failed.contains(error))
    {
        return (
            "the project's code does not import".to_owned(),
            Remedy::Escalate(
                "the project's code is broken: fix it (`fixpoint run` and `fixpoint triage` show where)".to_owned(),
            ),
        );
    }
    if failed.starts_with("pytest") {
        return (
            "the suite fails with the seeded data".to_owned(),
            Remedy::Escalate("the suite fails with the test data: `fixpoint triage` explains the failures".to_owned()),
        );
    }
    (
        "a row was refused".to_owned(),
        Remedy::Escalate("the model refuses a generated row: the error above names the model and the field".to_owned()),
    )
}

/// One pass: the seed scenarios, then (when they all pass) the suite.
fn attempt(project: &Project, python: Option<&Path>, db: Option<&str>, seed: &str) -> Result<VerifyReport, AppError> {
    let interpreter = interpreter::discover(python, &project.root, &|key| env::var_os(key))?;
    let scratch = tempfile::tempdir().map_err(|e| AppError::io("could not create a temporary directory", e))?;
    let url = match db {
        Some(url) => url.to_owned(),
        None => format!("sqlite:///{}", scratch.path().join("verify.sqlite3").display()),
    };
    let stored = discover(project)
        .models
        .iter()
        .any(|m| m.framework == fixpoint_testdata::model::Framework::Sqlalchemy);
    let mut steps = Vec::new();
    for args in [
        &["--scenario", "minimal"][..],
        &["--clean"][..],
        &["--scenario", "edge"][..],
        &["--clean"][..],
    ] {
        let output = Command::new(&interpreter.path)
            .arg(seed)
            .args(args)
            .arg("--db")
            .arg(&url)
            .current_dir(&project.root)
            .output()
            .map_err(|e| AppError::io(format!("could not start {}", interpreter.path.display()), e))?;
        let ok = output.status.success();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = if ok {
            last_line(&stdout)
        } else {
            stderr
                .lines()
                .find(|l| l.starts_with("seed: error:"))
                .or_else(|| stderr.lines().rev().find(|l| is_exception_line(l)))
                .map_or_else(|| last_line(&stderr), str::to_owned)
        };
        steps.push(Step {
            name: format!("seed.py {}", args.join(" ")),
            ok,
            detail,
        });
        if !ok {
            break;
        }
    }
    if steps.iter().all(|s| s.ok) {
        // The suite through the runner, as `fixpoint run` runs it: the
        // project's timeouts hold, and a hang or a crash is named.
        let request = crate::RunRequest {
            python: Some(interpreter.path.clone()),
            from_root: true,
            env: db
                .map(|_| vec![("FIXPOINT_TESTDATA_DB".to_owned(), url.clone())])
                .unwrap_or_default(),
            ..crate::RunRequest::default()
        };
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let run = crate::run::run_tests(project, &request, &mut fixpoint_pytest::runner::Silent, &cancel)?;
        let mut detail = run.counts.summary(run.info.duration);
        if let Some(why) = &run.info.interrupted {
            detail = format!("{detail} (interrupted: {why})");
        }
        steps.push(Step {
            name: "pytest".to_owned(),
            ok: run.is_success(),
            detail,
        });
    }
    let ok = steps.iter().all(|s| s.ok);
    Ok(VerifyReport {
        database: if stored {
            fixpoint_store::redact_url(&url)
        } else {
            "none (no model the seed script stores)".to_owned()
        },
        steps,
        ok,
        cycles: Vec::new(),
        escalated: None,
    })
}

/// `pydantic.errors.PydanticUserError: ...`: the line a Python traceback ends with.
fn is_exception_line(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(' ')
            && name.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '_')
            && (name.ends_with("Error") || name.ends_with("Exception"))
    })
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}
