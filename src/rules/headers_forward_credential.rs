use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "headers-forward-credential",
    severity: Severity::Error,
    title: "Credential header forwarded or set upstream",
    seed: "enterprise-gateway-integration.md § Phase 2: Header Forwarding Configuration (10 minutes)",
    quote: &["| `Authorization` | Yes | Authentication (replaced by gateway) |"],
    packs: "",
    docs: r#"## What it does
Checks that `headers.forward` does not list `authorization`, `x-api-key` or the
header clients send their gateway key in (`auth.api_key.header`), and that
`headers.add` does not set `authorization` or `x-api-key`. Names are compared
case-insensitively.

## Why is this bad?
The seed's header table says Authorization is "replaced by gateway": the gateway
authenticates the client, then sends the provider key upstream as `x-api-key`.
Forwarding the client's credential leaks gateway keys to the upstream; setting
it in `headers.add` overrides the provider key and puts a credential in the
policy.

## Example
```yaml
headers:
  forward: [anthropic-version, anthropic-beta, authorization, content-type, accept]
  add:
    x-api-key: env:OTHER_KEY
```

## How to fix
```yaml
headers:
  forward: [anthropic-version, anthropic-beta, content-type, accept]
upstream:
  api_key: vault:secret/claude-code#provider_key   # the gateway sends this as x-api-key
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(headers) = &cx.policy.headers else {
        return Vec::new();
    };
    let client = cx.policy.auth.key_header();
    let mut found = Vec::new();
    for (i, header) in headers.forward.iter().flatten().enumerate() {
        let what = if header.is(&client.0) {
            "the client's gateway key"
        } else if header.is("authorization") || header.is("x-api-key") {
            "a credential"
        } else {
            continue;
        };
        found.push(
            Violation::at(
                Path::root().key("headers").key("forward").index(i),
                format!("`{}` is forwarded upstream: it carries {what}", header.0),
            )
            .help(format!("remove `{}` from `headers.forward`; the gateway sends the provider key itself", header.0)),
        );
    }
    for name in headers.add.keys().filter(|n| n.is("authorization") || n.is("x-api-key")) {
        found.push(
            Violation::at(
                Path::root().key("headers").key("add").key(name.0.clone()),
                format!("`headers.add` sets `{}`: it would override the provider key", name.0),
            )
            .help("remove it; the provider key comes from `upstream.api_key` (a secret reference)"),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    const FORWARD: &str = "  forward: [anthropic-version,";

    #[test]
    fn base_passes() {
        assert!(run("headers-forward-credential", BASE).is_empty());
    }

    #[test]
    fn forwarding_authorization_or_x_api_key() {
        for header in ["Authorization", "x-api-key"] {
            let found = run(
                "headers-forward-credential",
                &base_with(FORWARD, &format!("  forward: [{header}, anthropic-version,")),
            );
            assert_eq!(lines(&found), vec![35], "{header}");
            assert!(found[0].message.contains(header));
        }
    }

    #[test]
    fn forwarding_the_client_key_header() {
        let yaml = base_with("    header: authorization", "    header: X-Gateway-Key");
        assert!(run("headers-forward-credential", &yaml).is_empty());
        let found = run(
            "headers-forward-credential",
            &yaml.replacen(FORWARD, "  forward: [x-gateway-key, anthropic-version,", 1),
        );
        assert_eq!(lines(&found), vec![35]);
        assert!(found[0].message.contains("gateway key"));
    }

    #[test]
    fn adding_a_credential_header_does_not_echo_its_value() {
        let yaml = base_with("accept]", "accept]\n  add:\n    X-Api-Key: env:OTHER_PROVIDER_KEY\n    x-team: platform");
        let found = run("headers-forward-credential", &yaml);
        assert_eq!(lines(&found), vec![37]);
        assert!(found[0].message.contains("X-Api-Key"));
        assert!(!found[0].message.contains("OTHER_PROVIDER_KEY"));
    }
}
