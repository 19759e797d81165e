//! A real HTTP server on loopback that speaks the OpenAI chat-completions
//! protocol or the Anthropic Messages protocol and answers from a script:
//! the model is the one part of the repair loop tests cannot reach, so this
//! stands in for it at the network boundary. Every request is recorded, so
//! that tests check what was sent, not only what came of it.
//!
//! Enabled by the `test-util` feature.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::{Value, json};

/// Which protocol the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    OpenAi,
    Anthropic,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The sampling temperature asked for.
    pub fn temperature(&self) -> Option<f64> {
        self.json().get("temperature").and_then(Value::as_f64)
    }

    /// Every message's text (the system prompt first), in order.
    pub fn messages(&self) -> Vec<String> {
        let body = self.json();
        let mut texts = Vec::new();
        if let Some(system) = body.get("system").and_then(Value::as_str) {
            texts.push(system.to_owned());
        }
        if let Some(messages) = body.get("messages").and_then(Value::as_array) {
            texts.extend(
                messages
                    .iter()
                    .filter_map(|m| m.get("content").and_then(Value::as_str).map(str::to_owned)),
            );
        }
        texts
    }

    /// The last message's text.
    pub fn last_message(&self) -> String {
        self.messages().pop().unwrap_or_default()
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A completion whose text is this, in the protocol's shape, with usage.
    Answer(String),
    /// Any status with a JSON error body, and optionally `Retry-After`.
    Status { status: u16, retry_after: Option<u64> },
    /// 200 with this body as it is.
    Raw(String),
    /// Waits, then replies.
    Delay(Duration, Box<Reply>),
}

type Script = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// The server; it stops when dropped.
pub struct ScriptedServer {
    port: u16,
    protocol: Protocol,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl ScriptedServer {
    /// Answers request number `n` (from 0) with `script(request, n)`.
    pub fn start(protocol: Protocol, script: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        let handle = {
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let requests = Arc::clone(&requests);
                    let script = Arc::clone(&script);
                    thread::spawn(move || serve(stream, protocol, &requests, script.as_ref()));
                }
            })
        };
        Self {
            port,
            protocol,
            requests,
            stop,
            handle: Some(handle),
        }
    }

    /// Answers the requests with `replies` in order; past the end, a 500.
    pub fn queue(protocol: Protocol, replies: Vec<Reply>) -> Self {
        Self::start(protocol, move |_, n| {
            replies.get(n).cloned().unwrap_or(Reply::Status {
                status: 500,
                retry_after: None,
            })
        })
    }

    /// The base URL a client is configured with.
    pub fn base_url(&self) -> String {
        match self.protocol {
            Protocol::OpenAi => format!("http://127.0.0.1:{}/v1", self.port),
            Protocol::Anthropic => format!("http://127.0.0.1:{}", self.port),
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn serve(stream: TcpStream, protocol: Protocol, requests: &Mutex<Vec<Recorded>>, script: &Script) {
    let Ok(reader_stream) = stream.try_clone() else { return };
    let mut reader = BufReader::new(reader_stream);
    let mut writer = stream;
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let recorded = Recorded {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let number = {
        let Ok(mut all) = requests.lock() else { return };
        all.push(recorded.clone());
        all.len() - 1
    };
    let mut reply = script(&recorded, number);
    while let Reply::Delay(wait, then) = reply {
        thread::sleep(wait);
        reply = *then;
    }
    let (status, extra, body) = match reply {
        Reply::Answer(text) => (200, String::new(), completion(protocol, &recorded, &text).to_string()),
        Reply::Raw(body) => (200, String::new(), body),
        Reply::Status { status, retry_after } => (
            status,
            retry_after.map_or_else(String::new, |s| format!("Retry-After: {s}\r\n")),
            json!({"error": {"message": format!("scripted status {status}"), "type": "scripted"}}).to_string(),
        ),
        Reply::Delay(..) => unreachable!("delays are unwrapped above"),
    };
    let response = format!(
        "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    let _ = writer.write_all(response.as_bytes());
    let _ = writer.flush();
    let _ = writer.shutdown(Shutdown::Both);
}

fn completion(protocol: Protocol, request: &Recorded, text: &str) -> Value {
    let prompt_tokens = request.body.len().div_ceil(4);
    let completion_tokens = text.len().div_ceil(4);
    match protocol {
        Protocol::OpenAi => json!({
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "model": request.json().get("model").cloned().unwrap_or(Value::Null),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }),
        Protocol::Anthropic => json!({
            "id": "msg_scripted",
            "type": "message",
            "role": "assistant",
            "model": request.json().get("model").cloned().unwrap_or(Value::Null),
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
        }),
    }
}
