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
//!
//! `targets.kong.edition: enterprise` adds Kong Enterprise's plugins ([`enterprise`]); what no
//! declarative plugin can do (Anthropic-shaped refusals, token lifetime) is one pre-function
//! ([`lua`]).

mod enterprise;
mod lua;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::yaml::to_yaml;
use super::{secrets, Context, File, RenderError, Target};
use crate::policy::{
    AuthMethod, KongEdition, Policy, RateLimitKey, RateLimits, Reference, SecretRef, SharedStateFailure,
};

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
        AuthMethod::Oauth2 if !enterprise => return Err(unrepresentable("auth.method", OSS_OAUTH2_REFUSAL)),
        AuthMethod::Mtls if !enterprise => {
            return Err(unrepresentable(
                "auth.method",
                "Kong OSS cannot authenticate client certificates; mtls-auth is Kong Enterprise (targets.kong.edition: enterprise)",
            ))
        }
        _ => {}
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
    let not_found_route = format!("{service}-not-found");
    let lifetime = policy
        .auth
        .oauth2
        .as_ref()
        .filter(|_| policy.auth.method == AuthMethod::Oauth2)
        .and_then(|o| o.max_token_lifetime_minutes)
        .map(|m| u64::from(m) * 60);
    let mut plugins = vec![plugin("pre-function", lua::pre_function(&not_found_route, lifetime))];
    let mut ca_certificates = Vec::new();
    match policy.auth.method {
        AuthMethod::ApiKey => plugins.push(plugin(
            "key-auth",
            json!({
                "key_names": [policy.auth.key_header().0.to_ascii_lowercase()],
                "hide_credentials": true,
                "key_in_header": true,
                "key_in_query": false,
                "key_in_body": false,
            }),
        )),
        AuthMethod::Oauth2 => {
            let oauth2 = policy.auth.oauth2.as_ref().ok_or_else(|| unrepresentable("auth.oauth2", "missing"))?;
            plugins.push(plugin("openid-connect", enterprise::openid_connect(oauth2)));
        }
        AuthMethod::Mtls => {
            let ca = policy
                .auth
                .mtls
                .as_ref()
                .and_then(|m| m.ca_certificate.as_ref())
                .ok_or_else(|| unrepresentable("auth.mtls.ca_certificate", "mtls-auth needs the client CA"))?;
            let id = entity_id(&service, "client-ca");
            // The CA's PEM is filled in by decK from the deploy job's environment, never read here.
            ca_certificates.push(json!({ "id": id, "cert": deck(ca, "") }));
            plugins.push(plugin("mtls-auth", enterprise::mtls_auth(&id)));
        }
        AuthMethod::None => {}
    }
    if let Some(network) = policy.network.as_ref().filter(|n| !n.ip_allowlist.is_empty()) {
        plugins.push(plugin("ip-restriction", json!({ "allow": network.ip_allowlist })));
    }
    let limits = policy.rate_limits.as_ref();
    let limiter = |rpm: u32, burst: Option<u32>, scope: &str| -> Result<Value, RenderError> {
        if enterprise {
            let namespace = format!("{service}-{scope}");
            Ok(plugin("rate-limiting-advanced", enterprise::rate_limiting_advanced(limits, rpm, burst, &namespace)?))
        } else {
            Ok(plugin("rate-limiting", rate_limiting(limits, rpm, burst)?))
        }
    };
    if let Some(rpm) = limits.and_then(|l| l.requests_per_minute) {
        plugins.push(limiter(rpm, limits.and_then(|l| l.burst), "default")?);
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
    if policy.alerts.is_some() {
        // What prometheus-rules.yaml reads (src/render/alerts.rs); Kong turns all three off by default.
        plugins.push(plugin(
            "prometheus",
            json!({ "status_code_metrics": true, "latency_metrics": true, "per_consumer": true }),
        ));
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
    // Every other path: the pre-function answers it with an Anthropic-shaped 404 (after the
    // service's plugins, which refuse unauthenticated callers first).
    let mut routes = routes;
    let mut catch_all = Map::new();
    catch_all.insert("name".into(), json!(not_found_route));
    catch_all.insert("paths".into(), json!(["/"]));
    if let Some(protocol) = protocols {
        catch_all.insert("protocols".into(), json!([protocol]));
    }
    catch_all.insert("strip_path".into(), json!(false));
    routes.push(Value::Object(catch_all));

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

    if !ca_certificates.is_empty() {
        document.insert("ca_certificates".into(), Value::Array(ca_certificates));
    }
    if policy.auth.method != AuthMethod::None {
        let bearer = policy.auth.key_header().is("authorization");
        let consumers: Vec<Value> = policy
            .consumers
            .iter()
            .map(|c| {
                let mut consumer = Map::new();
                consumer.insert("username".into(), json!(c.name.0));
                match policy.auth.method {
                    // openid-connect (`sub`) and mtls-auth (certificate CN) look consumers up by custom_id.
                    AuthMethod::Oauth2 | AuthMethod::Mtls => {
                        if let Some(subject) = &c.subject {
                            consumer.insert("custom_id".into(), json!(subject));
                        }
                    }
                    _ => {
                        if let Some(key) = &c.key {
                            // `Authorization: Bearer <key>`: key-auth compares the whole header value.
                            let key = deck(key, if bearer { "Bearer " } else { "" });
                            consumer.insert("keyauth_credentials".into(), json!([{ "key": key }]));
                        }
                    }
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
            let mut instance = limiter(rpm, o.burst.or(limits.and_then(|l| l.burst)), &consumer.name.0)?;
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
    let view = ConfView { header, policy: policy.name.0.clone(), settings: conf_settings(policy, lifetime)? };
    let kong_conf = cx.templates.render(CONF_TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&view)))?;
    Ok(vec![
        File { path: "kong.yaml".into(), contents: kong_yaml },
        File { path: "kong.conf".into(), contents: kong_conf },
    ])
}

/// Why OSS Kong refuses oauth2 (its jwt plugin would be a weaker, brittle stand-in).
const OSS_OAUTH2_REFUSAL: &str = "Kong OSS has only the jwt plugin, which checks neither issuer, audience nor scopes, and finds a consumer's public key by one claim whose jwt_secrets key is unique: mapping tokens to consumers by subject leaves one IdP key per consumer, so the IdP's key rotation locks clients out; openid-connect is Kong Enterprise (targets.kong.edition: enterprise)";

/// A stable entity id (UUID-shaped, from the policy name and a role) for entities other
/// entities point at by id, so the rendered file is byte-stable and diffs line up.
fn entity_id(policy: &str, role: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("gatectl/{policy}/{role}").as_bytes());
    let mut bytes: [u8; 16] = digest[..16].try_into().expect("sha256 has 32 bytes");
    bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8: custom
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
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
            config.insert("policy".into(), json!("redis"));
            let password = limits.and_then(|l| l.shared_state_password.as_ref());
            config.insert("redis".into(), redis(url, password, RedisTarget::Oss)?);
            // `rate_limits.shared_state_failure`: proxied uncounted (`true`) or refused with 500.
            let allow = limits.is_none_or(|l| l.shared_state_failure == SharedStateFailure::Allow);
            config.insert("fault_tolerant".into(), json!(allow));
        }
    }
    Ok(Value::Object(config))
}

