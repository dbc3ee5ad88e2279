use super::{Check, Context, Rule, Violation};
use crate::policy::AuthMethod;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "mtls-incomplete",
    severity: Severity::Error,
    title: "mTLS without a client CA certificate",
    seed: "auth-token-setup.md § Step 2: Configure Gateway for mTLS",
    quote: &[
        "# Client certificate verification\n    ssl_client_certificate /path/to/ca.crt;\n    ssl_verify_client on;",
    ],
    packs: "",
    docs: r#"## What it does
When `auth.method` is `mtls`, checks that `auth.mtls.ca_certificate` is set.

## Why is this bad?
The gateway verifies client certificates against this CA
(`ssl_client_certificate` + `ssl_verify_client on` in the seed). Without it the
gateway either cannot start mTLS or accepts certificates from any CA, which is
"disabling certificate verification" — anyone can mint a certificate with the
right CN.

## Example
```yaml
auth:
  method: mtls
  mtls:
    max_certificate_validity_days: 90
```

## How to fix
```yaml
auth:
  method: mtls
  mtls:
    ca_certificate: file:/etc/gateway/tls/clients-ca.crt
    max_certificate_validity_days: 90
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let auth = &cx.policy.auth;
    if auth.method != AuthMethod::Mtls {
        return Vec::new();
    }
    let help = "set `auth.mtls.ca_certificate` to the CA that signs client certificates, e.g. file:/etc/gateway/tls/clients-ca.crt";
    match &auth.mtls {
        None => vec![Violation::new(
            "auth.method",
            "`method: mtls` without an `auth.mtls` section: client certificates cannot be verified",
        )
        .help(help)],
        Some(mtls) if mtls.ca_certificate.is_none() => {
            vec![Violation::new(
                "auth.mtls.ca_certificate",
                "`auth.mtls` has no `ca_certificate`: client certificates cannot be verified",
            )
            .help(help)]
        }
        Some(_) => Vec::new(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    pub const API_KEY_AUTH: &str = "  method: api_key\n  api_key:\n    header: authorization\n";

    /// BASE switched to mtls (lines 22–27: method, mtls, ca_certificate, validity, rsa bits, ec bits), consumers by subject.
    pub fn mtls_base() -> String {
        base_with(
            API_KEY_AUTH,
            "  method: mtls\n  mtls:\n    ca_certificate: file:/etc/gateway/tls/clients-ca.crt\n    max_certificate_validity_days: 90\n    min_rsa_key_bits: 4096\n    min_ec_key_bits: 256\n",
        )
        .replacen("key: env:TEAM_PLATFORM_GATEWAY_KEY", "subject: team-platform", 1)
        .replacen("key: aws-sm:claude-code/ci-bot", "subject: ci-bot", 1)
    }

    #[test]
    fn complete_mtls_and_other_methods_pass() {
        assert!(run("mtls-incomplete", &mtls_base()).is_empty());
        assert!(run("mtls-incomplete", BASE).is_empty());
    }

    #[test]
    fn missing_section_points_at_method() {
        let found = run("mtls-incomplete", &base_with(API_KEY_AUTH, "  method: mtls\n"));
        assert_eq!(lines(&found), vec![22]);
    }

    #[test]
    fn missing_ca_points_at_the_section() {
        let found = run(
            "mtls-incomplete",
            &mtls_base().replacen("    ca_certificate: file:/etc/gateway/tls/clients-ca.crt\n", "", 1),
        );
        assert_eq!(lines(&found), vec![23]);
        assert!(found[0].message.contains("ca_certificate"));
    }
}
