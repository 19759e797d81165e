//! fixpoint's settings from `[tool.fixpoint]` in `pyproject.toml`, or the top
//! level of `fixpoint.toml` (which wins when both exist, as `ruff.toml` does).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::AppError;

/// What a project's configuration file may set. Flags override every field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Settings {
    /// Seconds one test may run before it is killed and recorded as `timeout`.
    pub test_timeout: Option<f64>,
    /// Seconds the whole run may take.
    pub timeout: Option<f64>,
    /// How many times to rerun failing tests.
    pub reruns: Option<u32>,
    /// pytest processes to run at once.
    pub jobs: Option<u32>,
    /// Triage flags a test that takes longer than this many seconds as `slow`.
    pub slow_test_seconds: Option<f64>,
    /// Triage flags a test whose worker's peak resident memory passes this
    /// many megabytes (MiB) as `memory-hungry`.
    pub memory_limit_mb: Option<f64>,
    /// Where the history lives: a `postgres://` URL or a SQLite file path
    /// (relative to the project) [default: `.fixpoint/fixpoint.db`].
    pub db: Option<String>,
    /// Write `.workflow/` (the state chain, lessons and evaluations) as runs
    /// are recorded, not only when `fixpoint workflow` runs.
    pub workflow: Option<bool>,
    /// `[tool.fixpoint.fix]`: which batch fixes `fixpoint fix` applies.
    #[serde(default)]
    pub fix: FixSettings,
    /// `[tool.fixpoint.repair]`: the model and the limits of `fixpoint repair`.
    #[serde(default)]
    pub repair: RepairSettings,
    /// Named selections: each entry is a list of pytest arguments
    /// (`models = ["tests/models", "-m db"]`).
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
}

/// `[tool.fixpoint.fix]`; flags override it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FixSettings {
    /// Fixer codes or names to apply (empty: all).
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub unsafe_fixes: bool,
}

/// Which fixers a caller asked for: the flags of `fix` and `check`, the
/// arguments of the MCP `fix` tool.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixerChoice {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub unsafe_fixes: bool,
}

impl FixSettings {
    /// The caller's choice over `[tool.fixpoint.fix]`, the one merge every
    /// front end uses: a list the caller gave wins whole, an empty one takes
    /// the setting; unsafe fixes are on when either turns them on.
    pub fn combine(&self, given: FixerChoice) -> FixerChoice {
        let pick = |given: Vec<String>, setting: &Vec<String>| {
            if given.is_empty() { setting.clone() } else { given }
        };
        FixerChoice {
            select: pick(given.select, &self.select),
            ignore: pick(given.ignore, &self.ignore),
            unsafe_fixes: given.unsafe_fixes || self.unsafe_fixes,
        }
    }
}

/// `[tool.fixpoint.repair]`; flags override it. Keys never go here: they come
/// from `FIXPOINT_API_KEY` (or `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RepairSettings {
    /// The model name the endpoint knows (`gpt-4o`, `qwen2.5-coder:14b`, `claude-sonnet-4-5`).
    pub model: Option<String>,
    /// The endpoint without its path [default: the provider's public API].
    pub base_url: Option<String>,
    /// `openai` (any OpenAI-compatible server) or `anthropic` [default: openai].
    pub provider: Option<String>,
    /// The first attempt's temperature [default: 0.4].
    pub temperature: Option<f64>,
    /// Added to the temperature after each failed attempt [default: 0.1].
    pub temperature_step: Option<f64>,
    /// Attempts per test [default: 3].
    pub max_retries: Option<u32>,
    /// Tokens of context per prompt [default: 12000].
    pub context_tokens: Option<u32>,
    /// Tokens per answer [default: 4096].
    pub max_tokens: Option<u32>,
    /// Tokens (prompts and answers) one `fixpoint repair` may spend [default: 200000].
    pub token_budget: Option<u64>,
    /// Requests per minute [default: no limit].
    pub requests_per_minute: Option<u32>,
    /// Seconds one request may take [default: 120].
    pub request_timeout: Option<f64>,
    /// Retries of a request after a 429, a 5xx or a timeout [default: 3].
    pub http_retries: Option<u32>,
    /// Let the model edit test files, conftest.py, pytest's configuration and
    /// plugins [default: false].
    pub allow_test_edits: Option<bool>,
    /// Commit each repair with git [default: true].
    pub commit: Option<bool>,
}

