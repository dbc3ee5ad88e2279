//! What a deploy must provide for a rendered target: the environment variables, files and
//! stored secrets the target reads, by name, with the policy field each comes from. Never a
//! value. Names come from the same mapping functions the renderers use ([`super::secrets`]), and
//! a test compares them with the names the rendered files hold.

use serde::Serialize;

use super::{secrets, Target};
use crate::policy::{AuthMethod, Policy, Reference, SecretRef};

/// How the deploy provides an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An environment variable of the process that reads it.
    Env,
    /// A file on the host that reads it.
    File,
    /// A secret stored in the target's own secret store under this name.
    Secret,
    /// A secret-manager reference nothing in the rendered output resolves: the deploy exports it
    /// as a variable or file and the policy references that.
    Reference,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Env => "env",
            Kind::File => "file",
            Kind::Secret => "secret",
            Kind::Reference => "reference",
        }
    }
}

/// One thing the deploy provides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Input {
    pub kind: Kind,
    /// The variable, path or secret name (a name, never a value).
    pub name: String,
    /// The policy field it comes from (`consumers[0].key`); empty for what the target itself needs.
    pub field: String,
    /// Who reads it, and when.
    pub reader: &'static str,
}

impl Input {
    fn new(kind: Kind, name: String, field: &str, reader: &'static str) -> Input {
        Input { kind, name, field: field.to_string(), reader }
    }
}

/// The inputs of `target` for `policy`, each once, in the policy's field order.
pub fn inputs(policy: &Policy, target: Target) -> Vec<Input> {
    let mut out = Vec::new();
    for field in policy.secret_fields() {
        let path = field.path.to_string();
        let reference = field.reference;
        let consumer_key = path.starts_with("consumers[");
        match target {
            Target::Kong => {
                const DECK: &str = "decK, at sync: it substitutes the value into kong.yaml";
                const VAULT: &str = "Kong's env vault, on every Kong node at run time";
                match path.as_str() {
                    "upstream.api_key" => {
                        out.push(Input::new(Kind::Env, secrets::deck_env_name(reference), &path, DECK))
                    }
                    _ if consumer_key && policy.auth.method == AuthMethod::ApiKey => {
                        out.push(Input::new(Kind::Env, secrets::deck_env_name(reference), &path, DECK))
                    }
                    // mtls-auth's CA entity (Kong Enterprise): its PEM, substituted by decK.
                    "auth.mtls.ca_certificate" if policy.auth.method == AuthMethod::Mtls => {
                        out.push(Input::new(Kind::Env, secrets::deck_env_name(reference), &path, DECK))
                    }
                    "rate_limits.shared_state_password" => {
                        out.push(Input::new(Kind::Env, secrets::env_name(reference), &path, VAULT))
                    }
                    "listener.tls.certificate" | "listener.tls.private_key" => out.push(match file(reference) {
                        Some(file) => Input::new(Kind::File, file, &path, "Kong, at start (kong.conf)"),
                        None => Input::new(Kind::Env, secrets::env_name(reference), &path, VAULT),
                    }),
                    _ => {}
                }
            }
            Target::Litellm => {
                const PROXY: &str = "the LiteLLM proxy process (os.environ/ in config.yaml)";
                const HOOK: &str = "the LiteLLM proxy process (gatectl_auth.py reads it at start)";
                if path == "upstream.api_key" {
                    out.push(Input::new(Kind::Env, secrets::env_name(reference), &path, PROXY));
                    let master = SecretRef(format!("env:{}", super::litellm::MASTER_KEY_ENV));
                    let reader = "the LiteLLM proxy, to start (an admin key no client is given)";
                    out.push(Input::new(Kind::Env, secrets::env_name(&master), "", reader));
                } else if consumer_key && policy.auth.method == AuthMethod::ApiKey {
                    out.push(Input::new(Kind::Env, secrets::env_name(reference), &path, HOOK));
                }
            }
            Target::Zuplo => {
                const ZUPLO: &str = "Zuplo, as an environment variable of the project ($env(NAME))";
                if path == "upstream.api_key" {
                    out.push(Input::new(Kind::Env, secrets::env_name(reference), &path, ZUPLO));
                } else if path == "auth.mtls.ca_certificate" && policy.auth.method == AuthMethod::Mtls {
                    let name = format!("{}_ISSUER_DN", secrets::env_name(reference));
                    out.push(Input::new(
                        Kind::Env,
                        name,
                        &path,
                        "Zuplo: the uploaded client CA's subject DN ($env(NAME))",
                    ));
                }
            }
            Target::Truefoundry => {
                if let (Some(settings), "upstream.api_key") = (&policy.targets.truefoundry, path.as_str()) {
                    let fqn = secrets::truefoundry(reference, settings);
                    let reader = "TrueFoundry's secret store: store it before `tfy apply`";
                    out.push(Input::new(Kind::Secret, fqn, &path, reader));
                }
            }
            Target::Nginx => {
                const MATERIALIZE: &str = "gatectl materialize, on the nginx host";
                // What materialize resolves (it fetches `jwks_url` itself when there is no `jwks_file`).
                let read = path == "upstream.api_key"
                    || path == "rate_limits.shared_state_password"
                    || (consumer_key && policy.auth.method == AuthMethod::ApiKey)
                    || path.starts_with("listener.tls.")
                    || (path == "auth.mtls.ca_certificate" && policy.auth.method == AuthMethod::Mtls)
                    || (path == "auth.oauth2.jwks_file" && policy.auth.method == AuthMethod::Oauth2);
                if !read {
                    continue;
                }
                // TLS material nginx reads in place when it is a file.
                let read_by_nginx = matches!(
                    path.as_str(),
                    "listener.tls.certificate" | "listener.tls.private_key" | "auth.mtls.ca_certificate"
                );
                out.push(match reference.parse() {
                    Ok(Reference::Env { name }) => Input::new(Kind::Env, name.to_string(), &path, MATERIALIZE),
                    Ok(Reference::File { path: file }) if read_by_nginx => {
                        Input::new(Kind::File, file.to_string(), &path, "nginx, at start")
                    }
                    Ok(Reference::File { path: file }) => Input::new(Kind::File, file.to_string(), &path, MATERIALIZE),
                    _ => Input::new(
                        Kind::Reference,
                        reference.0.clone(),
                        &path,
                        "nobody: materialize reads env: and file: references; export it to one",
                    ),
                });
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|i| seen.insert((i.kind, i.name.clone())));
    out
}

fn file(reference: &SecretRef) -> Option<String> {
    match reference.parse() {
        Ok(Reference::File { path }) => Some(path.to_string()),
        _ => None,
    }
}
