//! The gateway's own refusals in the shape Anthropic's API answers with, so Anthropic's SDKs and
//! Claude Code raise the matching error class and show the gateway's message:
//! `{"type":"error","error":{"type":"rate_limit_error","message":"…"}}`.

/// Anthropic's error types, by the HTTP status the gateway answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Authentication,
    Permission,
    NotFound,
    RequestTooLarge,
    RateLimit,
    Api,
}

impl ErrorType {
    pub fn for_status(status: u16) -> ErrorType {
        match status {
            401 => ErrorType::Authentication,
            403 => ErrorType::Permission,
            404 => ErrorType::NotFound,
            413 => ErrorType::RequestTooLarge,
            429 => ErrorType::RateLimit,
            _ => ErrorType::Api,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Authentication => "authentication_error",
            ErrorType::Permission => "permission_error",
            ErrorType::NotFound => "not_found_error",
            ErrorType::RequestTooLarge => "request_too_large",
            ErrorType::RateLimit => "rate_limit_error",
            ErrorType::Api => "api_error",
        }
    }
}

/// The response body for `status` with `message`: compact JSON, one serialiser for every target.
pub fn body(status: u16, message: &str) -> String {
    serde_json::json!({
        "type": "error",
        "error": {"type": ErrorType::for_status(status).as_str(), "message": message},
    })
    .to_string()
}

/// The largest request body the gateway accepts: Anthropic's own limit for the Messages API.
pub const MAX_REQUEST_MEGABYTES: u32 = 32;

/// The message of a refusal no policy field explains.
pub fn default_message(status: u16) -> String {
    match status {
        401 => "missing or invalid credentials".into(),
        403 => "not allowed".into(),
        404 => "not found: this gateway serves POST /v1/messages and /v1/messages/count_tokens".into(),
        413 => format!("request body larger than {MAX_REQUEST_MEGABYTES} MB"),
        429 => "rate limit exceeded: retry after the number of seconds in retry-after".into(),
        502 => "the gateway could not reach the upstream API".into(),
        503 => "the gateway is unavailable".into(),
        504 => "the upstream API did not answer in time".into(),
        _ => "internal gateway error".into(),
    }
}

/// Seconds a client waits before a request is counted again under `per_minute` (at least 1).
pub fn retry_after_seconds(per_minute: u32) -> u32 {
    60u32.div_ceil(per_minute.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_anthropics_shape_and_escape_the_message() {
        let text = body(429, "quote \" and \\ and {braces}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["type"], "error");
        assert_eq!(json["error"]["type"], "rate_limit_error");
        assert_eq!(json["error"]["message"], "quote \" and \\ and {braces}");
        assert!(text.starts_with(r#"{"type":"error","error":{"type":"rate_limit_error""#), "{text}");
    }

    #[test]
    fn statuses_map_to_anthropics_error_types() {
        let types: Vec<&str> =
            [401, 403, 404, 413, 429, 502].iter().map(|&s| ErrorType::for_status(s).as_str()).collect();
        assert_eq!(
            types,
            [
                "authentication_error",
                "permission_error",
                "not_found_error",
                "request_too_large",
                "rate_limit_error",
                "api_error"
            ]
        );
    }

    #[test]
    fn retry_after_is_one_emission_interval_rounded_up() {
        assert_eq!(retry_after_seconds(60), 1);
        assert_eq!(retry_after_seconds(200), 1);
        assert_eq!(retry_after_seconds(30), 2);
        assert_eq!(retry_after_seconds(7), 9);
        assert_eq!(retry_after_seconds(1), 60);
    }
}
