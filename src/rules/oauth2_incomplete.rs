use super::{Check, Context, Rule, Violation};
use crate::policy::AuthMethod;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "oauth2-incomplete",
    severity: Severity::Error,
    title: "OAuth 2.0 without issuer, JWKS URL or audience",
    seed: "auth-token-setup.md § Security Best Practices",
    quote: &["- ✅ Validate JWT signatures and claims"],
    packs: "",
    docs: r#"## What it does
When `auth.method` is `oauth2`, checks that `auth.oauth2` sets `issuer`,
`jwks_url` (or `jwks_file`, the IdP's keys as a document on the deploy host) and
`audience`, and that `issuer` and `jwks_url` use `https://`.

## Why is this bad?
The seed requires the gateway to "validate JWT signatures and claims". Without
the JWKS URL signatures cannot be checked; without issuer and audience a token
minted by another tenant or for another API is accepted. Keys fetched over
plain HTTP can be swapped by a man-in-the-middle, who then signs any token.

## Example
```yaml
auth:
  method: oauth2
  oauth2:
    issuer: http://your-org.okta.com/oauth2/default
```

## How to fix
```yaml
auth:
  method: oauth2
  oauth2:
    issuer: https://your-org.okta.com/oauth2/default
    jwks_url: https://your-org.okta.com/oauth2/default/v1/keys
    audience: api://claude-gateway
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let auth = &cx.policy.auth;
    if auth.method != AuthMethod::Oauth2 {
        return Vec::new();
    }
    let Some(oauth2) = &auth.oauth2 else {
        return vec![Violation::new("auth.method", "`method: oauth2` without an `auth.oauth2` section")
            .help("add `auth.oauth2` with `issuer`, `jwks_url` and `audience`")];
    };
    let mut found = Vec::new();
    for (field, value, https) in
        [("issuer", &oauth2.issuer, true), ("jwks_url", &oauth2.jwks_url, true), ("audience", &oauth2.audience, false)]
    {
        let path = format!("auth.oauth2.{field}");
        match value {
            // The keys as a document on the deploy host serve as well as the URL they come from.
            None if field == "jwks_url" && oauth2.jwks_file.is_some() => {}
            None => found.push(
                Violation::new(&path, format!("`auth.oauth2` has no `{field}`: tokens cannot be fully validated"))
                    .help(format!("set `{field}` to the value your identity provider publishes")),
            ),
            Some(url) if https && !url.to_ascii_lowercase().starts_with("https://") => {
                found.push(
                    Violation::new(&path, format!("`{path}` is not an https:// URL"))
                        .help("use the identity provider's https:// URL"),
                );
            }
            Some(_) => {}
        }
    }
    found
}

#[cfg(test)]
pub(super) mod tests {
    use crate::rules::testing::{base_with, lines, run};

    const API_KEY_AUTH: &str = "  method: api_key\n  api_key:\n    header: authorization\n";

    /// BASE switched to oauth2 (lines 22–28: method, oauth2, issuer, jwks_url, audience, lifetime, pkce), consumers by subject.
    pub fn oauth2_base() -> String {
        base_with(
            API_KEY_AUTH,
            "  method: oauth2\n  oauth2:\n    issuer: https://your-org.okta.com/oauth2/default\n    jwks_url: https://your-org.okta.com/oauth2/default/v1/keys\n    audience: api://claude-gateway\n    max_token_lifetime_minutes: 60\n    pkce: required\n",
        )
        .replacen("key: env:TEAM_PLATFORM_GATEWAY_KEY", "subject: team-platform@example.com", 1)
        .replacen("key: aws-sm:claude-code/ci-bot", "subject: ci-bot", 1)
    }

    #[test]
    fn complete_oauth2_and_other_methods_pass() {
        assert!(run("oauth2-incomplete", &oauth2_base()).is_empty());
        assert!(run("oauth2-incomplete", crate::rules::testing::BASE).is_empty());
    }

    #[test]
    fn missing_section_points_at_method() {
        let found = run("oauth2-incomplete", &base_with(API_KEY_AUTH, "  method: oauth2\n"));
        assert_eq!(lines(&found), vec![22]);
    }

    #[test]
    fn each_missing_field_is_reported() {
        let yaml = oauth2_base()
            .replacen("    jwks_url: https://your-org.okta.com/oauth2/default/v1/keys\n", "", 1)
            .replacen("    audience: api://claude-gateway\n", "", 1);
        let found = run("oauth2-incomplete", &yaml);
        assert_eq!(found.len(), 2);
        assert_eq!(lines(&found), vec![23, 23]);
        assert!(found.iter().any(|f| f.message.contains("jwks_url")));
        assert!(found.iter().any(|f| f.message.contains("audience")));
    }

    #[test]
    fn a_jwks_file_stands_in_for_the_jwks_url() {
        let yaml = oauth2_base().replacen(
            "    jwks_url: https://your-org.okta.com/oauth2/default/v1/keys\n",
            "    jwks_file: file:/etc/gateway/idp-jwks.json\n",
            1,
        );
        assert!(run("oauth2-incomplete", &yaml).is_empty());
    }

    #[test]
    fn plain_http_urls_are_rejected() {
        let yaml = oauth2_base().replace("https://your-org", "http://your-org");
        let found = run("oauth2-incomplete", &yaml);
        assert_eq!(lines(&found), vec![24, 25]);
        assert!(found[0].message.contains("https://"));
    }
}
