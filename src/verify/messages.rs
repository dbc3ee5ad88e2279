use super::{describe, not_a_message, Check, Enforced, Outcome, Session, Who};

pub static CHECK: Check = Check {
    id: "messages",
    field: "upstream.url",
    docs: "Sends a one-token message (`max_tokens: 1`) for the first model in `upstream.models` \
(or `claude-haiku-4-5`) to `/v1/messages` and to `/v1/messages?beta=true` (what Claude Code \
calls when it uses beta features). Fails on any other status or a body that is not an \
Anthropic message. Skipped without the consumer's credential.",
    enforced_as: Enforced::Always,
    probe,
};

fn probe(session: &Session) -> Outcome {
    if let Some(skip) = session.needs_credential() {
        return skip;
    }
    let model = session.model();
    for path in ["/v1/messages", "/v1/messages?beta=true"] {
        let response = match session.message(path, model, false, Who::Consumer) {
            Ok(r) => r,
            Err(e) => return Outcome::fail(format!("{path}: {e}")),
        };
        if response.status != 200 {
            return Outcome::fail(format!("{path}: {}", describe(&response)));
        }
        if let Some(why) = not_a_message(&response) {
            return Outcome::fail(format!("{path}: 200, but {why}"));
        }
    }
    Outcome::pass(format!("200 with an Anthropic message for {model} at /v1/messages and /v1/messages?beta=true"))
}
