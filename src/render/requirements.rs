//! What each target needs from a policy beyond the schema: settings only some targets read.
//! Lint reports them for the targets a policy declares, at their line (`target-setting-missing`);
//! render checks them for every target it renders, declared or named with `--target`.
//!
//! To add a target's requirement: one arm below. The schema keeps fields optional that only
//! some targets need (a TLS listener's certificate is read by nginx and Kong, never by the
//! targets whose TLS is terminated by someone else).

use super::{RenderError, Target};
use crate::load::Path;
use crate::policy::{AuthMethod, Policy, SecretRef, Tls};

/// A setting a target needs that the policy does not give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub target: Target,
    /// The field to add (it may not exist; findings point at its nearest ancestor).
    pub path: Path,
    pub message: String,
    pub help: String,
}

impl Missing {
    fn new(target: Target, path: &str, why: &str, help: &str) -> Missing {
        Missing {
            target,
            path: Path::parse(path),
            message: format!("{target} needs `{path}`: {why}"),
            help: help.to_string(),
        }
    }
}

/// Every setting `target` needs that `policy` lacks.
pub fn missing(policy: &Policy, target: Target) -> Vec<Missing> {
    let mut out = Vec::new();
    match target {
        Target::Nginx | Target::Kong => {
            if let Some(tls) = policy.listener.as_ref().and_then(|l| l.tls.as_ref()) {
                let why = "it terminates the listener's TLS itself";
                if tls.certificate.is_none() {
                    let help = "add `certificate: file:/path/to/server.crt` under `listener.tls`";
                    out.push(Missing::new(target, "listener.tls.certificate", why, help));
                }
                if tls.private_key.is_none() {
                    let help = "add `private_key: file:/path/to/server.key` (a secret reference) under `listener.tls`";
                    out.push(Missing::new(target, "listener.tls.private_key", why, help));
                }
            }
        }
        Target::Truefoundry => {
            if policy.targets.truefoundry.is_none() {
                out.push(Missing::new(
                    target,
                    "targets.truefoundry",
                    "TrueFoundry reads the provider key from a secret FQN made of a tenant and a secret group",
                    "add `truefoundry: {tenant: <TrueFoundry tenant>, secret_group: <group holding the gateway's secrets>}` under `targets`",
                ));
            }
            if policy.upstream.models.is_empty() {
                out.push(Missing::new(
                    target,
                    "upstream.models",
                    "TrueFoundry serves only models registered on the provider account, with no wildcard",
                    "list the models the gateway may serve: `models: [claude-sonnet-4-5]` under `upstream`",
                ));
            }
        }
        Target::Zuplo => {
            let enterprise = policy.targets.zuplo.as_ref().is_some_and(|z| z.enterprise);
            if policy.auth.method == AuthMethod::Mtls && !enterprise {
                out.push(Missing::new(
                    target,
                    "targets.zuplo.enterprise",
                    "mtls-auth-inbound, Zuplo's client-certificate policy, is part of Zuplo Enterprise",
                    "set `zuplo: {enterprise: true}` under `targets` if the account has Zuplo Enterprise",
                ));
            }
        }
        Target::Litellm => {}
    }
    out
}

/// The first missing setting as the error a renderer returns.
pub fn check(policy: &Policy, target: Target) -> Result<(), RenderError> {
    match missing(policy, target).into_iter().next() {
        None => Ok(()),
        Some(m) => Err(RenderError::Unrepresentable { target, field: m.path.to_string(), reason: m.message }),
    }
}

/// The certificate and key of a TLS listener, for a renderer that terminates TLS.
pub fn server_certificate(tls: &Tls, target: Target) -> Result<(&SecretRef, &SecretRef), RenderError> {
    match (&tls.certificate, &tls.private_key) {
        (Some(certificate), Some(key)) => Ok((certificate, key)),
        _ => Err(RenderError::Unrepresentable {
            target,
            field: "listener.tls".into(),
            reason: format!("{target} terminates TLS: it needs `certificate` and `private_key`"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::BASE;

    fn policy(yaml: &str) -> Policy {
        let source = crate::load::Source::new("t.yaml", yaml);
        let doc = crate::load::yaml::parse(&source).unwrap();
        crate::check::schema::validate(&doc, &source).map_err(|f| f[0].message.clone()).unwrap()
    }

    #[test]
    fn only_the_targets_that_terminate_tls_need_its_certificate() {
        let without = BASE.replace("    certificate: file:/etc/gateway/tls/server.crt\n", "");
        let p = policy(&without);
        for target in [Target::Nginx, Target::Kong] {
            let found = missing(&p, target);
            assert_eq!(found.len(), 1, "{target}: {found:?}");
            assert_eq!(found[0].path.to_string(), "listener.tls.certificate");
        }
        for target in [Target::Litellm, Target::Zuplo] {
            assert!(missing(&p, target).is_empty(), "{target}");
        }
        assert!(check(&p, Target::Nginx).is_err());
    }

    #[test]
    fn truefoundry_needs_its_settings_and_a_model_list() {
        let p = policy(BASE);
        let paths: Vec<String> = missing(&p, Target::Truefoundry).iter().map(|m| m.path.to_string()).collect();
        assert_eq!(paths, ["targets.truefoundry", "upstream.models"]);
    }
}
