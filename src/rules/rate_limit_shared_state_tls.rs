use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "rate-limit-shared-state-tls",
    severity: Severity::Warning,
    title: "Rate-limit Redis without TLS or password",
    seed: "security-best-practices-enterprise-gateways.md § Security Principles",
    quote: &["5. **Encrypt All Communications**: TLS 1.2+ mandatory"],
    packs: "",
    docs: r#"## What it does
Checks `rate_limits.shared_state`, the Redis that holds cluster-wide rate-limit
counters: a plaintext `redis://` URL is a warning (an error in production), and
so is a shared state without `shared_state_password` (a warning).

## Why is this bad?
The seeds ask for Redis "for multi-instance state sharing" and for TLS on all
communications. Over plaintext Redis the password and the per-consumer counters
cross the network in clear; without a password anyone who reaches Redis can
reset the counters and lift every rate limit.

## Example
```yaml
rate_limits:
  requests_per_minute: 100
  shared_state: redis://redis.internal:6379
```

## How to fix
```yaml
rate_limits:
  requests_per_minute: 100
  shared_state: rediss://redis.internal:6380
  shared_state_password: env:REDIS_PASSWORD
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(limits) = &cx.policy.rate_limits else {
        return Vec::new();
    };
    let Some(url) = &limits.shared_state else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if url.to_ascii_lowercase().starts_with("redis://") {
        let severity = if cx.is_production() { Severity::Error } else { Severity::Warning };
        found.push(
            Violation::new("rate_limits.shared_state", "rate-limit shared state uses plaintext `redis://`")
                .help("use `rediss://` (Redis over TLS)")
                .severity(severity),
        );
    }
    if limits.shared_state_password.is_none() {
        found.push(
            Violation::new(
                "rate_limits.shared_state",
                "rate-limit shared state has no `shared_state_password`: anyone reaching Redis can reset the counters",
            )
            .help("set `shared_state_password` to a secret reference, e.g. `env:REDIS_PASSWORD`"),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};
    use crate::severity::Severity;

    fn with_state(url: &str, password: bool) -> String {
        let password = if password { "\n  shared_state_password: env:REDIS_PASSWORD" } else { "" };
        base_with("  burst: 20", &format!("  burst: 20\n  shared_state: {url}{password}"))
    }

    #[test]
    fn base_and_tls_with_password_pass() {
        assert!(run("rate-limit-shared-state-tls", BASE).is_empty());
        assert!(run("rate-limit-shared-state-tls", &with_state("rediss://redis.internal:6380", true)).is_empty());
    }

    #[test]
    fn plaintext_redis_is_an_error_in_production_a_warning_elsewhere() {
        let yaml = with_state("redis://redis.internal:6379", true);
        let found = run("rate-limit-shared-state-tls", &yaml);
        assert_eq!(lines(&found), vec![41]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].help.as_deref().unwrap().contains("rediss://"));
        let found =
            run("rate-limit-shared-state-tls", &yaml.replacen("environment: production", "environment: staging", 1));
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn missing_password_is_a_warning() {
        let found = run("rate-limit-shared-state-tls", &with_state("rediss://redis.internal:6380", false));
        assert_eq!(lines(&found), vec![41]);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("shared_state_password"));
        assert_eq!(run("rate-limit-shared-state-tls", &with_state("redis://redis.internal:6379", false)).len(), 2);
    }
}
