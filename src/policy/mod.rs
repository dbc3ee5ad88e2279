//! The typed policy, version 1 — the contract in `shared/policy-spec.md`.
//!
//! These types are the single source of the JSON Schema (`gatectl schema`):
//! every struct denies unknown keys, every name and header carries the pattern
//! that keeps it safe to place inside nginx directives, YAML and JSON.

pub mod cidr;
pub mod positions;
mod secret_ref;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use secret_ref::{Reference, ReferenceError, SecretRef, SCHEMES};

/// Headers forwarded when a policy does not list its own: what Anthropic clients send.
pub const DEFAULT_FORWARD: &[&str] =
    &["anthropic-version", "anthropic-beta", "anthropic-client-version", "content-type", "accept"];

pub const NAME_PATTERN: &str = "^[a-z][a-z0-9-]{0,62}$";
pub const HEADER_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9-]{0,99}$";

/// A resource name: lowercase letter first, then lowercase letters, digits and `-` (at most 63).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("pattern" = NAME_PATTERN))]
pub struct Name(pub String);

/// An HTTP header name (letters, digits and `-`); compared case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("pattern" = HEADER_PATTERN))]
pub struct HeaderName(pub String);

impl HeaderName {
    pub fn is(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }
}

/// One gateway deployment for one environment.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "gatectl policy",
    description = "A gatectl security policy for an LLM API gateway in front of Anthropic's API (format version 1)."
)]
pub struct Policy {
    /// Policy format version; this gatectl reads version 1.
    #[schemars(extend("const" = 1))]
    pub version: u32,
    /// Used in generated resource names.
    pub name: Name,
    pub environment: Environment,
    /// Packs that tighten the checklist.
    #[serde(default)]
    #[schemars(extend("uniqueItems" = true))]
    pub compliance: Vec<Pack>,
    /// Reported in SARIF and markdown output.
    #[serde(default)]
    pub owner: Option<String>,
    pub upstream: Upstream,
    #[serde(default)]
    pub listener: Option<Listener>,
    pub auth: Auth,
    /// Who may call the gateway.
    #[serde(default)]
    pub consumers: Vec<Consumer>,
    #[serde(default)]
    pub headers: Option<Headers>,
    #[serde(default)]
    pub rate_limits: Option<RateLimits>,
    #[serde(default)]
    pub network: Option<Network>,
    #[serde(default)]
    pub streaming: Option<Streaming>,
    #[serde(default)]
    pub audit: Option<Audit>,
    #[serde(default)]
    pub rotation: Option<Rotation>,
    #[serde(default)]
    pub alerts: Option<Alerts>,
    #[serde(default)]
    pub targets: Targets,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Staging,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Staging => "staging",
            Environment::Production => "production",
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Pack {
    Soc2,
    Hipaa,
    Gdpr,
}

impl Pack {
    pub fn as_str(self) -> &'static str {
        match self {
            Pack::Soc2 => "soc2",
            Pack::Hipaa => "hipaa",
            Pack::Gdpr => "gdpr",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// https only (http is tolerated in development, with a warning).
    #[schemars(extend("format" = "uri"))]
    pub url: String,
    /// The provider key the gateway sends upstream as `x-api-key`.
    pub api_key: SecretRef,
    /// Set upstream when the client sends no `anthropic-version`.
    #[serde(default)]
    #[schemars(extend("pattern" = r"^\d{4}-\d{2}-\d{2}$"))]
    pub anthropic_version: Option<String>,
    /// Optional allowlist of model names.
    #[serde(default)]
    pub models: Vec<ModelName>,
    /// Data-residency tag (required by the gdpr pack).
    #[serde(default)]
    pub region: Option<Name>,
}

/// A model name such as `claude-sonnet-4-5`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("pattern" = r"^[a-z0-9][a-z0-9.\-@]{0,99}$"))]
pub struct ModelName(pub String);

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    #[schemars(extend("pattern" = r"^[A-Za-z0-9.\-]{1,253}$"))]
    pub host: String,
    #[serde(default = "default_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    #[serde(default)]
    pub tls: Option<Tls>,
}

fn default_port() -> u16 {
    443
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Lowest TLS version accepted; lint rejects anything below 1.2.
    pub min_version: TlsVersion,
    /// OpenSSL cipher names for TLS 1.2 (TLS 1.3 suites are always AEAD).
    #[serde(default)]
    pub ciphers: Vec<CipherName>,
    pub certificate: SecretRef,
    pub private_key: SecretRef,
    #[serde(default)]
    pub hsts: Option<Hsts>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum TlsVersion {
    #[serde(rename = "1.0")]
    V1_0,
    #[serde(rename = "1.1")]
    V1_1,
    #[serde(rename = "1.2")]
    V1_2,
    #[serde(rename = "1.3")]
    V1_3,
}

impl TlsVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::V1_0 => "1.0",
            TlsVersion::V1_1 => "1.1",
            TlsVersion::V1_2 => "1.2",
            TlsVersion::V1_3 => "1.3",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("pattern" = "^[A-Za-z0-9_-]{1,100}$"))]
