//! The four promises, tried as an attacker would, through the real binary: one test (or a few)
//! per class of issue 9, then one table of every command × every output format that no canary
//! credential may appear in.
//!
//! The classes: (1) credentials detection misses (escapes), (2) suppressions that widen what
//! render writes, (3) fields printed unmasked, (4) LiteLLM `os.environ/`, (5) panics,
//! (6) superlinear time and unbounded reads, (7) outputs that are not all-or-nothing,
//! (8) small correctness holes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::test::{base_with, files_in, fixture, repo, Outcome, Test, TODAY};

/// Looks like a credential: masked by pattern.
const PATTERN: &str = "sk-ant-api03-Q7v9Xc2Lp4Rt8Wz1Ks6Nd3Hg5Jb0YmFa";
/// Looks like nothing: masked only because of where it sits.
const POSITION: &str = "plain-words-canary-position";

/// Every substring that would betray a canary: the whole, and its middle.
fn betrays(text: &str) -> Option<&'static str> {
    [PATTERN, &PATTERN[13..29], POSITION, "words-canary"].into_iter().find(|c| text.contains(c))
}

#[track_caller]
fn no_canary(what: &str, out: &Outcome) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some(canary) = betrays(text) {
            panic!("{what}: {stream} holds `{canary}`:\n{text}");
        }
    }
    assert!(!out.stderr.contains("panicked"), "{what}: panic\n{}", out.stderr);
}

fn render_args<'a>(policy: &'a str, target: &'a str) -> Vec<&'a str> {
    vec!["render", policy, "-t", target, "--out", "out", "--today", TODAY]
}

// --- 1. Credentials that detection misses --------------------------------------------------

#[test]
fn class1_a_key_spelt_with_yaml_escapes_is_found_and_never_rendered() {
    // `\x2d` and `\u002d` for `-`, and an escaped line break splitting the key.
    let escaped = format!("\"sk\\x2dant\\u002d{}\\\n      {}\"", &PATTERN[7..20], &PATTERN[20..]);
    let policy = base_with_added(&[("x-team", &escaped)]);
    let test = Test::new().file("p.yaml", &policy);
    let lint = test.args(&["lint", "p.yaml", "--format", "json", "--today", TODAY]).run().code(1);
    no_canary("lint", &lint);
    assert!(lint.findings().iter().any(|(rule, line)| rule == "secret-inline" && *line == 36), "{:?}", lint.findings());
    let test = Test::new().file("p.yaml", &policy).args(&render_args("p.yaml", "all"));
    no_canary("render", &test.run().code(1));
    assert!(!test.path().join("out").exists());
}

/// The base policy with `headers.add` entries written as given (raw YAML scalars).
fn base_with_added(entries: &[(&str, &str)]) -> String {
    let add: String = entries.iter().map(|(k, v)| format!("    {k}: {v}\n")).collect();
    fixture("base-production.yaml").replace("headers:\n", &format!("headers:\n  add:\n{add}"))
}

/// The base policy with a model list and TrueFoundry's settings, so that every target can render it.
fn base_for_all() -> String {
    base_with(
        "  anthropic_version: \"2023-06-01\"\n",
        "  anthropic_version: \"2023-06-01\"\n  models: [claude-sonnet-4-5]\n",
    )
    .replace("targets:\n", "targets:\n  truefoundry: {tenant: acme-prod, secret_group: claude-code}\n")
}

/// [`base_for_all`] with one substring replaced.
fn all_with(from: &str, to: &str) -> String {
    let base = base_for_all();
    assert!(base.contains(from), "fixture has no `{from}`");
    base.replacen(from, to, 1)
}

// --- 2. A suppression that widens what reaches a target -----------------------------------

