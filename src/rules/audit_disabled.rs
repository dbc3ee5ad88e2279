use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "audit-disabled",
    severity: Severity::Error,
    title: "Audit logging off outside development",
    seed: "security-best-practices-enterprise-gateways.md § Security Principles",
    quote: &["4. **Audit Everything**: Comprehensive logging for compliance"],
    packs: "",
    docs: r#"## What it does
Checks that staging and production policies have an `audit` section with
`enabled: true`. Development policies are not checked.

## Why is this bad?
"Audit Everything: Comprehensive logging for compliance." Without request logs
(who, when, which model, status, tokens) a leaked key cannot be traced, abuse
cannot be investigated, and SOC2/HIPAA audits have no evidence.

## Example
```yaml
environment: production
audit:
  enabled: false
```

## How to fix
```yaml
environment: production
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
  log_bodies: false
  retention_days: 2555
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if cx.is_development() {
        return Vec::new();
    }
    let env = cx.environment().as_str();
    match &cx.policy.audit {
        None => vec![Violation::new("audit", format!("{env} policy has no `audit` section: requests are not logged"))
            .help("add `audit: {enabled: true, redact_headers: [authorization, x-api-key]}`")],
        Some(audit) if !audit.enabled => {
            vec![Violation::new("audit.enabled", format!("audit logging is disabled in a {env} policy"))
                .help("set `audit.enabled: true`; only development policies may run without audit logs")]
        }
        Some(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    const AUDIT: &str = "audit:\n  enabled: true\n  redact_headers: [authorization, x-api-key]\n  log_bodies: false\n  retention_days: 2555\n";

    #[test]
    fn base_passes() {
        assert!(run("audit-disabled", BASE).is_empty());
    }

    #[test]
    fn disabled_in_production_and_staging() {
        let yaml = base_with("  enabled: true", "  enabled: false");
        let found = run("audit-disabled", &yaml);
        assert_eq!(lines(&found), vec![46]);
        assert!(found[0].message.contains("production"));
        assert_eq!(
            lines(&run("audit-disabled", &yaml.replacen("environment: production", "environment: staging", 1))),
            vec![46]
        );
    }

    #[test]
    fn missing_section_falls_back_to_the_document() {
        let found = run("audit-disabled", &base_with(AUDIT, ""));
        assert_eq!(lines(&found), vec![2]);
        assert!(found[0].message.contains("no `audit` section"));
    }

    #[test]
    fn development_is_skipped() {
        let yaml = base_with(AUDIT, "").replacen("environment: production", "environment: development", 1);
        assert!(run("audit-disabled", &yaml).is_empty());
    }
}
