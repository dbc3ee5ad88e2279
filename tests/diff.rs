//! `gatectl diff`: realistic deployed configs per target — identical, reformatted,
//! drifted, holding an inline secret, missing or broken — and the round-trip property.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::test::{repo, Outcome, Test, TODAY};

const EXAMPLES: &[&str] =
    &["claude-code-prod", "claude-code-staging", "claude-code-dev", "claude-code-oauth2", "claude-code-mtls"];
const TARGETS: &[&str] = &["kong", "zuplo", "truefoundry", "litellm", "nginx"];
/// A credential that must never be printed.
const LEAKED: &str = "sk-ant-api03-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm";

fn example(name: &str) -> String {
    repo().join("policies").join(format!("{name}.yaml")).to_str().unwrap().to_string()
}

/// Renders `policy` for `target` into `<test>/deployed`; false when the target refuses the policy.
fn deploy(test: &Test, policy: &str, target: &str) -> bool {
    let out = test.path().join("deployed");
    let run =
        Test::new().args(&["render", policy, "-t", target, "--out", out.to_str().unwrap(), "--today", TODAY]).run();
    run.code == 0
}

fn diff(test: &Test, policy: &str, target: &str, deployed: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec!["diff", policy, "-t", target, "--deployed", deployed.to_str().unwrap(), "--today", TODAY];
    args.extend_from_slice(extra);
    let run = Test::new().args(&args).run();
    let _ = test;
    run
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The deployed target folder of a test.
fn folder(test: &Test, target: &str) -> PathBuf {
    test.path().join("deployed").join(target)
}

/// The named changes of a JSON report.
fn changes(outcome: &Outcome) -> Vec<(String, String)> {
    outcome.json()["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["changes"].as_array().unwrap().clone())
        .map(|c| (c["kind"].as_str().unwrap().to_string(), c["path"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_render_diffed_against_itself_is_clean_for_every_example_and_target() {
    let mut compared = 0;
    for name in EXAMPLES {
        for target in TARGETS {
            let test = Test::new();
            if !deploy(&test, &example(name), target) {
                continue;
            }
            diff(&test, &example(name), target, &folder(&test, target), &[]).code(0).stdout_has("no drift");
            // A whole render layout with --target all finds each target's folder.
            compared += 1;
        }
    }
    assert!(compared >= 12, "only {compared} example × target pairs rendered");
    let test = Test::new();
    let out = test.path().join("deployed");
    Test::new()
        .args(&["render", &example("claude-code-prod"), "-t", "all", "--out", out.to_str().unwrap(), "--today", TODAY])
        .run()
        .code(0);
    let all = diff(&test, &example("claude-code-prod"), "all", &out, &["--format", "json"]).code(0);
    assert_eq!(all.json()["targets"].as_array().unwrap().len(), TARGETS.len());
}

/// Reverses the key order of every map and the order of every list of named entities.
fn reorder(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            entries.reverse();
            for (k, mut v) in entries {
                let keep_order = matches!(k.as_str(), "inbound" | "outbound" | "rules");
                if !keep_order {
                    reorder(&mut v);
                } else if let Value::Array(items) = &mut v {
                    items.iter_mut().for_each(reorder);
                }
                map.insert(k, v);
            }
        }
        Value::Array(items) => {
            items.iter_mut().for_each(reorder);
            items.reverse();
        }
        _ => {}
    }
}

#[test]
fn reformatted_reordered_and_commented_configs_show_no_drift() {
    let prod = example("claude-code-prod");
    // Kong: YAML re-emitted in another style, keys and entity lists reversed, comments added.
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    let kong = folder(&test, "kong").join("kong.yaml");
    let mut value: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&kong).unwrap()).unwrap();
    reorder(&mut value);
    std::fs::write(&kong, format!("# deployed by hand\n{}", serde_yaml_ng::to_string(&value).unwrap())).unwrap();
    edit(
        &folder(&test, "kong").join("kong.conf"),
        "ssl_protocols = TLSv1.2 TLSv1.3",
        "ssl_protocols   =   TLSv1.2    TLSv1.3   # floor",
    );
    diff(&test, &prod, "kong", &folder(&test, "kong"), &[]).code(0);

    // TrueFoundry: documents in another order, keys reversed (rule order kept: it matters).
    let test = Test::new();
    assert!(deploy(&test, &prod, "truefoundry"));
    let file = folder(&test, "truefoundry").join("gateway.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut documents: Vec<Value> = text.split("\n---\n").filter_map(|d| serde_yaml_ng::from_str(d).ok()).collect();
    documents.iter_mut().for_each(reorder);
    documents.reverse();
    let rewritten: Vec<String> = documents.iter().map(|d| serde_yaml_ng::to_string(d).unwrap()).collect();
    std::fs::write(&file, rewritten.join("---\n# reviewed\n")).unwrap();
    diff(&test, &prod, "truefoundry", &folder(&test, "truefoundry"), &[]).code(0);

    // Zuplo: both JSON files re-emitted compactly with keys and the policy list reversed
    // (a route's inbound order is kept: Zuplo runs them in order).
    let test = Test::new();
    assert!(deploy(&test, &prod, "zuplo"));
    for file in ["config/routes.oas.json", "config/policies.json"] {
        let path = folder(&test, "zuplo").join(file);
        let mut value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        reorder(&mut value);
        std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    }
    diff(&test, &prod, "zuplo", &folder(&test, "zuplo"), &[]).code(0);

    // LiteLLM: config.yaml re-emitted with keys reversed.
    let test = Test::new();
    assert!(deploy(&test, &prod, "litellm"));
    let config = folder(&test, "litellm").join("config.yaml");
    let mut value: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    reorder(&mut value);
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    diff(&test, &prod, "litellm", &folder(&test, "litellm"), &[]).code(0);

    // Nginx: comments gone, indentation gone, quotes changed, one directive per line collapsed.
    let test = Test::new();
    assert!(deploy(&test, &prod, "nginx"));
    let conf = folder(&test, "nginx").join("claude-code-prod.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    let flat: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    let flat = flat
        .join(" ")
        .replace("\"api.anthropic.com\"", "'api.anthropic.com'")
        .replace("ssl_protocols TLSv1.2", "ssl_protocols   TLSv1.2");
    std::fs::write(&conf, format!("# hand-deployed\n{flat}\n")).unwrap();
    diff(&test, &prod, "nginx", &folder(&test, "nginx"), &[]).code(0);
}

/// Turns a rendered decK file into what `deck gateway dump` writes for the same state: ids and
/// timestamps on every entity, the service URL split up, every default Kong fills in spelled out.
fn as_dumped(value: &mut Value) {
    let mut n = 0;
    let mut stamp = |entity: &mut serde_json::Map<String, Value>| {
        n += 1;
        entity.insert("id".into(), Value::String(format!("5b1f3c2e-0000-4000-8000-{n:012}")));
        entity.insert("created_at".into(), 1_763_900_000.into());
        entity.insert("updated_at".into(), 1_763_900_000.into());
    };
    for service in value["services"].as_array_mut().unwrap() {
        let service = service.as_object_mut().unwrap();
        stamp(service);
        let url = service.remove("url").unwrap();
        let host = url.as_str().unwrap().trim_start_matches("https://").to_string();
        service.extend([
            ("protocol".into(), "https".into()),
            ("host".into(), host.into()),
            ("port".into(), 443.into()),
            ("retries".into(), 5.into()),
            ("enabled".into(), true.into()),
        ]);
        for route in service["routes"].as_array_mut().unwrap() {
            let route = route.as_object_mut().unwrap();
            stamp(route);
            route.extend([
                ("https_redirect_status_code".into(), 426.into()),
                ("path_handling".into(), "v0".into()),
                ("regex_priority".into(), 0.into()),
                ("tags".into(), Value::Null),
            ]);
        }
        for plugin in service["plugins"].as_array_mut().unwrap() {
            let plugin = plugin.as_object_mut().unwrap();
            stamp(plugin);
            plugin.insert("enabled".into(), true.into());
            plugin.insert("protocols".into(), serde_json::json!(["grpc", "grpcs", "http", "https"]));
            let name = plugin["name"].as_str().unwrap().to_string();
            let config = plugin["config"].as_object_mut().unwrap();
            // Defaults of the Enterprise plugins, as Kong fills them in (kong-docs-3.10).
            match name.as_str() {
                "mtls-auth" => config.extend([
                    ("cache_ttl".into(), 60.into()),
                    ("cert_cache_ttl".into(), 60000.into()),
                    ("send_ca_dn".into(), false.into()),
                    ("authenticated_group_by".into(), "CN".into()),
                    ("http_timeout".into(), 30000.into()),
                ]),
                "rate-limiting-advanced" => config.extend([
                    ("dictionary_name".into(), "kong_rate_limiting_counters".into()),
                    ("error_code".into(), 429.into()),
                    ("error_message".into(), "API rate limit exceeded".into()),
                    ("hide_client_headers".into(), false.into()),
                    ("retry_after_jitter_max".into(), 0.into()),
                ]),
                "openid-connect" => config.extend([
                    ("leeway".into(), 0.into()),
                    ("scopes_claim".into(), serde_json::json!(["scope"])),
                    ("audience_claim".into(), serde_json::json!(["aud"])),
                    ("display_errors".into(), false.into()),
                ]),
                _ => {}
            }
            if plugin["name"] == "rate-limiting" {
                let config = plugin["config"].as_object_mut().unwrap();
                config.extend([
                    ("fault_tolerant".into(), true.into()),
                    ("hide_client_headers".into(), false.into()),
                    ("error_code".into(), 429.into()),
                    ("hour".into(), Value::Null),
                ]);
            }
        }
    }
    for consumer in value["consumers"].as_array_mut().unwrap() {
        stamp(consumer.as_object_mut().unwrap());
    }
}

#[test]
fn a_decks_dump_of_the_same_state_shows_no_drift() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    let yaml = folder(&test, "kong").join("kong.yaml");
    let mut value: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&yaml).unwrap()).unwrap();
    as_dumped(&mut value);
    std::fs::write(&yaml, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    diff(&test, &prod, "kong", &folder(&test, "kong"), &[]).code(0).stdout_has("carries no gatectl header");
    // The dump's noise hides nothing: a default switched off is drift.
    let text = std::fs::read_to_string(&yaml).unwrap().replacen("fault_tolerant: true", "fault_tolerant: false", 1);
    std::fs::write(&yaml, text).unwrap();
    let out = diff(&test, &prod, "kong", &folder(&test, "kong"), &["--format", "json"]).code(1);
    assert_eq!(
        changes(&out),
        vec![("removed".into(), "services[claude-code-prod].plugins[rate-limiting].config.fault_tolerant".into())]
    );
}

#[test]
fn a_decks_dump_of_a_kong_enterprise_state_shows_no_drift() {
    for name in ["claude-code-mtls", "claude-code-oauth2"] {
        let policy = example(name);
        let test = Test::new();
        assert!(deploy(&test, &policy, "kong"));
        let yaml = folder(&test, "kong").join("kong.yaml");
        let rendered = std::fs::read_to_string(&yaml).unwrap();
        let mut value: Value = serde_yaml_ng::from_str(&rendered).unwrap();
        as_dumped(&mut value);
        std::fs::write(&yaml, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
        diff(&test, &policy, "kong", &folder(&test, "kong"), &[]).code(0);
        // A default switched off is still drift.
        let text = std::fs::read_to_string(&yaml).unwrap().replacen(
            "hide_client_headers: false",
            "hide_client_headers: true",
            1,
        );
        std::fs::write(&yaml, text).unwrap();
        let out = diff(&test, &policy, "kong", &folder(&test, "kong"), &["--format", "json"]).code(1);
        assert_eq!(
            changes(&out),
            vec![(
                "removed".into(),
                format!(
                    "services[{}].plugins[rate-limiting-advanced].config.hide_client_headers",
                    value["services"][0]["name"].as_str().unwrap()
                )
            )],
            "{name}"
        );
    }
}

#[test]
fn a_changed_limit_is_drift_named_by_its_path() {
    let prod = example("claude-code-prod");
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "kong",
            "kong.yaml",
            "minute: 100",
            "minute: 120",
            "services[claude-code-prod].plugins[rate-limiting].config.minute",
        ),
        (
            "nginx",
            "claude-code-prod.conf",
            "    default 100;",
            "    default 120;",
            "map[$gatectl_claude_code_prod_consumer $gatectl_claude_code_prod_limit_rate] [default]",
        ),
        (
            "litellm",
            "gatectl_auth.py",
            "\\\"rpm\\\":200",
            "\\\"rpm\\\":250",
            "gatectl_auth.py:SETTINGS.consumers[team-platform].rpm",
        ),
        (
            "zuplo",
            "config/policies.json",
            "\"requestsAllowed\": 100",
            "\"requestsAllowed\": 120",
            "policies.json:policies[rate-limit].handler.options.requestsAllowed",
        ),
        (
            "truefoundry",
            "gateway.yaml",
            "limit_to: 100",
            "limit_to: 120",
            "gateway-rate-limiting-config.rules[claude-code-prod:default].limit_to",
        ),
    ];
    for (target, file, from, to, path) in cases {
        let test = Test::new();
        assert!(deploy(&test, &prod, target));
        edit(&folder(&test, target).join(file), from, to);
        let out = diff(&test, &prod, target, &folder(&test, target), &["--format", "json"]).code(1);
        assert!(changes(&out).contains(&("changed".into(), path.to_string())), "{target}: {:?}", changes(&out));
        assert_eq!(changes(&out).len(), 1, "{target}: {:?}", changes(&out));
    }
}

#[test]
fn text_report_names_the_change_and_shows_a_unified_diff() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    edit(&folder(&test, "kong").join("kong.yaml"), "minute: 100", "minute: 120");
    diff(&test, &prod, "kong", &folder(&test, "kong"), &[])
        .code(1)
        .stdout_has("kong: drift against")
        .stdout_has("~ services[claude-code-prod].plugins[rate-limiting].config.minute: 120 → 100")
        .stdout_has("-services[claude-code-prod].plugins[rate-limiting].config.minute = 120")
        .stdout_has("+services[claude-code-prod].plugins[rate-limiting].config.minute = 100");
    let md = diff(&test, &prod, "kong", &folder(&test, "kong"), &["--format", "markdown"]).code(1);
    assert!(md.stdout.starts_with("### ⚠️ gatectl diff"), "{}", md.stdout);
    assert!(
        md.stdout.contains("| ~ | `services[claude-code-prod].plugins[rate-limiting].config.minute` | `120` | `100` |"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("```diff"), "{}", md.stdout);
}

#[test]
fn a_consumer_missing_from_the_deployed_config_is_one_named_addition() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    let yaml = folder(&test, "kong").join("kong.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let start = text.find("  - username: \"ci-bot\"").unwrap();
    let end = start + text[start..].find("plugins:").unwrap_or(text.len() - start);
    std::fs::write(&yaml, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let out = diff(&test, &prod, "kong", &folder(&test, "kong"), &["--format", "json"]).code(1);
    assert_eq!(changes(&out), vec![("added".to_string(), "consumers[ci-bot]".to_string())]);
}

#[test]
fn a_removed_plugin_or_directive_is_drift() {
    let prod = example("claude-code-prod");
    // The deployed Kong lacks the ip-restriction plugin: the rollout adds it.
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    let yaml = folder(&test, "kong").join("kong.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let start = text.find("      - name: \"ip-restriction\"").unwrap();
    let end = text.find("      - name: \"rate-limiting\"").unwrap();
    std::fs::write(&yaml, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let out = diff(&test, &prod, "kong", &folder(&test, "kong"), &["--format", "json"]).code(1);
    assert_eq!(changes(&out), vec![("added".into(), "services[claude-code-prod].plugins[ip-restriction]".into())]);

    // The deployed nginx has no HSTS header.
    let test = Test::new();
    assert!(deploy(&test, &prod, "nginx"));
    let conf = folder(&test, "nginx").join("claude-code-prod.conf");
    edit(&conf, "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;", "");
    let out = diff(&test, &prod, "nginx", &folder(&test, "nginx"), &["--format", "json"]).code(1);
    assert_eq!(changes(&out), vec![("added".into(), "server[443] add_header[strict-transport-security]".into())]);
}

#[test]
fn a_changed_tls_floor_is_drift() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    edit(
        &folder(&test, "kong").join("kong.conf"),
        "ssl_protocols = TLSv1.2 TLSv1.3",
        "ssl_protocols = TLSv1.1 TLSv1.2 TLSv1.3",
    );
    diff(&test, &prod, "kong", &folder(&test, "kong"), &[])
        .code(1)
        .stdout_has("~ kong.conf:ssl_protocols: \"TLSv1.1 TLSv1.2 TLSv1.3\" → \"TLSv1.2 TLSv1.3\"");

    let test = Test::new();
    assert!(deploy(&test, &prod, "nginx"));
    edit(
        &folder(&test, "nginx").join("claude-code-prod.conf"),
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "ssl_protocols TLSv1 TLSv1.2 TLSv1.3;",
    );
    diff(&test, &prod, "nginx", &folder(&test, "nginx"), &[])
        .code(1)
        .stdout_has("~ server[443] ssl_protocols: TLSv1 TLSv1.2 TLSv1.3 → TLSv1.2 TLSv1.3");
}

#[test]
fn an_inline_secret_in_the_deployed_config_is_reported_and_never_printed() {
    let prod = example("claude-code-prod");
    let cases: &[(&str, &str, &str, String)] = &[
        // Where Kong can hold a vault reference (a literal consumer key is what a live Kong stores:
        // see a_live_kong_dump_is_compared_through_the_references_the_render_holds).
        (
            "kong",
            "kong.yaml",
            "\"{vault://env/gatectl-vault-secret-claude-code-prod-redis-password}\"",
            format!("\"{LEAKED}\""),
        ),
        ("litellm", "config.yaml", "os.environ/GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_PROVIDER_KEY", LEAKED.to_string()),
        (
            "nginx",
            "claude-code-prod.conf",
            "proxy_set_header Host",
            format!("proxy_set_header x-trace {LEAKED};\n        proxy_set_header Host"),
        ),
    ];
    for (target, file, from, to) in cases {
        let test = Test::new();
        assert!(deploy(&test, &prod, target));
        edit(&folder(&test, target).join(file), from, to);
        for format in ["text", "json", "markdown"] {
            let out = diff(&test, &prod, target, &folder(&test, target), &["--format", format]).code(1).nowhere(LEAKED);
            // Not even the middle of it.
            out.nowhere(&LEAKED[12..30]);
        }
        let out = diff(&test, &prod, target, &folder(&test, target), &["--format", "json"]);
        let secrets = out.json()["targets"][0]["inline_secrets"].as_array().unwrap().len();
        assert_eq!(secrets, 1, "{target}: {}", out.stdout);
        diff(&test, &prod, target, &folder(&test, target), &[]).stdout_has("holds a credential").stdout_has("sk-ant-");
    }
}

#[test]
fn stdin_and_a_single_file_compare_against_their_counterpart() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    let conf = std::fs::read_to_string(folder(&test, "kong").join("kong.conf")).unwrap();
    Test::new()
        .args(&["diff", &prod, "-t", "kong", "--deployed", "-", "--today", TODAY])
        .stdin(conf.clone())
        .run()
        .code(0);
    let drifted = conf.replace("ssl_session_tickets = off", "ssl_session_tickets = on");
    Test::new()
        .args(&["diff", &prod, "-t", "kong", "--deployed", "-", "--today", TODAY])
        .stdin(drifted)
        .run()
        .code(1)
        .stdout_has("kong.conf:ssl_session_tickets");
    diff(&test, &prod, "kong", &folder(&test, "kong").join("kong.yaml"), &[]).code(0);
    Test::new()
        .args(&["diff", &prod, "-t", "all", "--deployed", "-", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("name one --target");
}

#[test]
fn a_hand_written_config_says_so_and_what_it_could_not_map() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    let yaml = folder(&test, "kong").join("kong.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    std::fs::write(&yaml, format!("{body}upstreams:\n  - algorithm: round-robin\n")).unwrap();
    diff(&test, &prod, "kong", &folder(&test, "kong"), &[])
        .code(1)
        .stdout_has("kong.yaml carries no gatectl header")
        .stdout_has("unmapped: upstreams")
        .stdout_has("- upstreams[0]: (1 field)");
}

#[test]
fn a_missing_or_unparsable_deployed_config_is_an_input_error() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    diff(&test, &prod, "kong", &test.path().join("nowhere"), &[])
        .code(2)
        .stderr_has("does not exist")
        .stderr_has("help:");
    let test = Test::new().file("kong.yaml", "services:\n  - name: a\n    url: [unclosed\n");
    diff(&test, &prod, "kong", &test.path().join("kong.yaml"), &[])
        .code(2)
        .stderr_has("kong.yaml:")
        .stderr_has("not valid YAML");
    let test = Test::new().file("n.conf", "server {\n    listen 443 ssl\n}\n");
    diff(&test, &prod, "nginx", &test.path().join("n.conf"), &[]).code(2).stderr_has("n.conf:3:1: not valid nginx");
    // An nginx folder holding other sites too: the policy's own file is the one compared.
    let test = Test::new();
    assert!(deploy(&test, &prod, "nginx"));
    std::fs::write(folder(&test, "nginx").join("other-site.conf"), "server { listen 8080; }\n").unwrap();
    diff(&test, &prod, "nginx", &folder(&test, "nginx"), &[]).code(0);
    // A folder without its primary file.
    let test = Test::new().file("kong/kong.conf", "ssl_protocols = TLSv1.3\n");
    diff(&test, &prod, "kong", &test.path().join("kong"), &[]).code(2).stderr_has("kong.yaml");
    // A bad policy is an input error too, not drift.
    let test = Test::new().file("p.yaml", "version: 1\n");
    diff(&test, test.path().join("p.yaml").to_str().unwrap(), "kong", test.path(), &[]).code(2);
}

/// The defaults a field of a plugin's config schema declares, recursively (what Kong fills in).
fn schema_defaults(schema: &Value) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let is_object = match &property["type"] {
            Value::String(t) => t == "object",
            Value::Array(types) => types.iter().any(|t| t == "object"),
            _ => false,
        };
        if let Some(default) = property.get("default") {
            out.insert(name.clone(), default.clone());
        } else if is_object && property.get("properties").is_some() {
            let nested = schema_defaults(property);
            if !nested.is_empty() {
                out.insert(name.clone(), Value::Object(nested));
            }
        }
    }
    out
}

