//! The GitHub Actions workflow `fixpoint init` writes, made for the project
//! it is written into: the default branch the ratchet judges against, the
//! Python version, and how the project installs itself with what its tests
//! need (uv when it has `uv.lock`; else pip with its requirements files and
//! its `test`/`dev` extras). Every step runs as written; its shell steps use
//! no GitHub expressions, so they also run outside Actions.

use std::fs;
use std::path::Path;

/// The version of fixpoint that writes the workflow, and that it installs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Python distribution that carries the `fixpoint` command.
pub const DISTRIBUTION: &str = "fixpoint-pytest";

/// Requirements files a project's tests commonly need, in install order.
const REQUIREMENTS: [&str; 11] = [
    "requirements.txt",
    "requirements/base.txt",
    "requirements-test.txt",
    "requirements-tests.txt",
    "requirements_test.txt",
    "test-requirements.txt",
    "requirements/test.txt",
    "requirements-dev.txt",
    "requirements_dev.txt",
    "dev-requirements.txt",
    "requirements/dev.txt",
];

/// Extras that hold test dependencies, in the order they are named.
const TEST_EXTRAS: [&str; 4] = ["test", "tests", "testing", "dev"];

/// The Python the workflow sets up when the project names none.
const DEFAULT_PYTHON: &str = "3.12";

/// How the project and its test dependencies get into `.venv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// `uv sync` from the lock file, extras included.
    Uv,
    /// `pip install` into a fresh `.venv`.
    Pip {
        /// Requirements files, relative to the root.
        requirements: Vec<String>,
        /// The project itself, editable, with its test extras: `.` or `.[test,dev]`.
        project: Option<String>,
    },
}

impl Install {
    /// Reads the project's files.
    pub fn of(root: &Path) -> Self {
        Self::read(root, read_pyproject(root).as_ref())
    }

    /// With `pyproject.toml` already read.
    fn read(root: &Path, pyproject: Option<&toml::Table>) -> Self {
        if root.join("uv.lock").is_file() {
            return Self::Uv;
        }
        let requirements = REQUIREMENTS
            .iter()
            .filter(|name| root.join(name).is_file())
            .map(|name| (*name).to_owned())
            .collect();
        let setup_cfg = fs::read_to_string(root.join("setup.cfg")).ok();
        let installable = pyproject
            .is_some_and(|table| table.contains_key("project") || table.contains_key("build-system"))
            || root.join("setup.py").is_file()
            || setup_cfg.as_deref().is_some_and(|text| text.contains("[metadata]"));
        let project = installable.then(|| {
            let declared = declared_extras(pyproject, setup_cfg.as_deref());
            let extras: Vec<&str> = TEST_EXTRAS
                .into_iter()
                .filter(|extra| declared.iter().any(|name| name == extra))
                .collect();
            if extras.is_empty() {
                ".".to_owned()
            } else {
                format!(".[{}]", extras.join(","))
            }
        });
        Self::Pip { requirements, project }
    }

    /// The step's shell lines.
    fn commands(&self) -> Vec<String> {
        match self {
            Self::Uv => vec![
                "python -m pip install uv".to_owned(),
                "uv sync --frozen --all-extras --all-groups".to_owned(),
                "uv pip install --python .venv pytest".to_owned(),
            ],
            Self::Pip { requirements, project } => {
                let mut install = String::from(".venv/bin/python -m pip install");
                for file in requirements {
                    install.push_str(" -r ");
                    install.push_str(file);
                }
                if let Some(project) = project {
                    // Quoted: `[` is a glob character in the shell.
                    install.push_str(" -e '");
                    install.push_str(project);
                    install.push('\'');
                }
                install.push_str(" pytest");
                vec!["python -m venv .venv".to_owned(), install]
            }
        }
    }
}

fn read_pyproject(root: &Path) -> Option<toml::Table> {
    fs::read_to_string(root.join("pyproject.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
}

/// The extras a project declares: `[project.optional-dependencies]`, or
/// `[options.extras_require]` in `setup.cfg`.
fn declared_extras(pyproject: Option<&toml::Table>, setup_cfg: Option<&str>) -> Vec<String> {
    let from_pyproject = pyproject
        .and_then(|table| table.get("project"))
        .and_then(|project| project.get("optional-dependencies"))
        .and_then(toml::Value::as_table)
        .map(|extras| extras.keys().cloned().collect::<Vec<_>>());
    if let Some(extras) = from_pyproject {
        return extras;
    }
    let Some(text) = setup_cfg else {
        return Vec::new();
    };
    let mut in_section = false;
    let mut extras = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_section = trimmed == "[options.extras_require]";
        } else if in_section
            && !line.starts_with([' ', '\t'])
            && let Some((name, _)) = trimmed.split_once('=')
        {
            extras.push(name.trim().to_owned());
        }
    }
    extras
}

