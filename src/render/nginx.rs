//! Nginx: an http-context include (maps, geo, limits, log format, server), plus what it needs:
//! the main-context `load_module` lines (`main/<name>.conf`), the njs token check for OAuth2
//! (`<name>.js`) and the Lua counter for cluster-wide limits (`<name>.lua`).
//!
//! Nginx cannot read secrets from the environment, so client keys, the provider key, the IdP's
//! keys and the Redis password live in include files under `targets.nginx.secrets_dir`, written
//! on the deploy host by `gatectl materialize`; this file only includes them. The njs and Lua
//! code holds no policy value: every value reaches it as an nginx variable, quoted by the one
//! nginx serialiser (`| nginx`).

use serde::Serialize;

use super::refusals::{error_body, refusal, retry_after_seconds, API_ERROR};
use super::templates::nginx_string;
use super::{Context, File, RenderError, Target};
use crate::policy::{AuthMethod, Policy, RateLimitKey, Reference};

pub const TEMPLATE: &str = "nginx/policy.conf.j2";
const MAIN_TEMPLATE: &str = "nginx/main.conf.j2";
const OAUTH2_TEMPLATE: &str = "nginx/oauth2.js.j2";
const LIMITS_TEMPLATE: &str = "nginx/limits.lua.j2";
/// The templates this target ships, by their path under `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (TEMPLATE, include_str!("../../templates/nginx/policy.conf.j2")),
    (MAIN_TEMPLATE, include_str!("../../templates/nginx/main.conf.j2")),
    (OAUTH2_TEMPLATE, include_str!("../../templates/nginx/oauth2.js.j2")),
    (LIMITS_TEMPLATE, include_str!("../../templates/nginx/limits.lua.j2")),
];
const DEFAULT_RESOLVER: &str = "127.0.0.53";
const DEFAULT_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";
const DEFAULT_CONFIG_DIR: &str = "/etc/nginx/gatectl";
/// Where Debian (and nginx.org's packages) keep dynamic modules.
const MODULES_DIR: &str = "/usr/lib/nginx/modules";
/// The largest request body accepted: Anthropic's own limit for a Messages API request.
const MAX_BODY_MEGABYTES: u32 = 32;
/// How long a node waits for the rate-limit Redis before `shared_state_failure` applies.
const REDIS_TIMEOUT_MS: u32 = 250;

/// The deploy-time files `gatectl materialize` writes into the secrets folder.
pub const CONSUMERS_MAP: &str = "consumers.map";
pub const UPSTREAM_KEY_INCLUDE: &str = "upstream-key.conf";
/// The IdP's signing keys as SPKI, for the njs token check (a JSON list, preloaded by nginx).
pub const JWT_KEYS: &str = "jwt-keys.json";
/// `set $gatectl_redis_password "<base64>";`, included where the Lua counter runs.
pub const REDIS_PASSWORD_INCLUDE: &str = "redis-password.conf";
/// Certificate material referenced other than by `file:` is materialized under these names.
pub const SERVER_CERT: &str = "server.crt";
pub const SERVER_KEY: &str = "server.key";
pub const CLIENT_CA: &str = "client-ca.crt";

/// The reasons the njs token check gives (`X-Gatectl-Refusal`), with the client's message.
/// Unlike the shared refusals' fixed messages, these say which check failed: the claims are
/// checked only once the signature verified, so only the holder of a genuine IdP token learns
/// which claim this gateway wants otherwise, and every claim is in the token it holds.
pub const TOKEN_REFUSALS: &[(u16, &str, &str)] = &[
    (401, "missing", "Missing bearer token: send `Authorization: Bearer <access token>`."),
    (401, "malformed", "The bearer token is not a well-formed JWT."),
    (401, "algorithm", "The token's signing algorithm is not accepted (RS256 or ES256 only)."),
    (401, "key", "The token is signed with a key this gateway does not know."),
    (401, "signature", "The token's signature is invalid."),
    (401, "issuer", "The token was issued by another issuer."),
    (401, "audience", "The token is for another audience."),
    (401, "no_expiry", "The token has no expiry (exp)."),
    (401, "expired", "The token has expired."),
    (401, "not_yet_valid", "The token is not valid yet."),
    // The lifetime and scope messages name the policy's values: see `error_pages`.
    (401, "lifetime", ""),
    (403, "scope", ""),
];

