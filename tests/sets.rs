//! A folder of policies: render, diff and materialize act on every policy, with the layout
//! `DIR/<target>/…` for one policy and `DIR/<policy-name>/<target>/…` for several; each
//! policy's result is reported and the exit code is the worst of them. Declared targets: the
//! keys under `targets:` are what render and diff act on without `--target`.

use std::path::Path;

use crate::test::{base_with, fixture, repo, Test, TODAY};

/// The example folder, copied into the test's scratch folder.
fn with_examples(test: Test) -> Test {
    let mut test = test;
    for entry in std::fs::read_dir(repo().join("policies")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        test = test.file(&format!("policies/{name}"), std::fs::read(&path).unwrap());
    }
    test
}

/// Every file under `dir`, relative to it, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            // gatectl's own bookkeeping (the layout's manifest) is not part of the layout.
            if path.file_name().unwrap().to_string_lossy().starts_with('.') && path.parent() == Some(root) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn a_folder_renders_every_policy_for_its_declared_targets_one_folder_each() {
    let test = with_examples(Test::new()).args(&["render", "policies", "--out", "out", "--today", TODAY]);
    let out = test.run().code(0);
    let files = tree(&test.path().join("out"));
    // Each example for the targets it declares, and nothing else.
    let folders: std::collections::BTreeSet<String> =
        files.iter().map(|f| f.split('/').take(2).collect::<Vec<_>>().join("/")).collect();
    let expected = [
        "claude-code-dev/litellm",
        "claude-code-mtls/kong",
        "claude-code-mtls/nginx",
        "claude-code-prod/kong",
        "claude-code-prod/nginx",
        "claude-code-prod/truefoundry",
        "claude-code-sso/kong",
        "claude-code-sso/zuplo",
        "claude-code-staging/nginx",
        "claude-code-staging/truefoundry",
    ];
    assert_eq!(folders.into_iter().collect::<Vec<_>>(), expected);
    // Every policy's result is reported, each file with its --out path.
    for (policy, file) in [
        ("claude-code-prod", "out/claude-code-prod/kong/kong.yaml"),
        ("claude-code-sso", "out/claude-code-sso/zuplo/config/policies.json"),
        ("claude-code-dev", "out/claude-code-dev/litellm/config.yaml"),
    ] {
        assert!(out.stdout.contains(&format!("{policy}: wrote ")), "{policy}:\n{}", out.stdout);
        assert!(out.stdout.contains(&format!("  {file}\n")), "{file}:\n{}", out.stdout);
    }
    // The same bytes as a render of the policy on its own.
    let alone = Test::new().args(&[
        "render",
        repo().join("policies/claude-code-prod.yaml").to_str().unwrap(),
        "--out",
        "out",
        "--today",
        TODAY,
    ]);
    alone.run().code(0);
    let files = tree(&alone.path().join("out"));
    assert_eq!(files, tree(&test.path().join("out/claude-code-prod")));
    assert!(files.contains(&"kong/kong.yaml".to_string()) && files.contains(&"truefoundry/gateway.yaml".to_string()));
    for file in files {
        let nested = std::fs::read(test.path().join("out/claude-code-prod").join(&file)).unwrap();
        assert_eq!(nested, std::fs::read(alone.path().join("out").join(&file)).unwrap(), "{file}");
    }
}