#[test]
fn kong_plugin_defaults_match_kongs_plugin_schemas() {
    let schemas: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("../shared/schemas/kong-plugins.schema.json")).unwrap(),
    )
    .unwrap();
    let mut derived: serde_json::Map<String, Value> = schemas["x-plugin-names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| {
            let name = name.as_str().unwrap();
            (name.to_string(), Value::Object(schema_defaults(&schemas["definitions"][name])))
        })
        .collect();
    // The Enterprise plugins gatectl renders, from Kong's published schemas (kong-docs-3.10).
    for (name, file) in [
        ("openid-connect", "OpenidConnect"),
        ("mtls-auth", "MtlsAuth"),
        ("rate-limiting-advanced", "RateLimitingAdvanced"),
    ] {
        let path = repo().join(format!("../shared/schemas/kong-docs-3.10/{file}.json"));
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        derived.insert(name.to_string(), Value::Object(schema_defaults(&schema["properties"]["config"])));
    }
    let file = repo().join("src/diff/kong_defaults.json");
    if std::env::var_os("GATECTL_BLESS").is_some() {
        std::fs::write(&file, serde_json::to_string_pretty(&derived).unwrap() + "\n").unwrap();
    }
    let checked_in: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(checked_in, Value::Object(derived), "src/diff/kong_defaults.json is stale: re-run with GATECTL_BLESS=1");
    assert_eq!(checked_in["rate-limiting"]["policy"], "local", "a known default is present");
    assert_eq!(checked_in["mtls-auth"]["revocation_check_mode"], "IGNORE_CA_ERROR", "an Enterprise default is present");
}

