//! What a model's answer may change, decided before anything is written.
//!
//! The repair loop keeps an edit when the tests say it works, so an edit
//! must not be able to change the judge: the tests themselves, `conftest.py`,
//! pytest's configuration, or a plugin. Every path goes through the
//! project's [`Policy`] first (nothing outside the project, in `.git/`,
//! `.fixpoint/` or an environment, nothing through a symbolic link). What is
//! left is refused here:
//!
//! - test files and `conftest.py` files, unless `--allow-test-edits`;
//! - a new pytest configuration file anywhere (`pytest.ini`, `pyproject.toml`,
//!   ...), or a change to the part of an existing one that configures pytest
//!   (`[tool.pytest...]`, `[pytest]`, `[tool:pytest]`), unless
//!   `--allow-test-edits`;
//! - code that adds pytest hooks or plugin machinery (`def pytest_...`,
//!   `pytest_plugins`, `hookimpl`, `_pytest`, `pluggy`) to a module under
//!   test, unless `--allow-test-edits`;
//! - always: files Python runs at start-up (`sitecustomize.py`,
//!   `usercustomize.py`, `*.pth`), bytecode (`__pycache__/`, `*.pyc`),
//!   `.env` files, and any answer that contains a secret the redactor knows
//!   (the API key in use, a `.env` value, a key-shaped word).

use std::collections::BTreeMap;
use std::path::Path;

use fixpoint_core::TestResult;
use fixpoint_paths::Policy;
use fixpoint_pytest::config::{is_config_file, pytest_part};
use fixpoint_repair::edits::EditBlock;
use fixpoint_repair::redact::{Redactor, is_dotenv};

/// What lets the answer change how it is judged.
const OPT_IN: &str = "--allow-test-edits permits it";

/// Text whose arrival in a module under test makes it a pytest plugin, or
/// lets it reach into pytest.
const PLUGIN_MARKERS: [&str; 6] = [
    "def pytest_",
    "pytest_plugins",
    "hookimpl",
    "hookspec",
    "_pytest",
    "pluggy",
];

/// Files that configure pytest or the project besides pytest's own
/// configuration files, which a created data file must never be.
const PROJECT_FILES: [&str; 3] = ["conftest.py", "setup.py", ".coveragerc"];

/// The rules one repair applies to every answer.
pub(super) struct Guard<'a> {
    policy: Policy,
    redactor: &'a Redactor,
    allow_test_edits: bool,
}

impl<'a> Guard<'a> {
    pub(super) fn new(root: &Path, redactor: &'a Redactor, allow_test_edits: bool) -> std::io::Result<Self> {
        Ok(Self {
            policy: Policy::new(root)?,
            redactor,
            allow_test_edits,
        })
    }

