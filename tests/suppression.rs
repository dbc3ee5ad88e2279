//! `# gatectl:ignore RULE-ID -- reason` on the offending line or its parent key.

use crate::test::{base_with, Test, TODAY};

fn lint(policy: String) -> crate::test::Outcome {
    Test::new().file("p.yaml", policy).args(&["lint", "p.yaml", "--format", "json", "--today", TODAY]).run()
}

#[test]
fn a_suppression_on_the_line_silences_the_finding_but_json_keeps_it() {
    let out = lint(base_with(
        "min_version: \"1.2\"",
        "min_version: \"1.1\"  # gatectl:ignore tls-min-version -- legacy load balancer, ticket SEC-42",
    ))
    .code(0);
    let json = out.json();
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "tls-min-version");
    assert_eq!(finding["suppressed"], true);
    assert_eq!(finding["suppression_reason"], "legacy load balancer, ticket SEC-42");
    assert_eq!(json["summary"]["suppressed"], 1);
    assert_eq!(json["summary"]["errors"], 0);
}

#[test]
fn a_suppression_on_the_parent_key_counts() {
    lint(
        base_with("min_version: \"1.2\"", "min_version: \"1.1\"")
            .replace("  tls:\n", "  tls:  # gatectl:ignore tls-min-version -- legacy clients until Q3\n"),
    )
    .code(0);
}

#[test]
fn a_suppression_elsewhere_does_not_count_and_is_reported_unused() {
    let policy = base_with("min_version: \"1.2\"", "min_version: \"1.1\"")
        .replace("  port: 443\n", "  port: 443  # gatectl:ignore tls-min-version -- wrong line\n");
    let out = lint(policy).code(1);
    let findings = out.findings();
    assert!(findings.contains(&("tls-min-version".into(), 14)), "{findings:?}");
    assert!(findings.contains(&("suppression-unused".into(), 12)), "{findings:?}");
}

#[test]
fn a_suppression_needs_a_reason() {
    let out = lint(base_with("min_version: \"1.2\"", "min_version: \"1.1\"  # gatectl:ignore tls-min-version")).code(1);
    let findings = out.findings();
    assert!(findings.contains(&("suppression-invalid".into(), 14)), "{findings:?}");
    assert!(findings.contains(&("tls-min-version".into(), 14)), "{findings:?}");
}

#[test]
fn unknown_rules_and_schema_errors_cannot_be_suppressed() {
    let out = lint(base_with("port: 443", "port: 443  # gatectl:ignore no-such-rule -- because")).code(1);
    assert!(out.findings().contains(&("suppression-invalid".into(), 12)));
    let out = lint(base_with("port: 443", "port: \"x\"  # gatectl:ignore schema-violation -- because")).code(1);
    assert!(out.findings().contains(&("suppression-invalid".into(), 12)));
    assert!(out.findings().contains(&("schema-violation".into(), 12)));
}

#[test]
fn text_output_hides_suppressed_findings_but_counts_them() {
    Test::new()
        .file(
            "p.yaml",
            base_with("min_version: \"1.2\"", "min_version: \"1.1\"  # gatectl:ignore tls-min-version -- legacy"),
        )
        .args(&["lint", "p.yaml", "--today", TODAY])
        .run()
        .code(0)
        .stdout_has("0 errors, 0 warnings (1 suppressed) in 1 file");
}
