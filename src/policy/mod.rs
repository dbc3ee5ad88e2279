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

use crate::target::Target;

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
    /// The policy's name: used in generated resource names, and as its folder in a render of several policies.
    pub name: Name,
    /// Which environment the gateway serves; the checklist is strictest in production.
    pub environment: Environment,
    /// Compliance packs that tighten the checklist (soc2, hipaa, gdpr).
    #[serde(default)]
    #[schemars(extend("uniqueItems" = true))]
    pub compliance: Vec<Pack>,
    /// Who answers for the policy (a team or address); reported in SARIF and markdown output.
    #[serde(default)]
    pub owner: Option<String>,
    /// The Anthropic API the gateway forwards to, and the provider key it sends.
    pub upstream: Upstream,
    /// Where clients connect: host, port and TLS.
    #[serde(default)]
    pub listener: Option<Listener>,
    /// How the gateway authenticates its clients.
    pub auth: Auth,
    /// Who may call the gateway: one entry per client, with its credential and optional limits.
    #[serde(default)]
    pub consumers: Vec<Consumer>,
    /// Which client headers go upstream, and which are added or removed.
    #[serde(default)]
    pub headers: Option<Headers>,
    /// Request and token limits per consumer (or per client address).
    #[serde(default)]
    pub rate_limits: Option<RateLimits>,
    /// Network restrictions on who may connect.
    #[serde(default)]
    pub network: Option<Network>,
    /// How streamed (Server-Sent Events) responses are passed.
    #[serde(default)]
    pub streaming: Option<Streaming>,
    /// The audit log: on or off, what it redacts, whether it holds bodies, how long it is kept.
    #[serde(default)]
    pub audit: Option<Audit>,
    /// How old a consumer's credential may get.
    #[serde(default)]
    pub rotation: Option<Rotation>,
    /// Alerting thresholds.
    #[serde(default)]
    pub alerts: Option<Alerts>,
    /// The gateways the policy deploys to (the keys present here) and their settings.
    #[serde(default)]
    pub targets: Targets,
}

/// `development` (a developer's own gateway: the checklist lets TLS, limits and audit be left out),
/// `staging` (rehearses production: production's controls are warnings) or `production`.
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

/// A compliance pack: `soc2`, `hipaa` or `gdpr`; each makes some rules stricter.
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

/// The Anthropic API the gateway forwards to.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// The API's base URL, e.g. `https://api.anthropic.com`: https only (http is tolerated in development, with a warning).
    #[schemars(extend("format" = "uri"))]
    pub url: String,
    /// The provider key the gateway sends upstream as `x-api-key`.
    pub api_key: SecretRef,
    /// Set upstream when the client sends no `anthropic-version`.
    #[serde(default)]
    #[schemars(extend("pattern" = r"^\d{4}-\d{2}-\d{2}$"))]
    pub anthropic_version: Option<String>,
    /// Optional allowlist of model names; empty means every model.
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

/// Where clients connect.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    /// The host name clients use (`localhost` binds to loopback).
    #[schemars(extend("pattern" = r"^[A-Za-z0-9.\-]{1,253}$"))]
    pub host: String,
    /// The port clients connect to (default 443).
    #[serde(default = "default_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// TLS for client connections; absent means plain HTTP (development only).
    #[serde(default)]
    pub tls: Option<Tls>,
}

fn default_port() -> u16 {
    443
}

/// TLS for client connections.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Lowest TLS version accepted; lint rejects anything below 1.2.
    pub min_version: TlsVersion,
    /// OpenSSL cipher names for TLS 1.2 (TLS 1.3 suites are always AEAD).
    #[serde(default)]
    pub ciphers: Vec<CipherName>,
    /// The server certificate (a reference to its PEM file): required by the targets that terminate TLS themselves (nginx, Kong).
    #[serde(default)]
    pub certificate: Option<SecretRef>,
    /// The server certificate's private key (a secret reference): required by the targets that terminate TLS themselves (nginx, Kong).
    #[serde(default)]
    pub private_key: Option<SecretRef>,
    /// HTTP Strict Transport Security sent on every response.
    #[serde(default)]
    pub hsts: Option<Hsts>,
}