#[derive(Serialize)]
struct View {
    header: String,
    file_name: String,
    main_file: Option<String>,
    prefix: String,
    secrets_dir: String,
    auth: &'static str,
    auth_refusal: &'static str,
    key_variable: String,
    consumers_map: String,
    subjects: Vec<Subject>,
    oauth2: Option<OAuth2>,
    anthropic_version: Option<String>,
    allowlist: Vec<String>,
    limits: Option<Limits>,
    errors: Vec<ErrorPage>,
    audit: Option<Audit>,
    port: u16,
    server_name: String,
    tls: Option<Tls>,
    client_ca: Option<String>,
    max_body_megabytes: u32,
    forward: Vec<Header>,
    add: Vec<Header>,
    upstream_key_include: String,
    upstream_url: String,
    upstream_host: String,
    upstream_tls: bool,
    upstream_ca: String,
    resolver: String,
    sse: bool,
}

#[derive(Serialize)]
struct Subject {
    pattern: String,
    name: String,
}

#[derive(Serialize)]
struct OAuth2 {
    script: String,
    keys: String,
    issuer: String,
    audience: String,
    scopes: String,
    max_lifetime_seconds: u64,
}

#[derive(Serialize)]
struct Limits {
    by: &'static str,
    /// The variable a counter is kept per: the consumer or the client address.
    key: String,
    default: Zone,
    overrides: Vec<Zone>,
    /// Every zone, the default first (limit_req).
    zones: Vec<Zone>,
    shared: Option<SharedLimits>,
}

#[derive(Clone, Serialize)]
struct Zone {
    id: String,
    consumer: Option<String>,
    per_minute: u32,
    burst: u32,
    retry_after: u32,
}

#[derive(Serialize)]
struct SharedLimits {
    script: String,
    namespace: String,
    host: String,
    port: u16,
    db: u8,
    tls: bool,
    ca: String,
    timeout_ms: u32,
    password_include: Option<String>,
    failure: &'static str,
}

/// One status nginx answers itself: its body per reason (or consumer), and extra headers.
#[derive(Serialize)]
struct ErrorPage {
    status: u16,
    /// The variable the body is chosen by.
    key: String,
    entries: Vec<ErrorEntry>,
    default: String,
    headers: Vec<Header>,
}

#[derive(Serialize)]
struct ErrorEntry {
    key: String,
    body: String,
}

#[derive(Serialize)]
struct Audit {
    path: String,
}

#[derive(Serialize)]
struct Tls {
    certificate: String,
    private_key: String,
    protocols: &'static str,
    ciphers: Option<String>,
    hsts: Option<String>,
}

