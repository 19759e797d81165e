//! `fixpoint init`: the files that put fixpoint into a project's CI and
//! hooks: a GitHub Actions workflow (see [`workflow`]), a `[tool.fixpoint]` section and a
//! pre-commit hook for `fixpoint check`. Nothing that exists is overwritten:
//! an existing workflow or pre-commit file is left alone (the snippet to add
//! is reported instead), and the settings section is appended to
//! `pyproject.toml` only when it has none. Every write goes through the
//! journal, so `fixpoint undo` takes it back.

use std::fs;

use fixpoint_fix::journal::{Journal, Manifest};

use crate::{AppError, Project};

pub mod workflow;

pub const WORKFLOW_PATH: &str = ".github/workflows/fixpoint.yml";
pub const PRE_COMMIT_PATH: &str = ".pre-commit-config.yaml";

/// The settings section appended to `pyproject.toml`.
pub const SETTINGS: &str = r"
[tool.fixpoint]
test-timeout = 60   # seconds before a test is killed and recorded as `timeout`

[tool.fixpoint.fix]
ignore = []         # fixer codes `fixpoint fix` and `fixpoint check` leave alone
";

/// The pre-commit hook that runs `fixpoint check`.
pub const PRE_COMMIT_HOOK: &str = "  - repo: local
    hooks:
      - id: fixpoint-check
        name: fixpoint check
        entry: fixpoint check
        language: system
        types: [python]
        pass_filenames: false
";

/// What happened to each file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitAction {
    Created,
    Appended,
    /// It exists and already has what fixpoint would add.
    AlreadyThere,
    /// It exists; the snippet to add by hand is given.
    LeftAlone {
        snippet: String,
    },
}

#[derive(Debug, Clone)]
pub struct InitOutcome {
    pub files: Vec<(String, InitAction)>,
    pub journal: Option<Manifest>,
}

pub fn init(project: &Project, command: &str) -> Result<InitOutcome, AppError> {
    let root = &project.root;
    let read = |path: &str| fs::read_to_string(root.join(path)).ok();
    let mut writes: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();

    let workflow = workflow::render(root, &crate::ci::default_branch(root).name);
    match read(WORKFLOW_PATH) {
        None => {
            writes.push((WORKFLOW_PATH.to_owned(), workflow));
            files.push((WORKFLOW_PATH.to_owned(), InitAction::Created));
        }
        Some(text) if text.contains("fixpoint ci") => files.push((WORKFLOW_PATH.to_owned(), InitAction::AlreadyThere)),
        Some(_) => files.push((WORKFLOW_PATH.to_owned(), InitAction::LeftAlone { snippet: workflow })),
    }

    let fixpoint_toml = root.join("fixpoint.toml").is_file();
    match read("pyproject.toml") {
        _ if fixpoint_toml => files.push(("fixpoint.toml".to_owned(), InitAction::AlreadyThere)),
        Some(text) if text.contains("[tool.fixpoint") => {
            files.push(("pyproject.toml".to_owned(), InitAction::AlreadyThere));
        }
        Some(text) => {
            let mut updated = text.clone();
            if !updated.ends_with('\n') {
                updated.push('\n');
            }
            updated.push_str(SETTINGS);
            // Appending must leave a file TOML still reads.
            toml::from_str::<toml::Table>(&updated).map_err(|e| {
                AppError::Usage(format!(
                    "pyproject.toml does not parse as TOML ({}); fix it before `fixpoint init`",
                    e.message()
                ))
            })?;
            writes.push(("pyproject.toml".to_owned(), updated));
            files.push(("pyproject.toml".to_owned(), InitAction::Appended));
        }
        None => {
            writes.push(("pyproject.toml".to_owned(), SETTINGS.trim_start().to_owned()));
            files.push(("pyproject.toml".to_owned(), InitAction::Created));
        }
    }

    match read(PRE_COMMIT_PATH) {
        None => {
            writes.push((PRE_COMMIT_PATH.to_owned(), format!("repos:\n{PRE_COMMIT_HOOK}")));
            files.push((PRE_COMMIT_PATH.to_owned(), InitAction::Created));
        }
        Some(text) if text.contains("fixpoint check") => {
            files.push((PRE_COMMIT_PATH.to_owned(), InitAction::AlreadyThere));
        }
        Some(_) => files.push((
            PRE_COMMIT_PATH.to_owned(),
            InitAction::LeftAlone {
                snippet: PRE_COMMIT_HOOK.to_owned(),
            },
        )),
    }

    let journal = if writes.is_empty() {
        None
    } else {
        let mut change = Journal::new(root).begin(command)?;
        for (path, text) in &writes {
            if let Some(dir) = root.join(path).parent() {
                fs::create_dir_all(dir).map_err(|e| AppError::io(format!("could not create {}", dir.display()), e))?;
            }
            change.write(path, text.as_bytes(), &["init".to_owned()])?;
        }
        Some(change.finish()?)
    };
    Ok(InitOutcome { files, journal })
}
