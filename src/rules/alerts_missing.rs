use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "alerts-missing",
    severity: Severity::Warning,
    title: "No alerting thresholds in production",
    seed: "security-best-practices-enterprise-gateways.md § Alerting Rules",
    quote: &["**Critical Alerts** (PagerDuty/Slack):", "- 🚨 Authentication failures > 10/min from same IP\n- 🚨 Gateway error rate > 5%\n- 🚨 Latency P99 > 10 seconds"],
    packs: "",
    docs: r#"## What it does
Checks that production policies have an `alerts` section that sets at least one
of `auth_failures_per_minute`, `error_rate_percent` or `p99_latency_seconds`.

## Why is this bad?
The seed's critical alerts are authentication failures above 10 a minute, a
gateway error rate above 5% and a P99 latency above 10 seconds, and its
checklist asks for "Alerting rules configured (auth failures, errors, latency)".
Without them a credential-stuffing attack or an outage goes unnoticed.

## Example
```yaml
environment: production
alerts: {}
```

## How to fix
```yaml
environment: production
alerts:
  auth_failures_per_minute: 10
  error_rate_percent: 5
  p99_latency_seconds: 10
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if !cx.is_production() {
        return Vec::new();
    }
    let what = match &cx.policy.alerts {
        None => "no `alerts` section",
        Some(a)
            if a.auth_failures_per_minute.is_none()
                && a.error_rate_percent.is_none()
                && a.p99_latency_seconds.is_none() =>
        {
            "an empty `alerts` section"
        }
        Some(_) => return Vec::new(),
    };
    vec![Violation::new(
        "alerts",
        format!("production policy has {what}: auth failures, errors and latency are not alerted on"),
    )
    .help("add `alerts: {auth_failures_per_minute: 10, error_rate_percent: 5, p99_latency_seconds: 10}`")]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    const ALERTS: &str =
        "alerts:\n  auth_failures_per_minute: 10\n  error_rate_percent: 5\n  p99_latency_seconds: 10\n";

    #[test]
    fn base_and_a_single_threshold_pass() {
        assert!(run("alerts-missing", BASE).is_empty());
        assert!(run("alerts-missing", &base_with(ALERTS, "alerts:\n  error_rate_percent: 5\n")).is_empty());
    }

    #[test]
    fn missing_or_empty_alerts_in_production() {
        let found = run("alerts-missing", &base_with(ALERTS, ""));
        assert_eq!(lines(&found), vec![2]);
        assert!(found[0].message.contains("no `alerts` section"));
        let found = run("alerts-missing", &base_with(ALERTS, "alerts: {}\n"));
        assert_eq!(lines(&found), vec![53]);
        assert!(found[0].message.contains("empty"));
    }

    #[test]
    fn staging_is_not_checked() {
        let yaml = base_with(ALERTS, "").replacen("environment: production", "environment: staging", 1);
        assert!(run("alerts-missing", &yaml).is_empty());
    }
}
