//! LiteLLM proxy: `config.yaml` (model list, settings) and `gatectl_auth.py`, the
//! client-authentication hook it names in `general_settings.custom_auth`.
//!
//! Without a database LiteLLM authenticates only its master key, and answers a wrong
//! key with 400 ("No connected db.") and a missing one with 500. Its open-source
//! `custom_auth` hook runs before that check on every authenticated route, so
//! gatectl renders one that does what the policy asks of a client: the IP allowlist
//! (CIDRs; LiteLLM's own `allowed_ips` needs a licence and matches exact addresses
//! only); the Messages API routes only; the consumer's key (compared in constant time)
//! or OAuth2 access token (validated with PyJWT against the policy's JWKS); the
//! consumer's requests/tokens per minute, counted in the policy's Redis when
//! `rate_limits.shared_state` is set; and an audit line per request. Refusals on
//! `/v1/messages` are raised from a pre-call hook, where LiteLLM answers in
//! Anthropic's error shape with the refusal's headers (see the template's docstring).
//! The master key LiteLLM insists on at start-up is never accepted from a client.
//!
//! config.yaml is built as a JSON value and written by [`super::yaml::to_yaml`]: every
//! string a JSON-quoted scalar, so no policy value can change its structure. The
//! hook's settings are one JSON document inside a Python string literal that the
//! hook parses with `json.loads`: policy values never become Python code.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{secrets, Context, File, RenderError, Target};
use crate::policy::{AuthMethod, Consumer, Policy, RateLimitKey, SecretRef};

pub const CONFIG_TEMPLATE: &str = "litellm/config.yaml.j2";
pub const AUTH_TEMPLATE: &str = "litellm/gatectl_auth.py.j2";
/// The templates this target ships, by their path under `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (CONFIG_TEMPLATE, include_str!("../../templates/litellm/config.yaml.j2")),
    (AUTH_TEMPLATE, include_str!("../../templates/litellm/gatectl_auth.py.j2")),
];
pub const CONFIG_FILE: &str = "config.yaml";
/// The hook's module name: LiteLLM imports it from the folder config.yaml is in.
pub const AUTH_MODULE: &str = "gatectl_auth";
/// LiteLLM refuses to start without a master key; it authenticates no client here.
pub const MASTER_KEY_ENV: &str = "LITELLM_MASTER_KEY";
/// Why an mTLS policy does not render: LiteLLM's listener cannot ask for a client certificate.
const MTLS_REFUSAL: &str = "LiteLLM cannot require client certificates (its CLI sets only the server's \
     key and certificate): render the policy for nginx, which verifies them, and put it in front";
/// Where `--prometheus_metrics_port` serves metrics (LiteLLM's own example port), unless the proxy uses it.
const METRICS_PORT: u16 = 4001;

#[derive(Serialize)]
struct ConfigView {
    header: String,
    policy: String,
    port: u16,
    /// The port LiteLLM serves Prometheus metrics on, when the policy sets alerts.
    metrics_port: Option<u16>,
    env: Vec<String>,
    document: String,
}

#[derive(Serialize)]
struct AuthView {
    header: String,
    policy: String,
    /// The hook's settings: a JSON document, itself JSON-encoded as a string literal.
    settings_literal: String,
}

/// The hook's settings, serialised in this field order (written straight to JSON: a JSON value
/// of 10,000 consumers would be built only to be written out).
#[derive(Serialize)]
struct Settings<'a> {
    policy: &'a str,
    auth: &'static str,
    header: String,
    consumers: Vec<ConsumerSetting<'a>>,
    by: &'static str,
    allowlist: &'a [String],
    models: &'a [crate::policy::ModelName],
    oauth2: Value,
    shared_state: Value,
}

/// One consumer as the hook sees it: how it is recognised (the variable holding its key, or its
/// token subject) and its limits.
#[derive(Serialize)]
struct ConsumerSetting<'a> {
    name: &'a str,
    key_env: Option<String>,
    subject: Option<&'a str>,
    rpm: Option<u32>,
    tpm: Option<u64>,
}

