use openssl::ssl::SslVersion;

use super::http::Scheme;
use super::tls::{probe as handshake, Handshake, Offer};
use super::{Check, Enforced, Outcome, Session};
use crate::policy::{Tls, TlsVersion};
use crate::render::capability::Feature;

pub static CHECK: Check = Check {
    id: "tls-floor",
    field: "listener.tls.min_version",
    docs: "Offers each TLS version below `listener.tls.min_version` on its own (TLS 1.0 and 1.1, \
and 1.2 under a 1.3 floor; OpenSSL at security level 0, so that the old versions can be \
offered at all), then the floor version. Passes when every offer below the floor is refused \
and the floor is accepted. Skipped without a TLS listener (an `http://` URL, or no \
`listener.tls`).",
    enforced_as: Enforced::Feature(Feature::TlsFloor),
    probe,
};

pub fn version(v: TlsVersion) -> SslVersion {
    match v {
        TlsVersion::V1_0 => SslVersion::TLS1,
        TlsVersion::V1_1 => SslVersion::TLS1_1,
        TlsVersion::V1_2 => SslVersion::TLS1_2,
        TlsVersion::V1_3 => SslVersion::TLS1_3,
    }
}

/// The policy's TLS settings and the session's TLS client, or why the TLS checks are skipped.
pub fn tls_listener<'a>(session: &'a Session) -> Result<(&'a Tls, &'a super::tls::TlsClient), Outcome> {
    let Some(tls) = session.policy.listener.as_ref().and_then(|l| l.tls.as_ref()) else {
        return Err(Outcome::skip("the policy has no `listener.tls`"));
    };
    match (session.endpoint.scheme, session.tls()) {
        (Scheme::Https, Some(client)) => Ok((tls, client)),
        _ => Err(Outcome::skip("no TLS listener: --url is http://")),
    }
}

fn probe(session: &Session) -> Outcome {
    let (tls, client) = match tls_listener(session) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    let floor = tls.min_version;
    let mut refused = Vec::new();
    for below in [TlsVersion::V1_0, TlsVersion::V1_1, TlsVersion::V1_2].into_iter().filter(|v| *v < floor) {
        let offer = Offer { version: version(below), ciphers: Some("ALL") };
        match handshake(&session.endpoint, &offer, client, session.deadline()) {
            Handshake::Accepted { version, cipher } => {
                return Outcome::fail(format!("a TLS {} handshake was accepted ({version}, {cipher})", below.as_str()))
            }
            Handshake::Refused(_) => refused.push(below.as_str()),
            Handshake::CannotOffer(why) => {
                return Outcome::skip(format!("this machine's OpenSSL cannot offer TLS {}: {why}", below.as_str()))
            }
            Handshake::Unreachable(why) => return Outcome::fail(format!("cannot connect: {why}")),
        }
    }
    let offer = Offer { version: version(floor), ciphers: None };
    match handshake(&session.endpoint, &offer, client, session.deadline()) {
        Handshake::Accepted { cipher, .. } => {
            let refused = match refused.split_last() {
                Some((last, [])) => last.to_string(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => "nothing below the floor".to_string(),
            };
            Outcome::pass(format!("TLS {refused} refused; TLS {} accepted ({cipher})", floor.as_str()))
        }
        Handshake::Refused(why) => {
            Outcome::fail(format!("a TLS {} handshake, at the floor, was refused: {why}", floor.as_str()))
        }
        Handshake::CannotOffer(why) => {
            Outcome::skip(format!("this machine's OpenSSL cannot offer TLS {}: {why}", floor.as_str()))
        }
        Handshake::Unreachable(why) => Outcome::fail(format!("cannot connect: {why}")),
    }
}
