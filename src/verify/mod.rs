//! Verify: does the running gateway enforce the policy? One probe per check, registered
//! once in [`CHECKS`], each observing what a client of the gateway can observe.
//!
//! To add a check: a file beside this one with a `pub static CHECK: Check` (a new ID, the
//! policy field it checks, its docs, what the capability matrix calls the field, and the
//! probe), listed in [`CHECKS`]; the README's check list is regenerated from it.

mod auth_missing;
mod auth_wrong;
mod count_tokens;
mod hsts;
pub mod http;
mod messages;
mod model_allowlist;
mod rate_limit;
mod streaming;
pub mod tls;
mod tls_ciphers;
mod tls_floor;
mod unrouted_path;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::policy::{AuthMethod, Policy};
use crate::render::capability::{Column, Feature, Support};
use crate::render::Target;
use http::{Endpoint, HttpError, Request, Response, Scheme};
use tls::{Identity, TlsClient};

/// Every check, in the order they run. Rate limiting spends quota, so it runs last.
pub static CHECKS: &[&Check] = &[
    &messages::CHECK,
    &count_tokens::CHECK,
    &auth_missing::CHECK,
    &auth_wrong::CHECK,
    &streaming::CHECK,
    &hsts::CHECK,
    &tls_floor::CHECK,
    &tls_ciphers::CHECK,
    &model_allowlist::CHECK,
    &unrouted_path::CHECK,
    &rate_limit::CHECK,
];

/// A check: its identity, its documentation and its probe.
pub struct Check {
    /// Stable ID (`tls-floor`), never reused.
    pub id: &'static str,
    /// The policy field whose clause it checks.
    pub field: &'static str,
    /// How it probes and what passes, fails and skips (README).
    pub docs: &'static str,
    /// What the capability matrix calls the field: a target that does not enforce it is skipped.
    pub enforced_as: Enforced,
    pub probe: fn(&Session) -> Outcome,
}

/// Which capability-matrix row a check observes.
pub enum Enforced {
    /// Every target routes the Messages API: never skipped by the matrix.
    Always,
    Feature(Feature),
    /// The row of the policy's `auth.method`.
    AuthMethod,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub status: Status,
    pub detail: String,
}

impl Outcome {
    pub fn pass(detail: impl Into<String>) -> Outcome {
        Outcome { status: Status::Pass, detail: detail.into() }
    }
    pub fn fail(detail: impl Into<String>) -> Outcome {
        Outcome { status: Status::Fail, detail: detail.into() }
    }
    pub fn skip(detail: impl Into<String>) -> Outcome {
        Outcome { status: Status::Skip, detail: detail.into() }
    }
}

/// One check's result.
pub struct Verdict {
    pub check: &'static Check,
    pub outcome: Outcome,
}

/// Everything verify found, for the report formats.
pub struct Report {
    pub policy: String,
    pub url: String,
    pub target: Option<Target>,
    pub verdicts: Vec<Verdict>,
}

impl Report {
    pub fn count(&self, status: Status) -> usize {
        self.verdicts.iter().filter(|v| v.outcome.status == status).count()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Wrong arguments: an unusable URL, an unset variable, an unreadable certificate.
    #[error("{0}")]
    Usage(String),
    /// Nothing answers at the URL, or not over a TLS connection this client can trust.
    #[error("{0}")]
    Unreachable(String),
}

impl VerifyError {
    pub fn help(&self) -> &'static str {
        match self {
            VerifyError::Usage(_) => "see `gatectl verify --help`",
            VerifyError::Unreachable(_) => {
                "check that the gateway runs at --url; a private CA needs --ca FILE, mTLS --client-cert/--client-key"
            }
        }
    }
}

/// How verify was asked to probe.
pub struct Settings<'a> {
    pub url: &'a str,
    /// The consumer's credential (`--key-env`'s value) and the variable's name.
    pub credential: Option<(String, String)>,
    pub client_cert: Option<(&'a Path, &'a Path)>,
    pub ca: Option<&'a Path>,
    pub rate_limit: bool,
    pub timeout: Duration,
}

/// What a probe presents as a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// The consumer's credential (`--key-env`, or `--client-cert` under mTLS).
    Consumer,
    /// No credential.
    Nobody,
    /// A credential of the right form that no consumer holds.
    Stranger,
}