fn unrepresentable(field: &str, reason: &str) -> RenderError {
    RenderError::Unrepresentable { target: Target::Litellm, field: field.to_string(), reason: reason.to_string() }
}

pub(super) fn render(cx: &Context) -> Result<Vec<File>, RenderError> {
    let policy = cx.policy;
    if policy.auth.method == AuthMethod::Mtls {
        return Err(unrepresentable("auth.method", MTLS_REFUSAL));
    }

    let provider_key = secrets::litellm(&policy.upstream.api_key);
    let mut env = vec![secrets::env_name(&policy.upstream.api_key), MASTER_KEY_ENV.to_string()];
    let consumers = consumer_settings(policy, &mut env)?;
    let shared_state = shared_state_settings(policy, &mut env);

    let mut document = json!({
        "model_list": model_list(policy, &provider_key),
        "general_settings": general_settings(policy),
        "litellm_settings": {
            // Request and response bodies never reach a logging callback unless the policy asks.
            "turn_off_message_logging": !policy.audit.as_ref().is_some_and(|a| a.log_bodies),
            // Key aliases, user and team ids are not sent to logging callbacks.
            "redact_user_api_key_info": true,
        },
    });
    let port = policy.listener.as_ref().map_or(4000, |l| l.port);
    let metrics_port = policy.alerts.as_ref().map(|_| {
        // The metrics prometheus-rules.yaml reads (src/render/alerts.rs).
        document["litellm_settings"]["callbacks"] = json!(["prometheus"]);
        if port == METRICS_PORT {
            METRICS_PORT + 1
        } else {
            METRICS_PORT
        }
    });
    refuse_environment_references(&document)?;
    let config = ConfigView {
        header: cx.provenance.comment("#"),
        policy: policy.name.0.clone(),
        port,
        metrics_port,
        env,
        document: super::yaml::to_yaml(&document, &Default::default()),
    };
    let config_text =
        cx.templates.render(CONFIG_TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&config)))?;
    // What gatectl's own reader takes is valid YAML; a template override may need the full parser.
    if super::yaml::read(&config_text).is_none() {
        serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&config_text).map_err(|e| RenderError::Malformed {
            path: CONFIG_FILE.into(),
            format: "YAML",
            reason: e.to_string(),
        })?;
    }

    let settings = Settings {
        policy: &policy.name.0,
        auth: policy.auth.method.as_str(),
        header: policy.auth.key_header().0.to_ascii_lowercase(),
        consumers,
        by: match policy.rate_limits.as_ref().map(|l| l.by) {
            Some(RateLimitKey::Ip) => "ip",
            _ => "consumer",
        },
        allowlist: policy.network.as_ref().map(|n| n.ip_allowlist.as_slice()).unwrap_or_default(),
        models: &policy.upstream.models,
        oauth2: oauth2_settings(policy)?,
        shared_state,
    };
    let settings_json = serde_json::to_string(&settings).expect("settings serialise");
    let auth = AuthView {
        header: cx.provenance.comment("#"),
        policy: policy.name.0.clone(),
        settings_literal: python_string(&settings_json),
    };
    let auth_text = cx.templates.render(AUTH_TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&auth)))?;

    Ok(vec![
        File { path: CONFIG_FILE.into(), contents: config_text },
        File { path: format!("{AUTH_MODULE}.py"), contents: auth_text },
    ])
}

/// One deployment per allowed model, or one wildcard deployment when the policy lists none.
fn model_list(policy: &Policy, provider_key: &str) -> Value {
    let api_base = policy.upstream.url.trim_end_matches('/');
    let mut extra_headers = Map::new();
    // A default only: LiteLLM sends the client's anthropic-version when there is one.
    if let Some(version) = &policy.upstream.anthropic_version {
        extra_headers.insert("anthropic-version".into(), json!(version));
    }
    for (name, value) in policy.headers.as_ref().map(|h| &h.add).into_iter().flatten() {
        extra_headers.insert(name.0.to_ascii_lowercase(), json!(value.0));
    }
    let deployment = |name: &str, model: String| {
        let mut params = Map::new();
        params.insert("model".into(), json!(model));
        params.insert("api_key".into(), json!(provider_key));
        params.insert("api_base".into(), json!(api_base));
        if !extra_headers.is_empty() {
            params.insert("extra_headers".into(), Value::Object(extra_headers.clone()));
        }
        json!({"model_name": name, "litellm_params": params})
    };
    if policy.upstream.models.is_empty() {
        json!([deployment("*", "anthropic/*".into())])
    } else {
        Value::Array(policy.upstream.models.iter().map(|m| deployment(&m.0, format!("anthropic/{}", m.0))).collect())
    }
}

