//! What a repair was asked for, and the settings it runs with after the
//! flags, `[tool.fixpoint.repair]` and the defaults.

use std::time::Duration;

use fixpoint_repair::{ApiKey, ModelConfig, Provider};

use crate::{AppError, Project, RepairSettings, RunRequest};

/// Environment variables the key is read from, in order.
pub const KEY_VARIABLES: [&str; 3] = ["FIXPOINT_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"];

/// What `fixpoint repair` was asked for; `None` falls back to
/// `[tool.fixpoint.repair]`, then to the defaults.
#[derive(Debug, Clone, Default)]
pub struct RepairRequest {
    /// Tests to repair; none: one representative of every failing pattern.
    pub nodeids: Vec<String>,
    /// Repair this pattern's representative.
    pub pattern: Option<String>,
    /// The caller's model and limits; each key given overrides the same key
    /// of `[tool.fixpoint.repair]` ([`RepairSettings::over`]).
    pub settings: RepairSettings,
    pub branch: Option<String>,
    pub allow_dirty: bool,
    /// Run the whole suite first even when the history has a run (the code
    /// changed since, as after `fixpoint fix`).
    pub fresh_baseline: bool,
    /// How verification runs are made (interpreter, timeouts).
    pub run: RunRequest,
    /// Told to the model with every target (see `fixpoint_repair::prompt::Failure::background`).
    pub background: Option<String>,
}

/// The settings after flags, `[tool.fixpoint.repair]` and defaults.
#[derive(Debug, Clone)]
pub struct RepairConfig {
    pub model: ModelConfig,
    pub temperature: f64,
    pub temperature_step: f64,
    pub max_retries: u32,
    pub context_tokens: usize,
    pub token_budget: u64,
    pub allow_test_edits: bool,
    pub commit: bool,
}

impl RepairConfig {
    /// Merges the flags over the project's settings; `env` reads the
    /// environment (for the key).
    pub fn resolve(
        project: &Project,
        request: &RepairRequest,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, AppError> {
        let settings = &request.settings.over(&project.settings.repair);
        let model = settings.model.clone().ok_or_else(|| {
            AppError::Usage(
                "no model to repair with: pass --model (for example --model gpt-4o) or set `model` under \
                 [tool.fixpoint.repair]"
                    .into(),
            )
        })?;
        let provider = match settings.provider.as_ref() {
            Some(name) => Provider::parse(name).ok_or_else(|| {
                AppError::Usage(format!(
                    "unknown provider `{name}`: use `openai` (any OpenAI-compatible server) or `anthropic`"
                ))
            })?,
            None => Provider::OpenAi,
        };
        let mut config = ModelConfig::new(provider, model);
        if let Some(url) = settings.base_url.clone() {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(AppError::Usage(format!(
                    "--base-url `{url}` is not an http:// or https:// URL"
                )));
            }
            config.base_url = url;
        }
        let keys: &[&str] = match provider {
            Provider::OpenAi => &KEY_VARIABLES[..2],
            Provider::Anthropic => &[KEY_VARIABLES[0], KEY_VARIABLES[2]],
        };
        config.api_key = keys
            .iter()
            .find_map(|name| env(name).filter(|value| !value.is_empty()))
            .map(ApiKey::new);
        let seconds = settings.request_timeout.unwrap_or(120.0);
        config.timeout = Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                AppError::Usage(format!(
                    "the request timeout must be a positive number of seconds, not {seconds}"
                ))
            })?;
        if let Some(retries) = settings.http_retries {
            config.retries = retries;
        }
        config.requests_per_minute = settings.requests_per_minute;
        if let Some(tokens) = settings.max_tokens {
            config.max_tokens = tokens;
        }
        let temperature = settings.temperature.unwrap_or(0.4);
        let temperature_step = settings.temperature_step.unwrap_or(0.1);
        if !(0.0..=2.0).contains(&temperature) || !(0.0..=1.0).contains(&temperature_step) {
            return Err(AppError::Usage(format!(
                "temperature {temperature} must be within 0 to 2 and its step {temperature_step} within 0 to 1"
            )));
        }
        let max_retries = settings.max_retries.unwrap_or(3);
        if max_retries == 0 {
            return Err(AppError::Usage("--max-retries must be at least 1".into()));
        }
        Ok(Self {
            model: config,
            temperature,
            temperature_step,
            max_retries,
            context_tokens: settings.context_tokens.unwrap_or(12_000) as usize,
            token_budget: settings.token_budget.unwrap_or(200_000),
            allow_test_edits: settings.allow_test_edits.unwrap_or(false),
            commit: settings.commit.unwrap_or(true),
        })
    }
}
