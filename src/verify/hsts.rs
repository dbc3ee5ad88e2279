use super::{Check, Enforced, Outcome, Session, Who};
use crate::render::capability::Feature;

pub static CHECK: Check = Check {
    id: "hsts",
    field: "listener.tls.hsts",
    docs: "Reads `Strict-Transport-Security` on the answer to a message (the consumer's, or one \
without a credential when none is given). Passes when `max-age` equals \
`listener.tls.hsts.max_age_seconds` and `includeSubDomains` is present exactly when \
`include_subdomains` is true. Skipped when the policy sets no HSTS.",
    enforced_as: Enforced::Feature(Feature::Hsts),
    probe,
};

fn probe(session: &Session) -> Outcome {
    let Some(hsts) = session.policy.listener.as_ref().and_then(|l| l.tls.as_ref()).and_then(|t| t.hsts.as_ref()) else {
        return Outcome::skip("the policy sets no `listener.tls.hsts`");
    };
    let who = if session.has_credential() { Who::Consumer } else { Who::Nobody };
    let response = match session.message("/v1/messages", session.model(), false, who) {
        Ok(r) => r,
        Err(e) => return Outcome::fail(e.to_string()),
    };
    let expected = hsts.header_value();
    let Some(value) = response.header("strict-transport-security") else {
        return Outcome::fail(format!(
            "no Strict-Transport-Security on the {} answer (expected `{expected}`)",
            response.status
        ));
    };
    let directives: Vec<String> = value.split(';').map(|d| d.trim().to_ascii_lowercase()).collect();
    let max_age = directives.iter().find_map(|d| d.strip_prefix("max-age=")).map(|v| v.trim_matches('"'));
    let subdomains = directives.iter().any(|d| d == "includesubdomains");
    if max_age != Some(hsts.max_age_seconds.to_string().as_str()) || subdomains != hsts.include_subdomains {
        return Outcome::fail(format!("`{value}`, expected `{expected}`"));
    }
    Outcome::pass(format!("`{value}` on the {} answer", response.status))
}