    pub(super) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The blocks with their paths made relative to the root (`./app/x.py`
    /// is `app/x.py`), or why the answer is refused as a whole.
    /// `missing_data` is the data file the target failed to open: creating
    /// it is allowed even under `tests/`.
    pub(super) fn blocks(&self, blocks: Vec<EditBlock>, missing_data: Option<&str>) -> Result<Vec<EditBlock>, String> {
        if blocks
            .iter()
            .any(|block| self.has_secret(&block.path) || self.has_secret(&block.replace))
        {
            return Err(
                "the answer contains a secret (the API key in use, a .env value or a key-shaped word); nothing was written"
                    .into(),
            );
        }
        blocks
            .into_iter()
            .map(|mut block| {
                let creates_missing = block.search.trim().is_empty() && missing_data == Some(block.path.as_str());
                block.path = self.path(&block.path, creates_missing)?;
                Ok(block)
            })
            .collect()
    }

    /// The file `path` (already approved) as the answer's SEARCH text is
    /// matched against; `None` when it does not exist.
    pub(super) fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.policy.readable(path).ok()?).ok()
    }

    /// Why the edited files, as the answer would leave them, are refused:
    /// new pytest configuration, a change to pytest's part of an existing
    /// one, or plugin code in a module under test.
    pub(super) fn changes(&self, changed: &BTreeMap<String, String>) -> Result<(), String> {
        if self.allow_test_edits {
            return Ok(());
        }
        // Configuration first: it is what a plugin would be loaded through.
        for (path, after) in changed {
            let name = path.rsplit('/').next().unwrap_or(path);
            if !is_config_file(name) {
                continue;
            }
            match self.read(path) {
                None => {
                    return Err(format!(
                        "{path}: a new {name} would change pytest's configuration, which decides how the tests are judged; {OPT_IN}"
                    ));
                }
                Some(before) if pytest_part(name, &before) != pytest_part(name, after) => {
                    return Err(format!(
                        "{path}: the edit changes pytest's configuration in it, which decides how the tests are judged; {OPT_IN}"
                    ));
                }
                Some(_) => {}
            }
        }
        for (path, after) in changed.iter().filter(|(path, _)| is_python(path)) {
            let before = self.read(path).unwrap_or_default();
            if let Some(marker) = PLUGIN_MARKERS
                .iter()
                .find(|marker| after.matches(*marker).count() > before.matches(*marker).count())
            {
                return Err(format!(
                    "{path}: the edit adds pytest plugin code (`{marker}`) to a module under test, which could change how the tests are judged; {OPT_IN}"
                ));
            }
        }
        Ok(())
    }

    fn has_secret(&self, text: &str) -> bool {
        self.redactor.redact(text) != text
    }

    /// `typed` relative to the root, if the model may write it.
    fn path(&self, typed: &str, creates_missing_data: bool) -> Result<String, String> {
        // The policy's refusals name the path as typed.
        let relative = self.policy.relative(typed).map_err(|r| r.to_string())?;
        self.policy.writable(typed).map_err(|r| r.to_string())?;
        let refused = |reason: String| format!("{typed}: {reason}");
        let name = relative.rsplit('/').next().unwrap_or(&relative);
        let lower = name.to_ascii_lowercase();
        if is_dotenv(name)
            || lower == "sitecustomize.py"
            || lower == "usercustomize.py"
            || has_extension(&lower, "pth")
            || has_extension(&lower, "pyc")
            || relative.split('/').any(|part| part == "__pycache__")
        {
            return Err(refused(
                "fixpoint never lets the model write this file (Python or the shell reads it on its own)".into(),
            ));
        }
        if !self.allow_test_edits && !creates_missing_data && is_test_file(&relative) {
            return Err(refused(format!(
                "it is a test file, and a fix must not weaken the test; fix the code under test ({OPT_IN})"
            )));
        }
        Ok(relative)
    }
}

/// The data file (from the project root) a test failed to open, as triage
/// reads it (`FileNotFoundError` on a data path), when the policy lets it be
/// written, it does not exist, and it is not Python, a `.pth` file, a file
/// that configures pytest or the project, or a `test*.txt` pytest would
/// collect as a doctest.
pub(super) fn missing_data_file(policy: &Policy, test: &TestResult) -> Option<String> {
    let failure = fixpoint_triage::Failure::new(test);
    let typed = fixpoint_triage::catalog::missing_data_path(&failure)?;
    let relative = policy.relative(typed).ok()?;
    let absolute = policy.writable(&relative).ok()?;
    let name = relative.rsplit('/').next().unwrap_or(&relative).to_ascii_lowercase();
    let refused = is_python(&name)
        || has_extension(&name, "pth")
        || is_config_file(&name)
        || PROJECT_FILES.contains(&name.as_str())
        || (name.starts_with("test") && has_extension(&name, "txt"));
    (!refused && std::fs::symlink_metadata(absolute).is_err()).then_some(relative)
}

pub(super) fn is_python(path: &str) -> bool {
    has_extension(path, "py")
}

fn has_extension(path: &str, extension: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case(extension))
}

/// A test file: where a fix could weaken the test instead of the code.
pub(super) fn is_test_file(path: &str) -> bool {
    // Case folded: on a case-insensitive file system `test_x.PY` is a test too.
    let path = path.to_ascii_lowercase();
    fixpoint_paths::is_test_module(&path)
        || fixpoint_paths::is_conftest(&path)
        || path.split('/').any(|part| part == "tests" || part == "test")
}

#[cfg(test)]
mod tests;