#[test]
fn diff_reads_the_same_layout_and_finds_drift_in_any_policy() {
    let test = with_examples(Test::new()).args(&["render", "policies", "--out", "deployed", "--today", TODAY]);
    test.run().code(0);
    let diff = |test: &Test| {
        let dir = test.path();
        Test::new()
            .args(&[
                "diff",
                dir.join("policies").to_str().unwrap(),
                "--deployed",
                dir.join("deployed").to_str().unwrap(),
                "--today",
                TODAY,
            ])
            .run()
    };
    let clean = diff(&test).code(0);
    for label in
        ["claude-code-prod/kong: no drift", "claude-code-staging/nginx: no drift", "claude-code-sso/zuplo: no drift"]
    {
        assert!(clean.stdout.contains(label), "{label}:\n{}", clean.stdout);
    }
    // One changed limit in one policy's deployed nginx: that policy drifts, exit 1.
    let conf = test.path().join("deployed/claude-code-staging/nginx/claude-code-staging.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(&conf, text.replacen("rate=300r/m", "rate=600r/m", 1)).unwrap();
    let drift = diff(&test)
        .code(1)
        .stdout_has("claude-code-staging/nginx: drift against")
        .stdout_has("claude-code-prod/kong: no drift");
    assert!(
        drift.stdout.contains("rate=600r/m → $gatectl_claude_code_staging_limit_default rate=300r/m"),
        "{}",
        drift.stdout
    );
    // A deployed folder missing for one policy: that one is an error (2), the worst exit wins.
    std::fs::remove_dir_all(test.path().join("deployed/claude-code-dev")).unwrap();
    diff(&test).code(2).stderr_has("claude-code-dev").stdout_has("claude-code-staging/nginx: drift against");
}

#[test]
fn one_bad_policy_fails_the_set_and_nothing_is_written() {
    let weak = base_with("min_version: \"1.2\"", "min_version: \"1.1\"").replace("name: base-prod", "name: weak");
    let good = fixture("base-production.yaml")
        .replace("name: base-prod", "name: good")
        .replace("vault:secret/claude-code#provider_key", "env:GOOD_PROVIDER_KEY")
        .replace("env:TEAM_PLATFORM_GATEWAY_KEY", "env:GOOD_TEAM_KEY")
        .replace("aws-sm:claude-code/ci-bot", "env:GOOD_CI_KEY");
    let test = Test::new()
        .file("set/good.yaml", good)
        .file("set/weak.yaml", weak)
        .file("out/previous", "kept")
        .args(&["render", "set", "--out", "out", "--today", TODAY]);
    test.run()
        .code(1)
        .stderr_has("error[tls-min-version]")
        .stderr_has("error: weak: not rendering")
        .stderr_has("nothing written to out: 1 policy of 2 not rendered");
    assert_eq!(tree(&test.path().join("out")), ["previous"]);
    // The json report says the same per policy.
    let json = test_json(&test);
    let statuses: Vec<(&str, &str)> = json["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["policy"].as_str().unwrap(), p["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, [("good", "rendered"), ("weak", "invalid")]);
    assert_eq!(json["written"], false);
}

fn test_json(test: &Test) -> serde_json::Value {
    let out = Test::new()
        .args(&[
            "render",
            test.path().join("set").to_str().unwrap(),
            "--out",
            test.path().join("out").to_str().unwrap(),
            "--format",
            "json",
            "--today",
            TODAY,
        ])
        .run();
    out.json()
}

#[test]
fn two_policies_may_not_share_a_name_in_a_set() {
    let policy = fixture("base-production.yaml");
    Test::new()
        .file("set/a.yaml", &policy)
        .file("set/b.yaml", &policy)
        .args(&["render", "set", "--out", "out", "--today", TODAY])
        .run()
        .code(1)
        .stderr_has("its name `base-prod` is also the name of set/b.yaml");
}

#[test]
fn without_target_the_declared_ones_are_rendered_and_none_is_a_usage_error() {
    // The fixture declares nginx only.
    let test = Test::new()
        .file("p.yaml", fixture("base-production.yaml"))
        .args(&["render", "p.yaml", "--out", "out", "--today", TODAY]);
    test.run().code(0);
    let folders: std::collections::BTreeSet<String> =
        tree(&test.path().join("out")).iter().map(|f| f.split('/').next().unwrap().to_string()).collect();
    assert_eq!(folders.into_iter().collect::<Vec<_>>(), ["nginx"]);
    let undeclared = fixture("base-production.yaml").replace("targets:\n  nginx: {}\n", "");
    Test::new()
        .file("p.yaml", &undeclared)
        .args(&["render", "p.yaml", "--out", "out", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("p.yaml declares no target: add the gateways it deploys to under `targets:`")
        .stderr_has("or pass --target");
    Test::new()
        .file("p.yaml", &undeclared)
        .args(&["diff", "p.yaml", "--deployed", "out", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("declares no target");
    // `-t all` still means all five (TrueFoundry given what it needs).
    let all = undeclared.replace(
        "  anthropic_version: \"2023-06-01\"\n",
        "  anthropic_version: \"2023-06-01\"\n  models: [claude-sonnet-4-5]\n",
    ) + "targets:\n  truefoundry: {tenant: acme, secret_group: gw}\n";
    let test =
        Test::new().file("p.yaml", all).args(&["render", "p.yaml", "-t", "all", "--out", "out", "--today", TODAY]);
    test.run().code(0);
    let folders: std::collections::BTreeSet<String> =
        tree(&test.path().join("out")).iter().map(|f| f.split('/').next().unwrap().to_string()).collect();
    assert_eq!(folders.into_iter().collect::<Vec<_>>(), ["kong", "litellm", "nginx", "truefoundry", "zuplo"]);
}

#[test]
fn materialize_resolves_every_policy_of_a_set_before_writing_any() {
    let dev = std::fs::read_to_string(repo().join("policies/claude-code-dev.yaml")).unwrap();
    let nginx_dev = |name: &str, key: &str| {
        dev.replace("name: claude-code-dev", &format!("name: {name}"))
            .replace("env:DEV_GATEWAY_KEY", &format!("env:{key}"))
            .replace("targets:\n  litellm: {}\n", "targets:\n  nginx: {}\n")
    };
    let test = Test::new()
        .file("set/a.yaml", nginx_dev("dev-a", "KEY_A"))
        .file("set/b.yaml", nginx_dev("dev-b", "KEY_B"))
        .file("set/c.yaml", &dev)
        .env("ANTHROPIC_API_KEY", "sk-ant-api03-Materialize0123456789abcdefXYZ")
        .env("KEY_A", "gw-a-4f9a8b7c6d5e4f3a2b1c0d9e");
    let args = ["materialize", "set", "--root", "staged", "--today", TODAY];
    // KEY_B is not set: nothing is written, not even dev-a's files.
    test.args(&args).run().code(2).stderr_has("KEY_B is not set").stderr_has("nothing written");
    let staged = Test::new()
        .file("set/a.yaml", nginx_dev("dev-a", "KEY_A"))
        .file("set/b.yaml", nginx_dev("dev-b", "KEY_B"))
        .file("set/c.yaml", &dev)
        .env("ANTHROPIC_API_KEY", "sk-ant-api03-Materialize0123456789abcdefXYZ")
        .env("KEY_A", "gw-a-4f9a8b7c6d5e4f3a2b1c0d9e")
        .env("KEY_B", "gw-b-4f9a8b7c6d5e4f3a2b1c0d9e")
        .args(&args);
    let out = staged.run().code(0).stdout_has("skipped claude-code-dev: it does not declare nginx");
    assert!(!out.stdout.contains("gw-a-"), "{}", out.stdout);
    for name in ["dev-a", "dev-b"] {
        let map = staged.path().join("staged/etc/nginx/gatectl").join(name).join("consumers.map");
        assert!(map.is_file(), "{}", map.display());
    }
    assert!(!staged.path().join("staged/etc/nginx/gatectl/claude-code-dev").exists());
}

#[test]
fn a_path_without_a_policy_is_exit_2_for_every_command() {
    let test = Test::new().file("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n");
    for args in [
        vec!["lint", "k8s"],
        vec!["render", "k8s", "--out", "out"],
        vec!["diff", "k8s", "--deployed", "out"],
        vec!["materialize", "k8s"],
    ] {
        let out = Test::new().file("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n").args(&args).run();
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("no policy found in `k8s`"), "{args:?}: {}", out.stderr);
    }
    let _ = test;
}
