use std::collections::HashMap;

use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "consumer-duplicate",
    severity: Severity::Error,
    title: "Two consumers share a name, key or subject",
    seed: "auth-token-setup.md § Authentication Flow",
    quote: &["- Gateway tracks usage per client/team using gateway token"],
    packs: "",
    docs: r#"## What it does
Checks that no two consumers have the same `name`, the same `key` reference or
the same `subject`. The later one is reported.

## Why is this bad?
"Gateway tracks usage per client/team using gateway token": when two
consumers share a credential the gateway cannot tell them apart, so rate
limits, audit logs and revocation apply to both at once. Revoking a leaked key
of one team cuts off the other. Duplicate names collide in the generated
gateway configuration.

## Example
```yaml
consumers:
  - name: team-platform
    key: env:TEAM_PLATFORM_GATEWAY_KEY
  - name: ci-bot
    key: env:TEAM_PLATFORM_GATEWAY_KEY
```

## How to fix
```yaml
consumers:
  - name: team-platform
    key: env:TEAM_PLATFORM_GATEWAY_KEY
  - name: ci-bot
    key: aws-sm:claude-code/ci-bot
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    // First consumer seen per name, key and subject: linear even for 10,000 consumers.
    let mut names = HashMap::new();
    let mut keys: HashMap<&crate::policy::SecretRef, usize> = HashMap::new();
    let mut subjects: HashMap<&String, usize> = HashMap::new();
    let mut found = Vec::new();
    for (i, consumer) in cx.policy.consumers.iter().enumerate() {
        let at = Path::root().key("consumers").index(i);
        let name = &consumer.name.0;
        if names.insert(name, i).is_some() {
            found.push(
                Violation::at(at.key("name"), format!("consumer name `{name}` is used twice"))
                    .help("give each consumer its own name"),
            );
        }
        if let Some(key) = &consumer.key {
            if let Some(&first) = keys.get(key) {
                found.push(
                    Violation::at(
                        at.key("key"),
                        format!(
                            "consumer `{name}` uses the same key reference as `{}`",
                            cx.policy.consumers[first].name.0
                        ),
                    )
                    .help("issue a separate key to each consumer so usage, limits and revocation stay separate"),
                );
            } else {
                keys.insert(key, i);
            }
        }
        if let Some(subject) = &consumer.subject {
            if let Some(&first) = subjects.get(subject) {
                found.push(
                    Violation::at(
                        at.key("subject"),
                        format!("consumer `{name}` has the same subject as `{}`", cx.policy.consumers[first].name.0),
                    )
                    .help("each consumer needs its own subject (token `sub`/`client_id` or certificate CN)"),
                );
            } else {
                subjects.insert(subject, i);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::oauth2_incomplete::tests::oauth2_base;
    use crate::rules::testing::{base_with, lines, run, BASE};

    #[test]
    fn distinct_consumers_pass() {
        assert!(run("consumer-duplicate", BASE).is_empty());
        assert!(run("consumer-duplicate", &oauth2_base()).is_empty());
    }

    #[test]
    fn second_name_is_reported() {
        let found = run("consumer-duplicate", &base_with("name: ci-bot", "name: team-platform"));
        assert_eq!(lines(&found), vec![31]);
        assert!(found[0].message.contains("team-platform"));
    }

    #[test]
    fn shared_key_reference_is_reported_without_its_value() {
        let found = run(
            "consumer-duplicate",
            &base_with("key: aws-sm:claude-code/ci-bot", "key: env:TEAM_PLATFORM_GATEWAY_KEY"),
        );
        assert_eq!(lines(&found), vec![32]);
        assert!(found[0].message.contains("`ci-bot`") && found[0].message.contains("`team-platform`"));
        assert!(!found[0].message.contains("TEAM_PLATFORM_GATEWAY_KEY"));
    }

    #[test]
    fn shared_subject_is_reported() {
        let found = run(
            "consumer-duplicate",
            &oauth2_base().replacen("subject: ci-bot", "subject: team-platform@example.com", 1),
        );
        assert_eq!(lines(&found), vec![36]);
    }
}
