use super::{refuses, Check, Enforced, Outcome, Session, Who};

pub static CHECK: Check = Check {
    id: "auth-wrong",
    field: "auth.method",
    docs: "Sends a message and a streamed message with a credential of the right form that no \
consumer holds: a random key in the policy's key header (`api_key`), a JWT for the policy's \
issuer and audience signed by no trusted key (`oauth2`), or a fresh self-signed client \
certificate (`mtls`). Passes as `auth-missing` does. Skipped when the policy sets \
`auth.method: none`.",
    enforced_as: Enforced::AuthMethod,
    probe,
};

fn probe(session: &Session) -> Outcome {
    refuses(session, Who::Stranger, "with a wrong credential")
}
