use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "tls-missing",
    severity: Severity::Error,
    title: "Listener without TLS outside development",
    seed: "security-best-practices-enterprise-gateways.md § Security Principles",
    quote: &["5. **Encrypt All Communications**: TLS 1.2+ mandatory"],
    packs: "",
    docs: r#"## What it does
Checks that every staging and production policy has a `listener.tls` section.
Development policies may listen on plain HTTP.

## Why is this bad?
"Encrypt All Communications: TLS 1.2+ mandatory." Without TLS, gateway keys,
OAuth tokens and prompts cross the network in clear text, and anyone on the
path can read or replay them.

## Example
```yaml
environment: production
listener:
  host: gateway.example.com
  port: 443
```

## How to fix
```yaml
environment: production
listener:
  host: gateway.example.com
  port: 443
  tls:
    min_version: "1.2"
    certificate: file:/etc/gateway/tls/server.crt
    private_key: file:/etc/gateway/tls/server.key
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if cx.is_development() || cx.policy.listener.as_ref().is_some_and(|l| l.tls.is_some()) {
        return Vec::new();
    }
    let what = if cx.policy.listener.is_none() { "no `listener` section" } else { "no `listener.tls` section" };
    vec![Violation::new(
        "listener.tls",
        format!("{} policy has {what}: clients would connect over plain HTTP", cx.environment().as_str()),
    )
    .help(
        "add `listener.tls` with `min_version`, `certificate` and `private_key` (TLS is optional only in development)",
    )]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    const TLS_BLOCK: &str = "  tls:\n    min_version: \"1.2\"\n    ciphers: [ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256]\n    certificate: file:/etc/gateway/tls/server.crt\n    private_key: file:/etc/gateway/tls/server.key\n    hsts:\n      max_age_seconds: 31536000\n      include_subdomains: true\n";

    #[test]
    fn base_has_tls() {
        assert!(run("tls-missing", BASE).is_empty());
    }

    #[test]
    fn production_without_tls_points_at_listener() {
        let found = run("tls-missing", &base_with(TLS_BLOCK, ""));
        assert_eq!(lines(&found), vec![10]);
        assert!(found[0].message.contains("listener.tls"));
    }

    #[test]
    fn staging_without_listener_is_an_error() {
        let yaml = base_with("environment: production", "environment: staging");
        let yaml = yaml.replacen(&format!("listener:\n  host: gateway.example.com\n  port: 443\n{TLS_BLOCK}"), "", 1);
        let found = run("tls-missing", &yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, crate::check::Severity::Error);
        assert!(found[0].message.contains("no `listener` section"));
    }

    #[test]
    fn development_may_skip_tls() {
        let yaml = base_with(TLS_BLOCK, "").replacen("environment: production", "environment: development", 1);
        assert!(run("tls-missing", &yaml).is_empty());
    }
}
