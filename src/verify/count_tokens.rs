use serde_json::json;

use super::{describe, Check, Enforced, Outcome, Session, Who};

pub static CHECK: Check = Check {
    id: "count-tokens",
    field: "upstream.url",
    docs: "Asks for the token count of a one-word message at `/v1/messages/count_tokens` and \
`/v1/messages/count_tokens?beta=true` (Claude Code counts tokens before it sends). Fails on \
any other status or a body without a numeric `input_tokens`. Skipped without the consumer's \
credential.",
    enforced_as: Enforced::Always,
    probe,
};

fn probe(session: &Session) -> Outcome {
    if let Some(skip) = session.needs_credential() {
        return skip;
    }
    let body = json!({"model": session.model(), "messages": [{"role": "user", "content": "ping"}]});
    for path in ["/v1/messages/count_tokens", "/v1/messages/count_tokens?beta=true"] {
        let response = match session.send("POST", path, Some(body.clone()), Who::Consumer) {
            Ok(r) => r,
            Err(e) => return Outcome::fail(format!("{path}: {e}")),
        };
        if response.status != 200 {
            return Outcome::fail(format!("{path}: {}", describe(&response)));
        }
        if !response.json().is_some_and(|b| b["input_tokens"].is_u64()) {
            return Outcome::fail(format!("{path}: 200, but no `input_tokens` in {}", response.snippet()));
        }
    }
    Outcome::pass("200 with input_tokens at /v1/messages/count_tokens and /v1/messages/count_tokens?beta=true")
}
