//! Kong (OSS 3.x): a decK declarative file, `kong.yaml` (`_format_version: "3.0"`, also the
//! DB-less file once decK has substituted it), and the `kong.conf` settings Kong keeps outside
//! it: listener, TLS floor and ciphers, certificates.
//!
//! kong.yaml is built here as a JSON value and written by [`yaml`]: every string is a
//! JSON-quoted scalar (JSON strings are YAML), so no policy value can change the file's
//! structure. The only bare scalars are decK substitutions made by
//! [`secrets::deck_env_quoted`], which decK replaces with a Go-quoted string before it parses
//! the file. decK substitutes on the raw text, so a policy value holding `${{` is refused.
//! The template only adds the provenance header and comments.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::yaml::to_yaml;
use super::{secrets, Context, File, RenderError, Target};
use crate::policy::{AuthMethod, KongEdition, Policy, RateLimitKey, RateLimits, Reference, SecretRef, TlsVersion};

pub const YAML_TEMPLATE: &str = "kong/kong.yaml.j2";
pub const CONF_TEMPLATE: &str = "kong/kong.conf.j2";
/// The templates this target ships, by their path under `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (YAML_TEMPLATE, include_str!("../../templates/kong/kong.yaml.j2")),
    (CONF_TEMPLATE, include_str!("../../templates/kong/kong.conf.j2")),
];

/// Routes Anthropic clients call; regex paths so `/v1/messages/batches` is not caught by prefix.
const ROUTES: &[(&str, &str)] = &[("messages", "~/v1/messages$"), ("count-tokens", "~/v1/messages/count_tokens$")];
/// Streams can run for minutes: Kong's 60 s default read timeout would cut them.
const SSE_READ_TIMEOUT_MS: u64 = 600_000;
/// TLS 1.2 suites when the policy lists none: ECDHE with AEAD only (TLS 1.3 suites are always AEAD).
const DEFAULT_TLS12_CIPHERS: &[&str] = &[
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
];
/// Trust store for the upstream's certificate (service `tls_verify`), Debian's CA bundle.
const UPSTREAM_CA: &str = "/etc/ssl/certs/ca-certificates.crt";
/// Headers that carry credentials: never sent upstream from the client, never logged.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "x-api-key"];

#[derive(Serialize)]
struct YamlView {
    header: String,
    policy: String,
    document: String,
}

#[derive(Serialize)]
struct ConfView {
    header: String,
    policy: String,
    settings: Vec<Setting>,
}

#[derive(Serialize)]
struct Setting {
    comment: &'static str,
    key: &'static str,
    value: String,
}

