use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "tls-weak-cipher",
    severity: Severity::Error,
    title: "Weak or non-AEAD TLS cipher",
    seed: "security-best-practices-enterprise-gateways.md § TLS/SSL Configuration",
    quote: &["- ✅ Strong cipher suites only"],
    packs: "",
    docs: r#"## What it does
Checks every name in `listener.tls.ciphers`: RC4, DES and 3DES, MD5, NULL,
EXPORT (`EXP-`) and anonymous (`ADH`, `AECDH`, `anon`) suites are rejected, and
so is any suite that is not AEAD (its name lacks GCM, CHACHA20 or CCM).

## Why is this bad?
The seed asks for "strong cipher suites only" and allows just
ECDHE-ECDSA/RSA-AES128-GCM-SHA256. It names no weak families, so the deny-list
follows RFC 7525 and Mozilla's "intermediate" profile: broken ciphers can be
decrypted, anonymous suites authenticate nobody (a man-in-the-middle walks
in), and CBC suites are open to padding-oracle attacks (Lucky13). An attacker
can push a client down to any suite the listener offers. TLS 1.3 suites are
always AEAD.

## Example
```yaml
listener:
  tls:
    ciphers: [ECDHE-RSA-AES128-SHA, DES-CBC3-SHA]
```

## How to fix
```yaml
listener:
  tls:
    ciphers: [ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256]
```"#,
    check: Check::Policy(check),
};

/// Why a cipher is weak, or `None` when it is a strong AEAD suite.
fn weakness(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    let has = |part: &str| upper.contains(part);
    if has("RC4") {
        Some("RC4 is broken")
    } else if has("DES") {
        Some("DES and 3DES have 64-bit blocks (Sweet32) and are broken")
    } else if has("MD5") {
        Some("MD5 is broken")
    } else if has("NULL") {
        Some("it does not encrypt at all")
    } else if has("EXPORT") || upper.starts_with("EXP-") {
        Some("export-grade ciphers are deliberately weak")
    } else if upper.starts_with("ADH") || upper.starts_with("AECDH") || has("ANON") {
        Some("anonymous key exchange authenticates nobody, so a man-in-the-middle goes unnoticed")
    } else if !(has("GCM") || has("CHACHA20") || has("CCM")) {
        Some("it is not an AEAD suite (use GCM, CHACHA20-POLY1305 or CCM)")
    } else {
        None
    }
}

fn check(cx: &Context) -> Vec<Violation> {
    let Some(tls) = cx.policy.listener.as_ref().and_then(|l| l.tls.as_ref()) else {
        return Vec::new();
    };
    let ciphers = Path::parse("listener.tls.ciphers");
    tls.ciphers
        .iter()
        .enumerate()
        .filter_map(|(i, cipher)| {
            let why = weakness(&cipher.0)?;
            Some(
                Violation::at(ciphers.index(i), format!("weak TLS cipher `{}`: {why}", cipher.0)).help(
                    "list only ECDHE suites with AES-GCM or CHACHA20-POLY1305, e.g. ECDHE-ECDSA-AES128-GCM-SHA256",
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::weakness;
    use crate::rules::testing::{base_with, lines, run, BASE};

    const CIPHERS: &str = "ciphers: [ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256]";

    #[test]
    fn strong_suites_pass() {
        assert!(run("tls-weak-cipher", BASE).is_empty());
        for name in ["ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_AES_128_CCM_SHA256", "ecdhe-rsa-aes256-gcm-sha384"] {
            assert_eq!(weakness(name), None, "{name}");
        }
    }

    #[test]
    fn classifies_weak_suites() {
        for (name, why) in [
            ("RC4-SHA", "RC4"),
            ("DES-CBC3-SHA", "3DES"),
            ("ECDHE-RSA-DES-CBC3-SHA", "3DES"),
            ("NULL-SHA256", "not encrypt"),
            ("EXP-RC2-CBC-MD5", "MD5"),
            ("EXP-EDH-RSA-AES-GCM", "export"),
            ("ADH-AES128-GCM-SHA256", "anonymous"),
            ("AECDH-AES256-GCM-SHA384", "anonymous"),
            ("ECDHE-RSA-AES128-SHA", "AEAD"),
        ] {
            let found = weakness(name).unwrap_or_else(|| panic!("{name} passed"));
            assert!(found.contains(why), "{name}: {found}");
        }
    }

    #[test]
    fn points_at_each_weak_entry() {
        let yaml = base_with(
            CIPHERS,
            "ciphers:\n      - ECDHE-RSA-AES128-GCM-SHA256\n      - DES-CBC3-SHA\n      - ECDHE-RSA-AES128-SHA",
        );
        let found = run("tls-weak-cipher", &yaml);
        assert_eq!(lines(&found), vec![17, 18]);
        assert!(found[0].message.contains("DES-CBC3-SHA"));
        assert!(found[1].message.contains("AEAD"));
    }
}
