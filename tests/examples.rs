//! The shipped example policies are what users copy: they must lint clean.

use crate::test::{repo, Test, TODAY};

const EXAMPLES: &[&str] = &[
    "claude-code-prod.yaml",
    "claude-code-staging.yaml",
    "claude-code-dev.yaml",
    "claude-code-oauth2.yaml",
    "claude-code-mtls.yaml",
];

#[test]
fn the_example_folder_lints_clean_without_warnings() {
    let policies = repo().join("policies");
    let out = Test::new()
        .args(&["lint", policies.to_str().unwrap(), "--deny-warnings", "--format", "json", "--today", TODAY])
        .run()
        .code(0);
    assert_eq!(out.json()["summary"]["files"], EXAMPLES.len());
    assert_eq!(out.findings(), Vec::<(String, u64)>::new());
}

#[test]
fn examples_cover_each_environment_and_auth_method() {
    let read = |name: &str| std::fs::read_to_string(repo().join("policies").join(name)).expect("example exists");
    let prod = read("claude-code-prod.yaml");
    assert!(prod.contains("environment: production") && prod.contains("compliance: [soc2, hipaa]"));
    assert!(read("claude-code-staging.yaml").contains("environment: staging"));
    assert!(read("claude-code-dev.yaml").contains("environment: development"));
    assert!(read("claude-code-oauth2.yaml").contains("method: oauth2"));
    assert!(read("claude-code-mtls.yaml").contains("method: mtls"));
}

#[test]
fn examples_point_editors_at_the_schema() {
    for name in EXAMPLES {
        let text = std::fs::read_to_string(repo().join("policies").join(name)).unwrap();
        assert!(text.starts_with("# yaml-language-server: $schema=../schema/policy.schema.json\n"), "{name}");
    }
}

#[test]
fn every_example_is_schema_valid_on_its_own_under_every_pack() {
    for name in EXAMPLES {
        let path = repo().join("policies").join(name);
        let out = Test::new()
            .args(&["lint", path.to_str().unwrap(), "--format", "json", "--today", TODAY, "--pack", "soc2"])
            .run();
        let rules: Vec<String> = out.findings().into_iter().map(|(rule, _)| rule).collect();
        assert!(!rules.iter().any(|r| r == "schema-violation" || r == "unknown-key"), "{name}: {rules:?}");
    }
}
