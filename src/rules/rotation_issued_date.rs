use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::policy::AuthMethod;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "rotation-issued-date",
    severity: Severity::Error,
    title: "Consumer issue date in the future or missing",
    seed: "security-best-practices-enterprise-gateways.md § Rotation Schedule",
    quote: &["| API Keys | 90 days (max) | Manual or automated |"],
    packs: "",
    docs: r#"## What it does
Checks consumers' `issued` dates: a date after today is an error. With
`api_key` authentication and a `rotation` section, a consumer that has a `key`
but no `issued` date gets a warning.

## Why is this bad?
Rotation checks count a key's age from `issued`. A future date makes an old key
look new, and a missing date hides it from the 90-day rotation schedule
entirely.

## Example
```yaml
consumers:
  - name: ci-bot
    key: aws-sm:claude-code/ci-bot
    issued: 2031-01-01
  - name: team-data
    key: env:TEAM_DATA_GATEWAY_KEY
rotation:
  max_key_age_days: 90
```

## How to fix
```yaml
consumers:
  - name: ci-bot
    key: aws-sm:claude-code/ci-bot
    issued: 2026-11-01
  - name: team-data
    key: env:TEAM_DATA_GATEWAY_KEY
    issued: 2026-10-15
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let track = cx.policy.auth.method == AuthMethod::ApiKey && cx.policy.rotation.is_some();
    let mut found = Vec::new();
    for (i, consumer) in cx.policy.consumers.iter().enumerate() {
        let path = Path::root().key("consumers").index(i);
        let name = &consumer.name.0;
        match consumer.issued {
            Some(issued) if issued > cx.today => found.push(
                Violation::at(
                    path.key("issued"),
                    format!("consumer `{name}` has `issued: {issued}`, a date in the future (today is {})", cx.today),
                )
                .help("set `issued` to the date the current key was actually issued"),
            ),
            None if track && consumer.key.is_some() => found.push(
                Violation::at(
                    path,
                    format!("consumer `{name}` has a key but no `issued` date: its age cannot be checked"),
                )
                .help("add `issued: YYYY-MM-DD`, the date the current key was issued")
                .severity(Severity::Warning),
            ),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;

    use crate::check::Options;
    use crate::rules::testing::{base_with, lines, run, run_with, BASE};
    use crate::severity::Severity;

    const ROTATION: &str = "rotation:\n  max_key_age_days: 90\n  warn_before_days: 7\n";

    #[test]
    fn base_passes() {
        assert!(run("rotation-issued-date", BASE).is_empty());
    }

    #[test]
    fn future_date_is_an_error() {
        let found = run("rotation-issued-date", &base_with("issued: 2026-10-01", "issued: 2026-11-24"));
        assert_eq!(lines(&found), vec![28]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("team-platform"));
        let options = Options { today: NaiveDate::from_ymd_opt(2026, 9, 20).unwrap(), packs: BTreeSet::new() };
        assert_eq!(lines(&run_with("rotation-issued-date", BASE, &options)), vec![28]);
    }

    #[test]
    fn missing_date_is_a_warning_at_the_consumer() {
        let yaml = base_with("    issued: 2026-09-15\n", "");
        let found = run("rotation-issued-date", &yaml);
        assert_eq!(lines(&found), vec![31]);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("ci-bot"));
        assert!(run("rotation-issued-date", &yaml.replacen(ROTATION, "", 1)).is_empty());
    }
}