#[test]
fn class2_a_suppressed_literal_key_is_refused_by_render_for_every_target() {
    let suppress = "# gatectl:ignore secret-inline -- we know";
    let policy = all_with("api_key: vault:secret/claude-code#provider_key", &format!("api_key: {PATTERN}  {suppress}"));
    for target in ["kong", "zuplo", "truefoundry", "litellm", "nginx"] {
        let test = Test::new().file("p.yaml", &policy).args(&render_args("p.yaml", target));
        let out = test.run().code(1).stderr_has("not rendering: `upstream.api_key` holds a literal value");
        no_canary(target, &out);
        assert!(!test.path().join("out").exists(), "{target} wrote files");
    }
    // A reference that itself holds a key is no better: its derived variable name would carry it.
    let policy = all_with(
        "api_key: vault:secret/claude-code#provider_key",
        &format!("api_key: vault:secret/{PATTERN}#k  {suppress}"),
    );
    let out = Test::new().file("p.yaml", policy).args(&render_args("p.yaml", "all")).run().code(1);
    no_canary("reference holding a key", &out.stderr_has("holds a reference that contains a credential"));
}

#[test]
fn class2_a_suppressed_invalid_cidr_cannot_close_nginx_geo_block() {
    let escape = "10.0.0.0/8 1; } server { listen 8080; location / { proxy_pass https://api.anthropic.com; } } geo $x $y { default 0";
    let policy = base_with(
        "ip_allowlist: [203.0.113.0/24, 198.51.100.0/24]",
        &format!(
            "ip_allowlist: [{}]  # gatectl:ignore network-invalid-cidr -- testing",
            serde_json::to_string(escape).unwrap()
        ),
    );
    Test::new().file("p.yaml", &policy).args(&["lint", "p.yaml", "--today", TODAY]).run().code(0);
    for target in ["kong", "zuplo", "litellm", "nginx"] {
        let test = Test::new().file("p.yaml", &policy).args(&render_args("p.yaml", target));
        test.run().code(1).stderr_has("not rendering: `network.ip_allowlist[0]` is not a valid CIDR");
        assert!(!test.path().join("out").exists(), "{target} wrote files");
    }
}

// --- 3. Fields printed without masking ------------------------------------------------------

#[test]
fn class3_a_value_in_a_credential_position_is_masked_whatever_it_looks_like() {
    let policy = base_with("api_key: vault:secret/claude-code#provider_key", &format!("api_key: {POSITION}"));
    for format in ["text", "json", "sarif", "markdown"] {
        let out =
            Test::new().file("p.yaml", &policy).args(&["lint", "p.yaml", "--format", format, "--today", TODAY]).run();
        no_canary(format, &out.code(1).stdout_has("secret-reference-invalid"));
    }
}

