use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::policy::AuthMethod;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "consumer-credential-kind",
    severity: Severity::Error,
    title: "Consumer credential does not match the auth method",
    seed: "auth-token-setup.md § Authentication Flow",
    quote: &["- Client authenticates with gateway using **gateway token**"],
    packs: "",
    docs: r#"## What it does
Checks each consumer carries the credential its `auth.method` uses: with
`api_key`, a `key` and no `subject`; with `oauth2` or `mtls`, a `subject`
(token `sub`/`client_id` or certificate CN) and no `key`.

## Why is this bad?
"Gateway tracks usage per client/team using gateway token": a consumer
without the right credential cannot be identified, so it either cannot call
the gateway or is matched by nothing and escapes its rate limit and audit
trail. A `key` left on an oauth2 consumer is a stale credential that the
gateway never checks and nobody rotates.

## Example
```yaml
auth:
  method: oauth2
consumers:
  - name: team-platform
    key: env:TEAM_PLATFORM_GATEWAY_KEY
```

## How to fix
```yaml
auth:
  method: oauth2
consumers:
  - name: team-platform
    subject: team-platform@example.com
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let method = cx.policy.auth.method;
    let by_key = match method {
        AuthMethod::ApiKey => true,
        AuthMethod::Oauth2 | AuthMethod::Mtls => false,
        AuthMethod::None => return Vec::new(),
    };
    let m = method.as_str();
    let mut found = Vec::new();
    for (i, consumer) in cx.policy.consumers.iter().enumerate() {
        let at = Path::root().key("consumers").index(i);
        let name = &consumer.name.0;
        if by_key {
            if consumer.key.is_none() {
                found.push(
                    Violation::at(at.clone(), format!("consumer `{name}` has no `key`, which `{m}` auth needs"))
                        .help("add `key:` with a secret reference, e.g. env:TEAM_GATEWAY_KEY"),
                );
            }
            if consumer.subject.is_some() {
                found.push(
                    Violation::at(
                        at.key("subject"),
                        format!("consumer `{name}` has a `subject`, which `{m}` auth ignores"),
                    )
                    .help("remove `subject`; api_key consumers are identified by their key"),
                );
            }
        } else {
            if consumer.key.is_some() {
                found.push(
                    Violation::at(
                        at.key("key"),
                        format!("consumer `{name}` has a `key`, which `{m}` auth never checks"),
                    )
                    .help("remove `key` (and revoke it); identify the consumer by `subject`"),
                );
            }
            if consumer.subject.is_none() {
                let what = if method == AuthMethod::Mtls { "certificate CN" } else { "token `sub` or `client_id`" };
                found.push(
                    Violation::at(at, format!("consumer `{name}` has no `subject`, which `{m}` auth needs"))
                        .help(format!("add `subject:` with the consumer's {what}")),
                );
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::mtls_incomplete::tests::mtls_base;
    use crate::rules::oauth2_incomplete::tests::oauth2_base;
    use crate::rules::testing::{base_with, lines, run, BASE};

    #[test]
    fn matching_credentials_pass() {
        assert!(run("consumer-credential-kind", BASE).is_empty());
        assert!(run("consumer-credential-kind", &oauth2_base()).is_empty());
        assert!(run("consumer-credential-kind", &mtls_base()).is_empty());
    }

    #[test]
    fn api_key_consumer_without_key_or_with_subject() {
        let yaml = base_with("    key: env:TEAM_PLATFORM_GATEWAY_KEY\n", "    subject: team-platform\n");
        let found = run("consumer-credential-kind", &yaml);
        assert_eq!(lines(&found), vec![26, 27]);
        assert!(found[0].message.contains("no `key`"));
        assert!(found[1].message.contains("`subject`"));
    }

    #[test]
    fn oauth2_consumer_with_key_and_without_subject() {
        let yaml = oauth2_base().replacen("subject: ci-bot", "key: aws-sm:claude-code/ci-bot", 1);
        let found = run("consumer-credential-kind", &yaml);
        assert_eq!(lines(&found), vec![35, 36]);
        assert!(found.iter().any(|f| f.message.contains("has a `key`")));
        assert!(found.iter().any(|f| f.message.contains("no `subject`")));
    }
}
