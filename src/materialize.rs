//! Materialize: the deploy-time step for targets that cannot read secrets
//! themselves (nginx). Resolves the policy's `env:` and `file:` references on
//! the deploy host, fetches the IdP's keys, and writes the include files the
//! rendered config expects, mode 0600. No secret is ever printed.
//!
//! Everything is resolved before anything is written, and the secrets folder is then
//! replaced whole in one step ([`crate::render::output::write_tree`]): nginx sees the
//! previous set of includes or the new one, never a mix. The folder is confined under
//! `--root` (its path is plain and absolute, and no symbolic link may lead out of the root).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::jwks::{self, JwksError};
use crate::policy::{AuthMethod, Policy, Reference, SecretRef};
use crate::render::nginx::{self, CLIENT_CA, CONSUMERS_MAP, JWT_KEYS, REDIS_PASSWORD_INCLUDE, SERVER_CERT};
use crate::render::nginx::{SERVER_KEY, UPSTREAM_KEY_INCLUDE};
use crate::render::output::{self, Entry, Modes, OutputError};

/// Shorter gateway keys are refused: they are guessable, and short strings collide with nginx map keywords.
const MIN_KEY_LENGTH: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum MaterializeError {
    #[error("`{path}`: cannot resolve a `{scheme}:` reference here; materialize reads env: and file: references (have your secret manager's agent export it to an environment variable or a file, and reference that)")]
    UnsupportedScheme { path: String, scheme: &'static str },
    #[error("`{path}`: environment variable {name} is not set")]
    MissingEnv { path: String, name: String },
    #[error("`{path}`: {source}")]
    Unreadable { path: String, source: crate::load::ReadError },
    #[error("`{path}`: the secret is not a valid reference")]
    Invalid { path: String },
    #[error("`{path}`: the value has {found}; {need}")]
    Unusable { path: String, found: String, need: &'static str },
    #[error(transparent)]
    Write(#[from] OutputError),
    #[error("`targets.nginx.secrets_dir` {reason}")]
    Outside { reason: String },
    #[error("`auth.oauth2.jwks_url`: {url} is plain HTTP to another host; the IdP's keys must come over https (plain http only from this host's loopback)")]
    InsecureJwks { url: String },
    #[error("`auth.oauth2.jwks_url`: cannot fetch {url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error("`{path}`: {source}")]
    Jwks { path: &'static str, source: JwksError },
    #[error("`auth.oauth2`: neither `jwks_file` nor `jwks_url` is set")]
    NoJwks,
}

/// The files written, for the report.
pub struct Written {
    pub path: PathBuf,
    pub entries: usize,
}

/// Where the secrets folder goes: in place, or under `root`, where no symbolic link on the way
/// may lead out of the root.
fn confined(root: Option<&Path>, secrets_dir: &str) -> Result<PathBuf, MaterializeError> {
    let Some(root) = root else { return Ok(PathBuf::from(secrets_dir)) };
    let dir = root.join(secrets_dir.trim_start_matches('/'));
    let outside = || MaterializeError::Outside { reason: format!("leads out of --root {}", root.display()) };
    let canonical_root = std::fs::canonicalize(root).ok();
    // The deepest part of the path that exists already decides where the rest lands.
    let existing = dir.ancestors().find(|p| std::fs::symlink_metadata(p).is_ok());
    if let (Some(existing), Some(canonical_root)) = (existing, canonical_root) {
        let resolved = std::fs::canonicalize(existing).map_err(|_| outside())?;
        if !resolved.starts_with(&canonical_root) {
            return Err(outside());
        }
    }
    Ok(dir)
}

/// Resolves one reference on this host.
fn resolve(path: &str, reference: &SecretRef) -> Result<String, MaterializeError> {
    let value = match reference.parse() {
        Ok(Reference::Env { name }) => {
            std::env::var(name).map_err(|_| MaterializeError::MissingEnv { path: path.into(), name: name.into() })?
        }
        Ok(Reference::File { path: file }) => crate::load::read_text(std::path::Path::new(file))
            .map_err(|source| MaterializeError::Unreadable { path: path.into(), source })?,
        Ok(Reference::Vault { .. }) => {
            return Err(MaterializeError::UnsupportedScheme { path: path.into(), scheme: "vault" })
        }
        Ok(Reference::AwsSecretsManager { .. }) => {
            return Err(MaterializeError::UnsupportedScheme { path: path.into(), scheme: "aws-sm" })
        }
        Ok(Reference::GcpSecretManager { .. }) => {
            return Err(MaterializeError::UnsupportedScheme { path: path.into(), scheme: "gcp-sm" })
        }
        Ok(Reference::Kubernetes { .. }) => {
            return Err(MaterializeError::UnsupportedScheme { path: path.into(), scheme: "k8s" })
        }
        Err(_) => return Err(MaterializeError::Invalid { path: path.into() }),
    };
    Ok(value.trim_end_matches(['\n', '\r']).to_string())
}

/// A secret as an nginx string, or why it cannot be one (without showing it).
fn nginx_value(path: &str, value: &str) -> Result<String, MaterializeError> {
    let unusable = |found: &str, need| MaterializeError::Unusable { path: path.into(), found: found.into(), need };
    if value.chars().any(|c| c.is_control() || c == '$' || c == '"' || c == '\\' || c == ' ') {
        return Err(unusable(
            "characters nginx cannot hold in a header (control characters, $, quotes, backslashes or spaces)",
            "keys are printable tokens",
        ));
    }
    Ok(format!("\"{value}\""))
}

/// The IdP's JWKS document: `jwks_file` resolved on this host, else `jwks_url` fetched.
fn jwks_document(policy: &Policy) -> Result<(&'static str, String), MaterializeError> {
    let oauth2 = policy.auth.oauth2.as_ref().ok_or(MaterializeError::NoJwks)?;
    if let Some(reference) = &oauth2.jwks_file {
        return Ok(("auth.oauth2.jwks_file", resolve("auth.oauth2.jwks_file", reference)?));
    }
    let url = oauth2.jwks_url.as_deref().ok_or(MaterializeError::NoJwks)?;
    Ok(("auth.oauth2.jwks_url", fetch(url)?))
}

/// GETs a JWKS: https with the host's trust store (and its name checked), or plain http from
/// loopback only. The HTTP client is verify's: one client in the binary.
fn fetch(url: &str) -> Result<String, MaterializeError> {
    use crate::verify::http::{send, Endpoint, Request};
    use crate::verify::tls::{Identity, TlsClient};
    if !url.starts_with("https://") && !is_loopback_http(url) {
        return Err(MaterializeError::InsecureJwks { url: url.into() });
    }
    let fail = |reason: String| MaterializeError::Fetch { url: url.into(), reason };
    let endpoint = Endpoint::parse(url).map_err(|e| fail(e.to_string()))?;
    let tls = TlsClient::new(None, None).map_err(|e| fail(e.to_string()))?;
    let request = Request {
        method: "GET",
        // The URL's path is the endpoint's prefix; a bare host asks for `/`.
        path: if endpoint.base.is_empty() { "/" } else { "" },
        headers: vec![("Accept".into(), "application/json".into())],
        body: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    let response =
        send(&endpoint, Some((&tls, Identity::Anonymous)), &request, deadline).map_err(|e| fail(e.to_string()))?;
    if response.status != 200 {
        return Err(fail(format!("HTTP {}", response.status)));
    }
    String::from_utf8(response.body).map_err(|_| fail("the answer is not UTF-8".into()))
}

/// `http://127.0.0.1…`, `http://localhost…` or `http://[::1]…`.
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The njs token check's key list: `[{"kid", "alg", "spki"}]`, SPKI DER in base64.
fn jwt_keys(policy: &Policy) -> Result<(String, usize), MaterializeError> {
    let (path, document) = jwks_document(policy)?;
    let keys = jwks::signing_keys(&document).map_err(|source| MaterializeError::Jwks { path, source })?;
    let list: Vec<serde_json::Value> = keys
        .iter()
        .map(|k| serde_json::json!({"kid": k.kid, "alg": k.alg, "spki": openssl::base64::encode_block(&k.spki_der)}))
        .collect();
    Ok((serde_json::to_string_pretty(&list).expect("JSON values serialise") + "\n", keys.len()))
}

/// What materialize will write: every secret resolved, nothing written yet (so a set of policies
/// is resolved whole before any file changes).
pub struct Plan {
    dir: PathBuf,
    files: Vec<(&'static str, String, usize)>,
}

/// Resolves `consumers.map` and `upstream-key.conf` for the nginx target, in its secrets folder
/// (`root` prefixes it, for staging on another machine; `None` writes in place), and what the
/// policy's auth and limits need: the IdP's keys, the Redis password.
pub fn nginx(policy: &Policy, root: Option<&Path>) -> Result<Plan, MaterializeError> {
    let secrets_dir = nginx::secrets_dir(policy);
    if !crate::render::validate::is_plain_absolute(&secrets_dir) {
        return Err(MaterializeError::Outside { reason: "must be an absolute path without `.` or `..`".into() });
    }
    // Resolve everything before writing anything.
    let provider_key = resolve("upstream.api_key", &policy.upstream.api_key)?;
    let upstream = format!("proxy_set_header x-api-key {};\n", nginx_value("upstream.api_key", &provider_key)?);

    let mut map = String::new();
    let mut count = 0;
    if policy.auth.method == AuthMethod::ApiKey {
        let bearer = policy.auth.key_header().is("authorization");
        for (i, consumer) in policy.consumers.iter().enumerate() {
            let path = format!("consumers[{i}].key");
            let Some(reference) = &consumer.key else { continue };
            let key = resolve(&path, reference)?;
            if key.len() < MIN_KEY_LENGTH {
                return Err(MaterializeError::Unusable {
                    path,
                    found: format!("{} characters", key.len()),
                    need: "gateway keys need at least 20 random characters",
                });
            }
            let quoted = nginx_value(&path, &key)?;
            // A map source starting with `~` would be a regex: escape it.
            let source = match (bearer, key.starts_with('~')) {
                (true, _) => format!("\"Bearer {key}\""),
                (false, true) => format!("\"\\{key}\""),
                (false, false) => quoted,
            };
            map.push_str(&format!("{source} \"{}\";\n", consumer.name.0));
            count += 1;
        }
    }

    let mut files = vec![(UPSTREAM_KEY_INCLUDE, upstream, 1)];
    if policy.auth.method == AuthMethod::ApiKey {
        files.insert(0, (CONSUMERS_MAP, map, count));
    }
    if policy.auth.method == AuthMethod::Oauth2 {
        let (keys, count) = jwt_keys(policy)?;
        files.push((JWT_KEYS, keys, count));
    }
    if let Some(reference) = policy.rate_limits.as_ref().and_then(|r| r.shared_state_password.as_ref()) {
        let password = resolve("rate_limits.shared_state_password", reference)?;
        // Base64, so that any password is one plain nginx string; the Lua counter decodes it.
        let encoded = openssl::base64::encode_block(password.as_bytes());
        files.push((REDIS_PASSWORD_INCLUDE, format!("set $gatectl_redis_password \"{encoded}\";\n"), 1));
    }
    // Certificates and keys nginx cannot read from their reference (anything but file:).
    let tls = policy.listener.as_ref().and_then(|l| l.tls.as_ref());
    let material = [
        ("listener.tls.certificate", tls.and_then(|t| t.certificate.as_ref()), SERVER_CERT),
        ("listener.tls.private_key", tls.and_then(|t| t.private_key.as_ref()), SERVER_KEY),
        ("auth.mtls.ca_certificate", policy.auth.mtls.as_ref().and_then(|m| m.ca_certificate.as_ref()), CLIENT_CA),
    ];
    for (path, reference, file) in material {
        let Some(reference) = reference else { continue };
        if !matches!(reference.parse(), Ok(Reference::File { .. })) {
            files.push((file, resolve(path, reference)? + "\n", 1));
        }
    }

    let dir = confined(root, &secrets_dir)?;
    Ok(Plan { dir, files })
}

/// Writes a plan: its secrets folder replaced whole, every file mode 0600.
pub fn write(plan: Plan) -> Result<Vec<Written>, MaterializeError> {
    let tree: Vec<Entry> = plan
        .files
        .iter()
        .map(|(file, contents, _)| Entry { path: file.to_string(), contents: contents.as_bytes() })
        .collect();
    output::write_tree(&plan.dir, &tree, Modes::PRIVATE)?;
    let written =
        plan.files.into_iter().map(|(file, _, entries)| Written { path: plan.dir.join(file), entries }).collect();
    Ok(written)
}