#[derive(Serialize)]
struct Header {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct Module {
    path: String,
    package: &'static str,
    why: &'static str,
}

#[derive(Serialize)]
struct MainView {
    header: String,
    file_name: String,
    main_file: String,
    modules: Vec<Module>,
}

#[derive(Serialize)]
struct CodeView {
    header: String,
}

/// The folder the deploy-time secret includes live in.
pub fn secrets_dir(policy: &Policy) -> String {
    policy
        .targets
        .nginx
        .as_ref()
        .and_then(|n| n.secrets_dir.clone())
        .unwrap_or_else(|| format!("/etc/nginx/gatectl/{}", policy.name.0))
}

/// The JSON audit log's path, when the policy enables auditing.
pub fn audit_log_path(policy: &Policy) -> Option<String> {
    policy.audit.as_ref().filter(|a| a.enabled)?;
    let configured = policy.targets.nginx.as_ref().and_then(|s| s.audit_log.clone());
    Some(configured.unwrap_or_else(|| format!("/var/log/nginx/gatectl-{}-audit.log", policy.name.0)))
}

pub(super) fn render(cx: &Context) -> Result<Vec<File>, RenderError> {
    let policy = cx.policy;
    let unrepresentable = |field: &str, reason: &str| RenderError::Unrepresentable {
        target: Target::Nginx,
        field: field.to_string(),
        reason: reason.to_string(),
    };
    let name = &policy.name.0;
    let prefix = format!("gatectl_{}", name.replace('-', "_"));
    let secrets_dir = secrets_dir(policy);
    let in_secrets = |file: &str| format!("{secrets_dir}/{file}");
    let settings = policy.targets.nginx.as_ref();
    let config_dir = settings.and_then(|s| s.config_dir.clone()).unwrap_or_else(|| DEFAULT_CONFIG_DIR.into());
    let script = |extension: &str| format!("{config_dir}/{name}.{extension}");

    let literal = |c: &crate::policy::Consumer| {
        c.subject.as_ref().map(|s| Subject { pattern: s.clone(), name: c.name.0.clone() })
    };
    let (auth, auth_refusal, key_variable, subjects) = match policy.auth.method {
        AuthMethod::ApiKey => ("api_key", "key", header_variable(&policy.auth.key_header().0), Vec::new()),
        AuthMethod::Mtls => {
            ("mtls", "certificate", String::new(), policy.consumers.iter().filter_map(subject).collect())
        }
        AuthMethod::Oauth2 => ("oauth2", "", String::new(), policy.consumers.iter().filter_map(literal).collect()),
        AuthMethod::None => ("none", "", String::new(), Vec::new()),
    };
    let oauth2 = match policy.auth.method {
        AuthMethod::Oauth2 => Some(
            oauth2_view(policy, script("js"), in_secrets(JWT_KEYS))
                .map_err(|(field, reason)| unrepresentable(field, &reason))?,
        ),
        _ => None,
    };

    let listener = policy.listener.as_ref();
    let tls = match listener.and_then(|l| l.tls.as_ref()) {
        None => None,
        Some(tls) => {
            let (certificate, private_key) = super::requirements::server_certificate(tls, Target::Nginx)?;
            Some(Tls {
                certificate: file_path(&certificate.0, &in_secrets(SERVER_CERT)),
                private_key: file_path(&private_key.0, &in_secrets(SERVER_KEY)),
                protocols: super::tls_protocols(Target::Nginx, tls.min_version)?,
                ciphers: (!tls.ciphers.is_empty())
                    .then(|| tls.ciphers.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(":")),
                hsts: tls.hsts.as_ref().map(|h| h.header_value()),
            })
        }
    };
    let client_ca = policy
        .auth
        .mtls
        .as_ref()
        .and_then(|m| m.ca_certificate.as_ref())
        .map(|ca| file_path(&ca.0, &in_secrets(CLIENT_CA)));

    let limits = limits_view(policy, &prefix, script("lua"), &in_secrets(REDIS_PASSWORD_INCLUDE))
        .map_err(|(field, reason)| unrepresentable(field, reason))?;

    let upstream_url = policy.upstream.url.trim_end_matches('/').to_string();
    let (scheme, rest) =
        upstream_url.split_once("://").ok_or_else(|| unrepresentable("upstream.url", "not an absolute URL"))?;
    if rest.contains('/') {
        return Err(unrepresentable(
            "upstream.url",
            "nginx forwards the request path as is: give the upstream without a path",
        ));
    }
    let headers = policy.headers.as_ref();
    let forward = policy
        .forward_headers()
        .iter()
        .filter(|h| !h.is("host") && !h.is("content-length"))
        .filter(|h| !headers.is_some_and(|hs| hs.remove.iter().any(|r| r.is(&h.0))))
        .map(|h| {
            let name = h.0.to_ascii_lowercase();
            let value = if name == "anthropic-version" {
                format!("${prefix}_anthropic_version")
            } else {
                header_variable(&name)
            };
            Header { name, value }
        })
        .collect();
    let add = headers
        .map(|h| {
            h.add
                .iter()
                .map(|(name, value)| Header { name: name.0.to_ascii_lowercase(), value: value.0.clone() })
                .collect()
        })
        .unwrap_or_default();

    let mut modules = Vec::new();
    if oauth2.is_some() {
        modules.push(Module {
            path: format!("{MODULES_DIR}/ngx_http_js_module.so"),
            package: "libnginx-mod-http-js",
            why: "njs (0.7.9 or later): the OAuth2 token check",
        });
    }
    if limits.as_ref().is_some_and(|l| l.shared.is_some()) {
        modules.push(Module {
            path: format!("{MODULES_DIR}/ndk_http_module.so"),
            package: "libnginx-mod-http-ndk",
            why: "the Nginx Development Kit, which the Lua module needs loaded first",
        });
        modules.push(Module {
            path: format!("{MODULES_DIR}/ngx_http_lua_module.so"),
            package: "libnginx-mod-http-lua, with lua-nginx-redis",
            why: "Lua: cluster-wide limits counted in Redis",
        });
    }
    let main_file = (!modules.is_empty()).then(|| format!("main/{name}.conf"));

    let view = View {
        header: cx.provenance.comment("#"),
        file_name: format!("{name}.conf"),
        main_file: main_file.clone(),
        prefix: prefix.clone(),
        secrets_dir: secrets_dir.clone(),
        auth,
        auth_refusal,
        key_variable,
        consumers_map: in_secrets(CONSUMERS_MAP),
        subjects,
        errors: error_pages(policy, &prefix, oauth2.as_ref(), limits.as_ref()),
        oauth2,
        anthropic_version: policy.upstream.anthropic_version.clone(),
        allowlist: policy.network.as_ref().map(|n| n.ip_allowlist.clone()).unwrap_or_default(),
        limits,
        audit: audit_log_path(policy).map(|path| Audit { path }),
        port: listener.map_or(443, |l| l.port),
        server_name: listener.map_or_else(|| "_".to_string(), |l| l.host.clone()),
        tls,
        client_ca,
        max_body_megabytes: MAX_BODY_MEGABYTES,
        forward,
        add,
        upstream_key_include: in_secrets(UPSTREAM_KEY_INCLUDE),
        upstream_host: rest.to_string(),
        upstream_tls: scheme == "https",
        upstream_url,
        upstream_ca: settings.and_then(|s| s.upstream_ca.clone()).unwrap_or_else(|| DEFAULT_CA_BUNDLE.into()),
        resolver: settings
            .map(|s| s.resolvers.iter().map(|r| resolver(r)).collect::<Vec<_>>().join(" "))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| DEFAULT_RESOLVER.into()),
        sse: policy.streaming.as_ref().is_none_or(|s| s.sse),
    };
    let mut files =
        vec![File { path: view.file_name.clone(), contents: cx.templates.render(TEMPLATE, &value(&view))? }];
    if let Some(main_file) = main_file {
        let main = MainView {
            header: view.header.clone(),
            file_name: view.file_name.clone(),
            main_file: main_file.clone(),
            modules,
        };
        files.push(File { path: main_file, contents: cx.templates.render(MAIN_TEMPLATE, &value(&main))? });
    }
    let code = |marker: &str| CodeView { header: cx.provenance.comment(marker) };
    if view.oauth2.is_some() {
        files.push(File {
            path: format!("{name}.js"),
            contents: cx.templates.render(OAUTH2_TEMPLATE, &value(&code("//")))?,
        });
    }
    if view.limits.as_ref().is_some_and(|l| l.shared.is_some()) {
        files.push(File {
            path: format!("{name}.lua"),
            contents: cx.templates.render(LIMITS_TEMPLATE, &value(&code("--")))?,
        });
    }
    Ok(files)
}