impl RepairSettings {
    /// These settings (a caller's flags or arguments) over `file`
    /// (`[tool.fixpoint.repair]`): each key given here wins, each left out
    /// falls back to the file. The one merge of repair options.
    #[must_use]
    pub fn over(&self, file: &RepairSettings) -> RepairSettings {
        fn pick<T: Clone>(given: Option<&T>, file: Option<&T>) -> Option<T> {
            given.or(file).cloned()
        }
        // Destructured, so that a new key cannot be left out of the merge.
        let RepairSettings {
            model,
            base_url,
            provider,
            temperature,
            temperature_step,
            max_retries,
            context_tokens,
            max_tokens,
            token_budget,
            requests_per_minute,
            request_timeout,
            http_retries,
            allow_test_edits,
            commit,
        } = self;
        RepairSettings {
            model: pick(model.as_ref(), file.model.as_ref()),
            base_url: pick(base_url.as_ref(), file.base_url.as_ref()),
            provider: pick(provider.as_ref(), file.provider.as_ref()),
            temperature: pick(temperature.as_ref(), file.temperature.as_ref()),
            temperature_step: pick(temperature_step.as_ref(), file.temperature_step.as_ref()),
            max_retries: pick(max_retries.as_ref(), file.max_retries.as_ref()),
            context_tokens: pick(context_tokens.as_ref(), file.context_tokens.as_ref()),
            max_tokens: pick(max_tokens.as_ref(), file.max_tokens.as_ref()),
            token_budget: pick(token_budget.as_ref(), file.token_budget.as_ref()),
            requests_per_minute: pick(requests_per_minute.as_ref(), file.requests_per_minute.as_ref()),
            request_timeout: pick(request_timeout.as_ref(), file.request_timeout.as_ref()),
            http_retries: pick(http_retries.as_ref(), file.http_retries.as_ref()),
            allow_test_edits: pick(allow_test_edits.as_ref(), file.allow_test_edits.as_ref()),
            commit: pick(commit.as_ref(), file.commit.as_ref()),
        }
    }
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    fixpoint: Option<Settings>,
}

impl Settings {
    /// Reads the project's settings file; returns defaults when there is none.
    pub fn load(root: &Path) -> Result<(Self, Option<PathBuf>), AppError> {
        let dedicated = root.join("fixpoint.toml");
        if dedicated.is_file() {
            let settings: Settings = parse(&dedicated)?;
            return Ok((settings.checked(&dedicated)?, Some(dedicated)));
        }
        let pyproject = root.join("pyproject.toml");
        if pyproject.is_file() {
            let parsed: Pyproject = parse(&pyproject)?;
            if let Some(settings) = parsed.tool.and_then(|tool| tool.fixpoint) {
                return Ok((settings.checked(&pyproject)?, Some(pyproject)));
            }
        }
        Ok((Self::default(), None))
    }

    /// The limits are positive numbers: a zero or negative one would flag
    /// every test.
    fn checked(self, path: &Path) -> Result<Self, AppError> {
        for (key, value) in [
            ("slow-test-seconds", self.slow_test_seconds),
            ("memory-limit-mb", self.memory_limit_mb),
        ] {
            if let Some(value) = value.filter(|value| !value.is_finite() || *value <= 0.0) {
                return Err(AppError::Settings {
                    path: path.to_path_buf(),
                    reason: format!("`{key}` must be a positive number, not {value}"),
                });
            }
        }
        Ok(self)
    }
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, AppError> {
    let invalid = |reason: String| AppError::Settings {
        path: path.to_path_buf(),
        reason,
    };
    let text = fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
    toml::from_str(&text).map_err(|e| invalid(unknown_key_hint(e.message()).unwrap_or_else(|| e.message().to_owned())))
}

/// serde's `unknown field `test_timeout`, expected one of `test-timeout`, ...`
/// as one line that names the key and the closest known one.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let known: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let normalized = key.to_ascii_lowercase().replace('_', "-");
    let closest = known
        .iter()
        .map(|candidate| (distance(&normalized, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= candidate.len() / 2)
        .min()
        .map(|(_, candidate)| candidate);
    Some(match closest {
        Some(candidate) => format!("unknown key `{key}`: did you mean `{candidate}`?"),
        None => format!("unknown key `{key}`: the keys are {}", known.join(", ")),
    })
}

/// Levenshtein distance, for the closest known key.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_names_the_closest_known_one() {
        let dir = tempfile::tempdir().unwrap();
        let write = |text: &str| fs::write(dir.path().join("pyproject.toml"), text).unwrap();
        write("[tool.fixpoint]\ntest_timeout = 5\n");
        let error = Settings::load(dir.path()).unwrap_err().to_string();
        assert!(
            error.ends_with("invalid fixpoint settings: unknown key `test_timeout`: did you mean `test-timeout`?"),
            "{error}"
        );
        write("[tool.fixpoint.fix]\nunsafe = true\n");
        let error = Settings::load(dir.path()).unwrap_err().to_string();
        assert!(
            error.ends_with("unknown key `unsafe`: did you mean `unsafe-fixes`?"),
            "{error}"
        );
        write("[tool.fixpoint]\nzzzzzzzzzzzz = 1\n");
        let error = Settings::load(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("unknown key `zzzzzzzzzzzz`: the keys are test-timeout, "),
            "{error}"
        );
    }

