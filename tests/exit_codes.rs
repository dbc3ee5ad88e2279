//! Exit codes are a contract: 0 clean, 1 findings, 2 usage or unreadable input.

use crate::test::{base_with, fixture, Test, TODAY};

#[test]
fn clean_policy_exits_0() {
    Test::new()
        .file("p.yaml", fixture("base-production.yaml"))
        .args(&["lint", "p.yaml", "--today", TODAY])
        .run()
        .code(0)
        .stdout_has("0 errors, 0 warnings in 1 file");
}

#[test]
fn an_error_finding_exits_1() {
    Test::new()
        .file("p.yaml", base_with("min_version: \"1.2\"", "min_version: \"1.0\""))
        .args(&["lint", "p.yaml", "--today", TODAY])
        .run()
        .code(1)
        .stdout_has("tls-min-version");
}

#[test]
fn warnings_exit_0_unless_denied() {
    let policy = base_with("  log_bodies: false", "  log_bodies: true");
    let policy = policy.replace("compliance: [soc2]\n", "");
    Test::new()
        .file("p.yaml", &policy)
        .args(&["lint", "p.yaml", "--today", TODAY])
        .run()
        .code(0)
        .stdout_has("audit-bodies");
    Test::new().file("p.yaml", &policy).args(&["lint", "p.yaml", "--today", TODAY, "--deny-warnings"]).run().code(1);
}

#[test]
fn a_missing_file_exits_2() {
    Test::new().args(&["lint", "nope.yaml"]).run().code(2).stdout_has("cannot read nope.yaml");
}

#[test]
fn the_default_folder_is_policies() {
    Test::new()
        .file("policies/p.yaml", fixture("base-production.yaml"))
        .args(&["lint", "--today", TODAY])
        .run()
        .code(0)
        .stdout_has("in 1 file");
    Test::new().args(&["lint"]).run().code(2).stdout_has("policies");
}

#[test]
fn usage_errors_exit_2() {
    Test::new().args(&["lint", "--no-such-flag"]).run().code(2);
    Test::new().args(&["lint", "--today", "2026-02-30"]).run().code(2).stderr_has("not a date");
    Test::new().args(&["lint", "--format", "xml"]).run().code(2);
    Test::new().args(&["lint", "--pack", "pci"]).run().code(2);
    Test::new().args(&["frobnicate"]).run().code(2);
}

#[test]
fn unreadable_input_wins_over_findings() {
    Test::new()
        .file("bad.yaml", base_with("min_version: \"1.2\"", "min_version: \"1.0\""))
        .args(&["lint", "bad.yaml", "missing.yaml", "--today", TODAY])
        .run()
        .code(2)
        .stdout_has("tls-min-version");
}

#[test]
fn help_and_version_exit_0() {
    Test::new().args(&["--help"]).run().code(0).stdout_has("lint");
    Test::new().args(&["--version"]).run().code(0).stdout_has("gatectl");
}