fn value<T: Serialize>(view: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(view))
}

/// What the njs token check is given, or the field that keeps nginx from checking tokens safely.
fn oauth2_view(policy: &Policy, script: String, keys: String) -> Result<OAuth2, (&'static str, String)> {
    let oauth2 = policy
        .auth
        .oauth2
        .as_ref()
        .ok_or(("auth.oauth2", "nginx needs the issuer, audience and keys to check tokens".to_string()))?;
    let issuer = oauth2
        .issuer
        .clone()
        .ok_or(("auth.oauth2.issuer", "nginx accepts only tokens bound to one issuer".to_string()))?;
    let audience = oauth2
        .audience
        .clone()
        .ok_or(("auth.oauth2.audience", "nginx accepts only tokens bound to one audience".to_string()))?;
    if oauth2.jwks_url.is_none() && oauth2.jwks_file.is_none() {
        return Err(("auth.oauth2.jwks_url", "nginx needs the IdP's keys: set `jwks_url` or `jwks_file`".into()));
    }
    if let Some(scope) = oauth2.required_scopes.iter().find(|s| s.is_empty() || s.chars().any(char::is_whitespace)) {
        return Err((
            "auth.oauth2.required_scopes",
            format!("{scope:?} is not a scope: a scope has no spaces (RFC 6749 § 3.3)"),
        ));
    }
    Ok(OAuth2 {
        script,
        keys,
        issuer,
        audience,
        scopes: oauth2.required_scopes.join(" "),
        max_lifetime_seconds: oauth2.max_token_lifetime_minutes.map_or(0, |m| u64::from(m) * 60),
    })
}

