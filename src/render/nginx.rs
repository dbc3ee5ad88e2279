//! Nginx: an http-context include (maps, geo, limit_req zones, log format, server).
//!
//! Nginx cannot read secrets from the environment, so client keys and the
//! provider key live in include files under `targets.nginx.secrets_dir`, written
//! on the deploy host by `gatectl materialize`; this file only includes them.

use serde::Serialize;

use super::{Context, File, RenderError, Target};
use crate::policy::{AuthMethod, Policy, Reference, TlsVersion};

pub const TEMPLATE: &str = "nginx/policy.conf.j2";
/// The templates this target ships, by their path under `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[(TEMPLATE, include_str!("../../templates/nginx/policy.conf.j2"))];
const DEFAULT_RESOLVER: &str = "127.0.0.53";
const DEFAULT_UPSTREAM_CA: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The deploy-time files `gatectl materialize` writes into the secrets folder.
pub const CONSUMERS_MAP: &str = "consumers.map";
pub const UPSTREAM_KEY_INCLUDE: &str = "upstream-key.conf";
/// Certificate material referenced other than by `file:` is materialized under these names.
pub const SERVER_CERT: &str = "server.crt";
pub const SERVER_KEY: &str = "server.key";
pub const CLIENT_CA: &str = "client-ca.crt";

#[derive(Serialize)]
struct View {
    header: String,
    file_name: String,
    prefix: String,
    secrets_dir: String,
    auth: &'static str,
    key_variable: String,
    consumers_map: String,
    subjects: Vec<Subject>,
    anthropic_version: Option<String>,
    allowlist: Vec<String>,
    limits: Option<Limits>,
    audit: Option<Audit>,
    port: u16,
    server_name: String,
    tls: Option<Tls>,
    client_ca: Option<String>,
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
struct Limits {
    by: &'static str,
    key: String,
    zones: Vec<Zone>,
    overridden: Vec<String>,
}

#[derive(Serialize)]
struct Zone {
    id: String,
    consumer: Option<String>,
    per_minute: u32,
    burst: Option<u32>,
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
    let prefix = format!("gatectl_{}", policy.name.0.replace('-', "_"));
    let secrets_dir = secrets_dir(policy);
    let in_secrets = |file: &str| format!("{secrets_dir}/{file}");
    let settings = policy.targets.nginx.as_ref();

    let (auth, key_variable, subjects) = match policy.auth.method {
        AuthMethod::ApiKey => ("api_key", header_variable(&policy.auth.key_header().0), Vec::new()),
        AuthMethod::Mtls => ("mtls", String::new(), policy.consumers.iter().filter_map(subject).collect()),
        AuthMethod::None => ("none", String::new(), Vec::new()),
        AuthMethod::Oauth2 => {
            return Err(unrepresentable(
                "auth.method",
                "nginx OSS cannot validate JWTs (needs njs or a commercial module)",
            ))
        }
    };

    let listener = policy.listener.as_ref();
    let tls = listener.and_then(|l| l.tls.as_ref()).map(|tls| Tls {
        certificate: file_path(&tls.certificate.0, &in_secrets(SERVER_CERT)),
        private_key: file_path(&tls.private_key.0, &in_secrets(SERVER_KEY)),
        protocols: if tls.min_version >= TlsVersion::V1_3 { "TLSv1.3" } else { "TLSv1.2 TLSv1.3" },
        ciphers: (!tls.ciphers.is_empty())
            .then(|| tls.ciphers.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(":")),
        hsts: tls.hsts.as_ref().map(|h| h.header_value()),
    });
    let client_ca = policy
        .auth
        .mtls
        .as_ref()
        .and_then(|m| m.ca_certificate.as_ref())
        .map(|ca| file_path(&ca.0, &in_secrets(CLIENT_CA)));

    let limits = policy.rate_limits.as_ref().and_then(|limits| {
        let per_minute = limits.requests_per_minute?;
        let mut zones = vec![Zone { id: "default".into(), consumer: None, per_minute, burst: limits.burst }];
        let mut overridden = Vec::new();
        for consumer in &policy.consumers {
            let Some(rpm) = consumer.rate_limit.as_ref().and_then(|r| r.requests_per_minute) else { continue };
            overridden.push(consumer.name.0.clone());
            zones.push(Zone {
                id: consumer.name.0.replace('-', "_"),
                consumer: Some(consumer.name.0.clone()),
                per_minute: rpm,
                burst: consumer.rate_limit.as_ref().and_then(|r| r.burst).or(limits.burst),
            });
        }
        let by_ip = limits.by == crate::policy::RateLimitKey::Ip;
        Some(Limits {
            by: if by_ip { "ip" } else { "consumer" },
            key: if by_ip { "$binary_remote_addr".into() } else { format!("${prefix}_consumer") },
            zones,
            overridden,
        })
    });

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

    let view = View {
        header: cx.provenance.comment("#"),
        file_name: format!("{}.conf", policy.name.0),
        prefix: prefix.clone(),
        secrets_dir: secrets_dir.clone(),
        auth,
        key_variable,
        consumers_map: in_secrets(CONSUMERS_MAP),
        subjects,
        anthropic_version: policy.upstream.anthropic_version.clone(),
        allowlist: policy.network.as_ref().map(|n| n.ip_allowlist.clone()).unwrap_or_default(),
        limits,
        audit: audit_log_path(policy).map(|path| Audit { path }),
        port: listener.map_or(443, |l| l.port),
        server_name: listener.map_or_else(|| "_".to_string(), |l| l.host.clone()),
        tls,
        client_ca,
        forward,
        add,
        upstream_key_include: in_secrets(UPSTREAM_KEY_INCLUDE),
        upstream_host: rest.to_string(),
        upstream_tls: scheme == "https",
        upstream_url,
        upstream_ca: settings.and_then(|s| s.upstream_ca.clone()).unwrap_or_else(|| DEFAULT_UPSTREAM_CA.into()),
        resolver: settings
            .map(|s| s.resolvers.iter().map(|r| resolver(r)).collect::<Vec<_>>().join(" "))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| DEFAULT_RESOLVER.into()),
        sse: policy.streaming.as_ref().is_none_or(|s| s.sse),
    };
    let contents = cx.templates.render(TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&view)))?;
    Ok(vec![File { path: view.file_name, contents }])
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
