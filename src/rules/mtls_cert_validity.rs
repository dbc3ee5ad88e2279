use super::{Check, Context, Rule, Violation};
use crate::policy::AuthMethod;
use crate::severity::Severity;

const MAX_DAYS: u32 = 90;

pub static RULE: Rule = Rule {
    id: "mtls-cert-validity",
    severity: Severity::Error,
    title: "mTLS client certificates valid longer than 90 days",
    seed: "auth-token-setup.md § Security Best Practices",
    quote: &["- ✅ Set short certificate validity periods (30-90 days)"],
    packs: "",
    docs: r#"## What it does
When `auth.method` is `mtls`, checks `auth.mtls.max_certificate_validity_days`:
above 90 is an error; not set is a warning (certificates of any lifetime
would be accepted).

## Why is this bad?
The seeds ask for "short certificate validity periods (30-90 days)" and rotate
client certificates every 30–90 days. A stolen client certificate with a long
validity stays usable until it expires or is revoked, and revocation is often
not checked.

## Example
```yaml
auth:
  method: mtls
  mtls:
    ca_certificate: file:/etc/gateway/tls/clients-ca.crt
    max_certificate_validity_days: 365
```

## How to fix
```yaml
auth:
  method: mtls
  mtls:
    ca_certificate: file:/etc/gateway/tls/clients-ca.crt
    max_certificate_validity_days: 90   # 30 is better, with automated renewal
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let auth = &cx.policy.auth;
    if auth.method != AuthMethod::Mtls {
        return Vec::new();
    }
    let help = format!("set `max_certificate_validity_days` to at most {MAX_DAYS} (30 with automated renewal)");
    match auth.mtls.as_ref().and_then(|m| m.max_certificate_validity_days) {
        Some(days) if days > MAX_DAYS => vec![Violation::new(
            "auth.mtls.max_certificate_validity_days",
            format!("client certificates valid for {days} days are accepted; the maximum is {MAX_DAYS}"),
        )
        .help(help)],
        Some(_) => Vec::new(),
        None => vec![Violation::new(
            "auth.mtls.max_certificate_validity_days",
            "no maximum client certificate validity: certificates of any lifetime are accepted",
        )
        .help(help)
        .severity(Severity::Warning)],
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::mtls_incomplete::tests::mtls_base;
    use crate::rules::testing::{lines, run, BASE};
    use crate::severity::Severity;

    #[test]
    fn ninety_days_and_other_methods_pass() {
        assert!(run("mtls-cert-validity", &mtls_base()).is_empty());
        assert!(run("mtls-cert-validity", BASE).is_empty());
    }

    #[test]
    fn long_validity_is_an_error_at_the_value() {
        let found = run(
            "mtls-cert-validity",
            &mtls_base().replacen("max_certificate_validity_days: 90", "max_certificate_validity_days: 365", 1),
        );
        assert_eq!(lines(&found), vec![25]);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("365"));
    }

    #[test]
    fn missing_validity_is_a_warning() {
        let found = run("mtls-cert-validity", &mtls_base().replacen("    max_certificate_validity_days: 90\n", "", 1));
        assert_eq!(lines(&found), vec![23]);
        assert_eq!(found[0].severity, Severity::Warning);
    }
}
