use super::{Check, Context, Rule, Violation};
use crate::policy::{AuthMethod, Pkce};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "oauth2-pkce",
    severity: Severity::Error,
    title: "OAuth 2.0 without required PKCE",
    seed: "auth-token-setup.md § Security Best Practices",
    quote: &["- ✅ Use PKCE (Proof Key for Code Exchange) for authorization code flow"],
    packs: "",
    docs: r#"## What it does
When `auth.method` is `oauth2`, checks that `auth.oauth2.pkce` is `required`.
A missing `pkce` counts as not required.

## Why is this bad?
The seeds use PKCE for the authorization code flow: it protects against
authorization code interception and removes the need for a client secret in
public clients such as a CLI on a developer laptop. If PKCE is optional, an
attacker who intercepts a code can simply leave it out.

## Example
```yaml
auth:
  method: oauth2
  oauth2:
    pkce: optional
```

## How to fix
```yaml
auth:
  method: oauth2
  oauth2:
    pkce: required
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let auth = &cx.policy.auth;
    if auth.method != AuthMethod::Oauth2 {
        return Vec::new();
    }
    let message = match auth.oauth2.as_ref().and_then(|o| o.pkce) {
        Some(Pkce::Required) => return Vec::new(),
        Some(Pkce::Optional) => "PKCE is optional: intercepted authorization codes can be redeemed without it",
        None => "PKCE is not required (no `pkce` setting): intercepted authorization codes can be redeemed",
    };
    vec![Violation::new("auth.oauth2.pkce", message).help("set `pkce: required` under `auth.oauth2`")]
}

#[cfg(test)]
mod tests {
    use crate::rules::oauth2_incomplete::tests::oauth2_base;
    use crate::rules::testing::{lines, run, BASE};

    #[test]
    fn required_pkce_and_other_methods_pass() {
        assert!(run("oauth2-pkce", &oauth2_base()).is_empty());
        assert!(run("oauth2-pkce", BASE).is_empty());
    }

    #[test]
    fn optional_pkce_points_at_the_value() {
        let found = run("oauth2-pkce", &oauth2_base().replacen("pkce: required", "pkce: optional", 1));
        assert_eq!(lines(&found), vec![28]);
        assert!(found[0].message.contains("optional"));
    }

    #[test]
    fn missing_pkce_points_at_the_section() {
        let found = run("oauth2-pkce", &oauth2_base().replacen("    pkce: required\n", "", 1));
        assert_eq!(lines(&found), vec![23]);
    }
}
