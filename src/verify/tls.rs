//! TLS for verify, on the system's OpenSSL: the client that carries requests (the trust
//! store or `--ca`, the consumer's certificate for mTLS, or a stranger's), and handshake
//! probes that offer exactly one protocol version and a chosen cipher list — including
//! versions and suites below what a normal client would offer (security level 0), which
//! is what a TLS floor must refuse.

use std::net::TcpStream;
use std::path::Path;
use std::time::Instant;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{HandshakeError, SslConnector, SslConnectorBuilder, SslFiletype, SslMethod, SslStream};
use openssl::ssl::{SslVerifyMode, SslVersion};
use openssl::x509::{X509NameBuilder, X509};

use super::http::{remaining, Endpoint};
use super::VerifyError;

/// Which client certificate a connection presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    /// The consumer's (`--client-cert`/`--client-key`), when given.
    Consumer,
    /// None at all.
    Anonymous,
    /// A certificate made up on the spot, signed by no CA the gateway trusts.
    Stranger,
}

/// Connectors for each identity, all trusting the same CAs and checking the host name.
pub struct TlsClient {
    consumer: SslConnector,
    anonymous: SslConnector,
    stranger: SslConnector,
    client_cert: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

impl TlsClient {
    pub fn new(ca: Option<&Path>, client_cert: Option<(&Path, &Path)>) -> Result<TlsClient, VerifyError> {
        let setup = |what: &str, e: openssl::error::ErrorStack| VerifyError::Usage(format!("{what}: {}", reason(&e)));
        let base = || -> Result<SslConnectorBuilder, VerifyError> {
            let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(|e| setup("TLS", e))?;
            if let Some(ca) = ca {
                builder.set_ca_file(ca).map_err(|e| setup(&format!("--ca {}", ca.display()), e))?;
            }
            Ok(builder)
        };
        let mut consumer = base()?;
        if let Some((cert, key)) = client_cert {
            consumer
                .set_certificate_chain_file(cert)
                .map_err(|e| setup(&format!("--client-cert {}", cert.display()), e))?;
            consumer
                .set_private_key_file(key, SslFiletype::PEM)
                .map_err(|e| setup(&format!("--client-key {}", key.display()), e))?;
            consumer.check_private_key().map_err(|e| setup("--client-key does not match --client-cert", e))?;
        }
        let mut stranger = base()?;
        let (cert, key) = stranger_certificate().map_err(|e| setup("a stranger's certificate", e))?;
        stranger.set_certificate(&cert).and_then(|()| stranger.set_private_key(&key)).map_err(|e| setup("TLS", e))?;
        Ok(TlsClient {
            consumer: consumer.build(),
            anonymous: base()?.build(),
            stranger: stranger.build(),
            client_cert: client_cert.map(|(c, k)| (c.to_path_buf(), k.to_path_buf())),
        })
    }

    pub fn has_client_cert(&self) -> bool {
        self.client_cert.is_some()
    }

    /// A verified TLS connection over `tcp`, presenting `identity`.
    pub fn connect(&self, host: &str, tcp: TcpStream, identity: Identity) -> Result<SslStream<TcpStream>, String> {
        let connector = match identity {
            Identity::Consumer => &self.consumer,
            Identity::Anonymous => &self.anonymous,
            Identity::Stranger => &self.stranger,
        };
        let config = connector.configure().map_err(|e| reason(&e))?;
        config.connect(host, tcp).map_err(|e| handshake_error(&e))
    }
}

/// What a handshake probe offers: one protocol version, and for TLS ≤ 1.2 a cipher list.
pub struct Offer<'a> {
    pub version: SslVersion,
    /// An OpenSSL cipher string; `None` offers the library's defaults.
    pub ciphers: Option<&'a str>,
}

/// How a handshake probe ended.
#[derive(Debug)]
pub enum Handshake {
    Accepted {
        version: String,
        cipher: String,
    },
    /// The gateway refused (an alert, a close, or no answer): the reason as OpenSSL gave it.
    Refused(String),
    /// This machine's OpenSSL could not make the offer at all.
    CannotOffer(String),
    /// No TCP connection.
    Unreachable(String),
}

