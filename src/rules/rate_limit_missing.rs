use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "rate-limit-missing",
    severity: Severity::Error,
    title: "No request or token rate limit outside development",
    seed: "security-best-practices-enterprise-gateways.md § Pre-Production",
    quote: &["- [ ] Rate limiting enabled per user/team"],
    packs: "",
    docs: r#"## What it does
Checks that staging and production policies have a `rate_limits` section that
sets `requests_per_minute` or `tokens_per_minute`. An error in production, a
warning in staging; development policies are not checked.

## Why is this bad?
The seeds list "Rate limiting enabled per user/team" in the pre-production
checklist. Without a limit, one leaked key or runaway script can exhaust the
organisation's Anthropic quota and budget for every other team.

## Example
```yaml
environment: production
rate_limits:
  by: consumer
```

## How to fix
```yaml
environment: production
rate_limits:
  by: consumer
  requests_per_minute: 100
  tokens_per_minute: 400000
  burst: 20
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(severity) = cx.production_severity() else {
        return Vec::new();
    };
    let what = match &cx.policy.rate_limits {
        None => "no `rate_limits` section",
        Some(r) if r.requests_per_minute.is_none() && r.tokens_per_minute.is_none() => {
            "`rate_limits` without `requests_per_minute` or `tokens_per_minute`"
        }
        Some(_) => return Vec::new(),
    };
    vec![Violation::new(
        "rate_limits",
        format!("{} policy has {what}: callers are not rate limited", cx.environment().as_str()),
    )
    .help(
        "set `rate_limits.requests_per_minute` (and `tokens_per_minute`), e.g. 100 requests and 400000 tokens a minute",
    )
    .severity(severity)]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};
    use crate::severity::Severity;

    const LIMITS: &str = "  requests_per_minute: 100\n  tokens_per_minute: 400000\n";

    #[test]
    fn base_has_limits() {
        assert!(run("rate-limit-missing", BASE).is_empty());
    }

    #[test]
    fn one_limit_is_enough() {
        assert!(run("rate-limit-missing", &base_with(LIMITS, "  tokens_per_minute: 400000\n")).is_empty());
        assert!(run("rate-limit-missing", &base_with(LIMITS, "  requests_per_minute: 100\n")).is_empty());
    }

    #[test]
    fn section_without_limits_is_an_error_in_production() {
        let found = run("rate-limit-missing", &base_with(LIMITS, ""));
        assert_eq!(lines(&found), vec![36]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("without `requests_per_minute`"));
    }

    #[test]
    fn missing_section_falls_back_to_the_document() {
        let found =
            run("rate-limit-missing", &base_with(&format!("rate_limits:\n  by: consumer\n{LIMITS}  burst: 20\n"), ""));
        assert_eq!(lines(&found), vec![2]);
        assert!(found[0].message.contains("no `rate_limits` section"));
    }

    #[test]
    fn staging_is_a_warning_and_development_is_skipped() {
        let yaml = base_with(LIMITS, "");
        let found = run("rate-limit-missing", &yaml.replacen("environment: production", "environment: staging", 1));
        assert_eq!(lines(&found), vec![36]);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(run("rate-limit-missing", &yaml.replacen("environment: production", "environment: development", 1))
            .is_empty());
    }
}