/// Whose redis block: rate-limiting's (one `timeout`) or the Enterprise limiters' (three).
#[derive(Clone, Copy, PartialEq, Eq)]
enum RedisTarget {
    Oss,
    Advanced,
}

/// The limiters' `redis` block from `rate_limits.shared_state` (`redis[s]://host[:port][/db]`,
/// the schema's pattern); the password is vault-referenceable, so Kong resolves it at run time.
fn redis(url: &str, password: Option<&SecretRef>, target: RedisTarget) -> Result<Value, RenderError> {
    let (tls, rest) = match url.strip_prefix("rediss://") {
        Some(rest) => (true, rest),
        None => (false, url.strip_prefix("redis://").unwrap_or(url)),
    };
    let (address, database) = rest.split_once('/').unwrap_or((rest, "0"));
    let (host, port) = address.split_once(':').unwrap_or((address, "6379"));
    let port: u16 =
        port.parse().map_err(|_| unrepresentable("rate_limits.shared_state", "the port is not a number"))?;
    let database: u32 =
        database.parse().map_err(|_| unrepresentable("rate_limits.shared_state", "the database is not a number"))?;
    let mut redis = Map::new();
    redis.insert("host".into(), json!(host));
    redis.insert("port".into(), json!(port));
    redis.insert("database".into(), json!(database));
    match target {
        RedisTarget::Oss => {
            redis.insert("timeout".into(), json!(2000));
        }
        RedisTarget::Advanced => {
            for timeout in ["connect_timeout", "read_timeout", "send_timeout"] {
                redis.insert(timeout.into(), json!(2000));
            }
        }
    }
    redis.insert("ssl".into(), json!(tls));
    if tls {
        redis.insert("ssl_verify".into(), json!(true));
        redis.insert("server_name".into(), json!(host));
    }
    if let Some(password) = password {
        redis.insert("password".into(), json!(secrets::kong_vault(password)));
    }
    Ok(Value::Object(redis))
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
/// is dropped from the entry. It already holds the time (`started_at`), client IP, method, URL,
/// status and latencies; `gatectl.*` adds the seeds' other fields Kong knows at log time
/// (the model and token counts it does not: the body is streamed, never parsed).
fn audit_log(policy: &Policy) -> Value {
    let mut redact: BTreeSet<String> = CREDENTIAL_HEADERS.iter().map(|h| h.to_string()).collect();
    redact.insert(policy.auth.key_header().0.to_ascii_lowercase());
    if let Some(audit) = &policy.audit {
        redact.extend(audit.redact_headers.iter().map(|h| h.0.to_ascii_lowercase()));
    }
    let mut fields: Map<String, Value> =
        redact.into_iter().map(|h| (format!("request.headers.{h}"), json!("return nil"))).collect();
    for (field, lua) in AUDIT_FIELDS {
        fields.insert(format!("gatectl.{field}"), json!(lua));
    }
    fields.insert(
        "gatectl.auth_method".into(),
        json!(format!("return {}", lua::lua_string(policy.auth.method.as_str()))),
    );
    json!({
        "path": format!("/usr/local/kong/logs/gatectl-{}-audit.log", policy.name.0),
        "reopen": false,
        "custom_fields_by_lua": fields,
    })
}

/// The audit fields the seeds list that Kong's serializer lacks or buries, as log-phase Lua.
const AUDIT_FIELDS: &[(&str, &str)] = &[
    ("request_id", "return ngx.var.request_id"),
    ("consumer", "local c = kong.client.get_consumer() return c and c.username"),
    ("endpoint", "return kong.request.get_path()"),
    ("method", "return kong.request.get_method()"),
    ("status", "return kong.response.get_status()"),
    ("response_time_ms", "return math.floor(tonumber(ngx.var.request_time) * 1000)"),
    ("rate_limited", "return kong.response.get_status() == 429"),
];

fn conf_settings(policy: &Policy, token_lifetime: Option<u64>) -> Result<Vec<Setting>, RenderError> {
    let mut settings = Vec::new();
    let mut set = |comment, key, value: String| settings.push(Setting { comment, key, value });
    if let Some(listener) = &policy.listener {
        let loopback = ["localhost", "127.0.0.1", "ip6-localhost"].contains(&listener.host.as_str());
        let address = if loopback { "127.0.0.1" } else { "0.0.0.0" };
        let ssl = if listener.tls.is_some() { " ssl" } else { "" };
        set("Clients connect here.", "proxy_listen", format!("{address}:{}{ssl}", listener.port));
        if let Some(tls) = &listener.tls {
            set("`custom`: otherwise Kong ignores ssl_protocols and ssl_ciphers.", "ssl_cipher_suite", "custom".into());
            let (certificate, private_key) = super::requirements::server_certificate(tls, Target::Kong)?;
            let protocols = super::tls_protocols(Target::Kong, tls.min_version)?;
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
                conf_secret("listener.tls.certificate", certificate)?,
            );
            set("", "ssl_cert_key", conf_secret("listener.tls.private_key", private_key)?);
        }
    }
    if policy.upstream.url.starts_with("https://") {
        set(
            "Trust store for the service's tls_verify (Kong verifies no upstream certificate by default).",
            "nginx_proxy_proxy_ssl_trusted_certificate",
            UPSTREAM_CA.into(),
        );
    }
    set(
        "The pre-function (Anthropic-shaped refusals) and file-log's custom_fields_by_lua run in Kong's Lua sandbox.",
        "untrusted_lua",
        "sandbox".into(),
    );
    if let Some(module) = lua::sandbox_requires(token_lifetime) {
        set("The token-lifetime check decodes the token's claims.", "untrusted_lua_sandbox_requires", module.into());
    }
    let verifies_tls = policy.auth.method == AuthMethod::Oauth2
        || policy
            .rate_limits
            .as_ref()
            .and_then(|l| l.shared_state.as_deref())
            .is_some_and(|u| u.starts_with("rediss://"));
    if verifies_tls {
        set(
            "Trust store for the TLS Kong's Lua verifies (IdP discovery and keys, rediss://): the system's CAs.",
            "lua_ssl_trusted_certificate",
            "system".into(),
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
