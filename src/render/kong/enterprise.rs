//! Kong Enterprise plugins (`targets.kong.edition: enterprise`), each config proven against
//! Kong's own published schemas for 3.10 (`../shared/schemas/kong-docs-3.10/`).
//!
//! - openid-connect (oauth2): bearer tokens in `Authorization` only (its `auth_methods` default
//!   also allows password, client-credentials and session grants, which would turn the gateway
//!   into a login endpoint); discovery from the issuer, `iss` pinned to it, the policy's JWKS
//!   trusted too; audience and scopes required; the token's `sub` mapped to the consumer
//!   whose `custom_id` is the policy's `subject`; no anonymous fallback.
//! - mtls-auth (mtls): the policy's CA as a `ca_certificates` entity, the certificate CN mapped
//!   to the consumer's `custom_id`; revocation `IGNORE_CA_ERROR` (see [`REVOCATION_CHECK_MODE`]).
//! - rate-limiting-advanced: sliding windows (60 s, and 1 s for the burst), counted in the
//!   policy's Redis synchronously when `shared_state` is set.

use serde_json::{json, Map, Value};

use super::{redis, RedisTarget};
use crate::policy::{OAuth2, RateLimitKey, RateLimits};
use crate::render::RenderError;

/// The policy names no revocation source. `STRICT` would refuse every certificate whose CA
/// publishes no OCSP or CRL URL (the usual private workload CA, which short validity replaces);
/// `SKIP` would ignore the revocation data a CA does publish. `IGNORE_CA_ERROR` honours it and
/// lets a certificate through only when the responder cannot be reached.
pub const REVOCATION_CHECK_MODE: &str = "IGNORE_CA_ERROR";

/// openid-connect for `auth.oauth2` (lint guarantees issuer, jwks_url and audience).
pub fn openid_connect(oauth2: &OAuth2) -> Value {
    let issuer = oauth2.issuer.as_deref().unwrap_or_default().trim_end_matches('/');
    let mut config = Map::new();
    config.insert("issuer".into(), json!(format!("{issuer}/.well-known/openid-configuration")));
    config.insert("issuers_allowed".into(), json!([issuer]));
    if let Some(jwks) = &oauth2.jwks_url {
        config.insert("extra_jwks_uris".into(), json!([jwks]));
    }
    config.insert("auth_methods".into(), json!(["bearer"]));
    config.insert("bearer_token_param_type".into(), json!(["header"]));
    config.insert("disable_session".into(), json!(["bearer"]));
    if let Some(audience) = &oauth2.audience {
        config.insert("audience_required".into(), json!([audience]));
    }
    if !oauth2.required_scopes.is_empty() {
        // One entry whose space-separated scopes must all be present (entries are alternatives).
        config.insert("scopes_required".into(), json!([oauth2.required_scopes.join(" ")]));
    }
    config.insert("consumer_claim".into(), json!(["sub"]));
    config.insert("consumer_by".into(), json!(["custom_id"]));
    config.insert("consumer_optional".into(), json!(false));
    config.insert("verify_signature".into(), json!(true));
    config.insert("verify_claims".into(), json!(true));
    config.insert("enable_hs_signatures".into(), json!(false));
    config.insert("ssl_verify".into(), json!(true));
    config.insert("hide_credentials".into(), json!(true));
    Value::Object(config)
}

/// mtls-auth, trusting the one CA entity the render adds.
pub fn mtls_auth(ca_id: &str) -> Value {
    json!({
        "ca_certificates": [ca_id],
        "consumer_by": ["custom_id"],
        "skip_consumer_lookup": false,
        "allow_partial_chain": false,
        "revocation_check_mode": REVOCATION_CHECK_MODE,
    })
}

/// rate-limiting-advanced: `limit`/`window_size` pairs (the minute, then the burst per second),
/// sliding windows, and a fixed namespace (DB-less Kong otherwise draws a new one, and resets
/// every counter, on each configuration change).
pub fn rate_limiting_advanced(
    limits: Option<&RateLimits>,
    rpm: u32,
    burst: Option<u32>,
    namespace: &str,
) -> Result<Value, RenderError> {
    let mut limit = vec![rpm];
    let mut window = vec![60];
    if let Some(burst) = burst.filter(|b| *b > 0) {
        limit.push(burst.min(rpm));
        window.push(1);
    }
    let by_ip = limits.is_some_and(|l| l.by == RateLimitKey::Ip);
    let mut config = Map::new();
    config.insert("limit".into(), json!(limit));
    config.insert("window_size".into(), json!(window));
    config.insert("window_type".into(), json!("sliding"));
    config.insert("identifier".into(), json!(if by_ip { "ip" } else { "consumer" }));
    config.insert("namespace".into(), json!(namespace));
    match limits.and_then(|l| l.shared_state.as_deref()) {
        None => {
            config.insert("strategy".into(), json!("local"));
            config.insert("sync_rate".into(), json!(-1));
        }
        Some(url) => {
            config.insert("strategy".into(), json!("redis"));
            // 0: every request counted in Redis as it arrives (exact across replicas).
            config.insert("sync_rate".into(), json!(0));
            let password = limits.and_then(|l| l.shared_state_password.as_ref());
            config.insert("redis".into(), redis(url, password, RedisTarget::Advanced)?);
        }
    }
    Ok(Value::Object(config))
}
