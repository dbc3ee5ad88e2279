//! Lint behaviour across files, packs and dates.

use crate::test::{base_with, fixture, Test, TODAY};

#[test]
fn a_folder_is_linted_as_a_set() {
    let prod = fixture("base-production.yaml");
    let staging = prod
        .replace("environment: production", "environment: staging")
        .replace("name: base-prod", "name: base-staging");
    let out = Test::new()
        .file("policies/prod.yaml", &prod)
        .file("policies/staging.yml", &staging)
        .file("policies/notes.txt", "not a policy")
        .args(&["lint", "policies", "--format", "json", "--today", TODAY])
        .run()
        .code(1);
    let findings = out.findings();
    assert_eq!(out.json()["summary"]["files"], 2);
    assert!(findings.iter().filter(|(r, _)| r == "environment-shared-secret").count() >= 2, "{findings:?}");
}

#[test]
fn several_paths_are_linted_together() {
    Test::new()
        .file("a.yaml", fixture("base-production.yaml"))
        .file(
            "b.yaml",
            base_with("min_version: \"1.2\"", "min_version: \"1.0\"")
                .replace("vault:secret/claude-code#provider_key", "env:OTHER")
                .replace("name: base-prod", "name: other"),
        )
        .args(&["lint", "a.yaml", "b.yaml", "--today", TODAY])
        .run()
        .code(1)
        .stdout_has("b.yaml:14:18")
        .stdout_has("in 2 files");
}

#[test]
fn packs_from_the_command_line_tighten_rules() {
    let policy = base_with("compliance: [soc2]\n", "").replace("log_bodies: false", "log_bodies: true");
    Test::new().file("p.yaml", &policy).args(&["lint", "p.yaml", "--today", TODAY]).run().code(0);
    Test::new()
        .file("p.yaml", &policy)
        .args(&["lint", "p.yaml", "--today", TODAY, "--pack", "hipaa"])
        .run()
        .code(1)
        .stdout_has("audit-bodies");
}

#[test]
fn today_decides_key_age() {
    let policy = fixture("base-production.yaml");
    Test::new().file("p.yaml", &policy).args(&["lint", "p.yaml", "--today", TODAY]).run().code(0);
    Test::new()
        .file("p.yaml", &policy)
        .args(&["lint", "p.yaml", "--today", "2027-06-01", "--format", "json"])
        .run()
        .code(1)
        .stdout_has("rotation-key-expired");
}

#[test]
fn missing_sections_point_at_a_real_line() {
    let policy = base_with("compliance: [soc2]\n", "");
    let start = policy.find("rate_limits:").unwrap();
    let end = policy.find("network:").unwrap();
    let policy = format!("{}{}", &policy[..start], &policy[end..]);
    let out = Test::new()
        .file("p.yaml", policy)
        .args(&["lint", "p.yaml", "--format", "json", "--today", TODAY])
        .run()
        .code(1);
    let finding = out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "rate-limit-missing")
        .cloned()
        .expect("finding");
    assert!(finding["line"].as_u64().unwrap() >= 1);
    assert_eq!(finding["path"], "rate_limits");
}
