//! Hostile input never panics and never hangs: each case ends in a located
//! error (file, line, column) and exit 1 or 2.

use crate::test::{Outcome, Test, TODAY};

fn lint_bytes(bytes: &[u8]) -> Outcome {
    let out = Test::new().file("p.yaml", bytes).args(&["lint", "p.yaml", "--format", "json", "--today", TODAY]).run();
    assert!(!out.stderr.contains("panicked"), "panic:\n{}", out.stderr);
    out
}

/// Asserts one finding of `rule` at `line` and the exit code.
#[track_caller]
fn expect(bytes: &[u8], code: i32, rule: &str, line: u64) -> Outcome {
    let out = lint_bytes(bytes).code(code);
    let findings = out.findings();
    assert!(findings.iter().any(|(r, l)| r == rule && *l == line), "want {rule} at line {line}, got {findings:?}");
    out
}

const MINIMAL: &str = "version: 1\nname: t\nenvironment: development\nupstream: {url: https://api.anthropic.com, api_key: env:K}\nauth: {method: api_key}\n";

#[test]
fn empty_file() {
    expect(b"", 1, "yaml-syntax", 1);
    expect(b"# nothing but a comment\n", 1, "yaml-syntax", 1);
}

#[test]
fn non_utf8() {
    let out = expect(b"version: 1\nname: \xff\xfe\n", 2, "input-unreadable", 1);
    assert!(out.stdout.contains("line 2, column 7"), "{}", out.stdout);
}

#[test]
fn tabs_for_indentation() {
    let out = expect(b"version: 1\nupstream:\n\turl: x\n", 1, "yaml-syntax", 3);
    assert!(out.stdout.contains("tabs"));
}

#[test]
fn duplicate_keys() {
    let text = format!("{MINIMAL}name: other\n");
    expect(text.as_bytes(), 1, "yaml-syntax", 6);
}

#[test]
fn several_documents() {
    let text = format!("{MINIMAL}---\n{MINIMAL}");
    expect(text.as_bytes(), 1, "yaml-syntax", 6);
}

#[test]
fn alias_bomb() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
    }
    let out = lint_bytes(text.as_bytes()).code(1);
    assert_eq!(out.findings()[0].0, "yaml-syntax");
}

#[test]
fn thirty_megabytes() {
    let line = "# padding padding padding padding padding padding padding padding\n";
    let text = line.repeat(30 * 1024 * 1024 / line.len() + 1);
    let out = expect(text.as_bytes(), 2, "input-unreadable", 1);
    assert!(out.stdout.contains("at most"));
}

#[test]
fn deep_nesting() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    expect(text.as_bytes(), 1, "yaml-syntax", 1);
}

#[test]
fn wrong_types() {
    let text = MINIMAL
        .replace("version: 1", "version: \"one\"")
        .replace("environment: development", "environment: [development]");
    let out = lint_bytes(text.as_bytes()).code(1);
    let findings = out.findings();
    assert!(findings.contains(&("schema-violation".into(), 1)), "{findings:?}");
    assert!(findings.contains(&("schema-violation".into(), 3)), "{findings:?}");
}

#[test]
fn unsupported_version() {
    let out = expect(MINIMAL.replace("version: 1", "version: 2").as_bytes(), 1, "schema-violation", 1);
    assert!(out.stdout.contains("unsupported policy version"));
}

#[test]
fn names_that_could_inject() {
    for name in ["Prod", "a b", "a;b", "a\\\"b", "-lead", "x{y}", "a_b", &"a".repeat(64)] {
        let text = MINIMAL.replace("name: t", &format!("name: \"{name}\""));
        let out = expect(text.as_bytes(), 1, "schema-violation", 2);
        assert!(out.stdout.contains("not a valid name"), "{name}: {}", out.stdout);
    }
    let text = format!("{MINIMAL}consumers:\n  - name: \"evil;\\n include /etc/passwd\"\n    key: env:K2\n");
    expect(text.as_bytes(), 1, "schema-violation", 7);
}

#[test]
fn impossible_dates() {
    for date in ["2026-02-30", "2026-13-01", "2025-02-29", "26-01-01"] {
        let text = format!("{MINIMAL}consumers:\n  - name: c\n    key: env:K2\n    issued: {date}\n");
        let out = expect(text.as_bytes(), 1, "schema-violation", 9);
        assert!(out.stdout.contains("not a valid calendar date"), "{date}: {}", out.stdout);
    }
}

#[test]
fn unknown_keys_get_a_suggestion() {
    let text = format!("{MINIMAL}rate_limit:\n  requests_per_minute: 5\n");
    let out = expect(text.as_bytes(), 1, "unknown-key", 6);
    assert!(out.stdout.contains("did you mean `rate_limits`?"), "{}", out.stdout);
}

#[test]
fn null_sections_and_scalars_at_the_root() {
    expect(format!("{MINIMAL}listener:\n").as_bytes(), 1, "schema-violation", 6);
    expect(b"just a string\n", 1, "schema-violation", 1);
    expect(b"[1, 2, 3]\n", 1, "schema-violation", 1);
}

#[test]
fn binary_noise_and_control_characters() {
    let out = lint_bytes(b"version: 1\nname: \x01\x02\x03\n");
    assert!(out.code == 1 || out.code == 2, "{}", out.code);
    assert!(!out.findings().is_empty());
}
