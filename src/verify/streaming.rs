use std::time::Duration;

use super::{describe, Check, Enforced, Outcome, Session, Who};
use crate::render::capability::Feature;

/// Events that arrive closer together than this arrived as one burst.
const BURST: Duration = Duration::from_millis(20);

pub static CHECK: Check = Check {
    id: "streaming",
    field: "streaming.sse",
    docs: "Sends a streamed one-token message (`\"stream\": true`, with `Accept: application/json` \
as Anthropic's SDKs send it) and times every event as it arrives. Passes when the answer is \
`text/event-stream` with at least two events and the first arrived at least 20 ms before \
the last; fails when they all arrived in one burst, which is what a buffering gateway \
delivers. (An upstream that produced every event at once would look the same: Anthropic's \
API sends `message_start` before it generates.) Skipped when the policy sets `streaming.sse: \
false`, and without the consumer's credential.",
    enforced_as: Enforced::Feature(Feature::Streaming),
    probe,
};

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn probe(session: &Session) -> Outcome {
    if session.policy.streaming.as_ref().is_some_and(|s| !s.sse) {
        return Outcome::skip("the policy sets `streaming.sse: false`");
    }
    if let Some(skip) = session.needs_credential() {
        return skip;
    }
    let response = match session.message("/v1/messages", session.model(), true, Who::Consumer) {
        Ok(r) => r,
        Err(e) => return Outcome::fail(e.to_string()),
    };
    if response.status != 200 {
        return Outcome::fail(describe(&response));
    }
    if !response.is_event_stream() {
        let kind = response.header("content-type").unwrap_or("no content type");
        return Outcome::fail(format!("200 with {kind}, not text/event-stream"));
    }
    let (Some(first), Some(last)) = (response.events.first(), response.events.last()) else {
        return Outcome::fail("200 text/event-stream without a single event");
    };
    let count = response.events.len();
    if count < 2 {
        return Outcome::fail(format!("a single event, after {} ms: nothing to time", ms(first.at)));
    }
    let spread = last.at - first.at;
    if spread < BURST {
        return Outcome::fail(format!(
            "all {count} events arrived together, {} ms after the request (within {} ms): the response was buffered",
            ms(last.at),
            ms(spread)
        ));
    }
    Outcome::pass(format!(
        "{count} events as produced: the first after {} ms, the last after {} ms",
        ms(first.at),
        ms(last.at)
    ))
}
