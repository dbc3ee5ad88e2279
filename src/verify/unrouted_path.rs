use serde_json::json;

use super::{describe, Check, Enforced, Outcome, Session, Who};

pub static CHECK: Check = Check {
    id: "unrouted-path",
    field: "upstream.url",
    docs: "Sends `POST /v1/complete` (the legacy Text Completions API) and `GET \
/v1/messages/batches` (which would list the organisation's batches) with the consumer's \
credential. Passes when both get a 3xx or a 4xx other than 429 that did not come from \
Anthropic (no `request-id` or `anthropic-organization-id` header); fails on a 2xx or a 5xx \
(the gateway proxied it, or tried to). Skipped without the consumer's credential (a refusal \
would not tell routing from authentication).",
    enforced_as: Enforced::Always,
    probe,
};

fn probe(session: &Session) -> Outcome {
    if let Some(skip) = session.needs_credential() {
        return skip;
    }
    let complete =
        json!({"model": session.model(), "prompt": "\n\nHuman: ping\n\nAssistant:", "max_tokens_to_sample": 1});
    let mut statuses = Vec::new();
    for (method, path, body) in [("POST", "/v1/complete", Some(complete)), ("GET", "/v1/messages/batches", None)] {
        let response = match session.send(method, path, body, Who::Consumer) {
            Ok(r) => r,
            Err(e) => return Outcome::fail(format!("{method} {path}: {e}")),
        };
        let from_anthropic = ["request-id", "anthropic-organization-id"].iter().any(|h| response.header(h).is_some());
        match response.status {
            429 => return Outcome::fail(format!("{method} {path}: {}", describe(&response))),
            status @ 300..=499 if !from_anthropic => statuses.push(format!("{method} {path}: {status}")),
            status => {
                let how = if from_anthropic { ", answered by Anthropic" } else { "" };
                return Outcome::fail(format!("{method} {path} was proxied: {status}{how}: {}", response.snippet()));
            }
        }
    }
    Outcome::pass(format!("not proxied ({})", statuses.join(", ")))
}
