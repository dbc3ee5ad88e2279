//! What render tells a deploy job: `--format json` (the files written with the `--out` path, the
//! gaps, and per target the variables, files and secrets the deploy must provide, by name) and
//! the text output, which lists the same and shows lint warnings. The names are checked against
//! the names the rendered files themselves hold, and nginx's against what materialize reads.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::test::{repo, Test, TODAY};

fn example(name: &str) -> String {
    repo().join("policies").join(format!("{name}.yaml")).display().to_string()
}

fn render_json(policy: &str, targets: &[&str]) -> (Test, Value) {
    let test = Test::new();
    let out = test.path().join("out").display().to_string();
    let mut args = vec!["render", policy, "--out", &out, "--format", "json", "--today", TODAY];
    for target in targets {
        args.extend(["-t", target]);
    }
    let run = Test::new().args(&args).run();
    assert_eq!(run.code, 0, "{policy}: {}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.is_empty(), "json goes to stdout alone: {}", run.stderr);
    let json = run.json();
    (test, json)
}

/// Every `(kind, name)` the deploy provides for one target of a json report.
fn inputs(target: &Value) -> BTreeSet<(String, String)> {
    target["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_string(), i["name"].as_str().unwrap().to_string()))
        .collect()
}

/// The runs of `charset` characters that follow each `prefix` in `text`.
fn after(text: &str, prefix: &str, charset: impl Fn(char) -> bool) -> Vec<String> {
    text.match_indices(prefix)
        .map(|(i, _)| text[i + prefix.len()..].chars().take_while(|c| charset(*c)).collect())
        .collect()
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// What the rendered files of a target name as deploy inputs, scanned from their text.
fn named_by_files(target: &str, dir: &Path) -> BTreeSet<(String, String)> {
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap_or_default();
    let env = |names: Vec<String>| names.into_iter().map(|n| ("env".to_string(), n)).collect::<BTreeSet<_>>();
    match target {
        "kong" => {
            let yaml = read("kong.yaml");
            let conf = read("kong.conf");
            let mut found = env(after(&yaml, "env \"", name_char));
            let vault = |text: &str| after(text, "{vault://env/", |c| c.is_ascii_alphanumeric() || c == '-');
            found.extend(env(vault(&yaml)
                .into_iter()
                .chain(vault(&conf))
                .map(|n| n.to_uppercase().replace('-', "_"))
                .collect()));
            for key in ["ssl_cert = ", "ssl_cert_key = "] {
                for path in after(&conf, key, |c| !c.is_whitespace()).into_iter().filter(|p| p.starts_with('/')) {
                    found.insert(("file".into(), path));
                }
            }
            found
        }
        "litellm" => {
            let mut found = env(after(&read("config.yaml"), "os.environ/", name_char));
            found.extend(env(after(&read("gatectl_auth.py"), "\\\"key_env\\\":\\\"", name_char)));
            found
        }
        "zuplo" => env(after(&read("config/policies.json"), "$env(", name_char)),
        "truefoundry" => after(&read("gateway.yaml"), "tfy-secret://", |c| name_char(c) || c == ':' || c == '-')
            .into_iter()
            .map(|n| ("secret".to_string(), format!("tfy-secret://{n}")))
            .collect(),
        other => panic!("no scanner for {other}"),
    }
}

#[test]
fn json_lists_files_gaps_and_deploy_inputs_per_target() {
    let (test, json) = render_json(&example("claude-code-prod"), &[]);
    let out = test.path().join("out");
    assert_eq!(json["written"], true);
    assert_eq!(json["out"], out.display().to_string());
    let policy = &json["policies"][0];
    assert_eq!(policy["policy"], "claude-code-prod");
    assert_eq!(policy["status"], "rendered");
    assert_eq!(policy["findings"], serde_json::json!([]));
    let targets: Vec<&str> =
        policy["targets"].as_array().unwrap().iter().map(|t| t["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["kong", "truefoundry", "nginx"]);
    let kong = &policy["targets"][0];
    assert_eq!(kong["folder"], out.join("kong").display().to_string());
    let files: Vec<&str> = kong["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    let expected: Vec<String> = ["kong.yaml", "kong.conf", "prometheus-rules.yaml"]
        .iter()
        .map(|f| out.join("kong").join(f).display().to_string())
        .collect();
    assert_eq!(files, expected);
    for file in files {
        assert!(Path::new(file).is_file(), "{file}");
    }
    let gap = kong["gaps"].as_array().unwrap().iter().find(|g| g["field"] == "rate_limits.tokens_per_minute").unwrap();
    assert_eq!(gap["support"], "unsupported");
    assert!(gap["detail"].as_str().unwrap().contains("rate-limiting counts requests"));
    let provider = kong["inputs"].as_array().unwrap().iter().find(|i| i["field"] == "upstream.api_key").unwrap();
    assert_eq!(provider["kind"], "env");
    assert_eq!(provider["name"], "DECK_GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_PROVIDER_KEY");
    assert!(provider["reader"].as_str().unwrap().contains("decK"));
}

/// The names render reports are exactly the names the rendered files read, for every example and
/// every target that renders it.
#[test]
fn deploy_inputs_are_the_names_the_rendered_files_read() {
    let mut compared = 0;
    for name in ["claude-code-prod", "claude-code-staging", "claude-code-dev", "claude-code-oauth2", "claude-code-mtls"]
    {
        for target in ["kong", "zuplo", "truefoundry", "litellm"] {
            let test = Test::new();
            let out = test.path().join("out").display().to_string();
            let run = Test::new()
                .args(&["render", &example(name), "-t", target, "--out", &out, "--format", "json", "--today", TODAY])
                .run();
            if run.code != 0 {
                continue;
            }
            let reported = inputs(&run.json()["policies"][0]["targets"][0]);
            let read = named_by_files(target, &test.path().join("out").join(target));
            assert_eq!(reported, read, "{name} on {target}");
            assert!(!reported.is_empty(), "{name} on {target}");
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} renders compared");
}

/// nginx reads its secrets through materialize: the variables render names are the ones it needs.
#[test]
fn nginx_inputs_are_what_materialize_reads() {
    let (_test, json) = render_json(&example("claude-code-dev"), &["nginx"]);
    let names: Vec<String> = inputs(&json["policies"][0]["targets"][0])
        .into_iter()
        .map(|(kind, name)| {
            assert_eq!(kind, "env");
            name
        })
        .collect();
    assert_eq!(names, ["ANTHROPIC_API_KEY", "DEV_GATEWAY_KEY"]);
    let materialize = |set: &[&str]| {
        let mut test =
            Test::new().args(&["materialize", &example("claude-code-dev"), "-t", "nginx", "--root", "staged"]);
        for name in set {
            test = test.env(name, "k-0123456789abcdefghijklmnop");
        }
        test.run()
    };
    materialize(&["ANTHROPIC_API_KEY", "DEV_GATEWAY_KEY"]).code(0);
    materialize(&["ANTHROPIC_API_KEY"]).code(2).stderr_has("DEV_GATEWAY_KEY is not set");
    // A reference materialize cannot resolve is said, with the reference (a name, not a value).
    let (_test, json) = render_json(&example("claude-code-prod"), &["nginx"]);
    let provider = json["policies"][0]["targets"][0]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["field"] == "upstream.api_key")
        .cloned()
        .unwrap();
    assert_eq!(provider["kind"], "reference");
    assert_eq!(provider["name"], "vault:secret/claude-code-prod#provider_key");
}

#[test]
fn text_lists_the_files_and_inputs_and_shows_lint_warnings() {
    // As of 2027-01-05 team-data's key expires in 13 days: a warning render must show.
    let test = Test::new().args(&[
        "render",
        &example("claude-code-prod"),
        "-t",
        "kong",
        "--out",
        "out",
        "--today",
        "2027-01-05",
    ]);
    let out = test.run().code(0);
    assert!(out.stderr.contains("warning[rotation-key-expiring]"), "{}", out.stderr);
    assert!(out.stderr.contains("expires in 13 days"), "{}", out.stderr);
    assert!(
        out.stdout.starts_with(
            "claude-code-prod: wrote kong\n  out/kong/kong.yaml\n  out/kong/kong.conf\n  out/kong/prometheus-rules.yaml\n"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  the deploy provides (names only):\n"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("    kong: env DECK_GATECTL_AWS_SM_CLAUDE_CODE_PROD_CI_BOT ← consumers[2].key (decK, at sync"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("    kong: file /etc/gateway/tls/server.key ← listener.tls.private_key"),
        "{}",
        out.stdout
    );
}
