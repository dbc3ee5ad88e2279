use chrono::{Days, NaiveDate};

use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::policy::Consumer;
use crate::severity::Severity;

pub static EXPIRED_RULE: Rule = Rule {
    id: "rotation-key-expired",
    severity: Severity::Error,
    title: "Consumer key older than the rotation period",
    seed: "security-best-practices-enterprise-gateways.md § Production",
    quote: &["- [ ] Secrets rotated within last 90 days"],
    packs: "",
    docs: r#"## What it does
When the policy has a `rotation` section, checks each consumer's `issued` date:
a credential older than `rotation.max_key_age_days` (counted from today, or the
date given with `--today`) is an error.

## Why is this bad?
The production checklist requires "Secrets rotated within last 90 days". A key
past its rotation period has had the longest possible time to leak and is out of
policy for every audit.

## Example
```yaml
consumers:
  - name: ci-bot
    key: aws-sm:claude-code/ci-bot
    issued: 2025-01-10
rotation:
  max_key_age_days: 90
```

## How to fix
Issue a new key, store it under the same reference, revoke the old one, then:
```yaml
consumers:
  - name: ci-bot
    key: aws-sm:claude-code/ci-bot
    issued: 2026-11-20
```"#,
    check: Check::Policy(expired),
};

pub static EXPIRING_RULE: Rule = Rule {
    id: "rotation-key-expiring",
    severity: Severity::Warning,
    title: "Consumer key due for rotation soon",
    seed: "security-best-practices-enterprise-gateways.md § Alerting Rules",
    quote: &["- ⚠️ Token approaching expiration (< 7 days)"],
    packs: "",
    docs: r#"## What it does
When the policy has a `rotation` section, warns about each consumer whose
credential reaches `rotation.max_key_age_days` within `warn_before_days`
(default 7), counted from its `issued` date.

## Why is this bad?
The seed's warning alerts include "Token approaching expiration (< 7 days)".
Rotating before the deadline avoids both an out-of-policy key and an outage
when an expiry is enforced.

## Example
```yaml
consumers:
  - name: team-platform
    key: env:TEAM_PLATFORM_GATEWAY_KEY
    issued: 2026-08-28   # 87 days ago
rotation:
  max_key_age_days: 90
  warn_before_days: 7
```

## How to fix
Rotate the key now and update `issued`:
```yaml
consumers:
  - name: team-platform
    key: env:TEAM_PLATFORM_GATEWAY_KEY
    issued: 2026-11-23
```"#,
    check: Check::Policy(expiring),
};

/// Consumers with an `issued` date not in the future: (index, consumer, issued, age in days).
fn issued_keys<'a>(cx: &'a Context) -> impl Iterator<Item = (usize, &'a Consumer, NaiveDate, i64)> + 'a {
    cx.policy.consumers.iter().enumerate().filter_map(|(i, c)| {
        let issued = c.issued?;
        let age = (cx.today - issued).num_days();
        (age >= 0).then_some((i, c, issued, age))
    })
}

fn issued_path(i: usize) -> Path {
    Path::root().key("consumers").index(i).key("issued")
}

fn expired(cx: &Context) -> Vec<Violation> {
    let Some(rotation) = &cx.policy.rotation else {
        return Vec::new();
    };
    let max = i64::from(rotation.max_key_age_days);
    issued_keys(cx)
        .filter(|&(_, _, _, age)| age > max)
        .map(|(i, c, issued, age)| {
            Violation::at(
                issued_path(i),
                format!(
                    "key of consumer `{}` was issued {issued}, {age} days ago; the rotation period is {max} days",
                    c.name.0
                ),
            )
            .help("issue a new key, revoke the old one, and set `issued` to the new key's date")
        })
        .collect()
}

fn expiring(cx: &Context) -> Vec<Violation> {
    let Some(rotation) = &cx.policy.rotation else {
        return Vec::new();
    };
    let max = i64::from(rotation.max_key_age_days);
    let warn_from = max - i64::from(rotation.warn_before_days);
    issued_keys(cx)
        .filter(|&(_, _, _, age)| age > warn_from && age <= max)
        .map(|(i, c, issued, age)| {
            // Checked: a schema-valid period can reach past the last date chrono knows.
            let due = issued
                .checked_add_days(Days::new(u64::from(rotation.max_key_age_days)))
                .map_or_else(|| "a date past the calendar's end".to_string(), |d| d.to_string());
            let left = match max - age {
                0 => "today".to_string(),
                1 => "in 1 day".to_string(),
                n => format!("in {n} days"),
            };
            Violation::at(
                issued_path(i),
                format!("key of consumer `{}` expires {left}, on {due} (rotation period {max} days)", c.name.0),
            )
            .help("rotate the key now and set `issued` to the new key's date")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;

    use crate::check::Options;
    use crate::rules::testing::{base_with, lines, run, run_with, BASE};

    fn on(date: &str) -> Options {
        Options { today: date.parse::<NaiveDate>().unwrap(), packs: BTreeSet::new() }
    }

    #[test]
    fn base_passes() {
        assert!(run("rotation-key-expired", BASE).is_empty());
        assert!(run("rotation-key-expiring", BASE).is_empty());
    }

    #[test]
    fn expired_key_is_reported_at_its_issued_date() {
        // team-platform issued 2026-10-01 (85 days), ci-bot 2026-09-15 (101 days).
        let found = run_with("rotation-key-expired", BASE, &on("2026-12-25"));
        assert_eq!(lines(&found), vec![33]);
        assert_eq!(
            found[0].message,
            "key of consumer `ci-bot` was issued 2026-09-15, 101 days ago; the rotation period is 90 days"
        );
    }

    #[test]
    fn expiring_key_inside_the_warning_window() {
        let found = run_with("rotation-key-expiring", BASE, &on("2026-12-25"));
        assert_eq!(lines(&found), vec![28]);
        assert_eq!(
            found[0].message,
            "key of consumer `team-platform` expires in 5 days, on 2026-12-30 (rotation period 90 days)"
        );
        assert!(run_with("rotation-key-expiring", BASE, &on("2026-12-23")).is_empty());
        assert!(run_with("rotation-key-expiring", BASE, &on("2026-12-30"))[0].message.contains("expires today"));
        assert!(run_with("rotation-key-expired", BASE, &on("2026-12-30"))
            .iter()
            .all(|f| !f.message.contains("team-platform")));
    }

    #[test]
    fn warn_before_days_widens_the_window() {
        let yaml = base_with("warn_before_days: 7", "warn_before_days: 30");
        assert_eq!(lines(&run_with("rotation-key-expiring", &yaml, &on("2026-12-10"))), vec![28, 33]);
    }

    #[test]
    fn huge_periods_do_not_overflow_the_calendar() {
        let yaml = base_with(
            "max_key_age_days: 90\n  warn_before_days: 7",
            "max_key_age_days: 4000000000\n  warn_before_days: 4000000000",
        );
        let found = run_with("rotation-key-expiring", &yaml, &on("2026-12-25"));
        assert_eq!(found.len(), 2);
        assert!(
            found.iter().all(|f| f.message.contains("past the calendar's end")),
            "{:?}",
            found.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        assert!(run_with("rotation-key-expired", &yaml, &on("2026-12-25")).is_empty());
    }

    #[test]
    fn without_rotation_nothing_is_counted() {
        let yaml = base_with("rotation:\n  max_key_age_days: 90\n  warn_before_days: 7\n", "");
        assert!(run_with("rotation-key-expired", &yaml, &on("2027-06-01")).is_empty());
        assert!(run_with("rotation-key-expiring", &yaml, &on("2026-12-25")).is_empty());
    }
}
