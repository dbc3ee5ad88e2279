//! What each target can enforce of a policy: natively, approximately, or not at all.
//!
//! `gatectl targets` prints the matrix; `gatectl render` warns about every gap that
//! affects the policy at hand (an error with `--strict`), so nobody deploys a config
//! that silently does less than the policy says.

use super::Target;
use crate::policy::{AcceptedGap, AuthMethod, KongEdition, Policy};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Feature {
    ApiKeyAuth,
    OAuth2,
    Mtls,
    PerConsumerKeys,
    RequestsPerMinute,
    TokensPerMinute,
    Burst,
    ClusterWideLimits,
    IpAllowlist,
    TlsFloor,
    Hsts,
    AuditLog,
    HeaderForwarding,
    DefaultAnthropicVersion,
    ModelAllowlist,
    Streaming,
    Alerts,
}

impl Feature {
    pub const ALL: [Feature; 17] = [
        Feature::ApiKeyAuth,
        Feature::OAuth2,
        Feature::Mtls,
        Feature::PerConsumerKeys,
        Feature::RequestsPerMinute,
        Feature::TokensPerMinute,
        Feature::Burst,
        Feature::ClusterWideLimits,
        Feature::IpAllowlist,
        Feature::TlsFloor,
        Feature::Hsts,
        Feature::AuditLog,
        Feature::HeaderForwarding,
        Feature::DefaultAnthropicVersion,
        Feature::ModelAllowlist,
        Feature::Streaming,
        Feature::Alerts,
    ];

