//! The model client: one blocking call per completion to an OpenAI-compatible
//! chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp's server, LM
//! Studio) or to the Anthropic Messages API.
//!
//! Transient failures (429, 5xx, a timeout, a dropped connection) are retried
//! with exponential backoff, honouring `Retry-After`; requests are spaced to
//! stay under a requests-per-minute limit. The API key is sent in a header
//! and nowhere else: every error message is scrubbed of it.

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Which wire protocol the endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `POST {base}/chat/completions`, `Authorization: Bearer`.
    OpenAi,
    /// `POST {base}/v1/messages`, `x-api-key`, `anthropic-version`.
    Anthropic,
}

impl Provider {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "openai" => Some(Self::OpenAi),
            "anthropic" => Some(Self::Anthropic),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
        }
    }

    /// The public endpoint when no base URL is set.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::OpenAi => "https://api.openai.com/v1",
            Self::Anthropic => "https://api.anthropic.com",
        }
    }
}

/// An API key; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// How to reach the model.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub provider: Provider,
    pub model: String,
    /// Without the endpoint's path: `https://api.openai.com/v1`, `http://localhost:11434/v1`.
    pub base_url: String,
    /// `None` sends no key (a local server).
    pub api_key: Option<ApiKey>,
    /// Per request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// Further tries after a 429, a 5xx, a timeout or a dropped connection.
    pub retries: u32,
    /// The first backoff; each further one doubles, up to 30 s.
    pub backoff: Duration,
    /// Requests per minute, spread evenly (`None`: no limit).
    pub requests_per_minute: Option<u32>,
    /// The most tokens one answer may have.
    pub max_tokens: u32,
}

impl ModelConfig {
    /// A configuration with the defaults for everything but the model.
    pub fn new(provider: Provider, model: impl Into<String>) -> Self {
        Self {
            provider,
            model: model.into(),
            base_url: provider.default_base_url().to_owned(),
            api_key: None,
            timeout: Duration::from_mins(2),
            retries: 3,
            backoff: Duration::from_secs(1),
            requests_per_minute: None,
            max_tokens: 4096,
        }
    }
}

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    /// As the endpoint counted them (`None` when it did not say).
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// HTTP requests it took, retries included.
    pub requests: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the model endpoint {url} did not answer within {seconds} s ({tries} tries)")]
    Timeout { url: String, seconds: f64, tries: u32 },
    #[error("cannot reach the model endpoint {url}: {reason} ({tries} tries)")]
    Unreachable { url: String, reason: String, tries: u32 },
    #[error(
        "the model endpoint {url} refused the request ({status}): {message}; check the key in FIXPOINT_API_KEY (or OPENAI_API_KEY / ANTHROPIC_API_KEY)"
    )]
    Unauthorized { url: String, status: u16, message: String },
    #[error("the model endpoint {url} answered {status}: {message}")]
    Status {
        url: String,
        status: u16,
        message: String,
        tries: u32,
    },
    #[error("the model endpoint {url} answered something that is not a chat completion: {reason}")]
    Malformed { url: String, reason: String },
}

/// A client for one model.
pub struct Client {
    config: ModelConfig,
    agent: ureq::Agent,
    last_request: Option<Instant>,
}

