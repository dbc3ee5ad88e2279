use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

/// Headers the seed marks required, with the severity of leaving them out.
const NEEDED: &[(&str, Severity, &str)] = &[
    ("anthropic-version", Severity::Error, "requests fail without an API version"),
    ("content-type", Severity::Error, "the JSON body cannot be parsed"),
    ("anthropic-beta", Severity::Warning, "beta features stop working"),
    ("accept", Severity::Warning, "clients cannot ask for streamed (SSE) responses"),
];

pub static RULE: Rule = Rule {
    id: "headers-forward-missing",
    severity: Severity::Error,
    title: "Required Anthropic header not forwarded",
    seed: "enterprise-gateway-integration.md § Phase 2: Header Forwarding Configuration (10 minutes)",
    quote: &["**⚠️ CRITICAL**: Gateways MUST forward these headers:", "| `anthropic-version` | Yes | API version (e.g., `2023-06-01`) |\n| `anthropic-beta` | For beta features | Enable beta features |\n| `anthropic-client-version` | Recommended | Client identification |", "| `Content-Type` | Yes | Request format (`application/json`) |\n| `Accept` | Yes | Response format (json or SSE) |"],
    packs: "",
    docs: r#"## What it does
When `headers.forward` is set, checks it lists `anthropic-version` and
`content-type` (error if missing) and `anthropic-beta` and `accept` (warning).
Without `headers.forward` the gateway forwards the default list, which has them all.

## Why is this bad?
"Gateways MUST forward these headers": without `anthropic-version` or
`Content-Type` the API rejects requests (400 Bad Request); without
`anthropic-beta` beta features silently stop working; without `Accept` clients
cannot negotiate streamed responses.

## Example
```yaml
headers:
  forward: [anthropic-version]
```

## How to fix
```yaml
headers:
  forward: [anthropic-version, anthropic-beta, anthropic-client-version, content-type, accept]
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(forward) = cx.policy.headers.as_ref().and_then(|h| h.forward.as_ref()) else {
        return Vec::new();
    };
    NEEDED
        .iter()
        .filter(|(header, _, _)| !forward.iter().any(|h| h.is(header)))
        .map(|&(header, severity, why)| {
            Violation::new("headers.forward", format!("`{header}` is not forwarded: {why}"))
                .help(format!("add `{header}` to `headers.forward`"))
                .severity(severity)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};
    use crate::severity::Severity;

    const FORWARD: &str =
        "  forward: [anthropic-version, anthropic-beta, anthropic-client-version, content-type, accept]\n";

    fn forward(list: &str) -> String {
        base_with(FORWARD, &format!("  forward: [{list}]\n"))
    }

    #[test]
    fn base_and_any_case_pass() {
        assert!(run("headers-forward-missing", BASE).is_empty());
        assert!(run("headers-forward-missing", &forward("Anthropic-Version, Anthropic-Beta, Content-Type, Accept"))
            .is_empty());
    }

    #[test]
    fn missing_required_headers_are_errors() {
        let found = run("headers-forward-missing", &forward("anthropic-beta, accept"));
        assert_eq!(lines(&found), vec![35, 35]);
        assert!(found.iter().all(|f| f.severity == Severity::Error));
        assert!(found.iter().any(|f| f.message.contains("`anthropic-version`")));
        assert!(found.iter().any(|f| f.message.contains("`content-type`")));
    }

    #[test]
    fn missing_beta_and_accept_are_warnings() {
        let found = run("headers-forward-missing", &forward("anthropic-version, content-type"));
        assert_eq!(lines(&found), vec![35, 35]);
        assert!(found.iter().all(|f| f.severity == Severity::Warning));
    }

    #[test]
    fn default_list_is_not_checked() {
        assert!(run("headers-forward-missing", &base_with(&format!("headers:\n{FORWARD}"), "")).is_empty());
        assert!(run("headers-forward-missing", &base_with(FORWARD, "  remove: [x-debug]\n")).is_empty());
    }
}
