//! A guard between stdio and the protocol: every line that is not a JSON-RPC
//! message gets the error JSON-RPC 2.0 prescribes (-32700 for text that is
//! not JSON, -32600 for JSON that is not a request), instead of silence, and
//! only well-formed messages reach the server. One task owns stdout, so the
//! server's replies and the guard's errors never interleave within a line.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// The error for a line that cannot go to the server, if it cannot.
pub fn reject(line: &str) -> Option<Value> {
    let error = |id: Value, code: i64, message: &str| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => return Some(error(Value::Null, -32700, &format!("Parse error: {e}"))),
    };
    let Some(object) = value.as_object() else {
        return Some(error(
            Value::Null,
            -32600,
            "Invalid Request: a message is one JSON object (batches are not supported)",
        ));
    };
    let id = object.get("id").cloned().unwrap_or(Value::Null);
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some(error(id, -32600, "Invalid Request: `jsonrpc` must be \"2.0\""));
    }
    let is_request = object.get("method").is_some_and(Value::is_string);
    let is_response = object.contains_key("result") || object.contains_key("error");
    if !is_request && !is_response {
        return Some(error(id, -32600, "Invalid Request: no `method`"));
    }
    None
}

/// Runs the guard between `input`/`output` (stdin/stdout) and the server's
/// ends of two pipes, until the input ends.
pub async fn relay<I, O, SR, SW>(input: I, mut output: O, from_server: SR, mut to_server: SW)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
    SR: AsyncRead + Unpin + Send + 'static,
    SW: AsyncWrite + Unpin + Send + 'static,
{
    let (lines_out, mut lines) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(line) = lines.recv().await {
            if output.write_all(line.as_bytes()).await.is_err() || output.flush().await.is_err() {
                break;
            }
        }
    });
    let replies = {
        let lines_out = lines_out.clone();
        tokio::spawn(async move {
            let mut from_server = BufReader::new(from_server).lines();
            while let Ok(Some(line)) = from_server.next_line().await {
                if lines_out.send(line + "\n").is_err() {
                    break;
                }
            }
        })
    };
    let mut input = BufReader::new(input).lines();
    while let Ok(Some(line)) = input.next_line().await {
        if line.trim().is_empty() {
            continue;
        }
        match reject(&line) {
            Some(error) => {
                let _ = lines_out.send(error.to_string() + "\n");
            }
            None => {
                if to_server.write_all(line.as_bytes()).await.is_err()
                    || to_server.write_all(b"\n").await.is_err()
                    || to_server.flush().await.is_err()
                {
                    break;
                }
            }
        }
    }
    // The client is gone: closing the server's input ends the session.
    drop(to_server);
    let _ = replies.await;
    drop(lines_out);
    let _ = writer.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_json_rpc() {
        assert_eq!(reject("{not json").unwrap()["error"]["code"], -32700);
        assert_eq!(reject("[1, 2]").unwrap()["error"]["code"], -32600);
        let no_version = reject(r#"{"id": 7, "method": "tools/list"}"#).unwrap();
        assert_eq!(
            (no_version["id"].clone(), no_version["error"]["code"].clone()),
            (json!(7), json!(-32600))
        );
        assert_eq!(
            reject(r#"{"jsonrpc": "2.0", "id": 1}"#).unwrap()["error"]["code"],
            -32600
        );
        assert!(reject(r#"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#).is_none());
        assert!(reject(r#"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#).is_none());
        assert!(reject(r#"{"jsonrpc": "2.0", "id": 1, "result": {}}"#).is_none());
    }
}