/// The Python version the project names: `.python-version`, else the lower
/// bound of `requires-python` (`>=3.11` is tested on 3.11), else the default.
fn python_version(root: &Path, pyproject: Option<&toml::Table>) -> String {
    let is_version = |version: &str| {
        !version.is_empty() && version.contains('.') && version.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    let pinned = fs::read_to_string(root.join(".python-version"))
        .ok()
        .and_then(|text| {
            text.lines()
                .map(str::trim)
                .find(|line| !line.is_empty())
                .map(str::to_owned)
        })
        .filter(|version| is_version(version));
    let lower_bound = || {
        let requires = pyproject?.get("project")?.get("requires-python")?.as_str()?;
        requires
            .split(',')
            .find_map(|clause| clause.trim().strip_prefix(">="))
            .map(|version| version.trim().to_owned())
            .filter(|version| is_version(version))
    };
    pinned.or_else(lower_bound).unwrap_or_else(|| DEFAULT_PYTHON.to_owned())
}

/// `text` as a single-quoted YAML scalar: `1.0` or `yes` stays a string.
fn yaml_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `text` as one single-quoted shell word.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The workflow for the project at `root`, judged against `branch`.
pub fn render(root: &Path, branch: &str) -> String {
    let branch_yaml = yaml_quoted(branch);
    let branch_shell = shell_quoted(branch);
    let mut install = String::new();
    let pyproject = read_pyproject(root);
    for line in Install::read(root, pyproject.as_ref()).commands() {
        install.push_str("          ");
        install.push_str(&line);
        install.push('\n');
    }
    let python = python_version(root, pyproject.as_ref());
    format!(
        r#"# Written by `fixpoint init` (fixpoint {VERSION}). The build fails only for tests
# that newly fail against the latest run on {branch} (a ratchet): known failures
# are reported, not fatal; add `--strict` to `fixpoint ci` to fail on any.
# The test history lives in the Actions cache, restored at the start of every
# job on {branch} and saved at its end, pass or fail (pull requests read it and
# do not save theirs, so each sees the newest run on {branch}). The first run on
# {branch} with no history yet (a push, or "Run workflow" by hand) records the
# baseline before the ratchet runs; until then a pull request counts every
# failure as new.
name: fixpoint

on:
  push:
    branches: [{branch_yaml}]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  tests:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - name: Install fixpoint
        run: python -m pip install {DISTRIBUTION}=={VERSION}
      - name: Install the project and its test dependencies
        run: |
{install}      - name: Restore the test history
        id: history
        uses: actions/cache/restore@v4
        with:
          path: .fixpoint/fixpoint.db
          key: fixpoint-history-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
          restore-keys: fixpoint-history-
      - name: Record the baseline (the first run on {branch})
        if: github.event_name != 'pull_request' && steps.history.outputs.cache-matched-key == ''
        # Exit 1 means tests failed, which a baseline may hold; 2 is an error.
        run: fixpoint run --reruns 2 || [ $? -eq 1 ]
      - name: Tests against the baseline
        run: fixpoint ci --baseline-branch {branch_shell} --reruns 2 --junit fixpoint-junit.xml --github
      - name: Static checks (reported, not blocking)
        if: always()
        continue-on-error: true
        run: fixpoint check
      - name: Dashboard
        if: always()
        run: fixpoint report --format html --output fixpoint-report.html
      - name: Save the test history
        if: always() && github.event_name != 'pull_request'
        uses: actions/cache/save@v4
        with:
          path: .fixpoint/fixpoint.db
          key: fixpoint-history-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: fixpoint-report
          path: |
            fixpoint-junit.xml
            fixpoint-report.html
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn a_lock_file_means_uv() {
        let dir = project(&[("uv.lock", ""), ("requirements.txt", "")]);
        assert_eq!(Install::of(dir.path()), Install::Uv);
    }

    #[test]
    fn requirements_and_test_extras_are_installed_with_the_project() {
        let dir = project(&[
            ("requirements.txt", ""),
            ("requirements-dev.txt", ""),
            (
                "pyproject.toml",
                "[project]\nname = 'x'\n[project.optional-dependencies]\ndev = []\ndocs = []\ntest = []\n",
            ),
        ]);
        assert_eq!(
            Install::of(dir.path()).commands(),
            [
                "python -m venv .venv",
                ".venv/bin/python -m pip install -r requirements.txt -r requirements-dev.txt -e '.[test,dev]' pytest"
            ]
        );
    }

    #[test]
    fn a_setup_cfg_project_with_extras() {
        let dir = project(&[(
            "setup.cfg",
            "[metadata]\nname = x\n[options.extras_require]\ntesting =\n    pytest\n    mock\n",
        )]);
        assert_eq!(
            Install::of(dir.path()),
            Install::Pip {
                requirements: vec![],
                project: Some(".[testing]".into())
            }
        );
    }

    #[test]
    fn a_tool_only_pyproject_is_not_installed() {
        let dir = project(&[
            ("pyproject.toml", "[tool.pytest.ini_options]\n"),
            (".python-version", "3.13\n"),
        ]);
        assert_eq!(
            Install::of(dir.path()).commands()[1],
            ".venv/bin/python -m pip install pytest"
        );
        assert!(render(dir.path(), "master").contains("python-version: \"3.13\""));
    }

    #[test]
    fn the_branch_and_version_are_written_in() {
        let dir = project(&[(
            "pyproject.toml",
            "[project]\nname = 'x'\nrequires-python = '>=3.10, <4'\n",
        )]);
        let workflow = render(dir.path(), "trunk");
        assert!(workflow.contains("python-version: \"3.10\""));
        assert!(workflow.contains("branches: ['trunk']"));
        assert!(workflow.contains("--baseline-branch 'trunk'"));
        let odd = render(dir.path(), "it's-1.0");
        assert!(odd.contains("branches: ['it''s-1.0']"));
        assert!(odd.contains(r"--baseline-branch 'it'\''s-1.0'"));
        assert!(workflow.contains(&format!("pip install fixpoint-pytest=={VERSION}")));
        assert!(workflow.contains("key: fixpoint-history-${{ github.run_id }}-${{ github.run_attempt }}"));
    }
}