fn general_settings(policy: &Policy) -> Value {
    let mut settings = Map::new();
    settings.insert("master_key".into(), json!(master_key()));
    settings.insert("custom_auth".into(), json!(format!("{AUTH_MODULE}.user_api_key_auth")));
    // Route checks (admin-only routes stay closed to consumers) also run for custom auth.
    settings.insert("custom_auth_run_common_checks".into(), json!(true));
    let header = policy.auth.key_header();
    if policy.auth.method == AuthMethod::ApiKey && !header.is("authorization") {
        // LiteLLM then strips this header from what it forwards, like Authorization.
        settings.insert("litellm_key_header_name".into(), json!(header.0.to_ascii_lowercase()));
    }
    Value::Object(settings)
}

fn master_key() -> String {
    secrets::litellm(&SecretRef(format!("env:{MASTER_KEY_ENV}")))
}

/// LiteLLM replaces every string value of its config that starts with `os.environ/` (at any
/// depth) with that environment variable: a policy value such as a `headers.add` value of
/// `os.environ/ANTHROPIC_API_KEY` (or `os.environ/LITELLM_MASTER_KEY`, gatectl's own) would
/// send that secret upstream in another header. Only gatectl's own secret fields — each
/// deployment's `api_key` and the `master_key` — may have that form, whatever they hold.
fn refuse_environment_references(document: &Value) -> Result<(), RenderError> {
    let mut strings = Vec::new();
    strings_of(document, &mut Vec::new(), &mut strings);
    for (path, value) in strings {
        let secret_field =
            matches!(path.as_slice(), ["model_list", "litellm_params", "api_key"] | ["general_settings", "master_key"]);
        if value.starts_with(ENV_PREFIX) && !secret_field {
            let field = match path.as_slice() {
                [.., "extra_headers", name] => format!("headers.add.{name}"),
                _ => path.join("."),
            };
            return Err(unrepresentable(
                &field,
                "LiteLLM reads a config value starting with `os.environ/` as an environment variable \
                 (it would send that variable's value upstream)",
            ));
        }
    }
    Ok(())
}

const ENV_PREFIX: &str = "os.environ/";

/// Every string value with the keys leading to it.
fn strings_of<'a>(value: &'a Value, path: &mut Vec<&'a str>, out: &mut Vec<(Vec<&'a str>, &'a str)>) {
    match value {
        Value::String(s) => out.push((path.clone(), s)),
        Value::Array(items) => items.iter().for_each(|item| strings_of(item, path, out)),
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k);
                strings_of(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The hook's view of each consumer ([`ConsumerSetting`]); the variables holding keys join `env`.
fn consumer_settings<'a>(policy: &'a Policy, env: &mut Vec<String>) -> Result<Vec<ConsumerSetting<'a>>, RenderError> {
    let limits = policy.rate_limits.as_ref();
    let entry = |name: &'a str, key_env: Option<String>, subject: Option<&'a str>, consumer: Option<&'a Consumer>| {
        let own = consumer.and_then(|c| c.rate_limit.as_ref());
        let rpm = own.and_then(|r| r.requests_per_minute).or(limits.and_then(|l| l.requests_per_minute));
        let tpm = own.and_then(|r| r.tokens_per_minute).or(limits.and_then(|l| l.tokens_per_minute));
        ConsumerSetting { name, key_env, subject, rpm, tpm }
    };
    if policy.auth.method == AuthMethod::None {
        return Ok(vec![entry("anonymous", None, None, None)]);
    }
    let mut out = Vec::new();
    // A set beside the ordered list: linear even for 10,000 consumers.
    let mut listed: std::collections::HashSet<String> = env.iter().cloned().collect();
    for consumer in &policy.consumers {
        let field = || format!("consumers.{}", consumer.name.0);
        if policy.auth.method == AuthMethod::Oauth2 {
            let subject = consumer
                .subject
                .as_deref()
                .ok_or_else(|| unrepresentable(&field(), "an oauth2 consumer without a `subject`"))?;
            out.push(entry(&consumer.name.0, None, Some(subject), Some(consumer)));
            continue;
        }
        let key =
            consumer.key.as_ref().ok_or_else(|| unrepresentable(&field(), "an api_key consumer without a `key`"))?;
        let key_env = secrets::env_name(key);
        if listed.insert(key_env.clone()) {
            env.push(key_env.clone());
        }
        out.push(entry(&consumer.name.0, Some(key_env), None, Some(consumer)));
    }
    if out.is_empty() {
        return Err(unrepresentable("consumers", "a gateway without consumers would let nobody in"));
    }
    Ok(out)
}

