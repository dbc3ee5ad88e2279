use super::{Check, Context, Rule, Violation};
use crate::policy::TlsVersion;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "tls-min-version",
    severity: Severity::Error,
    title: "TLS floor below 1.2",
    seed: "security-best-practices-enterprise-gateways.md § TLS/SSL Configuration",
    quote: &["- ✅ TLS 1.2 or higher (TLS 1.3 recommended)"],
    packs: "",
    docs: r#"## What it does
Checks `listener.tls.min_version` is 1.2 or 1.3.

## Why is this bad?
The seeds make TLS 1.2 the floor on every connection ("TLS 1.2 or higher, TLS 1.3
recommended"; "TLS 1.2+ mandatory"). TLS 1.0 and 1.1 are deprecated (RFC 8996):
they lack AEAD ciphers and are open to downgrade attacks, and gateway traffic
carries both gateway tokens and prompts.

## Example
```yaml
listener:
  tls:
    min_version: "1.1"
```

## How to fix
```yaml
listener:
  tls:
    min_version: "1.2"   # or "1.3"
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(tls) = cx.policy.listener.as_ref().and_then(|l| l.tls.as_ref()) else {
        return Vec::new();
    };
    if tls.min_version >= TlsVersion::V1_2 {
        return Vec::new();
    }
    vec![Violation::new("listener.tls.min_version", format!("TLS floor {} is below 1.2", tls.min_version.as_str()))
        .help("set `min_version: \"1.2\"` (or \"1.3\")")]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    #[test]
    fn accepts_1_2_and_1_3() {
        assert!(run("tls-min-version", BASE).is_empty());
        assert!(run("tls-min-version", &base_with("min_version: \"1.2\"", "min_version: \"1.3\"")).is_empty());
    }

    #[test]
    fn rejects_1_0_and_1_1_at_the_value() {
        for old in ["1.0", "1.1"] {
            let found = run("tls-min-version", &base_with("min_version: \"1.2\"", &format!("min_version: \"{old}\"")));
            assert_eq!(lines(&found), vec![14], "{old}");
            assert!(found[0].message.contains(old));
        }
    }
}