/// What probes share: the policy, where the gateway is, and how to present credentials.
pub struct Session<'a> {
    pub policy: &'a Policy,
    pub endpoint: Endpoint,
    tls: Option<TlsClient>,
    credential: Option<String>,
    /// `--key-env`'s name (never its value), to find the consumer it belongs to.
    pub key_env: Option<String>,
    pub rate_limit: bool,
    pub timeout: Duration,
    stranger_key: String,
}

/// The model probes ask for: the first the policy allows, or the smallest current one.
const DEFAULT_MODEL: &str = "claude-haiku-4-5";
/// What a client sends when it does not pick a version (the SDKs' pinned value).
const ANTHROPIC_VERSION: &str = "2023-06-01";

impl<'a> Session<'a> {
    pub fn new(policy: &'a Policy, settings: &Settings) -> Result<Session<'a>, VerifyError> {
        let endpoint = Endpoint::parse(settings.url)?;
        let tls = match endpoint.scheme {
            Scheme::Https => Some(TlsClient::new(settings.ca, settings.client_cert)?),
            Scheme::Http if settings.client_cert.is_some() => {
                return Err(VerifyError::Usage("--client-cert needs an https:// URL".into()))
            }
            Scheme::Http => None,
        };
        let (key_env, credential) = match &settings.credential {
            Some((name, value)) => {
                // A credential by position: masked wherever it would be printed, whatever it looks like.
                crate::sink::secret(value);
                (Some(name.clone()), Some(value.clone()))
            }
            None => (None, None),
        };
        let stranger_key = format!("gatectl-verify-wrong-{}", tls::random_hex(16));
        crate::sink::secret(&stranger_key);
        Ok(Session {
            policy,
            endpoint,
            tls,
            credential,
            key_env,
            rate_limit: settings.rate_limit,
            timeout: settings.timeout,
            stranger_key,
        })
    }

    /// Fails unless a TCP connection (and for https a trusted TLS handshake) can be made.
    pub fn reach(&self) -> Result<(), VerifyError> {
        let url = self.endpoint.display();
        let deadline = self.deadline();
        let tcp = self
            .endpoint
            .connect(deadline)
            .map_err(|e| VerifyError::Unreachable(format!("cannot reach {url}: {e}")))?;
        if let Some(tls) = &self.tls {
            tls.connect(&self.endpoint.host, tcp, Identity::Consumer)
                .map_err(|e| VerifyError::Unreachable(format!("cannot open a TLS connection to {url}: {e}")))?;
        }
        Ok(())
    }

    pub fn deadline(&self) -> Instant {
        Instant::now() + self.timeout
    }

    pub fn tls(&self) -> Option<&TlsClient> {
        self.tls.as_ref()
    }

    /// Whether a probe can present the consumer's credential the policy asks for.
    pub fn has_credential(&self) -> bool {
        match self.policy.auth.method {
            AuthMethod::None => true,
            AuthMethod::Mtls => self.tls.as_ref().is_some_and(TlsClient::has_client_cert),
            AuthMethod::ApiKey | AuthMethod::Oauth2 => self.credential.is_some(),
        }
    }

    /// The skip a probe returns when it needs the consumer's credential and has none.
    pub fn needs_credential(&self) -> Option<Outcome> {
        if self.has_credential() {
            return None;
        }
        Some(Outcome::skip(match self.policy.auth.method {
            AuthMethod::Mtls => "needs the consumer's certificate: --client-cert FILE --client-key FILE",
            _ => "needs a consumer's credential: --key-env NAME",
        }))
    }

    /// The model probes ask for.
    pub fn model(&self) -> &str {
        self.policy.upstream.models.first().map_or(DEFAULT_MODEL, |m| m.0.as_str())
    }

    /// Sends a request as `who`: the credential header and the client certificate follow the policy.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        who: Who,
    ) -> Result<Response, HttpError> {
        let mtls = self.policy.auth.method == AuthMethod::Mtls;
        let token = match who {
            Who::Consumer => self.credential.clone(),
            Who::Nobody => None,
            Who::Stranger if self.policy.auth.method == AuthMethod::Oauth2 => Some(self.stranger_jwt()),
            Who::Stranger => Some(self.stranger_key.clone()),
        };
        let mut headers = Vec::new();
        if let (Some(token), false) = (token, mtls) {
            let header = self.policy.auth.key_header().0.to_ascii_lowercase();
            if self.policy.auth.method == AuthMethod::Oauth2 || header == "authorization" {
                headers.push(("Authorization".to_string(), format!("Bearer {token}")));
            } else {
                headers.push((header, token));
            }
        }
        headers.extend([
            ("User-Agent".to_string(), format!("gatectl-verify/{}", env!("CARGO_PKG_VERSION"))),
            ("Accept".to_string(), "application/json".to_string()),
            ("anthropic-version".to_string(), ANTHROPIC_VERSION.to_string()),
        ]);
        if body.is_some() {
            headers.push(("Content-Type".to_string(), "application/json".to_string()));
        }
        let identity = match (mtls, who) {
            (true, Who::Nobody) => Identity::Anonymous,
            (true, Who::Stranger) => Identity::Stranger,
            _ => Identity::Consumer,
        };
        let request = Request {
            method,
            path,
            headers,
            body: body.map(|b| serde_json::to_vec(&b).unwrap_or_default()).unwrap_or_default(),
        };
        http::send(&self.endpoint, self.tls.as_ref().map(|t| (t, identity)), &request, self.deadline())
    }