pub(super) fn render(cx: &Context) -> Result<Vec<File>, RenderError> {
    let policy = cx.policy;
    let enterprise = policy.targets.kong.as_ref().is_some_and(|k| k.edition == KongEdition::Enterprise);
    match policy.auth.method {
        AuthMethod::Oauth2 | AuthMethod::Mtls if enterprise => {
            return Err(unrepresentable(
                "auth.method",
                "openid-connect / mtls-auth (Kong Enterprise) are not rendered: gatectl has no schema to validate their configuration against",
            ))
        }
        AuthMethod::Oauth2 => {
            return Err(unrepresentable(
                "auth.method",
                "Kong OSS has only the jwt plugin (per-consumer secrets, no JWKS URL); openid-connect is Kong Enterprise",
            ))
        }
        AuthMethod::Mtls => {
            return Err(unrepresentable("auth.method", "Kong OSS cannot authenticate client certificates; mtls-auth is Kong Enterprise"))
        }
        AuthMethod::ApiKey | AuthMethod::None => {}
    }
    check_header_values(policy)?;

    // decK substitutions, written as bare scalars; every other string is JSON-quoted.
    let mut substitutions = BTreeSet::new();
    let mut deck = |reference: &SecretRef, prefix: &str| {
        let template = secrets::deck_env_quoted(reference, prefix);
        substitutions.insert(template.clone());
        template
    };

    let service = policy.name.0.clone();
    let mut plugins = Vec::new();
    if policy.auth.method == AuthMethod::ApiKey {
        plugins.push(plugin(
            "key-auth",
            json!({
                "key_names": [policy.auth.key_header().0.to_ascii_lowercase()],
                "hide_credentials": true,
                "key_in_header": true,
                "key_in_query": false,
                "key_in_body": false,
            }),
        ));
    }
    if let Some(network) = policy.network.as_ref().filter(|n| !n.ip_allowlist.is_empty()) {
        plugins.push(plugin("ip-restriction", json!({ "allow": network.ip_allowlist })));
    }
    let limits = policy.rate_limits.as_ref();
    if let Some(rpm) = limits.and_then(|l| l.requests_per_minute) {
        plugins.push(plugin("rate-limiting", rate_limiting(limits, rpm, limits.and_then(|l| l.burst))?));
    }
    plugins.push(plugin("request-transformer", request_transformer(policy, &mut deck)));
    let tls = policy.listener.as_ref().and_then(|l| l.tls.as_ref());
    if let Some(hsts) = tls.and_then(|t| t.hsts.as_ref()) {
        let value = format!("strict-transport-security:{}", hsts.header_value());
        // `add` skips a header the upstream already sent: remove it first.
        plugins.push(plugin(
            "response-transformer",
            json!({ "remove": { "headers": ["strict-transport-security"] }, "add": { "headers": [value] } }),
        ));
    }
    if policy.audit.as_ref().is_some_and(|a| a.enabled) {
        plugins.push(plugin("file-log", audit_log(policy)));
    }

    let sse = policy.streaming.as_ref().is_none_or(|s| s.sse);
    let protocols = policy.listener.as_ref().map(|l| if l.tls.is_some() { "https" } else { "http" });
    let routes: Vec<Value> = ROUTES
        .iter()
        .map(|(suffix, path)| {
            let mut route = Map::new();
            route.insert("name".into(), json!(format!("{service}-{suffix}")));
            route.insert("paths".into(), json!([path]));
            route.insert("methods".into(), json!(["POST"]));
            if let Some(protocol) = protocols {
                route.insert("protocols".into(), json!([protocol]));
            }
            route.insert("strip_path".into(), json!(false));
            route.insert("preserve_host".into(), json!(false));
            route.insert("request_buffering".into(), json!(false));
            route.insert("response_buffering".into(), json!(!sse));
            Value::Object(route)
        })
        .collect();

    let upstream = policy.upstream.url.trim_end_matches('/');
    let mut service_entity = Map::new();
    service_entity.insert("name".into(), json!(service));
    service_entity.insert("url".into(), json!(upstream));
    service_entity.insert("connect_timeout".into(), json!(10_000));
    service_entity.insert("write_timeout".into(), json!(60_000));
    service_entity.insert("read_timeout".into(), json!(if sse { SSE_READ_TIMEOUT_MS } else { 60_000 }));
    if upstream.starts_with("https://") {
        service_entity.insert("tls_verify".into(), json!(true));
    }
    service_entity.insert("routes".into(), Value::Array(routes));
    service_entity.insert("plugins".into(), Value::Array(plugins));

    let mut document = Map::new();
    document.insert("_format_version".into(), json!("3.0"));
    document.insert("services".into(), json!([Value::Object(service_entity)]));

    if policy.auth.method == AuthMethod::ApiKey {
        let bearer = policy.auth.key_header().is("authorization");
        let consumers: Vec<Value> = policy
            .consumers
            .iter()
            .map(|c| {
                let mut consumer = Map::new();
                consumer.insert("username".into(), json!(c.name.0));
                if let Some(key) = &c.key {
                    // `Authorization: Bearer <key>`: key-auth compares the whole header value.
                    let key = deck(key, if bearer { "Bearer " } else { "" });
                    consumer.insert("keyauth_credentials".into(), json!([{ "key": key }]));
                }
                Value::Object(consumer)
            })
            .collect();
        if !consumers.is_empty() {
            document.insert("consumers".into(), Value::Array(consumers));
        }
        // Per-consumer limits: instances scoped to consumer and service outrank the service's.
        let mut overrides = Vec::new();
        for consumer in &policy.consumers {
            let Some(o) = &consumer.rate_limit else { continue };
            if o.requests_per_minute.is_none() && o.burst.is_none() {
                continue;
            }
            let Some(rpm) = o.requests_per_minute.or(limits.and_then(|l| l.requests_per_minute)) else { continue };
            let mut instance =
                plugin("rate-limiting", rate_limiting(limits, rpm, o.burst.or(limits.and_then(|l| l.burst)))?);
            if let Value::Object(map) = &mut instance {
                map.insert("consumer".into(), json!(consumer.name.0));
                map.insert("service".into(), json!(service));
            }
            overrides.push(instance);
        }
        if !overrides.is_empty() {
            document.insert("plugins".into(), Value::Array(overrides));
        }
    }

    let document = Value::Object(document);
    if let Some(s) = strings(&document).into_iter().find(|s| s.contains("${{") && !substitutions.contains(*s)) {
        return Err(unrepresentable(
            "headers.add",
            &format!("decK would evaluate `${{{{` in {}", crate::credentials::redact(s)),
        ));
    }
    let header = cx.provenance.comment("#");
    let view = YamlView {
        header: header.clone(),
        policy: policy.name.0.clone(),
        document: to_yaml(&document, &substitutions),
    };
    let kong_yaml = cx.templates.render(YAML_TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&view)))?;
    let view = ConfView { header, policy: policy.name.0.clone(), settings: conf_settings(policy)? };
    let kong_conf = cx.templates.render(CONF_TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&view)))?;
    Ok(vec![
        File { path: "kong.yaml".into(), contents: kong_yaml },
        File { path: "kong.conf".into(), contents: kong_conf },
    ])
}