/// The request limits: per node with limit_req, or counted in the policy's Redis.
fn limits_view(
    policy: &Policy,
    prefix: &str,
    script: String,
    password_include: &str,
) -> Result<Option<Limits>, (&'static str, &'static str)> {
    let Some(limits) = policy.rate_limits.as_ref() else { return Ok(None) };
    let Some(per_minute) = limits.requests_per_minute else { return Ok(None) };
    let zone = |id: String, consumer: Option<String>, per_minute: u32, burst: Option<u32>| Zone {
        id,
        consumer,
        per_minute,
        burst: burst.unwrap_or(0),
        retry_after: retry_after_seconds(per_minute),
    };
    let default = zone("default".into(), None, per_minute, limits.burst);
    let overrides: Vec<Zone> = policy
        .consumers
        .iter()
        .filter_map(|c| {
            let own = c.rate_limit.as_ref()?;
            let rpm = own.requests_per_minute?;
            // `c_`: no consumer's zone can be named like the default one.
            Some(zone(
                format!("c_{}", c.name.0.replace('-', "_")),
                Some(c.name.0.clone()),
                rpm,
                own.burst.or(limits.burst),
            ))
        })
        .collect();
    let by_ip = limits.by == RateLimitKey::Ip;
    let shared = match &limits.shared_state {
        None => None,
        Some(url) => {
            let (tls, rest) = match url.split_once("://") {
                Some(("rediss", rest)) => (true, rest),
                Some(("redis", rest)) => (false, rest),
                _ => return Err(("rate_limits.shared_state", "not a redis:// or rediss:// URL")),
            };
            let (address, db) = rest.split_once('/').unwrap_or((rest, "0"));
            let (host, port) = address.split_once(':').unwrap_or((address, "6379"));
            let port = port.parse().map_err(|_| ("rate_limits.shared_state", "the port is not a number"))?;
            let db = db.parse().map_err(|_| ("rate_limits.shared_state", "the database is not a number"))?;
            let settings = policy.targets.nginx.as_ref();
            Some(SharedLimits {
                script,
                namespace: format!("gatectl:{}", policy.name.0),
                host: host.to_string(),
                port,
                db,
                tls,
                ca: settings.and_then(|s| s.redis_ca.clone()).unwrap_or_else(|| DEFAULT_CA_BUNDLE.into()),
                timeout_ms: REDIS_TIMEOUT_MS,
                password_include: limits.shared_state_password.as_ref().map(|_| password_include.to_string()),
                failure: limits.shared_state_failure.as_str(),
            })
        }
    };
    let key = match (by_ip, shared.is_some()) {
        (true, true) => "$remote_addr".to_string(),
        (true, false) => "$binary_remote_addr".to_string(),
        (false, _) => format!("${prefix}_consumer"),
    };
    let mut zones = vec![default.clone()];
    zones.extend(overrides.iter().cloned());
    Ok(Some(Limits { by: if by_ip { "ip" } else { "consumer" }, key, default, overrides, zones, shared }))
}

