//! `fixpoint init`: the files that put fixpoint into a project's CI and
//! hooks: a GitHub Actions workflow, a `[tool.fixpoint]` section and a
//! pre-commit hook for `fixpoint check`. Nothing that exists is overwritten:
//! an existing workflow or pre-commit file is left alone (the snippet to add
//! is reported instead), and the settings section is appended to
//! `pyproject.toml` only when it has none. Every write goes through the
//! journal, so `fixpoint undo` takes it back.

use std::fs;

use fixpoint_fix::journal::{Journal, Manifest};

use crate::{AppError, Project};

pub const WORKFLOW_PATH: &str = ".github/workflows/fixpoint.yml";
pub const PRE_COMMIT_PATH: &str = ".pre-commit-config.yaml";

/// The workflow: the suite judged against the main branch's latest run.
pub const WORKFLOW: &str = r#"# Written by `fixpoint init`. The build fails only for tests that newly fail
# against the latest run on main (a ratchet); `--strict` fails on any failure.
name: fixpoint

on:
  push:
    branches: [main]
  pull_request:

jobs:
  tests:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install fixpoint
        run: cargo install --locked --git https://github.com/fixpoint-dev/fixpoint fixpoint
      - name: Install the project and its test dependencies
        run: |
          python -m venv .venv
          .venv/bin/pip install -e . pytest
      - name: Restore the test history
        uses: actions/cache@v4
        with:
          path: .fixpoint/fixpoint.db
          key: fixpoint-history-${{ github.run_id }}
          restore-keys: fixpoint-history-
      - name: Static checks
        run: fixpoint check
      - name: Tests against the baseline
        run: fixpoint ci --junit fixpoint-junit.xml --github
      - name: Dashboard
        if: always()
        run: fixpoint report --format html --output fixpoint-report.html
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: fixpoint-report
          path: |
            fixpoint-junit.xml
            fixpoint-report.html
"#;

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
        snippet: &'static str,
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

    match read(WORKFLOW_PATH) {
        None => {
            writes.push((WORKFLOW_PATH.to_owned(), WORKFLOW.to_owned()));
            files.push((WORKFLOW_PATH.to_owned(), InitAction::Created));
        }
        Some(text) if text.contains("fixpoint ci") => files.push((WORKFLOW_PATH.to_owned(), InitAction::AlreadyThere)),
        Some(_) => files.push((WORKFLOW_PATH.to_owned(), InitAction::LeftAlone { snippet: WORKFLOW })),
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
                snippet: PRE_COMMIT_HOOK,
            },
        )),
    }

    let journal = if writes.is_empty() {
        None
    } else {
        let error = |e: fixpoint_fix::journal::JournalError| AppError::Usage(e.to_string());
        let mut change = Journal::new(root).begin(command).map_err(error)?;
        for (path, text) in &writes {
            if let Some(dir) = root.join(path).parent() {
                fs::create_dir_all(dir).map_err(|e| AppError::Usage(format!("{}: {e}", dir.display())))?;
            }
            change
                .write(path, text.as_bytes(), &["init".to_owned()])
                .map_err(error)?;
        }
        Some(change.finish().map_err(error)?)
    };
    Ok(InitOutcome { files, journal })
}
