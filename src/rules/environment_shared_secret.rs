use std::collections::BTreeMap;

use super::{Check, Context, Rule, SetViolation, Violation};
use crate::load::Path;
use crate::policy::Environment;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "environment-shared-secret",
    severity: Severity::Error,
    title: "Same secret reference used in two environments",
    seed: "api-security-best-practices.md § Rotation",
    quote: &["- **Different keys per environment**:\n  - Development key\n  - Staging key\n  - Production key"],
    packs: "",
    docs: r#"## What it does
Looks at all policies linted together (a folder) and reports a confidential
secret reference — `upstream.api_key`, `listener.tls.private_key`, a consumer
`key`, `rate_limits.shared_state_password` — that policies of different
environments share. Certificates are public and may be shared; replicas of
one environment may share secrets too.

## Why is this bad?
The seeds ask for "different keys per environment: development key, staging
key, production key". If staging and production share a key, a leak from the
less-protected environment compromises production, rotating one breaks the
other, and usage cannot be told apart.

## Example
```yaml
# policies/staging.yaml
environment: staging
upstream:
  api_key: vault:secret/claude-code#provider_key
# policies/production.yaml
environment: production
upstream:
  api_key: vault:secret/claude-code#provider_key
```

## How to fix
```yaml
# policies/staging.yaml
upstream:
  api_key: vault:secret/claude-code/staging#provider_key
# policies/production.yaml
upstream:
  api_key: vault:secret/claude-code/production#provider_key
```"#,
    check: Check::PolicySet(check),
};

struct Use {
    policy: usize,
    path: Path,
    environment: Environment,
}

fn check(contexts: &[Context]) -> Vec<SetViolation> {
    let mut uses: BTreeMap<&str, Vec<Use>> = BTreeMap::new();
    for (policy, cx) in contexts.iter().enumerate() {
        for field in cx.policy.secret_fields().into_iter().filter(|f| f.confidential) {
            uses.entry(field.reference.0.as_str()).or_default().push(Use {
                policy,
                path: field.path,
                environment: cx.environment(),
            });
        }
    }
    let describe = |u: &Use| format!("the {} policy `{}`", u.environment.as_str(), contexts[u.policy].policy.name.0);
    let mut found = Vec::new();
    for (reference, uses) in &uses {
        // Only a valid reference is shown: anything else may be a literal secret.
        let valid = crate::policy::SecretRef((*reference).to_string()).parse().is_ok();
        for this in uses {
            let others: Vec<&Use> = uses.iter().filter(|u| u.environment != this.environment).collect();
            if others.is_empty() {
                continue;
            }
            let names: Vec<String> = others.iter().map(|u| describe(u)).collect();
            let what = if valid { format!("secret reference `{reference}`") } else { "the same secret".to_string() };
            let violation = Violation::at(
                this.path.clone(),
                format!("{what} in `{}` is also used by {}", this.path, names.join(", ")),
            )
            .help("give each environment its own secret: separate keys for development, staging and production");
            let related =
                others.iter().map(|u| (u.policy, u.path.clone(), format!("also used by {}", describe(u)))).collect();
            found.push(SetViolation { policy: this.policy, violation, related });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::check::{lint_sources, Finding, Options};
    use crate::load::Source;
    use crate::rules::testing::{lines, BASE};

    fn lint(a: &str, b: &str) -> Vec<Finding> {
        let report = lint_sources(vec![Source::new("a.yaml", a), Source::new("b.yaml", b)], &Options::for_tests());
        report.findings.into_iter().filter(|f| f.rule == "environment-shared-secret").collect()
    }

    /// BASE as the staging policy, with its own TLS key and consumer keys; only `upstream.api_key` is shared.
    fn staging() -> String {
        BASE.replacen("name: base-prod", "name: base-staging", 1)
            .replacen("environment: production", "environment: staging", 1)
            .replacen("tls/server.key", "tls/staging.key", 1)
            .replacen("env:TEAM_PLATFORM_GATEWAY_KEY", "env:STAGING_TEAM_KEY", 1)
            .replacen("aws-sm:claude-code/ci-bot", "aws-sm:claude-code/staging-ci-bot", 1)
    }

    #[test]
    fn shared_key_across_environments_is_reported_on_both_sides() {
        let found = lint(BASE, &staging());
        assert_eq!(found.len(), 2);
        assert_eq!(lines(&found), vec![8, 8]);
        let (a, b) = (&found[0], &found[1]);
        assert_eq!(a.source.name, "a.yaml");
        assert_eq!(a.message, "secret reference `vault:secret/claude-code#provider_key` in `upstream.api_key` is also used by the staging policy `base-staging`");
        assert_eq!(a.related.len(), 1);
        assert_eq!(a.related[0].source.name, "b.yaml");
        assert_eq!(a.related[0].label, "also used by the staging policy `base-staging`");
        assert_eq!(b.related[0].label, "also used by the production policy `base-prod`");
    }

    #[test]
    fn certificates_are_public_and_may_be_shared() {
        // staging() keeps the same certificate reference (line 16): not reported.
        assert!(lint(BASE, &staging()).iter().all(|f| f.path.to_string() != "listener.tls.certificate"));
    }

    #[test]
    fn replicas_of_one_environment_may_share() {
        let replica = BASE.replacen("name: base-prod", "name: base-prod-eu", 1);
        assert!(lint(BASE, &replica).is_empty());
    }

    #[test]
    fn literal_values_are_never_printed() {
        let a = BASE.replacen("key: aws-sm:claude-code/ci-bot", "key: hunter2hunter2", 1);
        let b = staging().replacen("key: aws-sm:claude-code/staging-ci-bot", "key: hunter2hunter2", 1);
        let found: Vec<_> = lint(&a, &b).into_iter().filter(|f| f.path.to_string() == "consumers[1].key").collect();
        assert_eq!(lines(&found), vec![32, 32]);
        assert!(found.iter().all(|f| !f.message.contains("hunter2") && f.message.starts_with("the same secret")));
    }
}