impl Client {
    pub fn new(config: ModelConfig) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("fixpoint/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self {
            config,
            agent,
            last_request: None,
        }
    }

    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// The endpoint's full URL.
    pub fn url(&self) -> String {
        let base = self.config.base_url.trim_end_matches('/');
        match self.config.provider {
            Provider::OpenAi => format!("{base}/chat/completions"),
            Provider::Anthropic if base.ends_with("/v1") => format!("{base}/messages"),
            Provider::Anthropic => format!("{base}/v1/messages"),
        }
    }

    /// Asks for one completion of `messages` after the `system` prompt.
    pub fn complete(&mut self, system: &str, messages: &[Message], temperature: f64) -> Result<Completion, LlmError> {
        let url = self.url();
        let body = self.body(system, messages, temperature).to_string();
        let mut tries = 0;
        loop {
            tries += 1;
            self.pace();
            let mut request = self.agent.post(&url).header("content-type", "application/json");
            request = match (self.config.provider, &self.config.api_key) {
                (Provider::OpenAi, Some(key)) => request.header("authorization", format!("Bearer {}", key.expose())),
                (Provider::Anthropic, Some(key)) => request.header("x-api-key", key.expose()),
                (_, None) => request,
            };
            if self.config.provider == Provider::Anthropic {
                request = request.header("anthropic-version", "2023-06-01");
            }
            let transient = match request.send(body.as_str()) {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| value.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let text = match response.body_mut().read_to_string() {
                        Ok(text) => text,
                        Err(error) => {
                            if tries > self.config.retries {
                                return Err(self.transport_error(&url, &error, tries));
                            }
                            self.back_off(tries, None);
                            continue;
                        }
                    };
                    match status {
                        200..=299 => return self.parse(&url, &text, tries),
                        401 | 403 => {
                            return Err(LlmError::Unauthorized {
                                url: url.clone(),
                                status,
                                message: self.scrub(&error_message(&text)),
                            });
                        }
                        429 | 500..=599 => Transient::Status(status, error_message(&text), retry_after),
                        _ => {
                            return Err(LlmError::Status {
                                url: url.clone(),
                                status,
                                message: self.scrub(&error_message(&text)),
                                tries,
                            });
                        }
                    }
                }
                Err(error) => Transient::Transport(error),
            };
            if tries > self.config.retries {
                return Err(match transient {
                    Transient::Status(status, message, _) => LlmError::Status {
                        url,
                        status,
                        message: self.scrub(&message),
                        tries,
                    },
                    Transient::Transport(error) => self.transport_error(&url, &error, tries),
                });
            }
            let wait = match transient {
                Transient::Status(_, _, retry_after) => retry_after,
                Transient::Transport(_) => None,
            };
            self.back_off(tries, wait);
        }
    }

    fn body(&self, system: &str, messages: &[Message], temperature: f64) -> Value {
        let role = |role: Role| match role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        let turns = messages
            .iter()
            .map(|m| json!({"role": role(m.role), "content": m.content}));
        match self.config.provider {
            Provider::OpenAi => {
                let mut all = vec![json!({"role": "system", "content": system})];
                all.extend(turns);
                json!({
                    "model": self.config.model,
                    "messages": all,
                    "temperature": temperature,
                    "max_tokens": self.config.max_tokens,
                })
            }
            Provider::Anthropic => json!({
                "model": self.config.model,
                "system": system,
                "messages": turns.collect::<Vec<_>>(),
                "temperature": temperature,
                "max_tokens": self.config.max_tokens,
            }),
        }
    }

    fn parse(&self, url: &str, text: &str, tries: u32) -> Result<Completion, LlmError> {
        let malformed = |reason: &str| LlmError::Malformed {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let value: Value = serde_json::from_str(text).map_err(|_| malformed("the body is not JSON"))?;
        let (answer, prompt_tokens, completion_tokens) = match self.config.provider {
            Provider::OpenAi => (
                value.pointer("/choices/0/message/content").and_then(Value::as_str),
                value.pointer("/usage/prompt_tokens").and_then(Value::as_u64),
                value.pointer("/usage/completion_tokens").and_then(Value::as_u64),
            ),
            Provider::Anthropic => (
                value
                    .get("content")
                    .and_then(Value::as_array)
                    .and_then(|blocks| {
                        blocks
                            .iter()
                            .find(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                    })
                    .and_then(|block| block.get("text"))
                    .and_then(Value::as_str),
                value.pointer("/usage/input_tokens").and_then(Value::as_u64),
                value.pointer("/usage/output_tokens").and_then(Value::as_u64),
            ),
        };
        let answer = answer.ok_or_else(|| match self.config.provider {
            Provider::OpenAi => malformed("no choices[0].message.content"),
            Provider::Anthropic => malformed("no text block in content"),
        })?;
        Ok(Completion {
            text: answer.to_owned(),
            prompt_tokens,
            completion_tokens,
            requests: tries,
        })
    }

    /// Waits until the next request fits the requests-per-minute limit.
    fn pace(&mut self) {
        if let (Some(rpm), Some(last)) = (self.config.requests_per_minute, self.last_request)
            && rpm > 0
        {
            let interval = Duration::from_mins(1) / rpm;
            if let Some(wait) = interval.checked_sub(last.elapsed()) {
                thread::sleep(wait);
            }
        }
        self.last_request = Some(Instant::now());
    }

    fn back_off(&self, tries: u32, retry_after: Option<Duration>) {
        let exponential = self
            .config
            .backoff
            .saturating_mul(1 << (tries - 1).min(5))
            .min(Duration::from_secs(30));
        thread::sleep(retry_after.map_or(exponential, |wait| wait.min(Duration::from_mins(1))));
    }

    fn transport_error(&self, url: &str, error: &ureq::Error, tries: u32) -> LlmError {
        match error {
            ureq::Error::Timeout(_) => LlmError::Timeout {
                url: url.to_owned(),
                seconds: self.config.timeout.as_secs_f64(),
                tries,
            },
            other => LlmError::Unreachable {
                url: url.to_owned(),
                reason: self.scrub(&other.to_string()),
                tries,
            },
        }
    }

    /// The text with the API key blanked out, should an endpoint echo it.
    fn scrub(&self, text: &str) -> String {
        match &self.config.api_key {
            Some(key) if !key.expose().is_empty() => text.replace(key.expose(), "***"),
            _ => text.to_owned(),
        }
    }
}

enum Transient {
    Status(u16, String, Option<Duration>),
    Transport(ureq::Error),
}

/// The message of an OpenAI or Anthropic error body, else the body's start.
fn error_message(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/message").or_else(|| v.get("message")))
        .and_then(Value::as_str);
    let text = message.unwrap_or(body).trim();
    let mut short: String = text.chars().take(200).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    if short.is_empty() {
        "(empty body)".to_owned()
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_each_protocol() {
        let mut config = ModelConfig::new(Provider::OpenAi, "m");
        config.base_url = "http://127.0.0.1:9/v1/".into();
        assert_eq!(Client::new(config).url(), "http://127.0.0.1:9/v1/chat/completions");
        let config = ModelConfig::new(Provider::Anthropic, "m");
        assert_eq!(Client::new(config).url(), "https://api.anthropic.com/v1/messages");
    }

    #[test]
    fn keys_do_not_show_in_debug_output() {
        let mut config = ModelConfig::new(Provider::OpenAi, "m");
        config.api_key = Some(ApiKey::new("sk-very-secret"));
        assert!(!format!("{config:?}").contains("very-secret"));
    }

    #[test]
    fn error_bodies_give_their_message() {
        assert_eq!(error_message(r#"{"error": {"message": "slow down"}}"#), "slow down");
        assert_eq!(error_message("plain text"), "plain text");
        assert_eq!(error_message(""), "(empty body)");
    }
}
