use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "rate-limit-burst",
    severity: Severity::Error,
    title: "Burst larger than the per-minute limit",
    seed: "security-best-practices-enterprise-gateways.md § Per-User Rate Limiting",
    quote: &["requests_per_minute: 100\n    tokens_per_minute: 400000\n    burst_allowance: 20"],
    packs: "",
    docs: r#"## What it does
Checks that `rate_limits.burst` is not larger than `rate_limits.requests_per_minute`,
and that a consumer's `rate_limit.burst` is not larger than that consumer's
effective `requests_per_minute` (its own, else the global one).

## Why is this bad?
The burst allowance lets a caller go briefly above the steady rate (the seed pairs
100 requests a minute with a burst of 20). A burst above the per-minute limit
means the limit is never actually enforced within a minute.

## Example
```yaml
rate_limits:
  requests_per_minute: 100
  burst: 500
```

## How to fix
```yaml
rate_limits:
  requests_per_minute: 100
  burst: 20
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let global = cx.policy.rate_limits.as_ref();
    let global_rpm = global.and_then(|r| r.requests_per_minute);
    let mut found = Vec::new();
    if let (Some(burst), Some(rpm)) = (global.and_then(|r| r.burst), global_rpm) {
        if burst > rpm {
            found.push(
                Violation::new("rate_limits.burst", format!("burst {burst} is larger than requests_per_minute {rpm}"))
                    .help(format!("set `burst` to at most {rpm} (a fraction of it, e.g. 20%)")),
            );
        }
    }
    for (i, consumer) in cx.policy.consumers.iter().enumerate() {
        let Some(limit) = &consumer.rate_limit else {
            continue;
        };
        let (Some(burst), Some(rpm)) = (limit.burst, limit.requests_per_minute.or(global_rpm)) else {
            continue;
        };
        if burst > rpm {
            let path = Path::root().key("consumers").index(i).key("rate_limit").key("burst");
            found.push(
                Violation::at(
                    path,
                    format!(
                        "burst {burst} of consumer `{}` is larger than its requests_per_minute {rpm}",
                        consumer.name.0
                    ),
                )
                .help(format!("set `burst` to at most {rpm}, or raise the consumer's `requests_per_minute`")),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    #[test]
    fn base_passes() {
        assert!(run("rate-limit-burst", BASE).is_empty());
    }

    #[test]
    fn global_burst_above_rpm() {
        let found = run("rate-limit-burst", &base_with("  burst: 20", "  burst: 101"));
        assert_eq!(lines(&found), vec![40]);
        assert!(found[0].message.contains("101") && found[0].message.contains("100"));
        assert!(run("rate-limit-burst", &base_with("  burst: 20", "  burst: 100")).is_empty());
    }

    #[test]
    fn consumer_burst_against_its_own_rpm() {
        let yaml = base_with("      requests_per_minute: 200", "      requests_per_minute: 200\n      burst: 201");
        let found = run("rate-limit-burst", &yaml);
        assert_eq!(lines(&found), vec![31]);
        assert!(found[0].message.contains("team-platform"));
        // 150 is above the global 100 but within the consumer's own 200.
        let yaml = base_with("      requests_per_minute: 200", "      requests_per_minute: 200\n      burst: 150");
        assert!(run("rate-limit-burst", &yaml).is_empty());
    }

    #[test]
    fn consumer_burst_against_the_global_rpm() {
        let yaml = base_with("    issued: 2026-09-15", "    issued: 2026-09-15\n    rate_limit:\n      burst: 150");
        let found = run("rate-limit-burst", &yaml);
        assert_eq!(lines(&found), vec![35]);
        assert!(found[0].message.contains("ci-bot") && found[0].message.contains("100"));
    }
}