/// What the hook checks of an access token. Every claim the policy names is required:
/// without issuer, JWKS URL or audience the hook would accept tokens it cannot check
/// (lint reports them; a suppressed finding must not render a weaker gateway).
fn oauth2_settings(policy: &Policy) -> Result<Value, RenderError> {
    if policy.auth.method != AuthMethod::Oauth2 {
        return Ok(Value::Null);
    }
    let oauth2 = policy
        .auth
        .oauth2
        .as_ref()
        .ok_or_else(|| unrepresentable("auth.oauth2", "oauth2 without an `auth.oauth2` section"))?;
    let required = |field: &str, value: &Option<String>| {
        value.clone().ok_or_else(|| {
            unrepresentable(&format!("auth.oauth2.{field}"), "the hook validates every token against it: set it")
        })
    };
    Ok(json!({
        "issuer": required("issuer", &oauth2.issuer)?,
        "jwks_url": required("jwks_url", &oauth2.jwks_url)?,
        "audience": required("audience", &oauth2.audience)?,
        "scopes": oauth2.required_scopes,
        "max_lifetime_seconds": oauth2.max_token_lifetime_minutes.map(|m| u64::from(m) * 60),
    }))
}

/// Where the counters live when several replicas share them, and what to do without them.
fn shared_state_settings(policy: &Policy, env: &mut Vec<String>) -> Value {
    let Some(limits) = policy.rate_limits.as_ref() else { return Value::Null };
    let Some(url) = &limits.shared_state else { return Value::Null };
    let password_env = limits.shared_state_password.as_ref().map(secrets::env_name);
    if let Some(name) = &password_env {
        if !env.contains(name) {
            env.push(name.clone());
        }
    }
    json!({"url": url, "password_env": password_env, "failure": limits.shared_state_failure.as_str()})
}

/// A Python string literal: JSON's string syntax is a subset of Python's.
fn python_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_gatectl_secret_fields_may_hold_environment_references() {
        let ours = "os.environ/KEY";
        let ok = json!({"model_list": [{"litellm_params": {"api_key": ours, "x": " os.environ/LEADING_SPACE"}}],
            "general_settings": {"master_key": "os.environ/LITELLM_MASTER_KEY"}});
        assert!(refuse_environment_references(&ok).is_ok());
        // gatectl's own references too, anywhere else: LiteLLM would send the master key upstream.
        for leaked in [ours, "os.environ/LITELLM_MASTER_KEY", "os.environ/OTHER"] {
            let bad = json!({"model_list": [{"litellm_params": {"extra_headers": {"x-leak": leaked}}}]});
            let err = refuse_environment_references(&bad).unwrap_err().to_string();
            assert!(err.contains("`headers.add.x-leak`"), "{err}");
        }
    }

    #[test]
    fn python_literals_cannot_break_out() {
        assert_eq!(python_string("a\"b\\c\n'''"), r#""a\"b\\c\n'''""#);
    }
}
