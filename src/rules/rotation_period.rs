use super::{Check, Context, Rule, Violation};
use crate::policy::AuthMethod;
use crate::severity::Severity;

/// The seeds' maximum key age.
const MAX_DAYS: u32 = 90;

pub static RULE: Rule = Rule {
    id: "rotation-period",
    severity: Severity::Error,
    title: "Key rotation period longer than 90 days",
    seed: "security-best-practices-enterprise-gateways.md § Rotation Schedule",
    quote: &["| API Keys | 90 days (max) | Manual or automated |"],
    packs: "",
    docs: r#"## What it does
Checks that `rotation.max_key_age_days` is at most 90. A production policy with
`api_key` authentication and no `rotation` section gets a warning.

## Why is this bad?
The seeds' rotation schedule says "API Keys: 90 days (max)" ("Regular Rotation:
Credentials rotated every 90 days maximum"). A longer period leaves a leaked key
usable for longer; without a `rotation` section gatectl cannot tell you when
consumer keys are due.

## Example
```yaml
rotation:
  max_key_age_days: 365
```

## How to fix
```yaml
rotation:
  max_key_age_days: 90
  warn_before_days: 7
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    match &cx.policy.rotation {
        Some(rotation) if rotation.max_key_age_days > MAX_DAYS => vec![Violation::new(
            "rotation.max_key_age_days",
            format!("keys may live {} days; the rotation period must be at most {MAX_DAYS}", rotation.max_key_age_days),
        )
        .help(format!("set `max_key_age_days: {MAX_DAYS}` (or less)"))],
        None if cx.is_production() && cx.policy.auth.method == AuthMethod::ApiKey => {
            vec![Violation::new("rotation", "production policy with api_key auth has no `rotation` section: key age is not checked")
                .help(format!("add `rotation: {{max_key_age_days: {MAX_DAYS}, warn_before_days: 7}}` and an `issued` date per consumer"))
                .severity(Severity::Warning)]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};
    use crate::severity::Severity;

    const ROTATION: &str = "rotation:\n  max_key_age_days: 90\n  warn_before_days: 7\n";

    #[test]
    fn base_passes() {
        assert!(run("rotation-period", BASE).is_empty());
        assert!(run("rotation-period", &base_with("max_key_age_days: 90", "max_key_age_days: 30")).is_empty());
    }

    #[test]
    fn period_above_90_days_is_an_error() {
        let found = run("rotation-period", &base_with("max_key_age_days: 90", "max_key_age_days: 91"));
        assert_eq!(lines(&found), vec![51]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("91"));
    }

    #[test]
    fn production_api_key_without_rotation_is_a_warning() {
        let yaml = base_with(ROTATION, "");
        let found = run("rotation-period", &yaml);
        assert_eq!(lines(&found), vec![2]);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(run("rotation-period", &yaml.replacen("environment: production", "environment: staging", 1)).is_empty());
    }
}