/// Offers exactly `offer` and reports whether the gateway accepts it. Certificates are not
/// checked here: the probe is about what the listener negotiates, not whom it is.
pub fn probe(endpoint: &Endpoint, offer: &Offer, client: &TlsClient, deadline: Instant) -> Handshake {
    let connector = match probe_connector(offer, client) {
        Ok(c) => c,
        Err(e) => return Handshake::CannotOffer(reason(&e)),
    };
    let tcp = match endpoint.connect(deadline) {
        Ok(tcp) => tcp,
        Err(e) => return Handshake::Unreachable(e.to_string()),
    };
    if let Err(e) = remaining(deadline).and_then(|left| {
        tcp.set_read_timeout(Some(left))?;
        tcp.set_write_timeout(Some(left))
    }) {
        return Handshake::Refused(e.to_string());
    }
    let config = match connector.configure() {
        Ok(c) => {
            c.verify_hostname(false).use_server_name_indication(endpoint.host.parse::<std::net::IpAddr>().is_err())
        }
        Err(e) => return Handshake::CannotOffer(reason(&e)),
    };
    match config.connect(&endpoint.host, tcp) {
        Ok(stream) => {
            let ssl = stream.ssl();
            let cipher = ssl.current_cipher().map_or("?", |c| c.name()).to_string();
            Handshake::Accepted { version: ssl.version_str().to_string(), cipher }
        }
        Err(e) if cannot_offer(&e) => Handshake::CannotOffer(handshake_error(&e)),
        Err(HandshakeError::WouldBlock(_)) => Handshake::Refused("no answer before the timeout".into()),
        Err(e) => Handshake::Refused(handshake_error(&e)),
    }
}

fn probe_connector(offer: &Offer, client: &TlsClient) -> Result<SslConnector, openssl::error::ErrorStack> {
    let mut builder = SslConnector::builder(SslMethod::tls_client())?;
    // Level 0: OpenSSL 3 refuses TLS 1.0/1.1 and weak suites at level 1 and above, even to offer.
    builder.set_security_level(0);
    builder.set_min_proto_version(Some(offer.version))?;
    builder.set_max_proto_version(Some(offer.version))?;
    if let Some(ciphers) = offer.ciphers {
        builder.set_cipher_list(ciphers)?;
    }
    builder.set_verify(SslVerifyMode::NONE);
    if let Some((cert, key)) = &client.client_cert {
        builder.set_certificate_chain_file(cert)?;
        builder.set_private_key_file(key, SslFiletype::PEM)?;
    }
    Ok(builder.build())
}

/// Errors OpenSSL raises before anything is sent: the offer itself is impossible here.
fn cannot_offer(error: &HandshakeError<TcpStream>) -> bool {
    let HandshakeError::Failure(mid) = error else { return matches!(error, HandshakeError::SetupFailure(_)) };
    mid.error().ssl_error().is_some_and(|stack| {
        stack.errors().iter().any(|e| {
            e.reason()
                .is_some_and(|r| matches!(r, "no protocols available" | "no ciphers available" | "no cipher match"))
        })
    })
}

fn reason(stack: &openssl::error::ErrorStack) -> String {
    let reasons: Vec<&str> = stack.errors().iter().filter_map(|e| e.reason()).collect();
    if reasons.is_empty() {
        stack.to_string()
    } else {
        reasons.join("; ")
    }
}

fn handshake_error(error: &HandshakeError<TcpStream>) -> String {
    match error {
        HandshakeError::SetupFailure(stack) => reason(stack),
        HandshakeError::Failure(mid) | HandshakeError::WouldBlock(mid) => {
            let verify = mid.ssl().verify_result();
            if verify != openssl::x509::X509VerifyResult::OK {
                return format!("certificate verify failed: {}", verify.error_string());
            }
            match (mid.error().ssl_error(), mid.error().io_error()) {
                (Some(stack), _) => reason(stack),
                (None, Some(io)) => io.to_string(),
                (None, None) => "the connection closed during the handshake".into(),
            }
        }
    }
}