/// `nginx -T` of the production example as nginx loads it: every file after its marker line.
fn nginx_dump(root: &Path, edit: impl Fn(String) -> String) -> Option<(String, String)> {
    let policy = crate::gateways::prod_for_nginx(root, 1, 8443, &[]);
    let secrets = crate::gateways::prod_secrets();
    let (nginx, main) = crate::gateways::nginx_config(root, &policy, &secrets, edit)?;
    let out = std::process::Command::new(nginx)
        .args(["-T", "-p", root.to_str().unwrap(), "-e", "/dev/null", "-c", main.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "nginx -T: {}", String::from_utf8_lossy(&out.stderr));
    // What a user captures with `nginx -T 2>&1`: the test lines first, then the files.
    let dump = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    assert!(dump.contains("# configuration file ") && dump.contains("syntax is ok"), "{dump}");
    Some((policy, dump))
}

#[test]
fn nginx_t_output_is_a_deployed_config() {
    let test = Test::new();
    let root = test.path().join("root");
    let Some((policy, dump)) = nginx_dump(&root, |conf| conf) else { return };
    let test = test.file("policy.yaml", &policy).file("dump.txt", &dump);
    let policy_path = test.path().join("policy.yaml");
    let diff = |deployed: &str, stdin: &str, extra: &[&str]| {
        Test::new()
            .stdin(stdin)
            .args(&["diff", policy_path.to_str().unwrap(), "-t", "nginx", "--deployed", deployed, "--today", TODAY])
            .args(extra)
            .run()
    };
    // The policy's file is found among nginx.conf and what it includes: no drift, from a file or stdin.
    let out = diff(test.path().join("dump.txt").to_str().unwrap(), "", &[]).code(0);
    out.stdout_has("no drift").stdout_has("from the nginx -T output in");
    diff("-", &dump, &[]).code(0).stdout_has("no drift");

    // A limit changed in the running config is drift, and the only change.
    let Some((_, drifted)) = nginx_dump(&root, |conf| conf.replace("rate=100r/m", "rate=1000r/m")) else { return };
    let out = diff("-", &drifted, &["--format", "json"]).code(1);
    assert_eq!(changes(&out).len(), 1, "{}", out.stdout);
    assert!(out.stdout.contains("rate=1000r/m"), "{}", out.stdout);

    // Output without the policy's file names what it holds.
    let others = dump.replace("claude-code-prod", "another-policy");
    diff("-", &others, &[]).code(2).stderr_has("holds no claude-code-prod.conf").stderr_has("nginx.conf");
}

/// The decK variables the production example's Kong render names, with values that look like
/// nothing in particular (so only their position can mask them).
const DECK_KEYS: [(&str, &str); 4] = [
    ("DECK_GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_CONSUMERS_TEAM_PLATFORM", "platformteamsharedkey"),
    ("DECK_GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_CONSUMERS_TEAM_DATA", "datateamsharedkeyvalue"),
    ("DECK_GATECTL_AWS_SM_CLAUDE_CODE_PROD_CI_BOT", "cibotpipelinekeyvalue"),
    ("DECK_GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_PROVIDER_KEY", "sk-ant-api03-LiveProviderKey0123456789abcdefXYZ"),
];

/// What `deck gateway dump` returns after `deck gateway sync` of the render with DECK_KEYS set:
/// decK substituted the keys (Kong stores them literally: consumer keys, the provider key in
/// request-transformer's header), Kong added ids, timestamps and defaults, and kept the Redis
/// password's vault reference (a field it resolves itself).
fn live_kong_dump(rendered: &str) -> String {
    let mut text = rendered.to_string();
    for (name, value) in DECK_KEYS {
        let template = |format: &str| format!("${{{{ env \"{name}\" | printf \"{format}\" | printf \"%q\" }}}}");
        for (format, literal) in
            [("Bearer %s", format!("Bearer {value}")), ("x-api-key:%s", format!("x-api-key:{value}"))]
        {
            text = text.replace(&template(format), &serde_json::to_string(&literal).unwrap());
        }
    }
    assert!(!text.contains("${{"), "every decK substitution was made:\n{text}");
    let mut value: Value = serde_yaml_ng::from_str(&text).unwrap();
    as_dumped(&mut value);
    serde_yaml_ng::to_string(&value).unwrap()
}

#[test]
fn a_live_kong_dump_is_compared_through_the_references_the_render_holds() {
    let prod = example("claude-code-prod");
    let test = Test::new();
    assert!(deploy(&test, &prod, "kong"));
    let yaml = folder(&test, "kong").join("kong.yaml");
    let dump = live_kong_dump(&std::fs::read_to_string(&yaml).unwrap());
    let run = |dump: &str, keys: &[(&str, &str)], format: &str| {
        let mut t = Test::new().file("kong.yaml", dump);
        for (name, value) in keys {
            t = t.env(name, value);
        }
        let deployed = t.path().join("kong.yaml");
        let out = t
            .args(&["diff", &prod, "-t", "kong", "--deployed", deployed.to_str().unwrap(), "--format", format])
            .args(&["--today", TODAY])
            .run();
        DECK_KEYS.iter().fold(out, |out, (_, value)| out.nowhere(value))
    };

    // The variables decK read at sync, set here too: the same state, no drift, no inline secret.
    for format in ["text", "json", "markdown"] {
        run(&dump, &DECK_KEYS, format).code(0);
    }
    let out = run(&dump, &DECK_KEYS, "json").code(0);
    assert_eq!(out.json()["targets"][0]["inline_secrets"], serde_json::json!([]));

    // One consumer's key rotated in Kong but not in the variables: drift at that position, masked.
    let rotated = dump.replace("Bearer datateamsharedkeyvalue", "Bearer datateamrotatedkeyvalue");
    let out = run(&rotated, &DECK_KEYS, "json").code(1);
    assert_eq!(changes(&out), [("changed".to_string(), "consumers[team-data].keyauth_credentials[0].key".to_string())]);
    assert!(!out.stdout.contains("datateamrotatedkeyvalue"), "{}", out.stdout);
    let text = run(&rotated, &DECK_KEYS, "text").code(1).stdout;
    assert!(text.contains("~ consumers[team-data].keyauth_credentials[0].key: \"****\" → \"${{ env"), "{text}");
    // So is a changed limit.
    let out = run(&dump.replacen("minute: 100", "minute: 1000", 1), &DECK_KEYS, "json").code(1);
    assert_eq!(
        changes(&out),
        [("changed".to_string(), "services[claude-code-prod].plugins[rate-limiting].config.minute".to_string())]
    );

    // Without the variables nothing can be compared at those positions: listed, not drift.
    let out = run(&dump, &[], "json").code(0);
    let not_compared: Vec<String> = out.json()["targets"][0]["not_compared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| format!("{} ({})", n["path"].as_str().unwrap(), n["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        not_compared,
        [
            "consumers[ci-bot].keyauth_credentials[0].key ($DECK_GATECTL_AWS_SM_CLAUDE_CODE_PROD_CI_BOT is not set)",
            "consumers[team-data].keyauth_credentials[0].key ($DECK_GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_CONSUMERS_TEAM_DATA is not set)",
            "consumers[team-platform].keyauth_credentials[0].key ($DECK_GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_CONSUMERS_TEAM_PLATFORM is not set)",
            "services[claude-code-prod].plugins[request-transformer].config.add.credential_headers.x-api-key ($DECK_GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_PROVIDER_KEY is not set)",
        ]
    );
    run(&dump, &[], "text")
        .code(0)
        .stdout_has("(4 positions not compared)")
        .stdout_has("  not compared: consumers[ci-bot]");
    run(&dump, &[], "markdown")
        .code(0)
        .stdout_has("- **not compared** `consumers[team-data].keyauth_credentials[0].key`");

    // A credential where a reference belongs is still a finding: the Redis password, which Kong
    // resolves from its vault itself, written literally.
    let redis = "{vault://env/gatectl-vault-secret-claude-code-prod-redis-password}";
    assert!(dump.contains(redis));
    let literal = dump.replacen(redis, "redispasswordwrittenout", 1);
    let mut keys = DECK_KEYS.to_vec();
    keys.push(("GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_REDIS_PASSWORD", "redispasswordwrittenout"));
    let out = run(&literal, &keys, "json").code(1);
    assert_eq!(changes(&out), Vec::<(String, String)>::new(), "the same password: no change");
    let inline = &out.json()["targets"][0]["inline_secrets"];
    assert_eq!(inline.as_array().unwrap().len(), 1, "{inline}");
    assert!(inline[0]["path"].as_str().unwrap().ends_with("config.redis.password"), "{inline}");
    assert!(!out.stdout.contains("redispasswordwrittenout"));
}
