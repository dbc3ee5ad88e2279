//! The gateway's own refusals, as Anthropic's API words them: Anthropic's SDKs and Claude Code
//! read `{"type": "error", "error": {"type", "message"}}` and show the message (and back off
//! by `retry-after` on a 429). One table, for every target that can set its refusal bodies.

use serde_json::json;

/// A status the gateway itself answers with, and the error type Anthropic's API uses for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub error_type: &'static str,
    pub message: &'static str,
}

/// Every refusal a gateway produces, by status. Messages are fixed: they say what the client
/// must change, never which check failed (no oracle for a probing client).
pub const REFUSALS: &[Refusal] = &[
    Refusal {
        status: 401,
        error_type: "authentication_error",
        message: "The gateway could not authenticate this request: missing or invalid credentials.",
    },
    Refusal { status: 403, error_type: "permission_error", message: "This client is not allowed to use this gateway." },
    Refusal { status: 404, error_type: "not_found_error", message: "The gateway serves no such endpoint." },
    Refusal {
        status: 413,
        error_type: "request_too_large",
        message: "The request is larger than the gateway accepts.",
    },
    Refusal {
        status: 429,
        error_type: "rate_limit_error",
        message: "Rate limit exceeded: retry after the number of seconds in the retry-after header.",
    },
];

/// Anthropic's error type for a failure on the gateway's side (500, 502, 503, 504).
pub const API_ERROR: &str = "api_error";

/// An error body, compact JSON: the one serialiser of every refusal's body.
pub fn error_body(error_type: &str, message: &str) -> String {
    json!({"type": "error", "error": {"type": error_type, "message": message}}).to_string()
}

impl Refusal {
    /// The response body, compact JSON.
    pub fn body(&self) -> String {
        error_body(self.error_type, self.message)
    }

    /// The body with a message of its own, for a target that knows more than the status (which
    /// claim of a verified token failed, which limit a consumer met).
    pub fn body_saying(&self, message: &str) -> String {
        error_body(self.error_type, message)
    }
}

/// A 429's `retry-after` under a limit of `per_minute` with no burst left: the seconds until
/// the next request is due (one request's share of the minute, rounded up, at least 1).
pub fn retry_after_seconds(per_minute: u32) -> u32 {
    60u32.div_ceil(per_minute.max(1)).max(1)
}

/// The refusal for a status, if the gateway produces one.
pub fn refusal(status: u16) -> Option<&'static Refusal> {
    REFUSALS.iter().find(|r| r.status == status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_anthropic_shaped_json() {
        for r in REFUSALS {
            let body: serde_json::Value = serde_json::from_str(&r.body()).unwrap();
            assert_eq!(body["type"], "error");
            assert_eq!(body["error"]["type"], r.error_type);
            assert_eq!(body["error"]["message"], r.message);
        }
        assert_eq!(refusal(429).unwrap().error_type, "rate_limit_error");
        assert_eq!(refusal(500), None);
    }

    #[test]
    fn an_own_message_keeps_the_shape_and_is_escaped() {
        let text = refusal(401).unwrap().body_saying("quote \" and \\ and {braces}");
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"]["type"], "authentication_error");
        assert_eq!(body["error"]["message"], "quote \" and \\ and {braces}");
        assert!(text.starts_with(r#"{"type":"error","error":{"type":"authentication_error""#), "{text}");
    }

    #[test]
    fn retry_after_is_one_requests_share_of_the_minute_rounded_up() {
        let seconds: Vec<u32> = [60, 200, 30, 7, 1].into_iter().map(retry_after_seconds).collect();
        assert_eq!(seconds, [1, 1, 2, 9, 60]);
    }
}
