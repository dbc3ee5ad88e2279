//! TrueFoundry AI Gateway: `gateway.yaml`, the manifests `tfy apply -f gateway.yaml` takes, one
//! YAML document each (field names and enum values from the `truefoundry_sdk` pydantic models):
//!
//! - `provider-account/anthropic` named after the policy: the provider key as a secret FQN
//!   (`tfy-secret://TENANT:GROUP:KEY`, see [`secrets::truefoundry`]), `base_url` from
//!   `upstream.url`, and one `integration/model/anthropic` per `upstream.models` entry. The
//!   gateway routes only to registered models and has no wildcard, so a policy without a model
//!   list is refused rather than rendered as a gateway that serves nothing.
//! - `virtual-account` per consumer, allowed to use that provider account. TrueFoundry issues
//!   and rotates the virtual account's token itself: the policy's `consumers[].key` references
//!   are not imported. `rotation.max_key_age_days` becomes `auto_rotate` (the old token stays
//!   valid for `warn_before_days` after the new one is issued, so no token outlives the maximum
//!   age). `expiration_date` is not rendered: it ends the account, not the key, and `issued`
//!   dates the policy's key, which TrueFoundry never sees.
//! - `gateway-rate-limiting-config`: TrueFoundry applies only the first rule a request
//!   matches, and a rule counts one unit, so each consumer gets one limit: requests per minute
//!   where the policy sets one, else tokens per minute. Per-consumer overrides come first, then
//!   the default, counted per virtual account.
//! - `gateway-logging-config` when the policy has `audit`: TrueFoundry's request log holds
//!   prompts and completions, so it is on only when the policy asks for bodies to be logged.
//!
//! Client authentication other than API keys, per-address limits and extra upstream headers
//! have no TrueFoundry manifest field: such policies are refused (see `capability.rs`).
//! Every document is built as a JSON value and written by [`super::yaml::to_yaml`], so no
//! policy value can change the YAML's structure; the rendered file must hold exactly those
//! documents: verbatim, with only comments between (the shipped template), or, for a template
//! override that reformats them, parsed back to the same values.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{secrets, Context, File, RenderError, Target};
use crate::policy::{AuthMethod, Consumer, Policy, RateLimitKey, TruefoundryTarget};

pub const TEMPLATE: &str = "truefoundry/gateway.yaml.j2";
/// The templates this target ships, by their path under `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[(TEMPLATE, include_str!("../../templates/truefoundry/gateway.yaml.j2"))];
pub const FILE: &str = "gateway.yaml";

/// The role that lets a subject use every model of a provider account.
const ACCESS_ROLE: &str = "provider-account-access";
const SECRET_SCHEME: &str = "tfy-secret://";
/// TrueFoundry's shortest token rotation interval, in days.
const MIN_ROTATION_DAYS: u32 = 30;

#[derive(Serialize)]
struct View {
    header: String,
    policy: String,
    tenant: String,
    secret_group: String,
    secret_key: String,
    documents: Vec<String>,
}

fn unrepresentable(field: &str, reason: &str) -> RenderError {
    RenderError::Unrepresentable { target: Target::Truefoundry, field: field.to_string(), reason: reason.to_string() }
}

pub(super) fn render(cx: &Context) -> Result<Vec<File>, RenderError> {
    let policy = cx.policy;
    let target = policy.targets.truefoundry.as_ref().ok_or_else(|| {
        unrepresentable(
            "targets.truefoundry",
            "set `targets.truefoundry: {tenant: <TrueFoundry tenant>, secret_group: <secret group holding the \
             gateway's secrets>}`: TrueFoundry reads the provider key from a secret FQN made of them",
        )
    })?;
    refuse_what_truefoundry_cannot_express(policy)?;

    // Each document is written as it is built: 10,000 consumers' JSON values are never all held.
    let mut documents = Vec::with_capacity(policy.consumers.len() + 3);
    build_documents(policy, target, &mut |document| {
        documents.push(super::yaml::to_yaml(&document, &Default::default()))
    })?;
    let view = View {
        header: cx.provenance.comment("#"),
        policy: policy.name.0.clone(),
        tenant: target.tenant.clone(),
        secret_group: target.secret_group.clone(),
        secret_key: secrets::env_name(&policy.upstream.api_key),
        documents,
    };
    let text = cx.templates.render(TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&view)))?;
    if !holds_verbatim(&text, &view.documents) {
        // A template override that reformats the documents: parse it and compare what it means.
        let mut built = Vec::new();
        build_documents(policy, target, &mut |document| built.push(document))?;
        check_documents(&text, &built)?;
    }
    Ok(vec![File { path: FILE.into(), contents: text }])
}

