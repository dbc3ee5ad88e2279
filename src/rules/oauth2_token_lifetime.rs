use super::{Check, Context, Rule, Violation};
use crate::policy::AuthMethod;
use crate::severity::Severity;

const MIN_MINUTES: u32 = 15;
const MAX_MINUTES: u32 = 60;

pub static RULE: Rule = Rule {
    id: "oauth2-token-lifetime",
    severity: Severity::Error,
    title: "OAuth 2.0 access tokens not limited to 15–60 minutes",
    seed: "auth-token-setup.md § Security Best Practices",
    quote: &["- ✅ Use short-lived access tokens (15-60 minutes)"],
    packs: "",
    docs: r#"## What it does
When `auth.method` is `oauth2`, checks that
`auth.oauth2.max_token_lifetime_minutes` is set and between 15 and 60.

## Why is this bad?
The seeds call for "short-lived access tokens (15-60 min)" renewed with
refresh tokens. A long-lived (or unbounded) bearer token that leaks from a log
or a laptop stays usable for hours or days; a lifetime below 15 minutes forces
refreshes so often that clients fail mid-session.

## Example
```yaml
auth:
  method: oauth2
  oauth2:
    max_token_lifetime_minutes: 1440
```

## How to fix
```yaml
auth:
  method: oauth2
  oauth2:
    max_token_lifetime_minutes: 60
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let auth = &cx.policy.auth;
    if auth.method != AuthMethod::Oauth2 {
        return Vec::new();
    }
    let help = format!("set max_token_lifetime_minutes between {MIN_MINUTES} and {MAX_MINUTES}");
    let message = match auth.oauth2.as_ref().and_then(|o| o.max_token_lifetime_minutes) {
        Some(m) if (MIN_MINUTES..=MAX_MINUTES).contains(&m) => return Vec::new(),
        Some(m) if m > MAX_MINUTES => format!("access tokens live up to {m} minutes, longer than {MAX_MINUTES}"),
        Some(m) => {
            format!("access tokens live only {m} minutes, shorter than {MIN_MINUTES}: clients would refresh constantly")
        }
        None => "no `max_token_lifetime_minutes`: access-token lifetime is unbounded".to_string(),
    };
    vec![Violation::new("auth.oauth2.max_token_lifetime_minutes", message).help(help)]
}

#[cfg(test)]
mod tests {
    use crate::rules::oauth2_incomplete::tests::oauth2_base;
    use crate::rules::testing::{lines, run, BASE};

    const LIFETIME: &str = "max_token_lifetime_minutes: 60";

    #[test]
    fn bounds_are_inclusive_and_other_methods_pass() {
        assert!(run("oauth2-token-lifetime", BASE).is_empty());
        for ok in [15, 30, 60] {
            let yaml = oauth2_base().replacen(LIFETIME, &format!("max_token_lifetime_minutes: {ok}"), 1);
            assert!(run("oauth2-token-lifetime", &yaml).is_empty(), "{ok}");
        }
    }

    #[test]
    fn out_of_range_points_at_the_value() {
        for bad in [5, 61, 1440] {
            let found = run(
                "oauth2-token-lifetime",
                &oauth2_base().replacen(LIFETIME, &format!("max_token_lifetime_minutes: {bad}"), 1),
            );
            assert_eq!(lines(&found), vec![27], "{bad}");
            assert!(found[0].message.contains(&bad.to_string()));
        }
    }

    #[test]
    fn missing_lifetime_is_unbounded() {
        let found =
            run("oauth2-token-lifetime", &oauth2_base().replacen("    max_token_lifetime_minutes: 60\n", "", 1));
        assert_eq!(lines(&found), vec![23]);
        assert!(found[0].message.contains("unbounded"));
        assert_eq!(found[0].help.as_deref(), Some("set max_token_lifetime_minutes between 15 and 60"));
    }
}
