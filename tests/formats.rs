//! Every output format carries the same findings: file, line, column, path.

use crate::test::{base_with, Test, TODAY};

fn bad_policy() -> String {
    base_with("min_version: \"1.2\"", "min_version: \"1.1\"")
}

fn lint(format: &str) -> crate::test::Outcome {
    Test::new()
        .file("policies/p.yaml", bad_policy())
        .args(&["lint", "policies/p.yaml", "--format", format, "--today", TODAY])
        .run()
        .code(1)
}

#[test]
fn text_shows_the_snippet_and_location() {
    lint("text")
        .stdout_has("error[tls-min-version]")
        .stdout_has("[policies/p.yaml:14:18]")
        .stdout_has("14 │     min_version: \"1.1\"")
        .stdout_has("help: set `min_version: \"1.2\"`")
        .stdout_has("1 error, 0 warnings in 1 file");
}

#[test]
fn json_has_the_documented_fields() {
    let out = lint("json");
    let json = out.json();
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "tls-min-version");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "policies/p.yaml");
    assert_eq!(finding["line"], 14);
    assert_eq!(finding["column"], 18);
    assert_eq!(finding["path"], "listener.tls.min_version");
    assert!(finding["message"].as_str().unwrap().contains("1.1"));
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["warnings"], 0);
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn sarif_is_2_1_0_with_regions_and_rules() {
    let out = lint("sarif");
    let sarif = out.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gatectl");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "tls-min-version");
    assert_eq!(result["level"], "error");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "tls-min-version");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "policies/p.yaml");
    assert_eq!(location["region"]["startLine"], 14);
    assert_eq!(location["region"]["startColumn"], 18);
    assert_eq!(run["properties"]["owners"][0]["owner"], serde_json::Value::Null, "the fixture has no owner");
}

#[test]
fn markdown_is_a_table_for_a_pull_request() {
    lint("markdown")
        .stdout_has("### ❌ gatectl lint: 1 error, 0 warnings in 1 file")
        .stdout_has("| Severity | Rule | Location | Message |")
        .stdout_has("| error | `tls-min-version` | `policies/p.yaml:14:18` |");
}

#[test]
fn markdown_cells_cannot_break_the_table() {
    let policy = base_with("name: base-prod", "name: \"a|b\"");
    let out = Test::new()
        .file("p.yaml", policy)
        .args(&["lint", "p.yaml", "--format", "markdown", "--today", TODAY])
        .run()
        .code(1);
    let row = out.stdout.lines().find(|l| l.contains("schema-violation")).expect("a row");
    assert!(row.contains("a\\|b"), "{row}");
}

#[test]
fn text_names_the_severity_in_words() {
    let policy = base_with("  log_bodies: false", "  log_bodies: true").replace("compliance: [soc2]\n", "");
    let out = Test::new().file("p.yaml", policy).args(&["lint", "p.yaml", "--today", TODAY]).run().code(0);
    assert!(out.stdout.starts_with("warning[audit-bodies]\n"), "{}", out.stdout);
    lint("text").stdout_has("error[tls-min-version]\n");
}

#[test]
fn markdown_keeps_the_messages_backticks() {
    let out = lint("markdown");
    let row = out.stdout.lines().find(|l| l.contains("tls-min-version")).expect("a row");
    assert!(row.contains("_set `min_version: \"1.2\"` (or \"1.3\")_"), "{row}");
}

#[test]
fn targets_shows_one_column_for_one_target() {
    let out = Test::new().args(&["targets", "--target", "nginx"]).run().code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "| policy field | nginx |");
    assert_eq!(lines[1], "|---|---|");
    assert!(lines[2..].iter().all(|l| l.matches(" | ").count() == 1), "{}", out.stdout);
    assert!(out.stdout.contains("| `rate_limits.tokens_per_minute` | no: limit_req counts requests, not tokens |"));
    // Kong has a column per edition.
    let kong = Test::new().args(&["targets", "--target", "kong"]).run().code(0);
    assert!(kong.stdout.starts_with("| policy field | kong | kong enterprise |\n|---|---|---|\n"), "{}", kong.stdout);
    assert!(
        kong.stdout.contains("| `rate_limits.burst` | approximated: rate-limiting has no burst"),
        "{}",
        kong.stdout
    );
    let two = Test::new().args(&["targets", "-t", "nginx", "-t", "zuplo"]).run().code(0);
    assert!(two.stdout.starts_with("| policy field | zuplo | nginx |\n"), "{}", two.stdout);
}