/// The manifests, in order: the provider account, a virtual account per consumer, the rate-limit
/// rules and the logging config.
fn build_documents(
    policy: &Policy,
    target: &TruefoundryTarget,
    emit: &mut dyn FnMut(Value),
) -> Result<(), RenderError> {
    let account = &policy.name.0;
    emit(provider_account(policy, target));
    for consumer in &policy.consumers {
        emit(virtual_account(policy, target, consumer)?);
    }
    let rules = rate_limit_rules(policy);
    if !rules.is_empty() {
        emit(json!({"type": "gateway-rate-limiting-config", "rules": rules}));
    }
    if let Some(audit) = &policy.audit {
        emit(json!({
            "type": "gateway-logging-config",
            "name": format!("{account}-audit"),
            "when": {"subjects": {"in": subjects(policy)}},
            // The request log holds request and response bodies.
            "log": audit.enabled && audit.log_bodies,
        }));
    }
    Ok(())
}

fn refuse_what_truefoundry_cannot_express(policy: &Policy) -> Result<(), RenderError> {
    match policy.auth.method {
        AuthMethod::ApiKey => {}
        AuthMethod::Oauth2 => {
            return Err(unrepresentable(
                "auth.method",
                "TrueFoundry's custom JWT integration checks a token's issuer and signature only: the \
                 audience, required scopes and token lifetime cannot be expressed, and mapping a token \
                 subject to a virtual account needs an identity provider configured outside these manifests",
            ))
        }
        AuthMethod::Mtls => {
            return Err(unrepresentable(
                "auth.method",
                "TrueFoundry's gateway has no client-certificate authentication: callers present a TrueFoundry token",
            ))
        }
        AuthMethod::None => {
            return Err(unrepresentable(
                "auth.method",
                "TrueFoundry's gateway always authenticates callers with a TrueFoundry token",
            ))
        }
    }
    if policy.upstream.models.is_empty() {
        return Err(unrepresentable(
            "upstream.models",
            "TrueFoundry routes only to models registered on the provider account, one `model_id` each, with no \
             wildcard: list the models the gateway may serve",
        ));
    }
    if let Some((name, _)) = policy.headers.as_ref().and_then(|h| h.add.iter().next()) {
        return Err(unrepresentable(
            &format!("headers.add.{}", name.0),
            "TrueFoundry's Anthropic provider account has no field for extra upstream headers",
        ));
    }
    if policy.rate_limits.as_ref().is_some_and(|l| l.by == RateLimitKey::Ip) {
        return Err(unrepresentable(
            "rate_limits.by",
            "TrueFoundry counts per user, virtual account, model or metadata value, not per client address",
        ));
    }
    // TrueFoundry resolves secret FQNs in manifests: the owner (the one free-text value rendered,
    // as a tag) must not name one, or it would put another secret where tenant members read tags.
    if policy.owner.as_deref().is_some_and(|o| o.contains(SECRET_SCHEME)) {
        return Err(unrepresentable("owner", "TrueFoundry would read a `tfy-secret://` value as a secret reference"));
    }
    if policy.consumers.is_empty() {
        return Err(unrepresentable("consumers", "without consumers no virtual account is made and nobody gets in"));
    }
    Ok(())
}

/// The provider account's FQN in permissions: `<tenant>:<provider>:<account>`.
fn account_fqn(policy: &Policy, target: &TruefoundryTarget) -> String {
    format!("{}:anthropic:{}", target.tenant, policy.name.0)
}

fn provider_account(policy: &Policy, target: &TruefoundryTarget) -> Value {
    let integrations: Vec<Value> = policy
        .upstream
        .models
        .iter()
        .map(|m| json!({"type": "integration/model/anthropic", "name": m.0, "model_id": m.0, "model_types": ["chat"]}))
        .collect();
    json!({
        "type": "provider-account/anthropic",
        "name": policy.name.0,
        "auth_data": {"type": "api-key", "api_key": secrets::truefoundry(&policy.upstream.api_key, target)},
        // TrueFoundry's base URL carries the API version path.
        "base_url": format!("{}/v1", policy.upstream.url.trim_end_matches('/')),
        "integrations": integrations,
    })
}