fn unrepresentable(field: &str, reason: &str) -> RenderError {
    RenderError::Unrepresentable { target: Target::Kong, field: field.to_string(), reason: reason.to_string() }
}

fn plugin(name: &str, config: Value) -> Value {
    json!({ "name": name, "config": config })
}

/// Values request-transformer would not carry as written: it evaluates `$(...)` as a Lua
/// template, drops the colons that start a value (`name:value` split), and skips empty values.
fn check_header_values(policy: &Policy) -> Result<(), RenderError> {
    for (name, value) in policy.headers.iter().flat_map(|h| h.add.iter()) {
        let field = format!("headers.add.{}", name.0);
        let reason = if value.0.contains("${{") {
            "decK evaluates `${{` as a template when it reads kong.yaml"
        } else if value.0.contains("$(") {
            "request-transformer evaluates `$(...)` in header values as a Lua template"
        } else if value.0.starts_with(':') {
            "request-transformer drops the colons that start a header value"
        } else if value.0.is_empty() {
            "request-transformer does not add a header with an empty value"
        } else {
            continue;
        };
        return Err(unrepresentable(&field, reason));
    }
    Ok(())
}

/// rate-limiting: `minute` from the policy; the burst becomes the per-second limit (Kong counts
/// fixed windows and has no burst), never above the minute's.
fn rate_limiting(limits: Option<&RateLimits>, rpm: u32, burst: Option<u32>) -> Result<Value, RenderError> {
    let mut config = Map::new();
    if let Some(burst) = burst.filter(|b| *b > 0) {
        config.insert("second".into(), json!(burst.min(rpm)));
    }
    config.insert("minute".into(), json!(rpm));
    let by_ip = limits.is_some_and(|l| l.by == RateLimitKey::Ip);
    config.insert("limit_by".into(), json!(if by_ip { "ip" } else { "consumer" }));
    match limits.and_then(|l| l.shared_state.as_deref()) {
        None => {
            config.insert("policy".into(), json!("local"));
        }
        Some(url) => {
            let (tls, rest) = match url.strip_prefix("rediss://") {
                Some(rest) => (true, rest),
                None => (false, url.strip_prefix("redis://").unwrap_or(url)),
            };
            let (address, database) = rest.split_once('/').unwrap_or((rest, "0"));
            let (host, port) = address.split_once(':').unwrap_or((address, "6379"));
            let port: u16 =
                port.parse().map_err(|_| unrepresentable("rate_limits.shared_state", "the port is not a number"))?;
            let database: u32 = database
                .parse()
                .map_err(|_| unrepresentable("rate_limits.shared_state", "the database is not a number"))?;
            let mut redis = Map::new();
            redis.insert("host".into(), json!(host));
            redis.insert("port".into(), json!(port));
            redis.insert("database".into(), json!(database));
            redis.insert("timeout".into(), json!(2000));
            redis.insert("ssl".into(), json!(tls));
            if tls {
                redis.insert("ssl_verify".into(), json!(true));
                redis.insert("server_name".into(), json!(host));
            }
            if let Some(password) = limits.and_then(|l| l.shared_state_password.as_ref()) {
                // The redis password is vault-referenceable: Kong resolves it at run time.
                redis.insert("password".into(), json!(secrets::kong_vault(password)));
            }
            config.insert("policy".into(), json!("redis"));
            config.insert("redis".into(), Value::Object(redis));
        }
    }
    Ok(Value::Object(config))
}

/// request-transformer runs remove → rename → replace → add → append, and `add` skips a header
/// the client sent: what must be set whatever the client sends is removed first, then added.
fn request_transformer(policy: &Policy, deck: &mut impl FnMut(&SecretRef, &str) -> String) -> Value {
    let headers = policy.headers.as_ref();
    let mut remove: Vec<String> = CREDENTIAL_HEADERS.iter().map(|h| h.to_string()).collect();
    remove.push(policy.auth.key_header().0.to_ascii_lowercase());
    remove.extend(headers.iter().flat_map(|h| h.remove.iter()).map(|h| h.0.to_ascii_lowercase()));
    remove.extend(headers.iter().flat_map(|h| h.add.keys()).map(|h| h.0.to_ascii_lowercase()));
    let mut seen = BTreeSet::new();
    remove.retain(|h| seen.insert(h.clone()));

    let mut add = vec![deck(&policy.upstream.api_key, "x-api-key:")];
    if let Some(version) = &policy.upstream.anthropic_version {
        // Not removed first: the client's own anthropic-version wins.
        add.push(format!("anthropic-version:{version}"));
    }
    add.extend(headers.iter().flat_map(|h| h.add.iter()).map(|(n, v)| format!("{}:{}", n.0.to_ascii_lowercase(), v.0)));
    json!({ "remove": { "headers": remove }, "add": { "headers": add } })
}

