//! A stand-in for api.anthropic.com on loopback: records the headers of every
//! request (and its path, as the pseudo-header `:path`) and answers as Anthropic's API
//! does: `POST /v1/messages` with a message (`id`, `type`, `role`, `content`, `model`: the
//! model asked for, having used [`USAGE_TOKENS`] tokens), `/v1/messages/count_tokens` with
//! `input_tokens`, and with Server-Sent Events (three events, `SSE_GAP` apart) when the body asks
//! for `"stream": true` (with or without the space). It answers every other path too: it stands
//! for an upstream that does not refuse what a gateway should not have forwarded. A body holding
//! [`FAIL`] gets a 500, one holding [`SLOW`] its answer late.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const SSE_GAP: Duration = Duration::from_millis(400);
/// A request body holding this text is answered with a 500 (an upstream failure).
pub const FAIL: &str = "gatectl-stand-in-fail";
/// A request body holding this text is answered `SLOW_BY` late.
pub const SLOW: &str = "gatectl-stand-in-slow";
pub const SLOW_BY: Duration = Duration::from_millis(1200);
/// Input and output tokens of every JSON answer: what a gateway counting tokens adds up.
pub const USAGE: (u64, u64) = (11, 7);
pub const USAGE_TOKENS: u64 = USAGE.0 + USAGE.1;

/// Headers the stand-in upstream received, one map per request.
pub type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A stand-in for api.anthropic.com: records headers; streams SSE when the body asks for it.
pub fn stand_in() -> (u16, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let record = Arc::clone(&record);
            std::thread::spawn(move || serve(stream, &record));
        }
    });
    (port, seen)
}

fn serve(mut stream: TcpStream, seen: &Seen) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut headers = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let path = line.split_whitespace().nth(1).unwrap_or_default().to_string();
    headers.push((":path".to_string(), path.clone()));
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap_or_default();
    seen.lock().unwrap().push(headers);
    // Any JSON layout: `"stream": true` (Python's json, curl by hand) or `"stream":true` (compact).
    let body = String::from_utf8_lossy(&body);
    if body.contains(FAIL) {
        let error = r#"{"type":"error","error":{"type":"api_error","message":"stand-in failure"}}"#;
        let _ = stream.write_all(format!("HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{error}", error.len()).as_bytes());
        return;
    }
    if body.contains(SLOW) {
        std::thread::sleep(SLOW_BY);
    }
    if body.contains("\"stream\": true") || body.contains("\"stream\":true") {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n");
        for i in 0..3 {
            let _ =
                stream.write_all(format!("event: ping\ndata: {{\"n\": {i}, \"at_ms\": {}}}\n\n", now_ms()).as_bytes());
            let _ = stream.flush();
            std::thread::sleep(SSE_GAP);
        }
    } else {
        // A complete Messages API answer (LiteLLM records a success, metrics and logs, only for one),
        // for the model asked for.
        let body = if path.starts_with("/v1/messages/count_tokens") {
            format!(r#"{{"input_tokens":{}}}"#, USAGE.0)
        } else {
            let model = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|b| b["model"].as_str().map(str::to_string));
            serde_json::json!({
                "id": "msg_01StandInForTheAnthropicApi",
                "type": "message",
                "role": "assistant",
                "model": model.unwrap_or_else(|| "claude-haiku-4-5".into()),
                "content": [{"type": "text", "text": "hi"}],
                "stop_reason": "end_turn",
                "stop_sequence": null,
                "usage": {"input_tokens": USAGE.0, "output_tokens": USAGE.1},
            })
            .to_string()
        };
        let _ = stream.write_all(format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).as_bytes());
    }
}

fn now_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
}

/// The value of a recorded header (names are lower-cased).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Runs `curl` (already given its URL, headers and a streaming body) and asserts the
/// stand-in's three events arrive, the first before the stand-in produced the last:
/// a gateway that buffers the response fails this.
#[track_caller]
pub fn assert_streams(mut curl: std::process::Command) {
    let started = std::time::Instant::now();
    let mut child = curl.stdout(std::process::Stdio::piped()).spawn().expect("curl runs");
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let first = lines.find(|l| l.as_ref().is_ok_and(|l| l.starts_with("data:"))).expect("an event").expect("UTF-8");
    let first_at = started.elapsed();
    let rest: Vec<String> = lines.map_while(Result::ok).filter(|l| l.starts_with("data:")).collect();
    let _ = child.wait();
    assert!(first.contains("\"n\": 0") && rest.len() == 2, "{first} {rest:?}");
    assert!(first_at < SSE_GAP * 2, "first event took {first_at:?}: the response was buffered");
}
