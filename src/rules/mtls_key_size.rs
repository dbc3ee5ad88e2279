use super::{Check, Context, Rule, Violation};
use crate::policy::AuthMethod;
use crate::severity::Severity;

const MIN_RSA_BITS: u32 = 4096;
const MIN_EC_BITS: u32 = 256;

pub static RULE: Rule = Rule {
    id: "mtls-key-size",
    severity: Severity::Error,
    title: "mTLS client keys weaker than RSA 4096 / EC 256",
    seed: "auth-token-setup.md § Security Best Practices",
    quote: &["- ✅ Use strong key sizes (4096-bit RSA or 256-bit ECC)"],
    packs: "",
    docs: r#"## What it does
When `auth.method` is `mtls`, checks the minimum client key sizes:
`min_rsa_key_bits` below 4096 or `min_ec_key_bits` below 256 is an error;
setting neither is a warning (any key size would be accepted).

## Why is this bad?
The seed's mTLS practices say "use strong key sizes (4096-bit RSA or 256-bit
ECC)". mTLS is the strongest authentication the gateway offers only if client
keys cannot be factored or brute-forced within the certificate's lifetime.

## Example
```yaml
auth:
  method: mtls
  mtls:
    ca_certificate: file:/etc/gateway/tls/clients-ca.crt
    min_rsa_key_bits: 2048
```

## How to fix
```yaml
auth:
  method: mtls
  mtls:
    ca_certificate: file:/etc/gateway/tls/clients-ca.crt
    min_rsa_key_bits: 4096
    min_ec_key_bits: 256
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let auth = &cx.policy.auth;
    if auth.method != AuthMethod::Mtls {
        return Vec::new();
    }
    let mtls = auth.mtls.as_ref();
    let rsa = mtls.and_then(|m| m.min_rsa_key_bits);
    let ec = mtls.and_then(|m| m.min_ec_key_bits);
    if rsa.is_none() && ec.is_none() {
        return vec![Violation::new("auth.mtls", "no minimum client key size: any RSA or EC key would be accepted")
            .help(format!(
                "set `min_rsa_key_bits: {MIN_RSA_BITS}` and/or `min_ec_key_bits: {MIN_EC_BITS}` under `auth.mtls`"
            ))
            .severity(Severity::Warning)];
    }
    let mut found = Vec::new();
    if let Some(bits) = rsa.filter(|&b| b < MIN_RSA_BITS) {
        found.push(
            Violation::new(
                "auth.mtls.min_rsa_key_bits",
                format!("RSA client keys of {bits} bits are accepted; the minimum is {MIN_RSA_BITS}"),
            )
            .help(format!("set `min_rsa_key_bits: {MIN_RSA_BITS}`")),
        );
    }
    if let Some(bits) = ec.filter(|&b| b < MIN_EC_BITS) {
        found.push(
            Violation::new(
                "auth.mtls.min_ec_key_bits",
                format!("EC client keys of {bits} bits are accepted; the minimum is {MIN_EC_BITS}"),
            )
            .help(format!("set `min_ec_key_bits: {MIN_EC_BITS}`")),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::mtls_incomplete::tests::mtls_base;
    use crate::rules::testing::{lines, run, BASE};
    use crate::severity::Severity;

    #[test]
    fn strong_sizes_and_other_methods_pass() {
        assert!(run("mtls-key-size", &mtls_base()).is_empty());
        assert!(run("mtls-key-size", BASE).is_empty());
        let rsa_only = mtls_base().replacen("    min_ec_key_bits: 256\n", "", 1);
        assert!(run("mtls-key-size", &rsa_only).is_empty());
    }

    #[test]
    fn small_keys_are_errors_at_their_values() {
        let yaml = mtls_base().replacen("min_rsa_key_bits: 4096", "min_rsa_key_bits: 2048", 1).replacen(
            "min_ec_key_bits: 256",
            "min_ec_key_bits: 224",
            1,
        );
        let found = run("mtls-key-size", &yaml);
        assert_eq!(lines(&found), vec![26, 27]);
        assert!(found.iter().all(|f| f.severity == Severity::Error));
        assert!(found[0].message.contains("2048"));
        assert!(found[1].message.contains("224"));
    }

    #[test]
    fn no_minimum_is_a_warning() {
        let yaml = mtls_base().replacen("    min_rsa_key_bits: 4096\n    min_ec_key_bits: 256\n", "", 1);
        let found = run("mtls-key-size", &yaml);
        assert_eq!(lines(&found), vec![23]);
        assert_eq!(found[0].severity, Severity::Warning);
    }
}