/// file-log: one JSON line per request. Kong's serializer redacts `authorization` only, and
/// request-transformer has just set the provider key in `x-api-key`: every credential header
/// is dropped from the entry.
fn audit_log(policy: &Policy) -> Value {
    let mut redact: BTreeSet<String> = CREDENTIAL_HEADERS.iter().map(|h| h.to_string()).collect();
    redact.insert(policy.auth.key_header().0.to_ascii_lowercase());
    if let Some(audit) = &policy.audit {
        redact.extend(audit.redact_headers.iter().map(|h| h.0.to_ascii_lowercase()));
    }
    let fields: Map<String, Value> =
        redact.into_iter().map(|h| (format!("request.headers.{h}"), json!("return nil"))).collect();
    json!({
        "path": format!("/usr/local/kong/logs/gatectl-{}-audit.log", policy.name.0),
        "reopen": false,
        "custom_fields_by_lua": fields,
    })
}

fn conf_settings(policy: &Policy) -> Result<Vec<Setting>, RenderError> {
    let mut settings = Vec::new();
    let mut set = |comment, key, value: String| settings.push(Setting { comment, key, value });
    if let Some(listener) = &policy.listener {
        let loopback = ["localhost", "127.0.0.1", "ip6-localhost"].contains(&listener.host.as_str());
        let address = if loopback { "127.0.0.1" } else { "0.0.0.0" };
        let ssl = if listener.tls.is_some() { " ssl" } else { "" };
        set("Clients connect here.", "proxy_listen", format!("{address}:{}{ssl}", listener.port));
        if let Some(tls) = &listener.tls {
            set("`custom`: otherwise Kong ignores ssl_protocols and ssl_ciphers.", "ssl_cipher_suite", "custom".into());
            let protocols = if tls.min_version >= TlsVersion::V1_3 { "TLSv1.3" } else { "TLSv1.2 TLSv1.3" };
            set("The policy's TLS floor.", "ssl_protocols", protocols.into());
            let ciphers: Vec<&str> = if tls.ciphers.is_empty() {
                DEFAULT_TLS12_CIPHERS.to_vec()
            } else {
                tls.ciphers.iter().map(|c| c.0.as_str()).collect()
            };
            set("TLS 1.2 suites (TLS 1.3 suites are always AEAD).", "ssl_ciphers", ciphers.join(":"));
            set("", "ssl_prefer_server_ciphers", "on".into());
            set("", "ssl_session_tickets", "off".into());
            set(
                "A path, or a vault reference Kong resolves at start.",
                "ssl_cert",
                conf_secret("listener.tls.certificate", &tls.certificate)?,
            );
            set("", "ssl_cert_key", conf_secret("listener.tls.private_key", &tls.private_key)?);
        }
    }
    if policy.upstream.url.starts_with("https://") {
        set(
            "Trust store for the service's tls_verify (Kong verifies no upstream certificate by default).",
            "nginx_proxy_proxy_ssl_trusted_certificate",
            UPSTREAM_CA.into(),
        );
    }
    if policy.audit.as_ref().is_some_and(|a| a.enabled) {
        set(
            "file-log's custom_fields_by_lua (credential redaction) needs Lua enabled.",
            "untrusted_lua",
            "sandbox".into(),
        );
    }
    Ok(settings)
}

/// A secret kong.conf reads: a `file:` path as is, anything else as an env-vault reference.
fn conf_secret(field: &str, reference: &SecretRef) -> Result<String, RenderError> {
    let value = match reference.parse() {
        Ok(Reference::File { path }) => path.to_string(),
        _ => secrets::kong_vault(reference),
    };
    // kong.conf: `#` starts a comment, `,` separates list items, surrounding blanks are trimmed.
    let safe = value.chars().all(|c| c.is_ascii_alphanumeric() || "/._-:{}@+= ".contains(c));
    if value.is_empty() || !safe || value.trim() != value {
        return Err(unrepresentable(field, "kong.conf cannot carry this path (only letters, digits and /._-:@+= )"));
    }
    Ok(value)
}

/// Every string in a JSON value, keys included.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.iter().flat_map(|(k, v)| std::iter::once(k.as_str()).chain(strings(v))).collect(),
        _ => Vec::new(),
    }
}