    /// `POST` of a one-token message for `model`, streamed or not.
    pub fn message(&self, path: &str, model: &str, stream: bool, who: Who) -> Result<Response, HttpError> {
        let mut body = json!({"model": model, "max_tokens": 1, "messages": [{"role": "user", "content": "ping"}]});
        if stream {
            body["stream"] = json!(true);
        }
        self.send("POST", path, Some(body), who)
    }

    /// A JWT of the right shape for the policy's issuer and audience, signed by no key it trusts.
    fn stranger_jwt(&self) -> String {
        let oauth2 = self.policy.auth.oauth2.as_ref();
        let now = chrono::Utc::now().timestamp();
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": "gatectl-verify-stranger"});
        let claims = json!({
            "iss": oauth2.and_then(|o| o.issuer.as_deref()).unwrap_or("https://gatectl-verify.invalid"),
            "aud": oauth2.and_then(|o| o.audience.as_deref()).unwrap_or("gatectl-verify"),
            "sub": "gatectl-verify-stranger",
            "scope": oauth2.map(|o| o.required_scopes.join(" ")).unwrap_or_default(),
            "iat": now,
            "exp": now + 300,
        });
        let mut signature = [0u8; 256];
        openssl::rand::rand_bytes(&mut signature).expect("OpenSSL's random generator works");
        [header.to_string().as_bytes(), claims.to_string().as_bytes(), &signature].map(tls::base64url).join(".")
    }
}

/// Whether `target` enforces what `check` observes of the policy; the skip when it does not.
fn matrix_skip(check: &Check, policy: &Policy, target: Target) -> Option<Outcome> {
    let feature = match check.enforced_as {
        Enforced::Always => return None,
        Enforced::Feature(feature) => feature,
        Enforced::AuthMethod => match policy.auth.method {
            AuthMethod::ApiKey => Feature::ApiKeyAuth,
            AuthMethod::Oauth2 => Feature::OAuth2,
            AuthMethod::Mtls => Feature::Mtls,
            AuthMethod::None => return None,
        },
    };
    // A field the policy does not set is the probe's to skip, with that reason.
    if !feature.used_by(policy) {
        return None;
    }
    // Kong's column depends on the policy's edition.
    let column = Column::of(policy, target);
    match column.support(feature) {
        Support::Unsupported(why) => {
            Some(Outcome::skip(format!("{} does not enforce `{}`: {why}", column.label(), feature.field())))
        }
        Support::Native | Support::Approximated(_) => None,
    }
}

/// Runs every check against the gateway (after [`Session::reach`]).
pub fn run(session: &Session, policy_name: &str, target: Option<Target>) -> Report {
    let verdicts = CHECKS
        .iter()
        .map(|&check| {
            let outcome =
                target.and_then(|t| matrix_skip(check, session.policy, t)).unwrap_or_else(|| (check.probe)(session));
            // Masked here, before any format escapes it (a gateway may echo the credential back).
            let detail = crate::sink::mask(&outcome.detail);
            Verdict { check, outcome: Outcome { detail, ..outcome } }
        })
        .collect();
    Report { policy: policy_name.to_string(), url: session.endpoint.display(), target, verdicts }
}

