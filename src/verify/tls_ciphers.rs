use openssl::ssl::SslVersion;

use super::tls::{probe as handshake, Handshake, Offer};
use super::tls_floor::tls_listener;
use super::{Check, Enforced, Outcome, Session};
use crate::policy::TlsVersion;
use crate::render::capability::Feature;

pub static CHECK: Check = Check {
    id: "tls-ciphers",
    field: "listener.tls.ciphers",
    docs: "Offers TLS 1.2 with exactly the policy's TLS 1.2 suites (must be accepted), then TLS 1.2 \
with every suite OpenSSL knows except those (must be refused; an accepted one is named). \
Skipped without a TLS listener, without a `ciphers` list, and under a TLS 1.3 floor (TLS 1.3 \
suites are always AEAD).",
    enforced_as: Enforced::Feature(Feature::TlsFloor),
    probe,
};

fn probe(session: &Session) -> Outcome {
    let (tls, client) = match tls_listener(session) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    if tls.min_version > TlsVersion::V1_2 {
        return Outcome::skip("the floor is TLS 1.3: the TLS 1.2 cipher list does not apply");
    }
    // TLS 1.3 names (TLS_AES_…) are not TLS 1.2 suites.
    let listed: Vec<&str> = tls.ciphers.iter().map(|c| c.0.as_str()).filter(|c| !c.starts_with("TLS_")).collect();
    if listed.is_empty() {
        return Outcome::skip("the policy sets no TLS 1.2 `listener.tls.ciphers`: the gateway's defaults apply");
    }
    let allowed = listed.join(":");
    let offer = Offer { version: SslVersion::TLS1_2, ciphers: Some(&allowed) };
    let accepted = match handshake(&session.endpoint, &offer, client, session.deadline()) {
        Handshake::Accepted { cipher, .. } => cipher,
        Handshake::Refused(why) => {
            return Outcome::fail(format!("TLS 1.2 with the policy's ciphers was refused: {why}"))
        }
        Handshake::CannotOffer(why) => {
            return Outcome::skip(format!("this machine's OpenSSL cannot offer the policy's ciphers: {why}"))
        }
        Handshake::Unreachable(why) => return Outcome::fail(format!("cannot connect: {why}")),
    };
    let others = format!("ALL:{}", listed.iter().map(|c| format!("!{c}")).collect::<Vec<_>>().join(":"));
    let offer = Offer { version: SslVersion::TLS1_2, ciphers: Some(&others) };
    match handshake(&session.endpoint, &offer, client, session.deadline()) {
        Handshake::Accepted { cipher, .. } => {
            Outcome::fail(format!("TLS 1.2 with {cipher}, which is not in `listener.tls.ciphers`, was accepted"))
        }
        Handshake::Refused(_) => Outcome::pass(format!(
            "every TLS 1.2 suite outside the policy's {} refused; {accepted} accepted",
            listed.len()
        )),
        Handshake::CannotOffer(why) => {
            Outcome::skip(format!("this machine's OpenSSL cannot offer other suites: {why}"))
        }
        Handshake::Unreachable(why) => Outcome::fail(format!("cannot connect: {why}")),
    }
}
