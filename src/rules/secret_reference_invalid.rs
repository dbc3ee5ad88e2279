use super::{Check, Context, Rule, Violation};
use crate::credentials;
use crate::policy::{ReferenceError, SCHEMES};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "secret-reference-invalid",
    severity: Severity::Error,
    title: "Secret field is not a valid secret reference",
    seed: "security-best-practices-enterprise-gateways.md § Use Secret Managers",
    quote: &[
        "**AWS Secrets Manager**:",
        "**Google Secret Manager**:",
        "**HashiCorp Vault**:",
        "**Kubernetes Secrets**:",
    ],
    packs: "",
    docs: r#"## What it does
Checks every field that takes a secret (`upstream.api_key`,
`listener.tls.private_key`, consumer `key`s, …) holds a secret reference:
`env:NAME`, `file:/abs/path`, `vault:path#field`, `aws-sm:name`, `gcp-sm:name`
or `k8s:secret/key`. It reports literals, unknown schemes and malformed
references; the value itself is never printed. A literal that looks like a
credential is reported by `secret-inline` instead.

## Why is this bad?
The seeds say to store secrets in a secret manager and never in plaintext
config files. A literal is either a secret committed to the repository or a
typo that makes the gateway fail at deploy time; an unknown or malformed
reference cannot be mapped to any target's secret mechanism.

## Example
```yaml
upstream:
  api_key: azure-kv:claude/provider
consumers:
  - name: ci-bot
    key: vault:secret/ci-bot
```

## How to fix
```yaml
upstream:
  api_key: vault:secret/claude-code#provider_key
consumers:
  - name: ci-bot
    key: vault:secret/gateway#ci-bot
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let mut found = Vec::new();
    for field in cx.policy.secret_fields() {
        let path = field.path.to_string();
        let violation = match field.reference.parse() {
            Ok(_) => continue,
            Err(ReferenceError::NotAReference) if credentials::looks_like_credential(&field.reference.0) => continue,
            Err(ReferenceError::NotAReference) => {
                Violation::at(field.path, format!("`{path}` holds a literal value, not a secret reference"))
                    .help(format!("move the value to a secret store and reference it: {SCHEMES}"))
            }
            Err(ReferenceError::UnknownScheme(scheme)) => {
                Violation::at(field.path, format!("unknown secret-reference scheme `{scheme}:` in `{path}`"))
                    .help(format!("use one of {SCHEMES}"))
            }
            Err(ReferenceError::Malformed { scheme, expected }) => {
                Violation::at(field.path, format!("malformed `{scheme}:` reference in `{path}`"))
                    .help(format!("expected {expected}"))
            }
        };
        found.push(violation);
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    #[test]
    fn valid_references_pass() {
        assert!(run("secret-reference-invalid", BASE).is_empty());
        for ok in ["gcp-sm:projects/p/secrets/s", "k8s:gateway-keys/provider", "env:ANTHROPIC_API_KEY"] {
            let yaml = base_with("api_key: vault:secret/claude-code#provider_key", &format!("api_key: {ok}"));
            assert!(run("secret-reference-invalid", &yaml).is_empty(), "{ok}");
        }
    }

    #[test]
    fn literal_is_reported_without_its_value() {
        let found =
            run("secret-reference-invalid", &base_with("key: aws-sm:claude-code/ci-bot", "key: hunter2hunter2"));
        assert_eq!(lines(&found), vec![32]);
        assert!(found[0].message.contains("`consumers[1].key` holds a literal value"));
        assert!(!found[0].message.contains("hunter2") && !found[0].help.as_deref().unwrap_or("").contains("hunter2"));
    }

    #[test]
    fn credential_literals_are_left_to_secret_inline() {
        let yaml =
            base_with("api_key: vault:secret/claude-code#provider_key", "api_key: sk-ant-api03-AbCdEf0123456789xyz");
        assert!(run("secret-reference-invalid", &yaml).is_empty());
        assert_eq!(run("secret-inline", &yaml).len(), 1);
    }

    #[test]
    fn unknown_scheme_and_malformed_reference() {
        let yaml = base_with("api_key: vault:secret/claude-code#provider_key", "api_key: azure-kv:claude/provider")
            .replacen("private_key: file:/etc/gateway/tls/server.key", "private_key: file:etc/server.key", 1);
        let found = run("secret-reference-invalid", &yaml);
        assert_eq!(lines(&found), vec![8, 17]);
        assert_eq!(found[0].message, "unknown secret-reference scheme `azure-kv:` in `upstream.api_key`");
        assert_eq!(found[1].message, "malformed `file:` reference in `listener.tls.private_key`");
        assert_eq!(found[1].help.as_deref(), Some("expected file:/absolute/path without .."));
    }
}
