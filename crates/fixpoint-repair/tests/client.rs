//! The model client against a real HTTP server on loopback that speaks each
//! protocol: what it sends, and how it copes with what comes back.

use std::time::{Duration, Instant};

use fixpoint_repair::test_util::{Protocol, Reply, ScriptedServer};
use fixpoint_repair::{ApiKey, Client, LlmError, Message, ModelConfig, Provider};

const KEY: &str = "sk-test-key-that-must-stay-secret";

fn client(server: &ScriptedServer, provider: Provider) -> Client {
    let mut config = ModelConfig::new(provider, "scripted-model");
    config.base_url = server.base_url();
    config.api_key = Some(ApiKey::new(KEY));
    config.backoff = Duration::from_millis(10);
    config.retries = 2;
    Client::new(config)
}

#[test]
fn speaks_openai_chat_completions() {
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![Reply::Answer("the fix".into())]);
    let completion = client(&server, Provider::OpenAi)
        .complete("rules", &[Message::user("the failure")], 0.4)
        .unwrap();
    assert_eq!(completion.text, "the fix");
    assert!(completion.prompt_tokens.unwrap() > 0 && completion.completion_tokens.unwrap() > 0);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    let body = request.json();
    assert_eq!(body["model"], "scripted-model");
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][0]["content"], "rules");
    assert_eq!(body["messages"][1]["role"], "user");
    assert_eq!(request.temperature(), Some(0.4));
}

#[test]
fn speaks_anthropic_messages() {
    let server = ScriptedServer::queue(Protocol::Anthropic, vec![Reply::Answer("the fix".into())]);
    let completion = client(&server, Provider::Anthropic)
        .complete(
            "rules",
            &[Message::user("q"), Message::assistant("a"), Message::user("again")],
            0.5,
        )
        .unwrap();
    assert_eq!(completion.text, "the fix");
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("authorization"), None);
    let body = request.json();
    assert_eq!(body["system"], "rules");
    assert_eq!(body["messages"].as_array().unwrap().len(), 3);
    assert_eq!(body["messages"][1]["role"], "assistant");
    assert!(body["max_tokens"].as_u64().unwrap() > 0);
}

#[test]
fn retries_a_429_then_succeeds() {
    let server = ScriptedServer::queue(
        Protocol::OpenAi,
        vec![
            Reply::Status {
                status: 429,
                retry_after: Some(0),
            },
            Reply::Status {
                status: 503,
                retry_after: None,
            },
            Reply::Answer("ok".into()),
        ],
    );
    let completion = client(&server, Provider::OpenAi)
        .complete("s", &[Message::user("u")], 0.4)
        .unwrap();
    assert_eq!(completion.text, "ok");
    assert_eq!(completion.requests, 3);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn gives_up_after_its_retries() {
    let server = ScriptedServer::start(Protocol::OpenAi, |_, _| Reply::Status {
        status: 500,
        retry_after: None,
    });
    let error = client(&server, Provider::OpenAi)
        .complete("s", &[Message::user("u")], 0.4)
        .unwrap_err();
    assert!(
        matches!(
            error,
            LlmError::Status {
                status: 500,
                tries: 3,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn times_out_on_a_silent_server() {
    let server = ScriptedServer::start(Protocol::OpenAi, |_, _| {
        Reply::Delay(Duration::from_secs(3), Box::new(Reply::Answer("late".into())))
    });
    let mut config = ModelConfig::new(Provider::OpenAi, "m");
    config.base_url = server.base_url();
    config.timeout = Duration::from_millis(300);
    config.retries = 1;
    config.backoff = Duration::from_millis(10);
    let error = Client::new(config)
        .complete("s", &[Message::user("u")], 0.4)
        .unwrap_err();
    assert!(matches!(error, LlmError::Timeout { tries: 2, .. }), "{error}");
    assert!(error.to_string().contains("did not answer"), "{error}");
}

#[test]
fn a_refused_key_is_not_retried_and_never_shown() {
    let server = ScriptedServer::queue(
        Protocol::OpenAi,
        vec![Reply::Status {
            status: 401,
            retry_after: None,
        }],
    );
    let error = client(&server, Provider::OpenAi)
        .complete("s", &[Message::user("u")], 0.4)
        .unwrap_err();
    assert!(matches!(error, LlmError::Unauthorized { status: 401, .. }));
    assert!(!error.to_string().contains(KEY) && !format!("{error:?}").contains(KEY));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_body_that_is_not_a_completion_is_an_error() {
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![Reply::Raw(r#"{"choices": []}"#.into())]);
    let error = client(&server, Provider::OpenAi)
        .complete("s", &[Message::user("u")], 0.4)
        .unwrap_err();
    assert!(matches!(error, LlmError::Malformed { .. }), "{error}");
}

#[test]
fn spaces_requests_to_the_rate_limit() {
    let server = ScriptedServer::start(Protocol::OpenAi, |_, _| Reply::Answer("ok".into()));
    let mut config = ModelConfig::new(Provider::OpenAi, "m");
    config.base_url = server.base_url();
    config.requests_per_minute = Some(600);
    let mut client = Client::new(config);
    let start = Instant::now();
    for _ in 0..3 {
        client.complete("s", &[Message::user("u")], 0.4).unwrap();
    }
    // 600 a minute is one per 100 ms: three requests span at least 200 ms.
    assert!(start.elapsed() >= Duration::from_millis(200), "{:?}", start.elapsed());
}
