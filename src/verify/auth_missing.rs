use super::{refuses, Check, Enforced, Outcome, Session, Who};

pub static CHECK: Check = Check {
    id: "auth-missing",
    field: "auth.method",
    docs: "Sends a message and a streamed message with no credential. With `api_key` or \
`oauth2`, both must be answered 401 with no event stream; with `mtls` (no client \
certificate), a refused handshake or a 400/401/403 answer passes. Skipped when the policy \
sets `auth.method: none`.",
    enforced_as: Enforced::AuthMethod,
    probe,
};

fn probe(session: &Session) -> Outcome {
    refuses(session, Who::Nobody, "without a credential")
}