    /// The policy field a user recognises.
    pub fn field(self) -> &'static str {
        match self {
            Feature::ApiKeyAuth => "auth.method: api_key",
            Feature::OAuth2 => "auth.method: oauth2",
            Feature::Mtls => "auth.method: mtls",
            Feature::PerConsumerKeys => "consumers[].key (one key each)",
            Feature::RequestsPerMinute => "rate_limits.requests_per_minute",
            Feature::TokensPerMinute => "rate_limits.tokens_per_minute",
            Feature::Burst => "rate_limits.burst",
            Feature::ClusterWideLimits => "rate_limits.shared_state",
            Feature::IpAllowlist => "network.ip_allowlist",
            Feature::TlsFloor => "listener.tls.min_version",
            Feature::Hsts => "listener.tls.hsts",
            Feature::AuditLog => "audit (with redaction)",
            Feature::HeaderForwarding => "headers.forward",
            Feature::DefaultAnthropicVersion => "upstream.anthropic_version",
            Feature::ModelAllowlist => "upstream.models",
            Feature::Streaming => "streaming.sse",
            Feature::Alerts => "alerts",
        }
    }

    /// The policy field a gap of this feature is accepted by (`targets.<t>.accept_gaps[].field`).
    pub fn path(self) -> &'static str {
        match self {
            Feature::ApiKeyAuth | Feature::OAuth2 | Feature::Mtls => "auth.method",
            Feature::PerConsumerKeys => "consumers[].key",
            Feature::RequestsPerMinute => "rate_limits.requests_per_minute",
            Feature::TokensPerMinute => "rate_limits.tokens_per_minute",
            Feature::Burst => "rate_limits.burst",
            Feature::ClusterWideLimits => "rate_limits.shared_state",
            Feature::IpAllowlist => "network.ip_allowlist",
            Feature::TlsFloor => "listener.tls.min_version",
            Feature::Hsts => "listener.tls.hsts",
            Feature::AuditLog => "audit",
            Feature::HeaderForwarding => "headers.forward",
            Feature::DefaultAnthropicVersion => "upstream.anthropic_version",
            Feature::ModelAllowlist => "upstream.models",
            Feature::Streaming => "streaming.sse",
            Feature::Alerts => "alerts",
        }
    }

    /// Whether the policy asks for this feature.
    pub fn used_by(self, policy: &Policy) -> bool {
        let limits = policy.rate_limits.as_ref();
        let consumer_limit = |f: fn(&crate::policy::RateLimitOverride) -> bool| {
            policy.consumers.iter().any(|c| c.rate_limit.as_ref().is_some_and(f))
        };
        let tls = policy.listener.as_ref().and_then(|l| l.tls.as_ref());
        match self {
            Feature::ApiKeyAuth => policy.auth.method == AuthMethod::ApiKey,
            Feature::OAuth2 => policy.auth.method == AuthMethod::Oauth2,
            Feature::Mtls => policy.auth.method == AuthMethod::Mtls,
            Feature::PerConsumerKeys => policy.auth.method == AuthMethod::ApiKey && policy.consumers.len() > 1,
            Feature::RequestsPerMinute => limits.is_some_and(|l| l.requests_per_minute.is_some()),
            Feature::TokensPerMinute => {
                limits.is_some_and(|l| l.tokens_per_minute.is_some())
                    || consumer_limit(|r| r.tokens_per_minute.is_some())
            }
            Feature::Burst => limits.is_some_and(|l| l.burst.is_some()) || consumer_limit(|r| r.burst.is_some()),
            Feature::ClusterWideLimits => limits.is_some_and(|l| l.shared_state.is_some()),
            Feature::IpAllowlist => policy.network.as_ref().is_some_and(|n| !n.ip_allowlist.is_empty()),
            Feature::TlsFloor => tls.is_some(),
            Feature::Hsts => tls.is_some_and(|t| t.hsts.is_some()),
            Feature::AuditLog => policy.audit.as_ref().is_some_and(|a| a.enabled),
            Feature::HeaderForwarding => true,
            Feature::DefaultAnthropicVersion => policy.upstream.anthropic_version.is_some(),
            Feature::ModelAllowlist => !policy.upstream.models.is_empty(),
            Feature::Streaming => policy.streaming.as_ref().is_none_or(|s| s.sse),
            Feature::Alerts => policy.alerts.is_some(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    Native,
    /// Enforced, but not exactly as written; says how.
    Approximated(&'static str),
    /// Not enforced by the rendered config; says why.
    Unsupported(&'static str),
}

/// The matrix: one cell per target and feature.
pub fn support(target: Target, feature: Feature) -> Support {
    use Feature::*;
    use Support::*;
    match (target, feature) {
        // Cluster-wide limits are native: counted in the policy's Redis by the rendered Lua.
        (Target::Nginx, OAuth2) => Approximated(
            "njs (libnginx-mod-http-js) checks the RS256 or ES256 signature against the IdP keys `gatectl materialize` last wrote (a rotation takes a materialize and `nginx -s reload`; `alg: none` and HMAC are refused), `iss`, `aud`, `exp` and `nbf` (30 s leeway), `exp - iat` against max_token_lifetime_minutes and required_scopes (`scope` or `scp`), and maps `sub` (else `client_id`) to a consumer; PKCE is between client and IdP, which no gateway sees",
        ),
        (Target::Nginx, Mtls) => Approximated(
            "nginx verifies the client certificate's chain to auth.mtls.ca_certificate (depth 2) and its validity dates, and maps its subject CN to a consumer; no revocation check (CRL or OCSP), and the key-size and validity-period limits are not checked on presented certificates",
        ),
        (Target::Nginx, TokensPerMinute) => Unsupported("limit_req counts requests, not tokens"),
        (Target::Nginx, AuditLog) => Approximated(
            "JSON lines (time, request id, client, consumer, auth method, endpoint, method, status, duration, upstream status, rate-limited, refusal reason), never a credential; no model or token counts, since nginx parses no bodies; retention is the log rotation's",
        ),
        (Target::Nginx, ModelAllowlist) => Unsupported("nginx does not read the request body's model"),
        (Target::Nginx, Alerts) => Approximated(
            "prometheus-rules.yaml over metrics mtail derives from the JSON audit log (the rendered .mtail program): \
             nothing is rendered without `audit.enabled`; with `rate_limits.by: ip` exhaustion is alerted on 429s, not at 90 %",
        ),
        (Target::Nginx, _) => Native,

        (Target::Kong, OAuth2) => Unsupported(
            "Kong OSS has only the jwt plugin, which checks neither issuer, audience nor scopes and holds one IdP key per consumer, so key rotation locks clients out (render refuses the policy); Kong Enterprise renders openid-connect",
        ),
        (Target::Kong, Mtls) => Unsupported(
            "Kong OSS cannot authenticate client certificates (render refuses the policy); Kong Enterprise renders mtls-auth",
        ),
        (Target::Kong, TokensPerMinute) => Unsupported("rate-limiting counts requests"),
        (Target::Kong, Burst) => Approximated("rate-limiting has no burst: it becomes the per-second limit"),
        (Target::Kong, TlsFloor) => Approximated("TLS floor and ciphers live in kong.conf, applied when Kong starts"),
        (Target::Kong, HeaderForwarding) => {
            Approximated("Kong forwards every client header except those removed; credential headers are always removed")
        }
        (Target::Kong, ModelAllowlist) => Unsupported("no OSS plugin matches the request body's model"),
        (Target::Kong, Alerts) => Approximated(
            "prometheus-rules.yaml over the prometheus plugin's metrics: p99 is interpolated between Kong's latency buckets \
             (exact when p99_latency_seconds is a bucket bound: 1, 2, 5, 10, 30 or 60); with `rate_limits.by: ip` exhaustion is alerted on 429s, not at 90 %",
        ),
        (Target::Kong, _) => Native,

        // Keys, tokens, limits, the allowlist and the audit log are the rendered custom_auth hook's.
        (Target::Litellm, OAuth2) => Approximated(
            "the hook checks the signature against the policy's JWKS (RSA, RSA-PSS, EC or EdDSA: `none` and HMAC refused; keys cached, fetched again for an unknown kid at most every 10 s), iss, aud, exp and nbf (30 s leeway), exp − iat against max_token_lifetime_minutes, required_scopes in `scope` or `scp`, and `sub` (else `client_id`) against the consumers; PKCE happens at the IdP and is not visible in a token",
        ),
        (Target::Litellm, Mtls) => Unsupported(
            "LiteLLM cannot require client certificates (its CLI sets only the server's key and certificate): put the nginx target in front (render refuses the policy)",
        ),
        (Target::Litellm, TokensPerMinute) => {
            Approximated("counted from usage after each response, so one request can overshoot")
        }
        (Target::Litellm, Burst) => Unsupported("the hook counts requests per minute, with no burst"),
        (Target::Litellm, IpAllowlist) => {
            Approximated("checks the direct peer address: behind a proxy it sees the proxy")
        }
        (Target::Litellm, TlsFloor | Hsts) => Unsupported("LiteLLM terminates no TLS: put a TLS proxy in front of it"),
        (Target::Litellm, AuditLog) => Approximated(
            "the hook writes one JSON line per request to stdout, without headers or credentials (count_tokens: on admission, without status); retention is the log collector's",
        ),
        (Target::Litellm, HeaderForwarding) => Approximated(
            "/v1/messages forwards anthropic-version and anthropic-beta only; count_tokens ignores the client's version",
        ),
        (Target::Litellm, Alerts) => Approximated(
            "prometheus-rules.yaml over the prometheus callback's metrics (needs prometheus-client): p99 is interpolated \
             between LiteLLM's latency buckets (exact when p99_latency_seconds is a bucket bound: 1, 2, 5, 10, 30, 60, \
             120 or 300) and counts successful requests only; with `rate_limits.by: ip` exhaustion is alerted on 429s, not at 90 %",
        ),
        (Target::Litellm, _) => Native,

        // Consumers' keys live in Zuplo's key service; the rest is Zuplo's built-in policies.
        (Target::Zuplo, ApiKeyAuth | PerConsumerKeys) => Approximated(
            "api-key-inbound checks keys held by Zuplo's API key service: create one consumer per policy consumer there (the policy's key references are not imported)",
        ),
        (Target::Zuplo, OAuth2) => Approximated(
            "open-id-jwt-auth-inbound checks signature, issuer, audience and expiry, jwt-scopes-inbound the scopes; consumers' subjects, token lifetime and PKCE are not checked",
        ),
        (Target::Zuplo, Mtls) => Approximated(
            "Zuplo Enterprise only (without targets.zuplo.enterprise render refuses the policy): the edge checks the CA uploaded to the account and the issuer DN, not subjects, validity or key size",
        ),
        (Target::Zuplo, RequestsPerMinute) => {
            Approximated("one limit for every consumer: consumers[].rate_limit overrides are not rendered")
        }
        (Target::Zuplo, TokensPerMinute) => {
            Unsupported("rate-limit-inbound counts requests; token limits (Enterprise) are not rendered")
        }
        (Target::Zuplo, Burst) => Unsupported("rate-limit-inbound counts per minute, with no burst"),
        (Target::Zuplo, ClusterWideLimits) => {
            Approximated("Zuplo's rate-limit service counts across its edge; the policy's Redis is not used")
        }
        (Target::Zuplo, TlsFloor) => {
            Unsupported("Zuplo's edge terminates TLS: its floor and ciphers are Zuplo's, not set per project")
        }
        (Target::Zuplo, AuditLog) => Approximated(
            "Zuplo's request log records every request (no bodies); redaction and retention are Zuplo's; audit-log-inbound (Enterprise) is not rendered",
        ),
        (Target::Zuplo, IpAllowlist) => Approximated(
            "enforced on Zuplo's managed edge, which sets the client address; `zuplo dev` takes it from a `true-client-ip` header any client can send",
        ),
        (Target::Zuplo, ModelAllowlist) => Unsupported("no policy rendered checks the request body's model"),
        (Target::Zuplo, Alerts) => Unsupported(
            "managed: no Prometheus endpoint, so no rule file; alert in Zuplo's analytics, or on what its metrics plugins \
             (Datadog, Dynatrace, New Relic; Enterprise) send to that service",
        ),
        (Target::Zuplo, _) => Native,

        // Consumers become virtual accounts; TrueFoundry issues their tokens and holds the counters.
        (Target::Truefoundry, ApiKeyAuth) => Approximated(
            "callers present a TrueFoundry token as `Authorization: Bearer` (`auth.api_key.header` is not configurable); tenant admins' own tokens also pass",
        ),
        (Target::Truefoundry, OAuth2) => Unsupported(
            "its JWT integration checks neither audience, scopes nor token lifetime (render refuses the policy)",
        ),
        (Target::Truefoundry, Mtls) => {
            Unsupported("TrueFoundry's gateway has no client-certificate authentication (render refuses the policy)")
        }
        (Target::Truefoundry, PerConsumerKeys) => Approximated(
            "one virtual account per consumer, whose token TrueFoundry issues and rotates: the policy's key references are not imported",
        ),
        (Target::Truefoundry, TokensPerMinute) => Unsupported(
            "only the first matching rule applies and a rule counts one unit: a consumer with a requests limit gets only that",
        ),
        (Target::Truefoundry, Burst) => Unsupported("rate-limit rules count per minute, hour or day, with no burst"),
        (Target::Truefoundry, ClusterWideLimits) => {
            Approximated("TrueFoundry keeps the counters itself; the policy's Redis is not used")
        }
        (Target::Truefoundry, IpAllowlist) => {
            Unsupported("no gateway manifest restricts client addresses: filter in front of the gateway")
        }
        (Target::Truefoundry, TlsFloor | Hsts) => {
            Unsupported("TLS is terminated at TrueFoundry's edge, which its gateway manifests do not configure")
        }
        (Target::Truefoundry, AuditLog) => Approximated(
            "the request log holds bodies, so it is off unless `log_bodies`; header redaction and retention are TrueFoundry's",
        ),
        (Target::Truefoundry, HeaderForwarding) => {
            Approximated("TrueFoundry builds the upstream request itself; which client headers it passes is not configurable")
        }
        (Target::Truefoundry, DefaultAnthropicVersion) => {
            Unsupported("TrueFoundry sets anthropic-version itself; the provider account has no field for it")
        }
        (Target::Truefoundry, Alerts) => Unsupported(
            "managed: no rule file (its metric names cannot be verified here); alert on the metrics TrueFoundry's \
             dashboard exports over OpenTelemetry, or on /metrics of a self-hosted gateway",
        ),
        (Target::Truefoundry, _) => Native,
    }
}

/// Kong Enterprise (`targets.kong.edition: enterprise`), where it differs from Kong OSS.
fn kong_enterprise(feature: Feature) -> Option<Support> {
    use Feature::*;
    use Support::*;
    Some(match feature {
        OAuth2 => Approximated(
            "openid-connect checks the signature (keys from the issuer's discovery and jwks_url; HMAC and `none` refused), issuer, audience, expiry and the required scopes (all in the `scope` claim), takes bearer tokens from Authorization only and maps `sub` to the consumer's subject; a pre-function refuses tokens whose exp − iat exceeds max_token_lifetime_minutes; PKCE is between client and IdP, invisible to a gateway",
        ),
        Mtls => Approximated(
            "mtls-auth checks the chain to the policy's CA (a ca_certificates entity), maps the certificate CN to the consumer's subject and checks revocation where the CA publishes OCSP or CRL (IGNORE_CA_ERROR: passes when the responder is unreachable); validity length and key size are not checked",
        ),
        TokensPerMinute => Unsupported(
            "ai-rate-limiting-advanced counts only tokens Kong's AI proxy plugins parse, and they parse none for /v1/messages (`preserve` reads no Anthropic usage): not rendered",
        ),
        Burst => Approximated("rate-limiting-advanced counts a 1-second sliding window beside the 60-second one"),
        ClusterWideLimits => Approximated(
            "rate-limiting-advanced counts in the policy's Redis on every request; while Redis is unreachable it falls back to per-node counters, whatever shared_state_failure says",
        ),
        _ => return None,
    })
}

/// One column of the matrix: a target, and for Kong its edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub target: Target,
    pub enterprise: bool,
}

impl Column {
    pub const ALL: [Column; 6] = [
        Column { target: Target::Kong, enterprise: false },
        Column { target: Target::Kong, enterprise: true },
        Column { target: Target::Zuplo, enterprise: false },
        Column { target: Target::Truefoundry, enterprise: false },
        Column { target: Target::Litellm, enterprise: false },
        Column { target: Target::Nginx, enterprise: false },
    ];

    /// The column a policy renders into for a target.
    pub fn of(policy: &Policy, target: Target) -> Column {
        let enterprise = target == Target::Kong
            && policy.targets.kong.as_ref().is_some_and(|k| k.edition == KongEdition::Enterprise);
        Column { target, enterprise }
    }

    pub fn label(self) -> String {
        if self.enterprise {
            format!("{} enterprise", self.target)
        } else {
            self.target.to_string()
        }
    }

    pub fn support(self, feature: Feature) -> Support {
        let licensed = if self.enterprise && self.target == Target::Kong { kong_enterprise(feature) } else { None };
        licensed.unwrap_or_else(|| support(self.target, feature))
    }
}

/// A gap that affects a policy on a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub target: Target,
    pub feature: Feature,
    pub support: Support,
}

impl Gap {
    /// One line of render's per-target list: the field a user accepts it by, then what the target does.
    pub fn line(&self) -> String {
        match self.support {
            Support::Approximated(how) => format!("{}: approximated: {how}", self.feature.path()),
            Support::Unsupported(why) => format!("{}: not enforced: {why}", self.feature.path()),
            Support::Native => format!("{}: enforced", self.feature.path()),
        }
    }

    /// The policy's acceptance of this gap, if its target's settings hold one.
    pub fn accepted<'p>(&self, policy: &'p Policy) -> Option<&'p AcceptedGap> {
        let accepted = policy.targets.accepted_gaps(self.target)?;
        accepted.iter().find(|a| a.field.0 == self.feature.path())
    }

    pub fn message(&self) -> String {
        match self.support {
            Support::Approximated(how) => format!("{}: `{}` is approximated: {how}", self.target, self.feature.field()),
            Support::Unsupported(why) => format!("{}: `{}` is not enforced: {why}", self.target, self.feature.field()),
            Support::Native => format!("{}: `{}` is enforced", self.target, self.feature.field()),
        }
    }
}

