use super::{Check, Context, Rule, Violation};
use crate::policy::AuthMethod;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "auth-none",
    severity: Severity::Error,
    title: "Client authentication disabled outside development",
    seed: "proxy-security-guide.md § Disabling Client Auth (Development Only)",
    quote: &["ENABLE_CLIENT_AUTH=false  # NOT recommended for production"],
    packs: "",
    docs: r#"## What it does
Checks that `auth.method: none` appears only in development policies.

## Why is this bad?
The seed allows disabling client authentication for development only ("NOT
recommended for production"). Without it anyone who reaches the gateway spends
the organisation's Anthropic key, and usage cannot be traced to a team.

## Example
```yaml
environment: production
auth:
  method: none
```

## How to fix
```yaml
environment: production
auth:
  method: api_key
consumers:
  - name: team-platform
    key: env:TEAM_PLATFORM_GATEWAY_KEY
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if cx.policy.auth.method != AuthMethod::None || cx.is_development() {
        return Vec::new();
    }
    vec![Violation::new(
        "auth.method",
        format!("client authentication is disabled in a {} policy", cx.environment().as_str()),
    )
    .help("use `method: api_key`, `oauth2` or `mtls`; `none` is for development only")]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    #[test]
    fn base_passes() {
        assert!(run("auth-none", BASE).is_empty());
    }

    #[test]
    fn none_in_production_and_staging_is_an_error() {
        let yaml = base_with("method: api_key", "method: none");
        let found = run("auth-none", &yaml);
        assert_eq!(lines(&found), vec![22]);
        assert!(found[0].message.contains("production"));
        let staging = yaml.replacen("environment: production", "environment: staging", 1);
        assert_eq!(lines(&run("auth-none", &staging)), vec![22]);
    }

    #[test]
    fn none_in_development_is_allowed() {
        let yaml = base_with("method: api_key", "method: none").replacen(
            "environment: production",
            "environment: development",
            1,
        );
        assert!(run("auth-none", &yaml).is_empty());
    }
}