/// A TLS version: `"1.2"` or `"1.3"` (`"1.0"` and `"1.1"` are read so that lint can reject them). Quote it: `1.2` unquoted is a number.
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

/// An OpenSSL cipher suite name, e.g. `ECDHE-RSA-AES128-GCM-SHA256`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("pattern" = "^[A-Za-z0-9_-]{1,100}$"))]
pub struct CipherName(pub String);

/// The `Strict-Transport-Security` response header.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hsts {
    /// How long browsers keep to HTTPS, in seconds (the checklist asks for at least a year, 31536000).
    pub max_age_seconds: u64,
    /// Whether the header covers subdomains too (`includeSubDomains`).
    #[serde(default)]
    pub include_subdomains: bool,
}

impl Hsts {
    /// The `Strict-Transport-Security` header value.
    pub fn header_value(&self) -> String {
        format!("max-age={}{}", self.max_age_seconds, if self.include_subdomains { "; includeSubDomains" } else { "" })
    }
}

/// Client authentication.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// How clients prove who they are.
    pub method: AuthMethod,
    /// Settings of `method: api_key`.
    #[serde(default)]
    pub api_key: Option<ApiKeyAuth>,
    /// Settings of `method: oauth2` (required with it).
    #[serde(default)]
    pub oauth2: Option<OAuth2>,
    /// Settings of `method: mtls` (required with it).
    #[serde(default)]
    pub mtls: Option<Mtls>,
}

/// `api_key` (one gateway key per consumer), `oauth2` (JWT access tokens from an identity
/// provider), `mtls` (client certificates) or `none` (development only).
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

/// API-key authentication.
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

/// OAuth 2.0 access tokens (JWTs) issued by the company's identity provider.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    /// The token issuer (`iss`), e.g. `https://your-org.okta.com/oauth2/default`.
    #[serde(default)]
    #[schemars(extend("format" = "uri"))]
    pub issuer: Option<String>,
    /// Where the issuer publishes its signing keys (JWKS).
    #[serde(default)]
    #[schemars(extend("format" = "uri"))]
    pub jwks_url: Option<String>,
    /// The IdP's JWKS document as a reference (`file:/abs/jwks.json`, `env:NAME`, …), for targets
    /// that cannot fetch `jwks_url` themselves: filled in at deploy time, never at render time.
    #[serde(default)]
    pub jwks_file: Option<SecretRef>,
    /// The audience (`aud`) a token must be issued for.
    #[serde(default)]
    pub audience: Option<String>,
    /// Scopes every token must carry.
    #[serde(default)]
    pub required_scopes: Vec<String>,
    /// The longest access-token lifetime accepted, in minutes (the checklist asks for 15 to 60).
    #[serde(default)]
    pub max_token_lifetime_minutes: Option<u32>,
    /// Whether clients must use PKCE (`required` or `optional`).
    #[serde(default)]
    pub pkce: Option<Pkce>,
}

/// `required` or `optional`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Pkce {
    Required,
    Optional,
}

/// Mutual TLS: clients present certificates signed by the policy's CA.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mtls {
    /// The CA that signs client certificates (a reference to its PEM file).
    #[serde(default)]
    pub ca_certificate: Option<SecretRef>,
    /// The longest client-certificate validity accepted, in days (the checklist asks for at most 90).
    #[serde(default)]
    pub max_certificate_validity_days: Option<u32>,
    /// The smallest RSA client key accepted, in bits (the checklist asks for 4096).
    #[serde(default)]
    pub min_rsa_key_bits: Option<u32>,
    /// The smallest elliptic-curve client key accepted, in bits (the checklist asks for 256).
    #[serde(default)]
    pub min_ec_key_bits: Option<u32>,
}