/// Every gap between what the policy asks for and what the target enforces.
pub fn gaps(policy: &Policy, target: Target) -> Vec<Gap> {
    let column = Column::of(policy, target);
    Feature::ALL
        .iter()
        .filter(|f| f.used_by(policy))
        .map(|&feature| Gap { target, feature, support: column.support(feature) })
        .filter(|g| g.support != Support::Native)
        .collect()
}

/// The acceptances under `targets.<target>.accept_gaps` that match no gap of the policy, by index.
pub fn unused_acceptances(policy: &Policy, target: Target) -> Vec<(usize, &AcceptedGap)> {
    let gaps = gaps(policy, target);
    let accepted = policy.targets.accepted_gaps(target).unwrap_or_default();
    accepted.iter().enumerate().filter(|(_, a)| !gaps.iter().any(|g| g.feature.path() == a.field.0)).collect()
}

/// Every field a gap can be accepted by, each once, in matrix order: the schema's list.
pub fn gap_fields() -> Vec<&'static str> {
    let mut fields: Vec<&str> = Feature::ALL.iter().map(|f| f.path()).collect();
    let mut seen = std::collections::BTreeSet::new();
    fields.retain(|f| seen.insert(*f));
    fields
}

/// `gatectl targets`: the matrix as a markdown table, the columns of the given targets (Kong has
/// one per edition); all of them are pasted in the README.
pub fn matrix(targets: &[Target]) -> String {
    let columns: Vec<Column> = Column::ALL.into_iter().filter(|c| targets.contains(&c.target)).collect();
    let labels: Vec<String> = columns.iter().map(|c| c.label()).collect();
    let mut out = format!("| policy field | {} |\n|---|{}\n", labels.join(" | "), "---|".repeat(columns.len()));
    for feature in Feature::ALL {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match c.support(feature) {
                Support::Native => "native".to_string(),
                Support::Approximated(how) => format!("approximated: {how}"),
                Support::Unsupported(why) => format!("no: {why}"),
            })
            .collect();
        out.push_str(&format!("| `{}` | {} |\n", feature.field(), cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_has_a_row_per_feature() {
        assert_eq!(matrix(&Target::ALL).lines().count(), Feature::ALL.len() + 2);
        let nginx = matrix(&[Target::Nginx]);
        assert!(nginx.starts_with("| policy field | nginx |\n|---|---|\n"), "{nginx}");
        assert!(matrix(&[Target::Kong]).starts_with("| policy field | kong | kong enterprise |\n"));
    }

    #[test]
    fn kong_enterprise_differs_from_oss_only_where_its_plugins_do() {
        let enterprise = Column { target: Target::Kong, enterprise: true };
        assert!(matches!(enterprise.support(Feature::Mtls), Support::Approximated(how) if how.contains("mtls-auth")));
        assert_eq!(enterprise.support(Feature::IpAllowlist), support(Target::Kong, Feature::IpAllowlist));
        assert!(matches!(enterprise.support(Feature::TokensPerMinute), Support::Unsupported(_)));
    }

    #[test]
    fn refused_auth_methods_are_marked_unsupported() {
        for (target, feature) in [(Target::Kong, Feature::Mtls), (Target::Litellm, Feature::Mtls)] {
            assert!(matches!(support(target, feature), Support::Unsupported(why) if why.contains("refuses")));
        }
    }
}
