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

impl Refusal {
    /// The response body, compact JSON.
    pub fn body(&self) -> String {
        json!({"type": "error", "error": {"type": self.error_type, "message": self.message}}).to_string()
    }
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
}
