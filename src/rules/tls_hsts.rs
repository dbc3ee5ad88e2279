use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

/// One year, the value in the seed's nginx example.
const MIN_MAX_AGE: u64 = 31_536_000;

pub static RULE: Rule = Rule {
    id: "tls-hsts",
    severity: Severity::Error,
    title: "HSTS missing or shorter than a year",
    seed: "security-best-practices-enterprise-gateways.md § TLS/SSL Configuration",
    quote: &["# HSTS (force HTTPS for 1 year)\n    add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;"],
    packs: "",
    docs: r#"## What it does
Checks `listener.tls.hsts` when the listener has TLS. In production a missing
`hsts` section or a `max_age_seconds` below 31536000 (one year) is an error; in
staging the same is a warning; development is not checked. In production,
`include_subdomains: false` is a warning. A listener without TLS is reported
by `tls-missing` instead.

## Why is this bad?
The seed's configuration forces HTTPS "for 1 year":
`Strict-Transport-Security "max-age=31536000; includeSubDomains"`. Without
HSTS a browser-based client's first request may go over plain HTTP and be
downgraded (SSL stripping); a short max-age lets the protection lapse.

## Example
```yaml
listener:
  tls:
    hsts:
      max_age_seconds: 86400
```

## How to fix
```yaml
listener:
  tls:
    hsts:
      max_age_seconds: 31536000
      include_subdomains: true
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(severity) = cx.production_severity() else {
        return Vec::new();
    };
    let Some(tls) = cx.policy.listener.as_ref().and_then(|l| l.tls.as_ref()) else {
        return Vec::new();
    };
    let env = cx.environment().as_str();
    let Some(hsts) = &tls.hsts else {
        return vec![Violation::new("listener.tls.hsts", format!("{env} listener sends no HSTS header"))
            .help(format!(
                "add `hsts: {{max_age_seconds: {MIN_MAX_AGE}, include_subdomains: true}}` under `listener.tls`"
            ))
            .severity(severity)];
    };
    let mut found = Vec::new();
    if hsts.max_age_seconds < MIN_MAX_AGE {
        found.push(
            Violation::new(
                "listener.tls.hsts.max_age_seconds",
                format!("HSTS max-age {} s is shorter than one year ({MIN_MAX_AGE} s)", hsts.max_age_seconds),
            )
            .help(format!("set `max_age_seconds: {MIN_MAX_AGE}`"))
            .severity(severity),
        );
    }
    if cx.is_production() && !hsts.include_subdomains {
        found.push(
            Violation::new("listener.tls.hsts.include_subdomains", "HSTS does not cover subdomains")
                .help("set `include_subdomains: true`")
                .severity(Severity::Warning),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};
    use crate::severity::Severity;

    const HSTS: &str = "    hsts:\n      max_age_seconds: 31536000\n      include_subdomains: true\n";

    #[test]
    fn base_passes() {
        assert!(run("tls-hsts", BASE).is_empty());
    }

    #[test]
    fn production_missing_hsts_is_an_error() {
        let found = run("tls-hsts", &base_with(HSTS, ""));
        assert_eq!(lines(&found), vec![13]);
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn short_max_age_is_an_error_in_production_and_a_warning_in_staging() {
        let yaml = base_with("max_age_seconds: 31536000", "max_age_seconds: 86400");
        let found = run("tls-hsts", &yaml);
        assert_eq!(lines(&found), vec![19]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("86400"));

        let staging = yaml.replacen("environment: production", "environment: staging", 1);
        let found = run("tls-hsts", &staging);
        assert_eq!(lines(&found), vec![19]);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn subdomains_warning_only_in_production() {
        let yaml = base_with("include_subdomains: true", "include_subdomains: false");
        let found = run("tls-hsts", &yaml);
        assert_eq!(lines(&found), vec![20]);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(run("tls-hsts", &yaml.replacen("environment: production", "environment: staging", 1)).is_empty());
    }

    #[test]
    fn development_is_not_checked() {
        let yaml = base_with(HSTS, "").replacen("environment: production", "environment: development", 1);
        assert!(run("tls-hsts", &yaml).is_empty());
    }
}
