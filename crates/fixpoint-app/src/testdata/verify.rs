//! `fixpoint testdata verify`: the seed scenarios against a real database,
//! then the test suite, each step reported.

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

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The database the scenarios ran against (the password hidden).
    pub database: String,
    pub steps: Vec<Step>,
    pub ok: bool,
}

/// Runs the seed scenarios (`minimal`, `--clean`, `edge`, `--clean`) against
/// a real database (a fresh SQLite file unless `db` names one), then the
/// test suite, and reports each step.
pub fn verify(project: &Project, python: Option<&Path>, db: Option<&str>) -> Result<VerifyReport, AppError> {
    let layout = Layout::read(&project.root);
    let seed = format!("{}/seed.py", layout.tests_dir);
    if !project.root.join(&seed).is_file() {
        return Err(AppError::Usage(format!(
            "{seed} does not exist: `fixpoint testdata generate` writes it"
        )));
    }
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
            .arg(&seed)
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
