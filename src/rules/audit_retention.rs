use super::{Check, Context, Rule, Violation};
use crate::policy::Pack;
use crate::severity::Severity;

/// 7 years: the seed's retention for SOC2/HIPAA audit logs.
const COMPLIANCE_DAYS: u32 = 2555;
/// One full key lifetime (the 90-day rotation period), so a leaked key's use can be reviewed.
const MIN_DAYS: u32 = 90;

pub static RULE: Rule = Rule {
    id: "audit-retention",
    severity: Severity::Warning,
    title: "Audit logs kept too briefly",
    seed: "security-best-practices-enterprise-gateways.md § Data Retention",
    quote: &["**Requirement**: Retain logs for audit purposes", "retention_days: 2555  # 7 years for SOC2/HIPAA"],
    packs: "soc2, hipaa: an error unless `retention_days` is set to at least 2555 (7 years); gdpr: an error when `retention_days` is not set.",
    docs: r#"## What it does
When audit logging is enabled, checks `audit.retention_days`: below 90 days is a
warning. Under the soc2 or hipaa pack it must be set and at least 2555 days
(7 years), else an error; under the gdpr pack it must be set.

## Why is this bad?
The seed keeps audit logs "2555 # 7 years for SOC2/HIPAA". Without a pack, logs
should still cover one full key lifetime (the 90-day rotation period), so the
use of a compromised key can be reviewed ("Review audit logs for unauthorized
usage"). GDPR asks for a defined data retention policy.

## Example
```yaml
compliance: [soc2]
audit:
  enabled: true
  retention_days: 30
```

## How to fix
```yaml
compliance: [soc2]
audit:
  enabled: true
  retention_days: 2555
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(audit) = cx.policy.audit.as_ref().filter(|a| a.enabled) else {
        return Vec::new();
    };
    let strict = [Pack::Soc2, Pack::Hipaa].into_iter().find(|p| cx.has_pack(*p));
    let violation = match (audit.retention_days, strict) {
        (None, Some(pack)) => Violation::new(
            "audit.retention_days",
            format!("no `audit.retention_days`: the {} pack requires {COMPLIANCE_DAYS} days (7 years)", pack.as_str()),
        ),
        (Some(days), Some(pack)) if days < COMPLIANCE_DAYS => Violation::new(
            "audit.retention_days",
            format!("audit logs are kept {days} days; the {} pack requires {COMPLIANCE_DAYS} (7 years)", pack.as_str()),
        ),
        (None, None) if cx.has_pack(Pack::Gdpr) => Violation::new(
            "audit.retention_days",
            "no `audit.retention_days`: the gdpr pack requires a defined retention period",
        ),
        (Some(days), None) if days < MIN_DAYS => {
            return vec![Violation::new(
                "audit.retention_days",
                format!("audit logs are kept {days} days, less than one {MIN_DAYS}-day key rotation period"),
            )
            .help(format!("set `retention_days` to at least {MIN_DAYS}"))];
        }
        _ => return Vec::new(),
    };
    vec![violation
        .help(format!("set `retention_days` (at least {COMPLIANCE_DAYS} under soc2/hipaa)"))
        .severity(Severity::Error)]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::check::Options;
    use crate::policy::Pack;
    use crate::rules::testing::{base_with, lines, run, run_with, BASE};
    use crate::severity::Severity;

    const DAYS: &str = "  retention_days: 2555";

    fn no_pack(days: &str) -> String {
        base_with(DAYS, days).replacen("compliance: [soc2]", "compliance: []", 1)
    }

    #[test]
    fn base_passes() {
        assert!(run("audit-retention", BASE).is_empty());
    }

    #[test]
    fn soc2_requires_seven_years() {
        let found = run("audit-retention", &base_with(DAYS, "  retention_days: 365"));
        assert_eq!(lines(&found), vec![49]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("365") && found[0].message.contains("soc2"));
        let found = run("audit-retention", &base_with(&format!("{DAYS}\n"), ""));
        assert_eq!(lines(&found), vec![45]);
        assert!(found[0].message.contains("no `audit.retention_days`"));
    }

    #[test]
    fn hipaa_from_the_command_line() {
        let options = Options { packs: BTreeSet::from([Pack::Hipaa]), ..Options::for_tests() };
        let found = run_with("audit-retention", &no_pack("  retention_days: 365"), &options);
        assert_eq!(lines(&found), vec![49]);
        assert!(found[0].message.contains("hipaa"));
    }

    #[test]
    fn without_packs_below_90_days_is_a_warning() {
        assert!(run("audit-retention", &no_pack("  retention_days: 365")).is_empty());
        assert!(run("audit-retention", &no_pack("  retention_days: 90")).is_empty());
        let found = run("audit-retention", &no_pack("  retention_days: 30"));
        assert_eq!(lines(&found), vec![49]);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn gdpr_requires_a_retention_period() {
        let yaml = base_with(&format!("{DAYS}\n"), "");
        assert!(run("audit-retention", &yaml.replacen("compliance: [soc2]", "compliance: []", 1)).is_empty());
        let found = run("audit-retention", &yaml.replacen("compliance: [soc2]", "compliance: [gdpr]", 1));
        assert_eq!(lines(&found), vec![45]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(run(
            "audit-retention",
            &no_pack("  retention_days: 365").replacen("compliance: []", "compliance: [gdpr]", 1)
        )
        .is_empty());
    }

    #[test]
    fn disabled_audit_is_skipped() {
        let yaml = base_with(DAYS, "  retention_days: 1").replacen("  enabled: true", "  enabled: false", 1);
        assert!(run("audit-retention", &yaml).is_empty());
    }
}