fn virtual_account(policy: &Policy, target: &TruefoundryTarget, consumer: &Consumer) -> Result<Value, RenderError> {
    let name = &consumer.name.0;
    if !is_virtual_account_name(name) {
        return Err(unrepresentable(
            &format!("consumers.{name}"),
            "a TrueFoundry virtual account name is 3 to 25 lower-case letters, digits and `-`, ending in a letter \
             or digit",
        ));
    }
    let mut account = json!({
        "type": "virtual-account",
        "name": name,
        "permissions": [{
            "resource_fqn": account_fqn(policy, target),
            "resource_type": "provider-account",
            "role_id": ACCESS_ROLE,
        }],
    });
    if let Some(rotation) = &policy.rotation {
        // The old token stays valid for the grace period: together no longer than the maximum age.
        let grace = rotation.warn_before_days.max(1);
        let interval = rotation.max_key_age_days.saturating_sub(grace);
        if interval < MIN_ROTATION_DAYS {
            return Err(unrepresentable(
                "rotation.max_key_age_days",
                &format!(
                    "TrueFoundry rotates a token at most every {MIN_ROTATION_DAYS} days, and the old one stays valid \
                     for warn_before_days: max_key_age_days must be at least {}",
                    MIN_ROTATION_DAYS.saturating_add(grace)
                ),
            ));
        }
        account["auto_rotate"] = json!({"auto_rotate_interval": interval, "grace_period": grace});
    }
    let mut tags =
        json!({"managed-by": "gatectl", "gatectl-policy": policy.name.0, "environment": policy.environment.as_str()});
    if let Some(owner) = &policy.owner {
        tags["owner"] = json!(owner);
    }
    account["tags"] = tags;
    Ok(account)
}

/// TrueFoundry's virtual account names: `^[a-z][a-z0-9-]{1,23}[a-z0-9]$`.
fn is_virtual_account_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=25).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[bytes.len() - 1] != b'-'
}

/// Every consumer as a rate-limit and logging subject.
fn subjects(policy: &Policy) -> Vec<String> {
    policy.consumers.iter().map(|c| format!("virtualaccount:{}", c.name.0)).collect()
}

/// The one limit TrueFoundry enforces for a request: requests per minute if set, else tokens per minute.
fn limit(requests: Option<u32>, tokens: Option<u64>) -> Option<(&'static str, u64)> {
    requests.map(|r| ("requests_per_minute", u64::from(r))).or(tokens.map(|t| ("tokens_per_minute", t)))
}

/// First match wins: consumers whose limit differs from the default, then the default.
fn rate_limit_rules(policy: &Policy) -> Vec<Value> {
    let Some(limits) = policy.rate_limits.as_ref() else { return Vec::new() };
    let account = &policy.name.0;
    let models: Vec<String> = policy.upstream.models.iter().map(|m| format!("{account}/{}", m.0)).collect();
    let default = limit(limits.requests_per_minute, limits.tokens_per_minute);
    let mut rules = Vec::new();
    for consumer in &policy.consumers {
        let own = consumer.rate_limit.as_ref();
        let effective = limit(
            own.and_then(|r| r.requests_per_minute).or(limits.requests_per_minute),
            own.and_then(|r| r.tokens_per_minute).or(limits.tokens_per_minute),
        );
        if let Some((unit, limit_to)) = effective.filter(|e| Some(*e) != default) {
            rules.push(json!({
                "id": format!("{account}:consumer:{}", consumer.name.0),
                "when": {"subjects": [format!("virtualaccount:{}", consumer.name.0)], "models": models},
                "limit_to": limit_to,
                "unit": unit,
            }));
        }
    }
    if let Some((unit, limit_to)) = default {
        rules.push(json!({
            "id": format!("{account}:default"),
            "when": {"subjects": subjects(policy), "models": models},
            "limit_to": limit_to,
            "unit": unit,
            // One counter per virtual account, not one shared by all of them.
            "rate_limit_applies_per": ["virtualaccount"],
        }));
    }
    rules
}

