//! `gatectl rules` and `gatectl explain`.

use crate::test::Test;

#[test]
fn rules_lists_every_rule_with_severity_and_title() {
    let out = Test::new().args(&["rules"]).run().code(0);
    for id in
        ["secret-inline", "tls-min-version", "environment-shared-secret", "rotation-key-expiring", "suppression-unused"]
    {
        assert!(out.stdout.lines().any(|l| l.starts_with(id)), "{id} missing:\n{}", out.stdout);
    }
    assert!(out.stdout.lines().all(|l| l.contains("error") || l.contains("warning")));
}

#[test]
fn explain_prints_docs_seed_and_fix() {
    Test::new()
        .args(&["explain", "tls-min-version"])
        .run()
        .code(0)
        .stdout_has("# tls-min-version — TLS floor below 1.2")
        .stdout_has("Severity: error")
        .stdout_has("Source: ")
        .stdout_has("## Why is this bad?")
        .stdout_has("## How to fix");
}

#[test]
fn explain_of_an_unknown_rule_suggests_one() {
    Test::new().args(&["explain", "tls-min-versio"]).run().code(2).stderr_has("did you mean `tls-min-version`?");
}

/// The seed documents are not shipped: explain quotes the source, and points at the checklist.
#[test]
fn explain_quotes_its_source_so_a_user_can_follow_it() {
    Test::new()
        .args(&["explain", "oauth2-pkce"])
        .run()
        .code(0)
        .stdout_has("Source: `auth-token-setup.md`, section “Security Best Practices”, which says:")
        .stdout_has("- ✅ Use PKCE (Proof Key for Code Exchange) for authorization code flow")
        .stdout_has("docs/checklist.md#oauth2-pkce");
    Test::new().args(&["explain", "suppression-unused"]).run().code(0).stdout_has("Source: gatectl's own diagnostic.");
}