/// The statuses nginx answers itself, each with its Anthropic-shaped bodies: the shared
/// refusal's message, or one saying what nginx knows of the reason (the `$gatectl_refusal` code).
fn error_pages(policy: &Policy, prefix: &str, oauth2: Option<&OAuth2>, limits: Option<&Limits>) -> Vec<ErrorPage> {
    let by_reason = |status: u16, error_type: &str, entries: Vec<(&str, String)>, default: String| ErrorPage {
        status,
        key: "$gatectl_refusal".into(),
        entries: entries
            .into_iter()
            .map(|(key, message)| ErrorEntry { key: key.to_string(), body: error_body(error_type, &message) })
            .collect(),
        default: error_body(error_type, &default),
        headers: Vec::new(),
    };
    let shared = |status: u16| refusal(status).expect("a refusal every target shares");
    let shared_page = |status: u16, entries: Vec<(&str, String)>| {
        let r = shared(status);
        by_reason(status, r.error_type, entries, r.message.to_string())
    };
    let mut pages = Vec::new();
    let method = policy.auth.method;
    if method != AuthMethod::None {
        let mut entries = Vec::new();
        match method {
            AuthMethod::ApiKey => {
                let header = policy.auth.key_header();
                let how = if header.is("authorization") {
                    "send `Authorization: Bearer <key>`".to_string()
                } else {
                    format!("send it in the `{}` header", header.0.to_ascii_lowercase())
                };
                entries.push(("key", format!("Missing or invalid gateway key: {how}.")));
            }
            AuthMethod::Mtls => {
                let message = "A client certificate issued to a consumer of this gateway is required.";
                entries.push(("certificate", message.to_string()));
            }
            _ => {}
        }
        if let Some(oauth2) = oauth2 {
            for &(_, reason, message) in TOKEN_REFUSALS.iter().filter(|r| r.0 == 401) {
                let message = match reason {
                    "lifetime" => format!(
                        "The token's lifetime (exp - iat) is longer than this gateway accepts ({} minutes), or it has no iat.",
                        oauth2.max_lifetime_seconds / 60
                    ),
                    _ => message.to_string(),
                };
                entries.push((reason, message));
            }
        }
        let mut page = shared_page(401, entries);
        if method == AuthMethod::Mtls {
            // A missing or unverifiable certificate never gets as far as setting a reason.
            page.default = page.entries[0].body.clone();
        }
        if oauth2.is_some() {
            // RFC 6750 § 3: a bearer-token 401 says so.
            page.headers.push(Header {
                name: "WWW-Authenticate".into(),
                value: nginx_string(r#"Bearer error="invalid_token""#).expect("a constant nginx string"),
            });
        }
        pages.push(page);
    }
    let mut forbidden = vec![("address", "This client address is not allowed to use this gateway.".to_string())];
    if let Some(oauth2) = oauth2 {
        forbidden.push(("scope", format!("The token lacks a required scope ({}).", oauth2.scopes)));
        forbidden.push(("consumer", "The token's subject is not a consumer of this gateway.".into()));
    }
    pages.push(shared_page(403, forbidden));
    pages.push(shared_page(404, Vec::new()));
    let too_large = format!("The request body is larger than this gateway accepts ({MAX_BODY_MEGABYTES} MB).");
    pages.push(by_reason(413, shared(413).error_type, Vec::new(), too_large));
    if let Some(limits) = limits {
        let message = |zone: &Zone| {
            let who = match (&zone.consumer, limits.by) {
                (Some(name), "ip") => format!("each address of consumer {name}"),
                (Some(name), _) => format!("consumer {name}"),
                (None, "ip") => "each client address".to_string(),
                (None, _) => "each consumer".to_string(),
            };
            let burst = if zone.burst > 0 { format!(" (burst {})", zone.burst) } else { String::new() };
            format!(
                "Rate limit exceeded: {} requests per minute{burst} for {who}; retry after the number of seconds in the retry-after header.",
                zone.per_minute
            )
        };
        let limited = shared(429);
        let retry_after =
            if limits.shared.is_some() { "$gatectl_retry_after".into() } else { format!("${prefix}_retry_after") };
        pages.push(ErrorPage {
            status: 429,
            key: format!("${prefix}_consumer"),
            entries: limits
                .overrides
                .iter()
                .map(|z| ErrorEntry {
                    key: z.consumer.clone().unwrap_or_default(),
                    body: limited.body_saying(&message(z)),
                })
                .collect(),
            default: limited.body_saying(&message(&limits.default)),
            headers: vec![Header { name: "retry-after".into(), value: retry_after }],
        });
    }
    let mut unavailable = Vec::new();
    if limits.is_some_and(|l| l.shared.is_some()) {
        unavailable.push((
            "limit_store",
            "The gateway cannot count this request: its rate-limit store is unreachable.".into(),
        ));
    }
    for (status, entries, message) in [
        (500, Vec::new(), "The gateway failed to handle this request."),
        (502, Vec::new(), "The gateway could not reach the upstream API."),
        (503, unavailable, "The gateway is unavailable."),
        (504, Vec::new(), "The upstream API did not answer in time."),
    ] {
        pages.push(by_reason(status, API_ERROR, entries, message.to_string()));
    }
    pages
}

/// A resolver address as nginx's `resolver` takes it: IPv6 in brackets (`[::1]`), since a
/// bare IPv6 address reads as address:port. Render validation has parsed every resolver.
fn resolver(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => format!("[{v6}]"),
        Ok(v4) => v4.to_string(),
        Err(_) => unreachable!("render validation refuses a resolver that is not an IP address"),
    }
}

