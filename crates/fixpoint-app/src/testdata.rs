//! `fixpoint testdata`: discover the models, generate factories, the seed
//! script and fixtures through the journal, and verify them by running them.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixpoint_fix::journal::Journal;
use fixpoint_pytest::interpreter;
use fixpoint_testdata::{Layout, ModelGraph};
use serde::Serialize;

use crate::{AppError, Project};

/// The journal code of the files `generate` writes.
pub const CODE: &str = "testdata";

/// The model graph of the project.
pub fn discover(project: &Project) -> ModelGraph {
    fixpoint_testdata::discover(&project.root)
}

/// What happened to one generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileState {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    pub path: String,
    pub state: FileState,
}

#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// Add the missing dev dependencies to the project's files.
    pub add_deps: bool,
    /// Say what would change, write nothing.
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GenerateReport {
    pub files: Vec<FileOutcome>,
    /// The journal entry that holds the originals (`fixpoint undo ID`).
    pub journal_id: Option<String>,
    /// Dev dependencies the generated code needs and the project lacks.
    pub missing_dependencies: Vec<String>,
    /// The file they were added to, with `--add-deps`.
    pub dependencies_added_to: Option<String>,
    pub models: usize,
    pub skipped: Vec<fixpoint_testdata::model::Skipped>,
}

/// The files `generate` would write for this graph: (path, new text, old text).
pub fn plan(project: &Project, graph: &ModelGraph, add_deps: bool) -> Vec<(String, String, Option<String>)> {
    let layout = Layout::read(&project.root);
    let read = |path: &str| fs::read_to_string(project.root.join(path)).ok();
    let tests = &layout.tests_dir;
    let factories = read(&format!("{tests}/factories.py"));
    let seed = read(&format!("{tests}/seed.py"));
    let conftest = read(&format!("{tests}/conftest.py"));
    let mut files: Vec<(String, String, Option<String>)> = fixpoint_testdata::generate(
        graph,
        &layout,
        conftest.as_deref(),
        factories.as_deref(),
        seed.as_deref(),
    )
    .into_iter()
    .map(|file| {
        let old = read(&file.path);
        (file.path, file.content, old)
    })
    .collect();
    if add_deps && let Some((path, text)) = fixpoint_testdata::deps::add(&project.root, &graph.stack.missing) {
        let old = read(&path);
        files.push((path, text, old));
    }
    files
}

/// Generates the files and writes the changed ones through the journal.
pub fn generate(project: &Project, options: &GenerateOptions, command: &str) -> Result<GenerateReport, AppError> {
    let graph = discover(project);
    if graph.models.is_empty() {
        return Err(AppError::Usage(format!(
            "no models found in {}: fixpoint testdata reads SQLAlchemy, Django and Pydantic models and prisma/schema.prisma",
            project.root.display()
        )));
    }
    if graph
        .models
        .iter()
        .all(|m| m.framework == fixpoint_testdata::model::Framework::Prisma)
    {
        return Err(AppError::Usage(
            "only Prisma models found: `fixpoint testdata discover` reads them, but no Python factories are generated for the Prisma client".to_owned(),
        ));
    }
    let files = plan(project, &graph, options.add_deps);
    let mut outcomes = Vec::new();
    let changed: Vec<&(String, String, Option<String>)> = files
        .iter()
        .filter(|(_, new, old)| old.as_deref() != Some(new.as_str()))
        .collect();
    for (path, new, old) in &files {
        let state = match old {
            None => FileState::Created,
            Some(old) if old == new => FileState::Unchanged,
            Some(_) => FileState::Updated,
        };
        outcomes.push(FileOutcome {
            path: path.clone(),
            state,
        });
    }
    let mut journal_id = None;
    if !options.dry_run && !changed.is_empty() {
        let journal = Journal::new(&project.root);
        let mut change = journal.begin(command).map_err(|e| AppError::Usage(e.to_string()))?;
        for (path, new, _) in &changed {
            if let Some(parent) = project.root.join(path).parent() {
                fs::create_dir_all(parent).map_err(|e| AppError::Usage(format!("{}: {e}", parent.display())))?;
            }
            change
                .write(path, new.as_bytes(), &[CODE.to_owned()])
                .map_err(|e| AppError::Usage(e.to_string()))?;
        }
        let manifest = change.finish().map_err(|e| AppError::Usage(e.to_string()))?;
        journal_id = Some(manifest.id);
    }
    let dependencies_added_to = if options.add_deps {
        // The three generated files come first, the dependency file after them.
        files.get(3).map(|(path, _, _)| path.clone())
    } else {
        None
    };
    Ok(GenerateReport {
        files: outcomes,
        journal_id,
        missing_dependencies: if dependencies_added_to.is_some() {
            Vec::new()
        } else {
            graph.stack.missing.clone()
        },
        dependencies_added_to,
        models: graph.models.len(),
        skipped: graph.skipped.clone(),
    })
}

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
    let scratch = tempfile::tempdir().map_err(|e| AppError::Usage(format!("a temporary directory: {e}")))?;
    let url = match db {
        Some(url) => url.to_owned(),
        None => format!("sqlite:///{}", scratch.path().join("verify.sqlite3").display()),
    };
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
            .map_err(|e| AppError::Usage(format!("{}: {e}", interpreter.path.display())))?;
        let ok = output.status.success();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = if ok {
            last_line(&stdout)
        } else {
            stderr
                .lines()
                .find(|l| l.starts_with("seed: error:"))
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
        let mut command = Command::new(&interpreter.path);
        command
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .current_dir(&project.root);
        if db.is_some() {
            command.env("FIXPOINT_TESTDATA_DB", &url);
        }
        let output = command
            .output()
            .map_err(|e| AppError::Usage(format!("{}: {e}", interpreter.path.display())))?;
        steps.push(Step {
            name: "pytest".to_owned(),
            ok: output.status.success(),
            detail: last_line(&String::from_utf8_lossy(&output.stdout)),
        });
    }
    let ok = steps.iter().all(|s| s.ok);
    Ok(VerifyReport {
        database: hide_password(&url),
        steps,
        ok,
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

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn hide_password(url: &str) -> String {
    if let Some(scheme) = url.find("://")
        && let Some(at) = url[scheme + 3..].find('@')
    {
        let credentials = &url[scheme + 3..scheme + 3 + at];
        if let Some(colon) = credentials.find(':') {
            return format!(
                "{}{}:***{}",
                &url[..scheme + 3],
                &credentials[..colon],
                &url[scheme + 3 + at..]
            );
        }
    }
    url.to_owned()
}

/// The model a missing fixture names, by the fixtures `generate` writes
/// (`campaign`, `campaign_factory`).
pub fn model_for_fixture<'a>(graph: &'a ModelGraph, fixture: &str) -> Option<&'a fixpoint_testdata::model::Model> {
    graph.models.iter().find(|model| {
        matches!(
            model.framework,
            fixpoint_testdata::model::Framework::Sqlalchemy | fixpoint_testdata::model::Framework::Pydantic
        ) && fixpoint_testdata::generate::fixture_names(&model.name)
            .iter()
            .any(|n| n == fixture)
    })
}

/// The path to the project's tests directory, for messages.
pub fn tests_dir(project: &Project) -> PathBuf {
    project.root.join(Layout::read(&project.root).tests_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_passwords() {
        assert_eq!(hide_password("postgres://u:pw@h:5/db"), "postgres://u:***@h:5/db");
        assert_eq!(hide_password("sqlite:///x.db"), "sqlite:///x.db");
    }
}
