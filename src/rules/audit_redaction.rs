use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "audit-redaction",
    severity: Severity::Error,
    title: "Audit log does not redact credential headers",
    seed: "security-best-practices-enterprise-gateways.md § What to Log",
    quote: &["**DO NOT Log**:", "- ❌ Full Authorization header (redact token)\n- ❌ API keys in request/response"],
    packs: "",
    docs: r#"## What it does
When audit logging is enabled, checks that `audit.redact_headers` lists
`authorization`, `x-api-key` (the provider key header) and the header clients
send their gateway key in (`auth.api_key.header`), compared case-insensitively.
Each missing header is reported.

## Why is this bad?
The seed's "DO NOT Log" list starts with the full Authorization header and API
keys. An unredacted audit log turns every log reader, log shipper and backup
into a holder of working gateway and provider keys.

## Example
```yaml
auth:
  method: api_key
  api_key:
    header: x-gateway-key
audit:
  enabled: true
  redact_headers: [authorization]
```

## How to fix
```yaml
audit:
  enabled: true
  redact_headers: [authorization, x-api-key, x-gateway-key]
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(audit) = cx.policy.audit.as_ref().filter(|a| a.enabled) else {
        return Vec::new();
    };
    let client = cx.policy.auth.key_header();
    let mut required = vec![("authorization", "the client credential"), ("x-api-key", "the provider key header")];
    if !client.is("authorization") && !client.is("x-api-key") {
        required.push((client.0.as_str(), "the header clients send their gateway key in"));
    }
    required
        .into_iter()
        .filter(|(header, _)| !audit.redact_headers.iter().any(|h| h.is(header)))
        .map(|(header, what)| {
            Violation::new("audit.redact_headers", format!("audit log would record `{header}` ({what}) in clear"))
                .help(format!("add `{header}` to `audit.redact_headers`"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    const REDACT: &str = "  redact_headers: [authorization, x-api-key]";

    #[test]
    fn base_and_any_case_pass() {
        assert!(run("audit-redaction", BASE).is_empty());
        assert!(run("audit-redaction", &base_with(REDACT, "  redact_headers: [Authorization, X-Api-Key]")).is_empty());
    }

    #[test]
    fn one_finding_per_missing_header() {
        let found = run("audit-redaction", &base_with(REDACT, "  redact_headers: [authorization]"));
        assert_eq!(lines(&found), vec![47]);
        assert!(found[0].message.contains("`x-api-key`"));
        let found = run("audit-redaction", &base_with(REDACT, "  redact_headers: []"));
        assert_eq!(lines(&found), vec![47, 47]);
    }

    #[test]
    fn custom_client_key_header_must_be_redacted() {
        let yaml = base_with("    header: authorization", "    header: x-gateway-key");
        let found = run("audit-redaction", &yaml);
        assert_eq!(lines(&found), vec![47]);
        assert!(found[0].message.contains("`x-gateway-key`"));
        assert!(run(
            "audit-redaction",
            &yaml.replacen(REDACT, "  redact_headers: [authorization, x-api-key, X-Gateway-Key]", 1)
        )
        .is_empty());
    }

    #[test]
    fn missing_list_points_at_audit_and_disabled_audit_is_skipped() {
        assert_eq!(lines(&run("audit-redaction", &base_with(&format!("{REDACT}\n"), ""))), vec![45, 45]);
        let yaml = base_with(REDACT, "  redact_headers: []").replacen("  enabled: true", "  enabled: false", 1);
        assert!(run("audit-redaction", &yaml).is_empty());
    }
}