    #[test]
    fn reads_tool_fixpoint_from_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = 'x'\n[tool.fixpoint]\ntest-timeout = 2.5\nreruns = 1\n[tool.fixpoint.groups]\nmodels = ['tests/models', '-m db']\n[tool.fixpoint.fix]\nignore = ['FP004']\nunsafe-fixes = true\n",
        )
        .unwrap();
        let (settings, source) = Settings::load(dir.path()).unwrap();
        assert_eq!(settings.test_timeout, Some(2.5));
        assert_eq!(settings.reruns, Some(1));
        assert_eq!(settings.groups["models"], ["tests/models", "-m db"]);
        assert_eq!(
            (settings.fix.ignore.clone(), settings.fix.unsafe_fixes),
            (vec!["FP004".to_owned()], true)
        );
        assert_eq!(source.unwrap(), dir.path().join("pyproject.toml"));
    }

    #[test]
    fn fixpoint_toml_wins_and_bad_values_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("pyproject.toml"), "[tool.fixpoint]\nreruns = 1\n").unwrap();
        fs::write(dir.path().join("fixpoint.toml"), "reruns = 3\n").unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap().0.reruns, Some(3));
        fs::write(dir.path().join("fixpoint.toml"), "reruns = 'many'\n").unwrap();
        let error = Settings::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("fixpoint.toml: invalid fixpoint settings"), "{error}");
    }

    #[test]
    fn reads_the_repair_section_and_refuses_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.fixpoint.repair]\nmodel = 'qwen2.5-coder'\nbase-url = 'http://localhost:11434/v1'\nmax-retries = 5\ntemperature-step = 0.2\ncommit = false\n",
        )
        .unwrap();
        let repair = Settings::load(dir.path()).unwrap().0.repair;
        assert_eq!(repair.model.as_deref(), Some("qwen2.5-coder"));
        assert_eq!(repair.base_url.as_deref(), Some("http://localhost:11434/v1"));
        assert_eq!(
            (repair.max_retries, repair.temperature_step, repair.commit),
            (Some(5), Some(0.2), Some(false))
        );
        fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.fixpoint.repair]\napi-key = 'sk-oops'\n",
        )
        .unwrap();
        let error = Settings::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("unknown key `api-key`: the keys are model, "), "{error}");
        assert!(!error.contains("sk-oops"), "{error}");
    }

    #[test]
    fn no_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), (Settings::default(), None));
    }

    #[test]
    fn a_given_list_wins_whole_and_unsafe_is_either() {
        let settings = FixSettings {
            select: vec!["FP002".into()],
            ignore: vec!["FP004".into()],
            unsafe_fixes: false,
        };
        let given = FixerChoice {
            select: Vec::new(),
            ignore: vec!["FP001".into()],
            unsafe_fixes: true,
        };
        assert_eq!(
            settings.combine(given),
            FixerChoice {
                select: vec!["FP002".into()],
                ignore: vec!["FP001".into()],
                unsafe_fixes: true,
            }
        );
        assert_eq!(
            settings.combine(FixerChoice::default()).ignore,
            vec!["FP004".to_owned()]
        );
    }

    #[test]
    fn a_given_repair_key_wins_and_the_rest_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.fixpoint.repair]\nmodel = 'from-file'\nmax-tokens = 100\nhttp-retries = 5\ncommit = true\nallow-test-edits = false\n",
        )
        .unwrap();
        let file = Settings::load(dir.path()).unwrap().0.repair;
        let given = RepairSettings {
            model: Some("from-flag".into()),
            http_retries: Some(0),
            commit: Some(false),
            ..RepairSettings::default()
        };
        assert_eq!(
            given.over(&file),
            RepairSettings {
                model: Some("from-flag".into()),
                max_tokens: Some(100),
                http_retries: Some(0),
                commit: Some(false),
                allow_test_edits: Some(false),
                ..RepairSettings::default()
            }
        );
        assert_eq!(RepairSettings::default().over(&file), file);
    }
}
