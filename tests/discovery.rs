//! Which files are policies: folders searched recursively, other YAML skipped and named, a path
//! with no policy an error (exit 2), and `--policies-only` for the pre-commit hook.

use crate::test::{base_with, fixture, Test, TODAY};

const WORKFLOW: &str =
    "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    environment: production\n";
const MANIFEST: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: auth\ndata:\n  upstream: x\n";

fn repository() -> Test {
    let staging = fixture("base-production.yaml")
        .replace("name: base-prod", "name: base-staging")
        .replace("environment: production", "environment: staging")
        .replace("vault:secret/claude-code#provider_key", "env:STAGING_PROVIDER_KEY")
        .replace("env:TEAM_PLATFORM_GATEWAY_KEY", "env:STAGING_TEAM_KEY")
        .replace("aws-sm:claude-code/ci-bot", "env:STAGING_CI_KEY")
        .replace("file:/etc/gateway/tls/server.key", "file:/etc/gateway/tls/staging.key");
    Test::new()
        .file("repo/policies/prod.yaml", fixture("base-production.yaml"))
        .file("repo/gateway/eu/staging.yml", staging)
        .file("repo/.github/workflows/ci.yml", WORKFLOW)
        .file("repo/k8s/configmap.yaml", MANIFEST)
        .file("repo/.cache/old/p.yaml", base_with("min_version: \"1.2\"", "min_version: \"1.0\""))
        .file("repo/notes.txt", "not yaml")
}

#[test]
fn folders_are_searched_recursively_and_other_yaml_is_skipped_by_name() {
    let out = repository().args(&["lint", "repo", "--today", TODAY]).run().code(0);
    assert!(out.stdout.contains("0 errors, 0 warnings in 2 files"), "{}", out.stdout);
    assert!(out.stdout.contains("note: skipped repo/k8s/configmap.yaml: not a policy"), "{}", out.stdout);
    // Hidden folders are not searched; other file types are not YAML.
    for hidden in [".github", ".cache", "notes.txt"] {
        assert!(!out.stdout.contains(hidden), "{hidden}: {}", out.stdout);
    }
    let json = repository().args(&["lint", "repo", "--format", "json", "--today", TODAY]).run().code(0).json();
    assert_eq!(json["skipped"], serde_json::json!(["repo/k8s/configmap.yaml"]));
    assert_eq!(json["summary"]["files"], 2);
}

#[test]
fn a_policy_deep_in_a_folder_is_linted_and_its_findings_fail() {
    let weak = base_with("min_version: \"1.2\"", "min_version: \"1.1\"");
    Test::new()
        .file("repo/gateway/legacy/tls.yaml", weak)
        .args(&["lint", "repo", "--today", TODAY])
        .run()
        .code(1)
        .stdout_has("repo/gateway/legacy/tls.yaml:14:18");
}

#[test]
fn no_policy_in_the_paths_is_exit_2() {
    let out = Test::new().file("policies/.keep", "").args(&["lint", "policies"]).run().code(2);
    assert!(out.stderr.contains("error: no policy found in `policies`"), "{}", out.stderr);
    Test::new()
        .file("conf/ci.yml", WORKFLOW)
        .args(&["lint", "conf"])
        .run()
        .code(2)
        .stdout_has("note: skipped conf/ci.yml: not a policy")
        .stderr_has("1 YAML file is not a policy");
}

#[test]
fn a_named_file_is_linted_as_a_policy_whatever_it_holds() {
    // Named on the command line, an unrelated YAML file is taken at its word and fails the schema.
    Test::new().file("ci.yml", WORKFLOW).args(&["lint", "ci.yml"]).run().code(1).stdout_has("schema-violation");
}

#[test]
fn policies_only_lints_the_policies_among_named_files_and_none_is_no_error() {
    let weak = base_with("min_version: \"1.2\"", "min_version: \"1.1\"");
    // What pre-commit passes: every staged YAML file, policies or not.
    Test::new()
        .file("ci.yml", WORKFLOW)
        .file("k8s.yaml", MANIFEST)
        .args(&["lint", "--policies-only", "ci.yml", "k8s.yaml"])
        .run()
        .code(0)
        .stdout_has("in 0 files");
    Test::new()
        .file("ci.yml", WORKFLOW)
        .file("gateway/tls.yaml", weak)
        .args(&["lint", "--policies-only", "ci.yml", "gateway/tls.yaml", "--today", TODAY])
        .run()
        .code(1)
        .stdout_has("tls-min-version")
        .stdout_has("in 1 file");
}

#[test]
fn a_policy_with_a_misspelt_section_is_still_recognised_and_told() {
    let misspelt = fixture("base-production.yaml").replacen("upstream:", "upstrem:", 1);
    Test::new()
        .file("repo/p.yaml", misspelt)
        .args(&["lint", "repo", "--today", TODAY])
        .run()
        .code(1)
        .stdout_has("unknown key `upstrem`")
        .stdout_has("did you mean `upstream`?");
    // The schema modeline alone marks a policy, however little else it holds.
    Test::new()
        .file("repo/new.yaml", "# yaml-language-server: $schema=../schema/policy.schema.json\nversion: 1\n")
        .args(&["lint", "repo"])
        .run()
        .code(1)
        .stdout_has("missing required key `name`");
}
