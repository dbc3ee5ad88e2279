use super::{describe, not_a_message, Check, Enforced, Outcome, Session, Who};
use crate::render::capability::Feature;

/// Real models, cheapest first: the probe asks for the first one the policy does not list
/// (a made-up name would be refused by Anthropic itself, and so prove nothing).
const MODELS: &[&str] =
    &["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1", "claude-opus-4-5", "claude-sonnet-4-0"];

pub static CHECK: Check = Check {
    id: "model-allowlist",
    field: "upstream.models",
    docs: "Sends a one-token message with the consumer's credential for a real model the policy \
does not list (the first of claude-haiku-4-5, claude-sonnet-4-5, claude-opus-4-1, …). Passes \
on a 4xx other than 401 and 429 with no message in the body; fails when it is answered. \
Skipped when `upstream.models` is empty (every model allowed), and without the consumer's \
credential.",
    enforced_as: Enforced::Feature(Feature::ModelAllowlist),
    probe,
};

fn probe(session: &Session) -> Outcome {
    let allowed = &session.policy.upstream.models;
    if allowed.is_empty() {
        return Outcome::skip("`upstream.models` is empty: the policy allows every model");
    }
    if let Some(skip) = session.needs_credential() {
        return skip;
    }
    let Some(outside) = MODELS.iter().find(|m| !allowed.iter().any(|a| a.0 == **m)) else {
        return Outcome::skip("the policy lists every model this check knows");
    };
    let response = match session.message("/v1/messages", outside, false, Who::Consumer) {
        Ok(r) => r,
        Err(e) => return Outcome::fail(e.to_string()),
    };
    match response.status {
        401 | 429 => Outcome::fail(describe(&response)),
        status @ 400..=499 if not_a_message(&response).is_some() => {
            Outcome::pass(format!("{outside}, not in upstream.models, refused with {status}"))
        }
        _ => Outcome::fail(format!("{outside}, not in upstream.models, was answered: {}", describe(&response))),
    }
}
