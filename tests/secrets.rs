//! A credential-looking value is never printed by any output format: only a mask.

use crate::test::{base_with, Test, TODAY};

const KEY: &str = "sk-ant-api03-Zx9Qm2Lr7Tp4Wv8Ks1Nd6Hg3Jb5Yc0Fa";
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
const ZUPLO: &str = "zpka_0123456789abcdef0123456789abcdef";

fn leaky_policy() -> String {
    base_with("api_key: vault:secret/claude-code#provider_key", &format!("api_key: {KEY}  # was {ZUPLO}"))
        .replace("key: env:TEAM_PLATFORM_GATEWAY_KEY", &format!("key: \"{JWT}\""))
        .replace("name: base-prod", &format!("name: prod-{KEY}"))
        .replace("  remove: []\n", "")
}

#[test]
fn no_format_prints_a_credential() {
    for format in ["text", "json", "sarif", "markdown"] {
        let out = Test::new()
            .file("p.yaml", leaky_policy())
            .args(&["lint", "p.yaml", "--format", format, "--today", TODAY])
            .run()
            .code(1);
        for secret in [KEY, JWT, ZUPLO, &KEY[7..], &JWT[20..40]] {
            out.stdout.contains(secret).then(|| panic!("{format} printed a credential:\n{}", out.stdout));
        }
        let out = out.nowhere(KEY).nowhere(JWT).nowhere(ZUPLO).stdout_has("sk-ant-****");
        assert!(out.stdout.contains("secret-inline"), "{format}");
    }
}

#[test]
fn every_credential_is_a_finding_at_its_line() {
    let out = Test::new()
        .file("p.yaml", leaky_policy())
        .args(&["lint", "p.yaml", "--format", "json", "--today", TODAY])
        .run()
        .code(1);
    let lines: Vec<u64> = out.findings().into_iter().filter(|(r, _)| r == "secret-inline").map(|(_, l)| l).collect();
    // name (line 3), api_key and the comment beside it (line 8), the consumer key (line 27).
    for line in [3, 8, 27] {
        assert!(lines.contains(&line), "no secret-inline at line {line}: {lines:?}");
    }
}

#[test]
fn explain_of_a_credential_shaped_id_is_masked() {
    Test::new().args(&["explain", KEY]).run().code(2).nowhere(KEY).stderr_has("sk-ant-****");
}

#[test]
fn credentials_are_found_and_masked_even_in_broken_yaml() {
    let text = format!("version: 1\nupstream: [\n  api_key: {KEY}\n");
    let out = Test::new().file("p.yaml", text).args(&["lint", "p.yaml", "--today", TODAY]).run().code(1);
    let out = out.nowhere(KEY).stdout_has("secret-inline").stdout_has("yaml-syntax");
    assert!(out.stdout.contains("sk-ant-****"), "{}", out.stdout);
}