/// Whether `text` is comment lines, then each document after a `---` line exactly as
/// [`super::yaml::to_yaml`] wrote it, each followed only by comment or blank lines: then it holds
/// exactly those documents, and nothing else, without being parsed. That writer's output reads
/// back as the value it was written from (its tests and `tests/properties.rs` parse it), and
/// never holds a `---` line, a comment or a block scalar, so the lines between are pure comments.
fn holds_verbatim(text: &str, documents: &[String]) -> bool {
    let mut rest = skip_comments(text);
    for document in documents {
        let Some(after) = rest.strip_prefix("---\n").and_then(|r| r.strip_prefix(document.as_str())) else {
            return false;
        };
        rest = skip_comments(after);
    }
    rest.is_empty()
}

/// `rest` after its leading comment and blank lines.
fn skip_comments(mut rest: &str) -> &str {
    while !rest.is_empty() {
        let (line, next) = rest.split_once('\n').unwrap_or((rest, ""));
        let line = line.trim_start_matches(' ');
        if !(line.is_empty() || line.starts_with('#')) {
            return rest;
        }
        rest = next;
    }
    rest
}

/// The rendered text must parse back to exactly the documents built (a template that
/// drops, merges or breaks one fails here, not at `tfy apply`).
fn check_documents(text: &str, documents: &[Value]) -> Result<(), RenderError> {
    let malformed = |reason: String| RenderError::Malformed { path: FILE.into(), format: "YAML", reason };
    let mut parsed = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        parsed.push(Value::deserialize(document).map_err(|e| malformed(e.to_string()))?);
    }
    if parsed != documents {
        return Err(malformed(format!(
            "it holds {} documents that differ from the {} rendered",
            parsed.len(),
            documents.len()
        )));
    }
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_account_names_follow_truefoundry() {
        for ok in ["abc", "team-platform", "ci-bot", "a23456789012345678901234z"] {
            assert!(is_virtual_account_name(ok), "{ok}");
        }
        for bad in ["ab", "team-", "1abc", "a234567890123456789012345z", "Team", "a_b"] {
            assert!(!is_virtual_account_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_rendered_text_must_hold_exactly_the_documents() {
        let docs = [json!({"type": "a", "n": 1}), json!({"type": "b"})];
        assert!(check_documents("# c\n---\ntype: \"a\"\nn: 1\n---\ntype: \"b\"\n", &docs).is_ok());
        assert!(check_documents("---\ntype: \"a\"\nn: 1\n", &docs).is_err());
        assert!(check_documents("---\ntype: \"a\"\nn: 2\n---\ntype: \"b\"\n", &docs).is_err());
        assert!(check_documents("---\ntype: [\n", &docs).is_err());
    }

    #[test]
    fn only_comments_may_surround_the_verbatim_documents() {
        let docs = [json!({"type": "a", "count": 1}), json!({"type": "b"})];
        let yaml: Vec<String> = docs.iter().map(|d| super::super::yaml::to_yaml(d, &Default::default())).collect();
        let text = "# c\n\n---\ntype: \"a\"\ncount: 1\n  # between\n---\ntype: \"b\"\n";
        assert!(holds_verbatim(text, &yaml));
        assert!(check_documents(text, &docs).is_ok(), "what the fast check accepts, the parse does too");
        for bad in [
            "x: 1\n---\ntype: \"a\"\ncount: 1\n---\ntype: \"b\"\n",
            "---\ntype: \"a\"\ncount: 1\nm: 2\n---\ntype: \"b\"\n",
            "---\ntype: \"a\"\ncount: 1\n---\ntype: \"b\"\n---\n",
            "---\ntype: \"a\"\ncount: 1\n---\n  type: \"b\"\n",
            "---\ntype: \"a\"\ncount: 1\n",
            "%YAML 1.2\n---\ntype: \"a\"\ncount: 1\n---\ntype: \"b\"\n",
        ] {
            assert!(!holds_verbatim(bad, &yaml), "{bad}");
        }
        // Reformatted by a template override: not verbatim, yet the same documents once parsed.
        let reformatted = "---\n{type: a, count: 1}\n---\ntype: b\n";
        assert!(!holds_verbatim(reformatted, &yaml));
        assert!(check_documents(reformatted, &docs).is_ok());
    }
}