/// One client of the gateway.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    /// The consumer's name, unique in the policy: used in generated resource names.
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
    /// This consumer's own limits, replacing those of `rate_limits`.
    #[serde(default)]
    pub rate_limit: Option<RateLimitOverride>,
}

/// A consumer's own limits; what it leaves out comes from `rate_limits`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitOverride {
    /// Requests per minute for this consumer.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub requests_per_minute: Option<u32>,
    /// Tokens (input and output) per minute for this consumer.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub tokens_per_minute: Option<u64>,
    /// Requests this consumer may make at once above its steady rate.
    #[serde(default)]
    pub burst: Option<u32>,
}

/// Header handling between client and upstream.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Headers {
    /// Client headers passed upstream; absent means anthropic-version, anthropic-beta, anthropic-client-version, content-type and accept.
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

/// Rate limits, counted per consumer unless `by: ip`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    /// What a counter counts for: each `consumer` (default) or each client address (`ip`).
    #[serde(default)]
    pub by: RateLimitKey,
    /// Requests per minute for each consumer (or address).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub requests_per_minute: Option<u32>,
    /// Tokens (input and output) per minute for each consumer; enforced where the target can, and a target that cannot says so.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub tokens_per_minute: Option<u64>,
    /// Requests that may come at once above the steady rate (at most `requests_per_minute`).
    #[serde(default)]
    pub burst: Option<u32>,
    /// Cluster-wide counters for several replicas (`rediss://` for TLS).
    #[serde(default)]
    #[schemars(extend("pattern" = r"^rediss?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[0-9]{1,2})?$"))]
    pub shared_state: Option<String>,
    /// The password of the `shared_state` Redis (a secret reference).
    #[serde(default)]
    pub shared_state_password: Option<SecretRef>,
    /// What a gateway does when `shared_state` cannot be reached: `allow` lets requests through
    /// uncounted (authentication and the allowlist still apply), `deny` refuses them.
    #[serde(default)]
    pub shared_state_failure: SharedStateFailure,
}

/// The behaviour when the rate-limit Redis is unreachable: `allow` (fail open) or `deny` (fail closed).
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

/// `consumer` or `ip`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitKey {
    #[default]
    Consumer,
    Ip,
}

/// Network restrictions.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// IPv4/IPv6 CIDRs; empty means no allowlist.
    #[serde(default)]
    pub ip_allowlist: Vec<String>,
}

/// Streamed responses.
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

/// The audit log.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// Whether every request is logged.
    pub enabled: bool,
    /// Headers whose values never reach the log (credential headers always included by the targets).
    #[serde(default)]
    pub redact_headers: Vec<HeaderName>,
    /// Whether request and response bodies are logged (the checklist advises against it).
    #[serde(default)]
    pub log_bodies: bool,
    /// How long audit logs are kept, in days (the soc2 and hipaa packs ask for 2555, seven years).
    #[serde(default)]
    pub retention_days: Option<u32>,
}

/// Credential rotation.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// The oldest a consumer's credential may be, in days from its `issued` date (the checklist asks for at most 90).
    #[schemars(range(min = 1))]
    pub max_key_age_days: u32,
    /// How many days before `max_key_age_days` lint starts warning (default 7).
    #[serde(default = "default_warn_before")]
    pub warn_before_days: u32,
}

fn default_warn_before() -> u32 {
    7
}

/// Alerting thresholds.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// Alert when more client authentications than this fail in a minute.
    #[serde(default)]
    pub auth_failures_per_minute: Option<u32>,
    /// Alert when more than this percentage of requests fail.
    #[serde(default)]
    #[schemars(range(min = 0, max = 100))]
    pub error_rate_percent: Option<f64>,
    /// Alert when the 99th-percentile latency exceeds this many seconds.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub p99_latency_seconds: Option<f64>,
}