/// A fresh EC P-256 key and a one-day self-signed certificate for it.
fn stranger_certificate() -> Result<(X509, PKey<Private>), openssl::error::ErrorStack> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
    let key = PKey::from_ec_key(EcKey::generate(&group)?)?;
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_nid(Nid::COMMONNAME, "gatectl-verify-stranger")?;
    let name = name.build();
    let mut cert = X509::builder()?;
    cert.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(64, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    cert.set_serial_number(&serial)?;
    cert.set_subject_name(&name)?;
    cert.set_issuer_name(&name)?;
    cert.set_pubkey(&key)?;
    let (not_before, not_after) = (Asn1Time::days_from_now(0)?, Asn1Time::days_from_now(1)?);
    cert.set_not_before(&not_before)?;
    cert.set_not_after(&not_after)?;
    cert.sign(&key, MessageDigest::sha256())?;
    Ok((cert.build(), key))
}

/// Random bytes from OpenSSL's generator, hex-encoded.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    openssl::rand::rand_bytes(&mut buf).expect("OpenSSL's random generator works");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Base64url without padding (JWT segments).
pub fn base64url(bytes: &[u8]) -> String {
    openssl::base64::encode_block(bytes).replace('+', "-").replace('/', "_").trim_end_matches('=').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stranger_certificate_is_self_signed_and_fresh() {
        let (cert, key) = stranger_certificate().unwrap();
        assert!(cert.verify(&key).unwrap());
        let cn = cert.subject_name().entries().next().unwrap().data().as_slice().to_vec();
        assert_eq!(cn, b"gatectl-verify-stranger");
    }

    /// A loopback TLS server that accepts `min`..=TLS 1.3 at security level 0, for `accepts` connections.
    fn server(min: SslVersion, accepts: usize) -> u16 {
        use openssl::ssl::{Ssl, SslContext, SslMethod};
        let (cert, key) = stranger_certificate().unwrap();
        let mut acceptor = SslContext::builder(SslMethod::tls_server()).unwrap();
        acceptor.set_security_level(0);
        acceptor.set_cipher_list("ALL").unwrap();
        acceptor.set_min_proto_version(Some(min)).unwrap();
        acceptor.set_certificate(&cert).unwrap();
        acceptor.set_private_key(&key).unwrap();
        let acceptor = acceptor.build();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(accepts).flatten() {
                let _ = Ssl::new(&acceptor).unwrap().accept(stream);
            }
        });
        port
    }

    fn offer(port: u16, version: SslVersion) -> Handshake {
        let endpoint = Endpoint::parse(&format!("https://127.0.0.1:{port}")).unwrap();
        let client = TlsClient::new(None, None).unwrap();
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        probe(&endpoint, &Offer { version, ciphers: Some("ALL") }, &client, deadline)
    }

    #[test]
    fn handshake_probes_offer_exactly_one_version() {
        // A floor of 1.2 refuses 1.1 and accepts 1.2 …
        let port = server(SslVersion::TLS1_2, 2);
        assert!(matches!(offer(port, SslVersion::TLS1_1), Handshake::Refused(_)));
        assert!(
            matches!(offer(port, SslVersion::TLS1_2), Handshake::Accepted { ref version, .. } if version == "TLSv1.2")
        );
        // … and a refusal is the server's: this client can offer TLS 1.0 to a server that takes it.
        let port = server(SslVersion::TLS1, 1);
        let old = offer(port, SslVersion::TLS1);
        assert!(matches!(old, Handshake::Accepted { ref version, .. } if version == "TLSv1"), "{old:?}");
        // Nothing listening is not a refusal.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        assert!(matches!(offer(closed, SslVersion::TLS1_2), Handshake::Unreachable(_)));
    }

    #[test]
    fn base64url_has_no_padding_or_unsafe_characters() {
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(random_hex(4).len(), 8);
    }
}