/// `$http_x_api_key` for `x-api-key`.
fn header_variable(header: &str) -> String {
    format!("$http_{}", header.to_ascii_lowercase().replace('-', "_"))
}

/// A `file:` reference is read by nginx in place; anything else is materialized into the secrets folder.
fn file_path(reference: &str, materialized: &str) -> String {
    match crate::policy::SecretRef(reference.to_string()).parse() {
        Ok(Reference::File { path }) => path.to_string(),
        _ => materialized.to_string(),
    }
}

/// A map entry matching the certificate subject's CN exactly.
fn subject(consumer: &crate::policy::Consumer) -> Option<Subject> {
    let cn = consumer.subject.as_ref()?;
    let escaped: String = cn
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c.to_string() } else { format!("\\{c}") })
        .collect();
    Some(Subject { pattern: format!("~(^|,)CN={escaped}(,|\\z)"), name: consumer.name.0.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason the njs check can give has a message, and every message a reason.
    #[test]
    fn the_token_checks_refusals_are_the_ones_nginx_has_messages_for() {
        let script = TEMPLATES.iter().find(|(name, _)| *name == OAUTH2_TEMPLATE).unwrap().1;
        let mut given: Vec<(u16, String)> = Vec::new();
        for (at, _) in script.match_indices("return refuse(r, ") {
            let call = script[at + "return refuse(r, ".len()..].lines().next().unwrap();
            let status = call[..3].parse().unwrap();
            // Every non-empty quoted word of the call is a reason it can give.
            let quoted = call.split('\'').skip(1).step_by(2).filter(|w| !w.is_empty());
            given.extend(quoted.map(|reason| (status, reason.to_string())));
        }
        given.sort();
        given.dedup();
        let mut known: Vec<(u16, String)> = TOKEN_REFUSALS.iter().map(|(s, r, _)| (*s, r.to_string())).collect();
        known.sort();
        assert_eq!(given, known);
    }
}