/// The gateways the policy deploys to: each key present declares one (`nginx: {}` declares nginx
/// with its defaults). render and diff without `--target` act on the declared ones.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Kong Gateway (decK state file and kong.conf).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kong: Option<KongTarget>,
    /// The LiteLLM proxy (config.yaml and its authentication hook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub litellm: Option<LicensedTarget>,
    /// A Zuplo project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zuplo: Option<LicensedTarget>,
    /// TrueFoundry's AI gateway (gateway.yaml manifests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truefoundry: Option<TruefoundryTarget>,
    /// An nginx http-context include, with its secrets materialized on the deploy host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nginx: Option<NginxTarget>,
}

impl Targets {
    /// The targets the policy deploys to: the keys present, in [`Target::ALL`] order.
    pub fn declared(&self) -> Vec<Target> {
        Target::ALL.into_iter().filter(|&t| self.accepted_gaps(t).is_some()).collect()
    }

    /// The gaps a declared target's settings accept (`None` when the target is not declared).
    pub fn accepted_gaps(&self, target: Target) -> Option<&[AcceptedGap]> {
        match target {
            Target::Kong => self.kong.as_ref().map(|t| t.accept_gaps.as_slice()),
            Target::Zuplo => self.zuplo.as_ref().map(|t| t.accept_gaps.as_slice()),
            Target::Truefoundry => self.truefoundry.as_ref().map(|t| t.accept_gaps.as_slice()),
            Target::Litellm => self.litellm.as_ref().map(|t| t.accept_gaps.as_slice()),
            Target::Nginx => self.nginx.as_ref().map(|t| t.accept_gaps.as_slice()),
        }
    }
}

/// A capability gap the policy's owners accept for one target, with their reason: render does
/// not warn about it, and `--strict` does not fail on it.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptedGap {
    /// The policy field the target does not enforce (or approximates), as `gatectl targets` and render's warnings name it.
    pub field: GapField,
    /// Why the gap is acceptable (who decided, until when); required.
    #[schemars(extend("pattern" = r"\S"))]
    pub reason: String,
}

/// A policy field of the capability matrix, e.g. `rate_limits.tokens_per_minute`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GapField(pub String);

/// The schema lists exactly the fields the capability matrix knows, so a new row is accepted
/// (and completed by editors) without a list to keep in step.
impl JsonSchema for GapField {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GapField".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A policy field of the capability matrix (`gatectl targets`).",
            "type": "string",
            "enum": crate::render::capability::gap_fields(),
        })
    }
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
    /// Capability gaps accepted on TrueFoundry, each with its reason.
    #[serde(default)]
    pub accept_gaps: Vec<AcceptedGap>,
}

/// Kong settings.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KongTarget {
    /// The Kong edition the gateway runs.
    #[serde(default)]
    pub edition: KongEdition,
    /// Capability gaps accepted on Kong, each with its reason.
    #[serde(default)]
    pub accept_gaps: Vec<AcceptedGap>,
}

/// `oss` (default) or `enterprise` (licensed plugins: openid-connect, mtls-auth, ai-rate-limiting-advanced).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KongEdition {
    #[default]
    Oss,
    Enterprise,
}

/// Settings of a target with an enterprise licence tier (LiteLLM, Zuplo).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicensedTarget {
    /// Whether the deployment has the vendor's enterprise licence (e.g. Zuplo's mTLS policy).
    #[serde(default)]
    pub enterprise: bool,
    /// Capability gaps accepted on this target, each with its reason.
    #[serde(default)]
    pub accept_gaps: Vec<AcceptedGap>,
}

/// Nginx settings an operator may need.
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
    /// Capability gaps accepted on nginx, each with its reason.
    #[serde(default)]
    pub accept_gaps: Vec<AcceptedGap>,
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
            if let Some(certificate) = &tls.certificate {
                fields.push(SecretField {
                    path: Path::parse("listener.tls.certificate"),
                    reference: certificate,
                    confidential: false,
                });
            }
            if let Some(key) = &tls.private_key {
                fields.push(SecretField {
                    path: Path::parse("listener.tls.private_key"),
                    reference: key,
                    confidential: true,
                });
            }
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