/// One line about an answer that was not what a probe expected.
pub fn describe(response: &Response) -> String {
    match response.status {
        429 => "429: rate-limited (the gateway's limit was reached before this check; run again later)".into(),
        status if response.body.is_empty() => format!("{status} with an empty body"),
        status => format!("{status}: {}", response.snippet()),
    }
}

/// Why a body is not an Anthropic message (`id`, `type: message`, `role: assistant`, `content`, `model`).
pub fn not_a_message(response: &Response) -> Option<String> {
    let Some(body) = response.json() else {
        return Some(format!("the body is not JSON: {}", response.snippet()));
    };
    let missing: Vec<&str> = [
        ("id", body["id"].as_str().is_some_and(|s| !s.is_empty())),
        ("type: message", body["type"] == "message"),
        ("role: assistant", body["role"] == "assistant"),
        ("content", body["content"].is_array()),
        ("model", body["model"].as_str().is_some()),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(name, _)| name)
    .collect();
    (!missing.is_empty())
        .then(|| format!("not an Anthropic message (no {}): {}", missing.join(", "), response.snippet()))
}

/// Whether the gateway refuses `who` (no credential, or a stranger's) for a message and a
/// streamed message: 401 and no event stream; under mTLS a refused handshake or a 400/401/403.
pub fn refuses(session: &Session, who: Who, presenting: &str) -> Outcome {
    let method = session.policy.auth.method;
    if method == AuthMethod::None {
        return Outcome::skip("the policy sets `auth.method: none`: every client is let in");
    }
    let mtls = method == AuthMethod::Mtls;
    if mtls && session.endpoint.scheme == Scheme::Http {
        return Outcome::skip("no TLS listener (--url is http://): client certificates need https");
    }
    let mut seen = Vec::new();
    for stream in [false, true] {
        let kind = if stream { "a streamed message" } else { "a message" };
        match session.message("/v1/messages", session.model(), stream, who) {
            Ok(response) if response.is_event_stream() || !response.events.is_empty() => {
                return Outcome::fail(format!(
                    "{kind} {presenting} was streamed ({}, {} events)",
                    response.status,
                    response.events.len()
                ))
            }
            Ok(response) if response.status == 401 || (mtls && matches!(response.status, 400 | 403)) => {
                seen.push(response.status.to_string())
            }
            Ok(response) if response.status == 403 => {
                return Outcome::fail(format!(
                    "{kind} {presenting} got 403, not 401: Anthropic's clients read 401 as a bad credential"
                ))
            }
            Ok(response) => return Outcome::fail(format!("{kind} {presenting}: {}", describe(&response))),
            // A client certificate is refused in the handshake, or (TLS 1.3) by an alert right after it.
            Err(HttpError::Tls(e)) if mtls => seen.push(format!("handshake refused ({e})")),
            Err(HttpError::Io(e)) if mtls && e.kind() != std::io::ErrorKind::TimedOut => {
                seen.push(format!("connection refused after the handshake ({e})"))
            }
            Err(e) => return Outcome::fail(format!("{kind} {presenting}: {e}")),
        }
    }
    seen.dedup();
    Outcome::pass(format!("{} {presenting}, nothing streamed", seen.join(", ")))
}

/// `gatectl verify --list`: the checks as a markdown table (also in the README).
pub fn checks_table() -> String {
    let mut out = String::from(
        "| check | policy field | what it probes, and when it passes, fails or is skipped |\n|---|---|---|\n",
    );
    for check in CHECKS {
        out.push_str(&format!("| `{}` | `{}` | {} |\n", check.id, check.field, check.docs.replace('|', "\\|")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_unique_and_documented() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
        for check in CHECKS {
            assert!(!check.docs.trim().is_empty(), "{}", check.id);
            assert!(check.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", check.id);
        }
        assert_eq!(CHECKS.last().map(|c| c.id), Some("rate-limit"), "the check that spends quota runs last");
    }
}