pub struct CipherName(pub String);

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hsts {
    pub max_age_seconds: u64,
    #[serde(default)]
    pub include_subdomains: bool,
}

impl Hsts {
    /// The `Strict-Transport-Security` header value.
    pub fn header_value(&self) -> String {
        format!("max-age={}{}", self.max_age_seconds, if self.include_subdomains { "; includeSubDomains" } else { "" })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub method: AuthMethod,
    #[serde(default)]
    pub api_key: Option<ApiKeyAuth>,
    #[serde(default)]
    pub oauth2: Option<OAuth2>,
    #[serde(default)]
    pub mtls: Option<Mtls>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    ApiKey,
    Oauth2,
    Mtls,
    None,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ApiKey => "api_key",
            AuthMethod::Oauth2 => "oauth2",
            AuthMethod::Mtls => "mtls",
            AuthMethod::None => "none",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyAuth {
    /// `authorization` means `Authorization: Bearer <key>`; any other header carries the bare key.
    #[serde(default = "default_key_header")]
    pub header: HeaderName,
}

fn default_key_header() -> HeaderName {
    HeaderName("authorization".into())
}

impl Auth {
    /// The header clients present their gateway key in.
    pub fn key_header(&self) -> HeaderName {
        self.api_key.as_ref().map_or_else(default_key_header, |a| a.header.clone())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    #[serde(default)]
    #[schemars(extend("format" = "uri"))]
    pub issuer: Option<String>,
    #[serde(default)]
    #[schemars(extend("format" = "uri"))]
    pub jwks_url: Option<String>,
    /// The IdP's JWKS document as a reference (`file:/abs/jwks.json`, `env:NAME`, …), for targets
    /// that cannot fetch `jwks_url` themselves: filled in at deploy time, never at render time.
    #[serde(default)]
    pub jwks_file: Option<SecretRef>,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub required_scopes: Vec<String>,
    #[serde(default)]
    pub max_token_lifetime_minutes: Option<u32>,
    #[serde(default)]
    pub pkce: Option<Pkce>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Pkce {
    Required,
    Optional,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mtls {
    #[serde(default)]
    pub ca_certificate: Option<SecretRef>,
    #[serde(default)]
    pub max_certificate_validity_days: Option<u32>,
    #[serde(default)]
    pub min_rsa_key_bits: Option<u32>,
    #[serde(default)]
    pub min_ec_key_bits: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    pub name: Name,
    /// Gateway key (api_key auth): a secret reference.
    #[serde(default)]
    pub key: Option<SecretRef>,
    /// Token `sub`/`client_id` (oauth2) or certificate CN (mtls).
    #[serde(default)]
    #[schemars(extend("pattern" = r"^[A-Za-z0-9._@:/+=-]{1,256}$"))]
    pub subject: Option<String>,
    /// Date the current credential was issued (rotation checks count from it).
    #[serde(default)]
    pub issued: Option<NaiveDate>,
    #[serde(default)]
    pub rate_limit: Option<RateLimitOverride>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitOverride {
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub requests_per_minute: Option<u32>,
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub tokens_per_minute: Option<u64>,
    #[serde(default)]
    pub burst: Option<u32>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Headers {
    /// Client headers passed upstream; absent means [`DEFAULT_FORWARD`].
    #[serde(default)]
    pub forward: Option<Vec<HeaderName>>,
    /// Header → value set on the upstream request.
    #[serde(default)]
    pub add: BTreeMap<HeaderName, HeaderValue>,
    /// Headers stripped before forwarding.
    #[serde(default)]
    pub remove: Vec<HeaderName>,
}

/// A header value: printable, no line breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("pattern" = r"^[\x20-\x7E]{0,1024}$"))]
pub struct HeaderValue(pub String);

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    #[serde(default)]
    pub by: RateLimitKey,
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub requests_per_minute: Option<u32>,
    /// Enforced where the target can; a target that cannot says so.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub tokens_per_minute: Option<u64>,
    #[serde(default)]
    pub burst: Option<u32>,
    /// Cluster-wide counters for several replicas (`rediss://` for TLS).
    #[serde(default)]
    #[schemars(extend("pattern" = r"^rediss?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[0-9]{1,2})?$"))]
    pub shared_state: Option<String>,
    #[serde(default)]
    pub shared_state_password: Option<SecretRef>,
    /// What a gateway does when `shared_state` cannot be reached: `allow` lets requests through
    /// uncounted (authentication and the allowlist still apply), `deny` refuses them.
    #[serde(default)]
    pub shared_state_failure: SharedStateFailure,
}

/// The behaviour when the rate-limit Redis is unreachable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SharedStateFailure {
    /// Fail open: a counter outage must not become a gateway outage.
    #[default]
    Allow,
    /// Fail closed: refuse requests that cannot be counted.
    Deny,
}

impl SharedStateFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            SharedStateFailure::Allow => "allow",
            SharedStateFailure::Deny => "deny",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitKey {
    #[default]
    Consumer,
    Ip,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// IPv4/IPv6 CIDRs; empty means no allowlist.
    #[serde(default)]
    pub ip_allowlist: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Streaming {
    /// Never buffer responses (Server-Sent Events).
    #[serde(default = "yes")]
    pub sse: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    pub enabled: bool,
    #[serde(default)]
    pub redact_headers: Vec<HeaderName>,
    #[serde(default)]
    pub log_bodies: bool,
    #[serde(default)]
    pub retention_days: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    #[schemars(range(min = 1))]
    pub max_key_age_days: u32,
    #[serde(default = "default_warn_before")]
    pub warn_before_days: u32,
}

fn default_warn_before() -> u32 {
    7
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    #[serde(default)]
    pub auth_failures_per_minute: Option<u32>,
    #[serde(default)]
    #[schemars(range(min = 0, max = 100))]
    pub error_rate_percent: Option<f64>,
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub p99_latency_seconds: Option<f64>,
}

/// Per-target settings; every key optional.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    #[serde(default)]
    pub kong: Option<KongTarget>,
    #[serde(default)]
    pub litellm: Option<LicensedTarget>,
    #[serde(default)]
    pub zuplo: Option<LicensedTarget>,
    #[serde(default)]
    pub truefoundry: Option<TruefoundryTarget>,
    #[serde(default)]
    pub nginx: Option<NginxTarget>,
}

/// Where TrueFoundry finds the policy's secrets: each reference becomes the secret FQN
/// `tfy-secret://<tenant>:<secret_group>:<key>`, which the deploy job fills.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TruefoundryTarget {
    /// The TrueFoundry tenant (the first part of a secret FQN).
    #[schemars(extend("pattern" = NAME_PATTERN))]
    pub tenant: String,
    /// The secret group that holds the gateway's secrets.
    #[schemars(extend("pattern" = NAME_PATTERN))]
    pub secret_group: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KongTarget {
    #[serde(default)]
    pub edition: KongEdition,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KongEdition {
    #[default]
    Oss,
    Enterprise,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicensedTarget {
    #[serde(default)]
    pub enterprise: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NginxTarget {
    /// Absolute directory where deploy-time secret includes live (default `/etc/nginx/gatectl/<name>`).
    #[serde(default)]
    #[schemars(extend("pattern" = ABSOLUTE_PATH_PATTERN))]
    pub secrets_dir: Option<String>,
    /// DNS resolvers nginx uses for the upstream host (default `127.0.0.53`).
    #[serde(default)]
    #[schemars(extend("items" = {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}))]
    pub resolvers: Vec<String>,
    /// CA bundle that verifies the upstream's certificate (default Debian's `/etc/ssl/certs/ca-certificates.crt`).
    #[serde(default)]
    #[schemars(extend("pattern" = ABSOLUTE_PATH_PATTERN))]
    pub upstream_ca: Option<String>,
    /// Audit log file (default `/var/log/nginx/gatectl-<name>-audit.log`).
    #[serde(default)]
    #[schemars(extend("pattern" = ABSOLUTE_PATH_PATTERN))]
    pub audit_log: Option<String>,
    /// Absolute directory the rendered `nginx/` folder is deployed to (default `/etc/nginx/gatectl`):
    /// the config loads its njs and Lua code from there.
    #[serde(default)]
    #[schemars(extend("pattern" = ABSOLUTE_PATH_PATTERN))]
    pub config_dir: Option<String>,
    /// CA bundle that verifies a `rediss://` rate-limit store's certificate (default Debian's
    /// `/etc/ssl/certs/ca-certificates.crt`).
    #[serde(default)]
    #[schemars(extend("pattern" = ABSOLUTE_PATH_PATTERN))]
    pub redis_ca: Option<String>,
}

/// An absolute path made of safe characters (it ends up inside nginx directives).
pub const ABSOLUTE_PATH_PATTERN: &str = r"^/[A-Za-z0-9._/\-]*$";

/// A field of the policy that holds a secret reference.
pub struct SecretField<'a> {
    pub path: crate::load::Path,
    pub reference: &'a SecretRef,
    /// False for public material (certificates) that is referenced the same way.
    pub confidential: bool,
}

impl Policy {
    /// Every secret reference in the policy, with its path.
    pub fn secret_fields(&self) -> Vec<SecretField<'_>> {
        use crate::load::Path;
        let mut fields = vec![SecretField {
            path: Path::parse("upstream.api_key"),
            reference: &self.upstream.api_key,
            confidential: true,
        }];
        if let Some(tls) = self.listener.as_ref().and_then(|l| l.tls.as_ref()) {
            fields.push(SecretField {
                path: Path::parse("listener.tls.certificate"),
                reference: &tls.certificate,
                confidential: false,
            });
            fields.push(SecretField {
                path: Path::parse("listener.tls.private_key"),
                reference: &tls.private_key,
                confidential: true,
            });
        }
        if let Some(jwks) = self.auth.oauth2.as_ref().and_then(|o| o.jwks_file.as_ref()) {
            fields.push(SecretField {
                path: Path::parse("auth.oauth2.jwks_file"),
                reference: jwks,
                confidential: false,
            });
        }
        if let Some(ca) = self.auth.mtls.as_ref().and_then(|m| m.ca_certificate.as_ref()) {
            fields.push(SecretField {
                path: Path::parse("auth.mtls.ca_certificate"),
                reference: ca,
                confidential: false,
            });
        }
        for (i, consumer) in self.consumers.iter().enumerate() {
            if let Some(key) = &consumer.key {
                fields.push(SecretField {
                    path: Path::root().key("consumers").index(i).key("key"),
                    reference: key,
                    confidential: true,
                });
            }
        }
        if let Some(password) = self.rate_limits.as_ref().and_then(|r| r.shared_state_password.as_ref()) {
            fields.push(SecretField {
                path: Path::parse("rate_limits.shared_state_password"),
                reference: password,
                confidential: true,
            });
        }
        fields
    }

    /// The client headers passed upstream: `headers.forward`, or the default list.
    pub fn forward_headers(&self) -> Vec<HeaderName> {
        match self.headers.as_ref().and_then(|h| h.forward.as_ref()) {
            Some(list) => list.clone(),
            None => DEFAULT_FORWARD.iter().map(|h| HeaderName((*h).to_string())).collect(),
        }
    }

    pub fn forwarded(&self, header: &str) -> bool {
        self.forward_headers().iter().any(|f| f.is(header))
    }
}
