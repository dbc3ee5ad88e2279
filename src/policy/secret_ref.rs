//! Secret references: `env:NAME`, `file:/abs/path`, `vault:path#field`,
//! `aws-sm:name`, `gcp-sm:name`, `k8s:secret/key`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A reference to a secret held outside the policy. Never a secret value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(
    description = "A secret reference, never a literal: env:NAME, file:/abs/path, vault:path#field, aws-sm:name, gcp-sm:name or k8s:secret/key.",
    extend("examples" = ["env:ANTHROPIC_API_KEY", "vault:secret/claude-code#provider_key"])
)]
pub struct SecretRef(pub String);

/// A reference split into its scheme and what the scheme needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference<'a> {
    Env { name: &'a str },
    File { path: &'a str },
    Vault { path: &'a str, field: &'a str },
    AwsSecretsManager { name: &'a str },
    GcpSecretManager { name: &'a str },
    Kubernetes { secret: &'a str, key: &'a str },
}

/// Why a string is not a usable reference. Messages never contain the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceError {
    /// No `scheme:` at all: most likely a literal secret.
    NotAReference,
    UnknownScheme(String),
    Malformed {
        scheme: &'static str,
        expected: &'static str,
    },
}

pub const SCHEMES: &str = "env:NAME, file:/abs/path, vault:path#field, aws-sm:name, gcp-sm:name, k8s:secret/key";

impl SecretRef {
    pub fn parse(&self) -> Result<Reference<'_>, ReferenceError> {
        let Some((scheme, rest)) = self.0.split_once(':') else {
            return Err(ReferenceError::NotAReference);
        };
        let simple_name =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./+@=".contains(&b));
        let bad = |scheme, expected| Err(ReferenceError::Malformed { scheme, expected });
        match scheme {
            "env" => {
                let valid = rest.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                    && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if valid {
                    Ok(Reference::Env { name: rest })
                } else {
                    bad("env", "env:NAME with letters, digits and _")
                }
            }
            "file" => {
                let valid = rest.starts_with('/')
                    && rest.len() > 1
                    && !rest.split('/').any(|p| p == "..")
                    && !rest.chars().any(char::is_control);
                if valid {
                    Ok(Reference::File { path: rest })
                } else {
                    bad("file", "file:/absolute/path without ..")
                }
            }
            "vault" => match rest.split_once('#') {
                Some((path, field)) if simple_name(path) && simple_name(field) => Ok(Reference::Vault { path, field }),
                _ => bad("vault", "vault:path#field"),
            },
            "aws-sm" if simple_name(rest) => Ok(Reference::AwsSecretsManager { name: rest }),
            "aws-sm" => bad("aws-sm", "aws-sm:name"),
            "gcp-sm" if simple_name(rest) => Ok(Reference::GcpSecretManager { name: rest }),
            "gcp-sm" => bad("gcp-sm", "gcp-sm:name"),
            "k8s" => match rest.split_once('/') {
                Some((secret, key)) if simple_name(secret) && simple_name(key) && !key.contains('/') => {
                    Ok(Reference::Kubernetes { secret, key })
                }
                _ => bad("k8s", "k8s:secret/key"),
            },
            other => {
                let looks_like_scheme = !other.is_empty()
                    && other.len() <= 16
                    && other.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if looks_like_scheme {
                    Err(ReferenceError::UnknownScheme(other.to_string()))
                } else {
                    Err(ReferenceError::NotAReference)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Reference<'_>, ReferenceError> {
        // Leak is fine in a test: parse borrows from the SecretRef.
        Box::leak(Box::new(SecretRef(s.to_string()))).parse()
    }

    #[test]
    fn every_documented_scheme_parses() {
        assert_eq!(parse("env:TEAM_KEY"), Ok(Reference::Env { name: "TEAM_KEY" }));
        assert_eq!(parse("file:/etc/tls/server.key"), Ok(Reference::File { path: "/etc/tls/server.key" }));
        assert_eq!(
            parse("vault:secret/claude-code#provider_key"),
            Ok(Reference::Vault { path: "secret/claude-code", field: "provider_key" })
        );
        assert_eq!(parse("aws-sm:claude-code/ci-bot"), Ok(Reference::AwsSecretsManager { name: "claude-code/ci-bot" }));
        assert_eq!(
            parse("gcp-sm:projects/p/secrets/s"),
            Ok(Reference::GcpSecretManager { name: "projects/p/secrets/s" })
        );
        assert_eq!(parse("k8s:gateway-keys/team"), Ok(Reference::Kubernetes { secret: "gateway-keys", key: "team" }));
    }

    #[test]
    fn literals_unknown_schemes_and_malformed_references_are_told_apart() {
        assert_eq!(parse("hunter2"), Err(ReferenceError::NotAReference));
        assert_eq!(parse("azure-kv:thing"), Err(ReferenceError::UnknownScheme("azure-kv".into())));
        assert!(matches!(parse("env:lower-case"), Err(ReferenceError::Malformed { scheme: "env", .. })));
        assert!(matches!(parse("file:relative/path"), Err(ReferenceError::Malformed { .. })));
        assert!(matches!(parse("file:/etc/../shadow"), Err(ReferenceError::Malformed { .. })));
        assert!(matches!(parse("vault:no-field"), Err(ReferenceError::Malformed { .. })));
    }
}