#[test]
fn class3_usage_errors_never_repeat_a_value() {
    for args in [
        vec!["lint", "--format", POSITION],
        vec!["lint", &format!("--format={PATTERN}")],
        vec!["render", "p.yaml", "-t", POSITION, "--out", "o"],
        vec!["diff", "p.yaml", "-t", "kong", "--deployed", "d", "--today", PATTERN],
        vec!["materialize", "p.yaml", "-t", POSITION],
        vec![POSITION],
        vec!["lint", &format!("--{POSITION}")],
    ] {
        let out = Test::new().args(&args).run().code(2);
        no_canary(&format!("{args:?}"), &out);
        assert!(out.stderr.contains("error"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn class3_deployed_credentials_are_masked_by_position_and_only_exact_references_shown() {
    let policy = custom_header_policy();
    let test = Test::new().file("p.yaml", &policy);
    let deployed = deployed_with_canaries(test.path(), "p.yaml");
    for format in ["text", "json", "markdown"] {
        let out = Command::new(env!("CARGO_BIN_EXE_gatectl"))
            .args(["diff", "p.yaml", "-t", "all", "--deployed"])
            .arg(&deployed)
            .args(["--format", format, "--today", TODAY])
            .current_dir(test.path())
            .output()
            .unwrap();
        let out = outcome(out);
        assert_eq!(out.code, 1, "{format}: drift expected\n{}", out.stderr);
        no_canary(format, &out);
        if format == "json" {
            let secrets: Vec<String> = out.json()["targets"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|t| t["inline_secrets"].as_array().unwrap().iter().map(|s| s["path"].to_string()))
                .collect();
            // LiteLLM's and TrueFoundry's keys, Zuplo's key header, nginx's key map. (Kong stores
            // what decK substituted, so a literal there is what a live dump holds: masked, not a finding.)
            for part in ["litellm_params.api_key", "auth_data.api_key", "options.value", "$http_x_gateway_key"] {
                assert!(secrets.iter().any(|s| s.contains(part)), "no inline secret at {part}: {secrets:?}");
            }
        }
    }
}

/// The base policy with clients' keys in a custom header (nginx maps on `$http_x_gateway_key`).
fn custom_header_policy() -> String {
    base_for_all().replace("    header: authorization", "    header: x-gateway-key").replace(
        "redact_headers: [authorization, x-api-key]",
        "redact_headers: [authorization, x-api-key, x-gateway-key]",
    )
}

/// Renders `policy` into `dir/deployed`, then puts canaries where credentials go, in forms that
/// look like references but are not (`$…`, `{vault://…}` with more after it) and plain words.
fn deployed_with_canaries(dir: &Path, policy: &str) -> PathBuf {
    let run = Command::new(env!("CARGO_BIN_EXE_gatectl"))
        .args(["render", policy, "-t", "all", "--out", "deployed", "--today", TODAY])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let deployed = dir.join("deployed");
    let edit = |file: &str, edit: &dyn Fn(String) -> String| {
        let path = deployed.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let edited = edit(text.clone());
        assert_ne!(edited, text, "{file}: nothing replaced");
        std::fs::write(&path, edited).unwrap();
    };
    edit("kong/kong.yaml", &|t| {
        // A header value and a consumer key that merely look like references (`$…`, `{vault://…}…`).
        let header = replace_line_after(&t, "printf \"x-api-key:%s\"", "- ", &format!("\"x-api-key:${POSITION}-1\""));
        replace_line_after(&header, "key: ${{", "key: ", &format!("\"{{vault://env/k}}{POSITION}-2\""))
    });
    edit("nginx/base-prod.conf", &|t| {
        t.replacen("    default \"\";\n", &format!("    default \"\";\n    {POSITION}-3 \"team-platform\";\n"), 1)
    });
    edit("litellm/config.yaml", &|t| t.replacen("\"os.environ/", &format!("\"os.environ/X {POSITION}-4 "), 1));
    edit("zuplo/config/policies.json", &|t| t.replacen("\"$env(", &format!("\"{POSITION}-5 $env("), 1));
    edit("truefoundry/gateway.yaml", &|t| t.replacen("\"tfy-secret://", &format!("\"tfy-secret://{POSITION}-6:"), 1));
    deployed
}

/// In the first line holding `marker`, replaces what follows `after` with `with`.
fn replace_line_after(text: &str, marker: &str, after: &str, with: &str) -> String {
    let Some(at) = text.find(marker) else { return text.to_string() };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let Some(value) = text[line_start..line_end].find(after).map(|i| line_start + i + after.len()) else {
        return text.to_string();
    };
    format!("{}{with}{}", &text[..value], &text[line_end..])
}

fn outcome(output: std::process::Output) -> Outcome {
    Outcome {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

// --- 4. LiteLLM `os.environ/` ----------------------------------------------------------------

#[test]
fn class4_no_policy_string_may_name_an_environment_variable_for_litellm() {
    for value in
        ["os.environ/LITELLM_MASTER_KEY", "os.environ/ANTHROPIC_API_KEY", "os.environ/TEAM_PLATFORM_GATEWAY_KEY"]
    {
        let policy = base_with_added(&[("x-leak", value)]);
        let test = Test::new().file("p.yaml", &policy).args(&render_args("p.yaml", "litellm"));
        test.run().code(1).stderr_has("`headers.add.x-leak`").stderr_has("os.environ/");
        assert!(!test.path().join("out").exists(), "{value}");
    }
}

// --- 5. Panics ---------------------------------------------------------------------------------

#[test]
fn class5_huge_day_counts_end_in_findings_not_panics() {
    let policy = base_with(
        "max_key_age_days: 90\n  warn_before_days: 7",
        "max_key_age_days: 4000000000\n  warn_before_days: 4000000000",
    );
    let commands: Vec<Vec<&str>> = vec![
        vec!["lint", "p.yaml", "--today", TODAY],
        render_args("p.yaml", "all"),
        vec!["diff", "p.yaml", "-t", "kong", "--deployed", "p.yaml", "--today", TODAY],
        vec!["materialize", "p.yaml", "-t", "nginx", "--root", "r", "--today", TODAY],
    ];
    for args in commands {
        let out = Test::new().file("p.yaml", &policy).args(&args).run();
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
        // As documented: a policy with findings is exit 1, except for diff, where it is 2.
        let expected = if args[0] == "diff" { 2 } else { 1 };
        assert_eq!(out.code, expected, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(format!("{}{}", out.stdout, out.stderr).contains("rotation-period"), "{args:?}");
    }
}

#[test]
fn class5_deployed_text_is_never_sliced_inside_a_character() {
    let policy = fixture("base-production.yaml");
    // A provenance line from another version whose digest is not ASCII.
    let nginx = "# Generated by gatectl 0.0.1 from policy `base-prod` (sha256 ééééééééééééé).\nserver { listen 1; }\n";
    // A CRLF hook whose settings line is broken after a multi-byte character.
    let hook = "import json\r\n# é\r\nSETTINGS = json.loads(\"{\\\"é\\\": [}\")\r\n";
    for (target, file, text, code) in [("nginx", "d.conf", nginx, 1), ("litellm", "gatectl_auth.py", hook, 2)] {
        let out = Test::new()
            .file("p.yaml", &policy)
            .file(file, text)
            .args(&["diff", "p.yaml", "-t", target, "--deployed", file, "--today", TODAY])
            .run();
        assert!(!out.stderr.contains("panicked"), "{target}: {}", out.stderr);
        assert_eq!(out.code, code, "{target}: {}{}", out.stdout, out.stderr);
    }
}

#[test]
fn class5_findings_on_a_line_of_megabytes_are_reported_without_a_snippet() {
    // miette pads to the column: past 65,535 it panicked. Found by measuring the 8 MiB cap.
    let line = format!("# {}\nversion: 1\n", "eyJabcdefghijk.eyJ-".repeat(100_000));
    let out = Test::new().file("p.yaml", line).args(&["lint", "p.yaml"]).run().code(1);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out
        .stdout
        .starts_with("error[secret-inline]: p.yaml:1:3: credential-looking value `eyJ****` in a comment"));
}

#[test]
fn class5_deeply_nested_deployed_nginx_is_a_located_error() {
    let deep = "location / {".repeat(200_000) + &"}".repeat(200_000);
    Test::new()
        .file("p.yaml", fixture("base-production.yaml"))
        .file("d.conf", deep)
        .args(&["diff", "p.yaml", "-t", "nginx", "--deployed", "d.conf", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("d.conf:1:")
        .stderr_has("nested deeper than 64");
}

// --- 6. Superlinear time and unbounded reads --------------------------------------------------
// Each run must finish within the Test builder's 20 s (a debug build, on a loaded machine);
// the figures are measured in benchmarks (README, "Promises").

#[test]
fn class6_flow_form_policies_and_huge_mappings_lint_in_linear_time() {
    let consumers: Vec<String> =
        (0..10_000).map(|i| format!("{{\"name\":\"c{i}\",\"key\":\"env:K{i}\",\"issued\":\"2026-11-01\"}}")).collect();
    let flow = format!(
        "{{\"version\":1,\"name\":\"flow\",\"environment\":\"development\",\"upstream\":{{\"url\":\"https://api.anthropic.com\",\"api_key\":\"env:P\"}},\"auth\":{{\"method\":\"api_key\"}},\"consumers\":[{}]}}",
        consumers.join(",")
    );
    Test::new().file("flow.yaml", flow).args(&["lint", "flow.yaml", "--today", TODAY]).run().code(0);
    let keys: String = (0..150_000).map(|i| format!("k{i}: {i}\n")).collect();
    let out = Test::new().file("keys.yaml", keys).args(&["lint", "keys.yaml", "--format", "json"]).run().code(1);
    assert!(out.stdout.contains("schema errors in this file: the rest are not listed"), "{}", &out.stdout[..500]);
}

#[test]
fn class6_diff_is_linear_in_repeated_directives_and_identical_documents() {
    let policy = base_for_all();
    let nginx: String = (0..20_000).map(|i| format!("d{} on;\nsendfile on;\n", i % 3)).collect();
    let documents = vec!["type: virtual-account\nname: same\nx: 1\n"; 20_000].join("---\n");
    for (target, file, text) in [("nginx", "d.conf", nginx), ("truefoundry", "gateway.yaml", documents)] {
        Test::new()
            .file("p.yaml", &policy)
            .file(file, text)
            .args(&["diff", "p.yaml", "-t", target, "--deployed", file, "--format", "json", "--today", TODAY])
            .run()
            .code(1);
    }
}

#[cfg(unix)]
#[test]
fn class6_pipes_and_devices_are_refused_never_read_or_waited_on() {
    let test = Test::new();
    assert!(Command::new("mkfifo").arg(test.path().join("fifo")).status().unwrap().success());
    test.args(&["lint", "fifo"]).run().code(2).stdout_has("fifo is a named pipe, not a regular file");
    for deployed in ["fifo", "/dev/zero"] {
        let test = Test::new().file("p.yaml", fixture("base-production.yaml"));
        if deployed == "fifo" {
            assert!(Command::new("mkfifo").arg(test.path().join("fifo")).status().unwrap().success());
        }
        test.args(&["diff", "p.yaml", "-t", "nginx", "--deployed", deployed, "--today", TODAY])
            .run()
            .code(2)
            .stderr_has("not a regular file");
    }
    // A `file:` secret that is a pipe: materialize names it and writes nothing.
    let test = Test::new();
    assert!(Command::new("mkfifo").arg(test.path().join("key")).status().unwrap().success());
    let dev = std::fs::read_to_string(repo().join("policies/claude-code-dev.yaml")).unwrap();
    let key = test.path().join("key").display().to_string();
    let test = test
        .file("p.yaml", dev.replace("env:ANTHROPIC_API_KEY", &format!("file:{key}")))
        .env("DEV_GATEWAY_KEY", "gw-dev-4f9a8b7c6d5e4f3a2b1c");
    test.args(&["materialize", "p.yaml", "-t", "nginx", "--root", "r", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("is a named pipe, not a regular file");
    // Standard input is capped like a file: a policy at 8 MiB, a deployed config at 64 MiB.
    Test::new()
        .stdin("#".repeat(9 * 1024 * 1024))
        .args(&["lint", "-", "--today", TODAY])
        .run()
        .code(2)
        .stdout_has("at most 8388608 bytes");
    // A deployed config past the policy cap is read (a comment of 9 MiB: all is drift, exit 1).
    Test::new()
        .file("p.yaml", fixture("base-production.yaml"))
        .stdin("#".repeat(9 * 1024 * 1024))
        .args(&["diff", "p.yaml", "-t", "nginx", "--deployed", "-", "--today", TODAY])
        .run()
        .code(1);
    Test::new()
        .file("p.yaml", fixture("base-production.yaml"))
        .stdin("#".repeat(65 * 1024 * 1024))
        .args(&["diff", "p.yaml", "-t", "nginx", "--deployed", "-", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("at most 67108864 bytes");
}

// --- 7. Outputs that are not all-or-nothing ----------------------------------------------------

#[test]
fn class7_a_folder_gatectl_did_not_write_is_never_replaced() {
    let test =
        Test::new().file("p.yaml", base_for_all()).file("out/notes.txt", "mine").args(&render_args("p.yaml", "all"));
    test.run().code(2).stderr_has("`notes.txt`, which gatectl did not write");
    assert_eq!(std::fs::read_to_string(test.path().join("out/notes.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_dir(test.path().join("out")).unwrap().count(), 1);
}

/// The provenance digests of every rendered file in `out` (one render wrote all of them iff one).
fn digests(out: &Path) -> std::collections::BTreeSet<String> {
    files_in(out)
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter_map(|t| t.split("sha256 ").nth(1).map(|s| s.chars().take(64).collect::<String>()))
        .collect()
}

/// A policy big enough that a render takes a while: the window a kill or a rival run has.
fn big_policy(name: &str) -> String {
    let consumers: String =
        (0..3000).map(|i| format!("  - name: consumer-{i}\n    key: env:K{i}\n    issued: 2026-11-01\n")).collect();
    base_for_all().replace("name: base-prod", &format!("name: {name}")).replacen(
        "consumers:\n",
        &format!("consumers:\n{consumers}"),
        1,
    )
}

#[test]
fn class7_a_render_killed_at_any_moment_leaves_the_old_layout_or_the_new_one() {
    let test = Test::new().file("a.yaml", big_policy("alpha")).file("b.yaml", big_policy("bravo"));
    let gatectl = env!("CARGO_BIN_EXE_gatectl");
    let render = |policy: &str| {
        Command::new(gatectl)
            .args(["render", policy, "-t", "all", "--out", "out", "--today", TODAY])
            .current_dir(test.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    assert!(render("a.yaml").wait().unwrap().success());
    let out = test.path().join("out");
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..12u64 {
        let policy = if round % 2 == 0 { "b.yaml" } else { "a.yaml" };
        let mut child = render(policy);
        std::thread::sleep(std::time::Duration::from_millis(15 * round));
        let _ = child.kill();
        let _ = child.wait();
        let now = digests(&out);
        assert_eq!(now.len(), 1, "round {round}: a mixed layout: {now:?}");
        seen.extend(now);
        assert!(files_in(&out).iter().any(|f| f.ends_with(".gatectl-manifest")));
    }
    // The next run completes and leaves nothing beside the layout.
    assert!(render("b.yaml").wait().unwrap().success());
    let beside: Vec<String> = std::fs::read_dir(test.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(beside.iter().all(|n| !n.contains("gatectl-staging")), "{beside:?}");
    assert!(!seen.is_empty());
}

#[test]
fn class7_concurrent_renders_into_one_folder_never_mix() {
    let test = Test::new().file("a.yaml", big_policy("alpha")).file("b.yaml", big_policy("bravo"));
    let gatectl = env!("CARGO_BIN_EXE_gatectl");
    let out = test.path().join("out");
    for _ in 0..4 {
        let children: Vec<_> = ["a.yaml", "b.yaml", "a.yaml"]
            .iter()
            .map(|policy| {
                Command::new(gatectl)
                    .args(["render", policy, "-t", "all", "--out", "out", "--today", TODAY])
                    .current_dir(test.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let done = outcome(child.wait_with_output().unwrap());
            assert!(
                done.code == 0 || (done.code == 2 && done.stderr.contains("is being written by another gatectl run")),
                "exit {}: {}",
                done.code,
                done.stderr
            );
        }
        assert_eq!(digests(&out).len(), 1, "a mixed layout");
    }
}

#[test]
fn class7_materialize_is_confined_under_its_root() {
    let dev = std::fs::read_to_string(repo().join("policies/claude-code-dev.yaml")).unwrap();
    let env = [
        ("ANTHROPIC_API_KEY", "sk-ant-api03-Materialize0123456789abcdefXYZ"),
        ("DEV_GATEWAY_KEY", "gw-dev-4f9a8b7c6d5e4f3a2b1c"),
    ];
    let with_env = |t: Test| env.iter().fold(t, |t, (k, v)| t.env(k, v));
    // `..` in secrets_dir: refused, nothing written anywhere.
    let escaping = format!("{dev}  nginx:\n    secrets_dir: /etc/../../escaped\n");
    let test = with_env(Test::new().file("p.yaml", escaping)).args(&[
        "materialize",
        "p.yaml",
        "-t",
        "nginx",
        "--root",
        "r",
        "--today",
        TODAY,
    ]);
    test.run().code(2).stderr_has("secrets_dir` must be an absolute path without");
    assert!(!test.path().join("escaped").exists() && !test.path().join("r").exists());
    // A symbolic link inside the root that leads out of it: refused.
    let outside = tempfile::tempdir().unwrap();
    let test = with_env(Test::new().file("p.yaml", &dev));
    std::fs::create_dir_all(test.path().join("r/etc/nginx")).unwrap();
    std::os::unix::fs::symlink(outside.path(), test.path().join("r/etc/nginx/gatectl")).unwrap();
    test.args(&["materialize", "p.yaml", "-t", "nginx", "--root", "r", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("leads out of --root");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn class7_materialize_replaces_the_whole_set_or_nothing() {
    let dev = std::fs::read_to_string(repo().join("policies/claude-code-dev.yaml")).unwrap();
    let test = Test::new().file("p.yaml", &dev);
    let root = test.path().join("r").display().to_string();
    let materialize = |provider: &str, client: &str| {
        Test::new()
            .file("p.yaml", &dev)
            .env("ANTHROPIC_API_KEY", provider)
            .env("DEV_GATEWAY_KEY", client)
            .args(&["materialize", "p.yaml", "-t", "nginx", "--root", &root, "--today", TODAY])
            .run()
    };
    materialize("sk-ant-api03-FirstProviderKey0123456789", "gw-first-4f9a8b7c6d5e4f3a2b1c").code(0);
    // The second include cannot be written (a quote in the provider key): the map is not replaced.
    materialize("bad\"provider-key-0123456789", "gw-second-4f9a8b7c6d5e4f3a2b1c").code(2);
    let dir = test.path().join("r/etc/nginx/gatectl/claude-code-dev");
    let unchanged = || {
        assert!(std::fs::read_to_string(dir.join("consumers.map")).unwrap().contains("gw-first"));
        assert!(std::fs::read_to_string(dir.join("upstream-key.conf")).unwrap().contains("FirstProviderKey"));
    };
    unchanged();
    // A folder holding a file gatectl did not write is not replaced at all.
    std::fs::write(dir.join("operator-notes.txt"), "mine").unwrap();
    materialize("sk-ant-api03-SecondProviderKey0123456789", "gw-second-4f9a8b7c6d5e4f3a2b1c")
        .code(2)
        .stderr_has("`operator-notes.txt`, which gatectl did not write");
    unchanged();
    std::fs::remove_file(dir.join("operator-notes.txt")).unwrap();
    materialize("sk-ant-api03-SecondProviderKey0123456789", "gw-second-4f9a8b7c6d5e4f3a2b1c").code(0);
    assert!(std::fs::read_to_string(dir.join("consumers.map")).unwrap().contains("gw-second"));
}

// --- 8. Small correctness holes ------------------------------------------------------------------

#[test]
fn class8_a_missing_templates_folder_is_a_usage_error() {
    let test = Test::new().file("p.yaml", fixture("base-production.yaml"));
    let mut args = render_args("p.yaml", "nginx");
    args.extend(["--templates", "/no/such/dir"]);
    test.args(&args).run().code(2).stderr_has("--templates /no/such/dir: no such folder");
    let test = Test::new().file("p.yaml", fixture("base-production.yaml")).file("t/nginx/polcy.conf.j2", "x");
    let mut args = render_args("p.yaml", "nginx");
    args.extend(["--templates", "t"]);
    test.args(&args).run().code(2).stderr_has("`nginx/polcy.conf.j2` overrides no template");
}

#[test]
fn class8_ipv6_resolvers_are_bracketed_and_nginx_accepts_them() {
    let policy =
        fixture("base-production.yaml").replace("  nginx: {}\n", "  nginx:\n    resolvers: [\"::1\", 127.0.0.53]\n");
    let test = Test::new().file("p.yaml", &policy).args(&render_args("p.yaml", "nginx"));
    test.run().code(0);
    let conf = std::fs::read_to_string(test.path().join("out/nginx/base-prod.conf")).unwrap();
    assert!(conf.contains("resolver [::1] 127.0.0.53 valid=300s;"), "{conf}");
    let Some(nginx) = crate::gateways::nginx_binary() else { return };
    let root = test.path().join("nginx-root");
    std::fs::create_dir_all(&root).unwrap();
    let conf = crate::render::localise(&conf, &root, "base-prod", &test.path().join("out/nginx"));
    crate::render::nginx_accepts(&nginx, &conf, &root, None).unwrap_or_else(|e| panic!("nginx -t: {e}"));
}

// --- Every command × every format: no canary, anywhere ------------------------------------------

/// One row: what to run, and whether the files it writes are checked too (materialize's
/// files hold secrets by design; what it prints may not).
struct Row {
    args: Vec<String>,
    written: Option<&'static str>,
}

fn row(args: &[&str]) -> Row {
    Row { args: args.iter().map(|a| a.to_string()).collect(), written: None }
}

/// The table. A new command or format is one more row (verify, `render --format json`, …).
fn table() -> Vec<Row> {
    let mut rows = Vec::new();
    for format in ["text", "json", "sarif", "markdown"] {
        for policy in ["leaky.yaml", "clean.yaml", "sk-ant-api03-Q7v9Xc2Lp4Rt8Wz1Ks6Nd3Hg5Jb0YmFa.yaml"] {
            rows.push(row(&["lint", policy, "--format", format, "--today", TODAY]));
        }
    }
    for policy in ["leaky.yaml", "clean.yaml"] {
        rows.push(Row {
            written: Some("out"),
            ..row(&["render", policy, "-t", "all", "--out", "out", "--today", TODAY])
        });
        for format in ["text", "json", "markdown"] {
            rows.push(row(&[
                "diff",
                policy,
                "-t",
                "all",
                "--deployed",
                "deployed",
                "--format",
                format,
                "--today",
                TODAY,
            ]));
        }
        rows.push(row(&["materialize", policy, "-t", "nginx", "--root", "root", "--today", TODAY]));
    }
    for format in ["text", "json", "junit", "markdown"] {
        // Nothing listens on port 9: every probe fails, and says so without the key it holds.
        let url = "http://127.0.0.1:9";
        for policy in ["leaky.yaml", "clean.yaml"] {
            rows.push(row(&[
                "verify",
                policy,
                "--url",
                url,
                "--key-env",
                "ANTHROPIC_API_KEY",
                "--timeout",
                "2",
                "--format",
                format,
            ]));
        }
    }
    rows.push(row(&["verify", "--list"]));
    rows.push(row(&["targets"]));
    rows.push(row(&["rules"]));
    rows.push(row(&["explain", "secret-inline"]));
    rows.push(row(&["explain", PATTERN]));
    rows.push(row(&["lint", "--format", POSITION]));
    rows.push(row(&["render", "clean.yaml", "-t", PATTERN, "--out", "o"]));
    rows.push(row(&["diff", "clean.yaml", "-t", "kong", "--deployed", PATTERN, "--today", TODAY]));
    rows.push(row(&["materialize", "clean.yaml", "-t", "nginx", "--root", POSITION, "--today", "x"]));
    rows
}

#[test]
fn no_command_prints_or_renders_a_canary_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Fails lint: canaries by pattern (escaped, in a key, a comment, a reason) and by position.
    let leaky = base_with("api_key: vault:secret/claude-code#provider_key", &format!("api_key: {POSITION}"))
        .replace("# A production policy", &format!("# A production policy; the old key was {PATTERN}"))
        .replace("key: env:TEAM_PLATFORM_GATEWAY_KEY", &format!("key: \"sk\\x2d{}\"", &PATTERN[3..]))
        .replace(
            "headers:\n",
            &format!("owner: \"{PATTERN}\"\nheaders:\n  add:\n    {PATTERN}: x\n    authorization: \"{POSITION}\"\n"),
        )
        .replace(
            "  max_key_age_days: 90",
            &format!("  max_key_age_days: 90  # gatectl:ignore rotation-period -- {PATTERN}"),
        );
    std::fs::write(root.join("leaky.yaml"), &leaky).unwrap();
    // Passes lint: canaries only in comments and suppression reasons, their findings suppressed.
    let clean = custom_header_policy().replace(
        "  max_key_age_days: 90",
        &format!("  max_key_age_days: 90  # gatectl:ignore secret-inline -- old key {PATTERN}"),
    );
    std::fs::write(root.join("clean.yaml"), &clean).unwrap();
    std::fs::write(root.join(format!("{PATTERN}.yaml")), &leaky).unwrap();
    let lint = Command::new(env!("CARGO_BIN_EXE_gatectl"))
        .args(["lint", "clean.yaml", "--today", TODAY])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(lint.status.success(), "clean.yaml must pass lint: {}", String::from_utf8_lossy(&lint.stdout));
    deployed_with_canaries(root, "clean.yaml");
    for row in table() {
        let out = Command::new(env!("CARGO_BIN_EXE_gatectl"))
            .args(&row.args)
            .current_dir(root)
            .env("NO_COLOR", "1")
            .env("ANTHROPIC_API_KEY", PATTERN)
            .env("TEAM_PLATFORM_GATEWAY_KEY", format!("{POSITION}-gateway-key"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let out = outcome(out);
        no_canary(&format!("gatectl {}", row.args.join(" ")), &out);
        if let Some(written) = row.written {
            for file in files_in(&root.join(written)) {
                let text = std::fs::read_to_string(&file).unwrap();
                assert!(betrays(&text).is_none(), "{} holds a canary", file.display());
            }
        }
    }
}
