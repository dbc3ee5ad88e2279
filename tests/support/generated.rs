//! Arbitrary valid policies, and what every render of one must satisfy. Shared by the
//! property test (`tests/properties.rs`, proptest feeds the bytes) and the structured fuzz
//! target (`fuzz/fuzz_targets/render.rs`, libFuzzer feeds them): one generator, two drivers.
//!
//! The generator writes schema-valid policies with hostile free text (quotes, braces, `$`,
//! `;`, `#`, template and substitution syntax of every target) in every string field the
//! format has, and sometimes a canary credential somewhere with its findings suppressed
//! (`# gatectl:ignore secret-inline -- …`). [`check`] lints it like `render` does, renders every
//! target, parses each file back with a parser for its format (JSON, YAML, gatectl's nginx
//! parser, the hook's settings line), compares its structure with a render of the same policy
//! with harmless values, and looks for the canary in every byte.

#![allow(dead_code)] // each driver uses part of it

use std::collections::BTreeSet;

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

use gatectl::render::{self, Target};

/// A credential no render may ever hold, whatever a suppression says.
pub const CANARY: &str = "sk-ant-api03-CANARYc4n4ryC4NARY0123456789xyz";
/// The part of the canary after its prefix: a leak of the key body counts too.
pub const CANARY_BODY: &str = "CANARYc4n4ryC4NARY0123456789";

const HOSTILE: &[&str] = &[
    "\"",
    "'",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ";",
    "#",
    "$",
    "${",
    "${{",
    "{{",
    "}}",
    "{%",
    "%}",
    "$(",
    "`",
    ":",
    ": ",
    "- ",
    "&a",
    "*a",
    "!!",
    "|",
    ">",
    "%",
    "@",
    "?",
    ",",
    "<",
    "--",
    "\\n",
    "os.environ/",
    "$env(",
    "{vault://",
];
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn pick<'a, T>(u: &mut Unstructured, items: &'a [T]) -> Result<&'a T> {
    u.choose(items)
}

/// `[a-z][a-z0-9-]{0,len}`, not ending with `-`.
fn name(u: &mut Unstructured, len: usize) -> Result<String> {
    let mut s = String::from(*pick(u, &["a", "b", "c", "team", "svc", "x"])?);
    for _ in 0..u.int_in_range(0..=len)? {
        s.push(*pick(u, ALNUM)? as char);
    }
    if u.ratio(1, 4)? {
        s.push('-');
        s.push(*pick(u, ALNUM)? as char);
    }
    Ok(s)
}

/// Printable ASCII with the syntax of every target mixed in (a header value's alphabet).
fn text(u: &mut Unstructured) -> Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=6)? {
        if u.ratio(1, 2)? {
            s.push_str(pick(u, HOSTILE)?);
        } else {
            s.push(u.int_in_range(0x20u8..=0x7e)? as char);
        }
    }
    Ok(s.replace('\n', " "))
}

fn reference(u: &mut Unstructured, tag: &str) -> Result<String> {
    let var = format!(
        "{}_{}",
        tag.to_ascii_uppercase().replace('-', "_"),
        name(u, 6)?.to_ascii_uppercase().replace('-', "_")
    );
    Ok(match u.int_in_range(0..=4)? {
        0 => format!("env:{var}"),
        1 => format!("vault:secret/{}#{}", name(u, 6)?, name(u, 4)?),
        2 => format!("aws-sm:{}/{}", name(u, 6)?, name(u, 4)?),
        3 => format!("k8s:{}/{}", name(u, 6)?, name(u, 4)?),
        _ => format!("file:/etc/gatectl/{}", name(u, 8)?),
    })
}

fn cidr(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(3, 4)? {
        let prefix = u.int_in_range(8u32..=32)?;
        let raw: u32 = u.arbitrary()?;
        let network = raw & u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
        format!("{}/{prefix}", std::net::Ipv4Addr::from(network))
    } else {
        let prefix = u.int_in_range(16u32..=128)?;
        let raw: u128 = u.arbitrary()?;
        let network = raw & u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
        format!("{}/{prefix}", std::net::Ipv6Addr::from(network))
    })
}

/// A schema-valid policy as JSON, plus which string fields hold free text (for the benign twin).
pub fn policy(u: &mut Unstructured) -> Result<Value> {
    let policy_name = name(u, 12)?;
    let environment = *pick(u, &["development", "staging", "production"])?;
    let mut upstream = json!({
        "url": format!("https://{}.example.com", name(u, 8)?),
        "api_key": reference(u, "provider")?,
        "anthropic_version": "2023-06-01",
    });
    if u.ratio(2, 3)? {
        let models: BTreeSet<String> =
            (0..u.int_in_range(1..=3)?).map(|_| name(u, 8).map(|m| format!("claude-{m}"))).collect::<Result<_>>()?;
        upstream["models"] = json!(models);
    }
    // Mostly what lint accepts for the environment, so most cases reach render; sometimes not.
    let strict = environment != "development" && u.ratio(7, 8)?;
    let method = if !strict && u.ratio(1, 3)? { "none" } else { "api_key" };
    let mut auth = json!({ "method": method });
    let mut key_header = "authorization";
    if method == "api_key" && u.ratio(1, 2)? {
        key_header = *pick(u, &["x-api-key", "x-gateway-key", "authorization"])?;
        auth["api_key"] = json!({ "header": key_header });
    }
    let mut doc = json!({
        "version": 1,
        "name": policy_name,
        "environment": environment,
        "upstream": upstream,
        "auth": auth,
    });
    if u.ratio(1, 2)? {
        doc["owner"] = json!(text(u)?);
    }
    if strict || u.ratio(2, 3)? {
        let mut listener =
            json!({ "host": format!("{}.example.com", name(u, 8)?), "port": u.int_in_range(1u16..=65535)? });
        if strict || u.ratio(2, 3)? {
            let mut tls = json!({
                "min_version": *pick(u, &["1.2", "1.3"])?,
                "certificate": format!("file:/etc/tls/{}.crt", name(u, 6)?),
                "private_key": reference(u, "tls")?,
            });
            if strict || u.ratio(1, 2)? {
                let max_age = u.int_in_range(31_536_000u64..=u64::from(u32::MAX))?;
                tls["hsts"] = json!({ "max_age_seconds": max_age, "include_subdomains": u.arbitrary::<bool>()? });
            }
            if u.ratio(1, 3)? {
                tls["ciphers"] = json!(["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"]);
            }
            listener["tls"] = tls;
        }
        doc["listener"] = listener;
    }
    if method == "api_key" {
        let mut consumers = Vec::new();
        let mut names = BTreeSet::new();
        for i in 0..u.int_in_range(1..=4)? {
            let consumer_name = format!("{}{i}", name(u, 8)?);
            if !names.insert(consumer_name.clone()) {
                continue;
            }
            let mut consumer =
                json!({ "name": consumer_name, "key": reference(u, &format!("c{i}"))?, "issued": "2026-11-01" });
            if u.ratio(1, 3)? {
                consumer["rate_limit"] = json!({ "requests_per_minute": u.int_in_range(1u32..=100_000)? });
            }
            consumers.push(consumer);
        }
        doc["consumers"] = json!(consumers);
    }
    let mut headers = Map::new();
    if u.ratio(2, 3)? {
        let mut add = Map::new();
        for i in 0..u.int_in_range(1..=3)? {
            add.insert(format!("x-test-{i}"), json!(text(u)?));
        }
        headers.insert("add".into(), Value::Object(add));
    }
    if u.ratio(1, 3)? {
        headers.insert("remove".into(), json!(["x-forwarded-for"]));
    }
    if !headers.is_empty() {
        doc["headers"] = Value::Object(headers);
    }
    if strict || u.ratio(2, 3)? {
        let rpm = u.int_in_range(1u32..=1_000_000)?;
        let mut limits = json!({ "requests_per_minute": rpm, "by": *pick(u, &["consumer", "ip"])? });
        if u.ratio(1, 2)? {
            limits["burst"] = json!(u.int_in_range(0..=rpm)?);
        }
        if u.ratio(1, 3)? {
            limits["tokens_per_minute"] = json!(u.int_in_range(1u64..=10_000_000)?);
        }
        if u.ratio(1, 4)? {
            limits["shared_state"] = json!(format!("rediss://{}.internal:6380/0", name(u, 6)?));
            limits["shared_state_password"] = json!(reference(u, "redis")?);
        }
        doc["rate_limits"] = limits;
    }
    if u.ratio(1, 2)? {
        let list: Vec<String> = (0..u.int_in_range(1..=3)?).map(|_| cidr(u)).collect::<Result<_>>()?;
        doc["network"] = json!({ "ip_allowlist": list });
    }
    if strict || u.ratio(2, 3)? {
        let redact: BTreeSet<&str> = ["authorization", "x-api-key", key_header].into();
        doc["audit"] = json!({ "enabled": true, "redact_headers": redact, "log_bodies": u.arbitrary::<bool>()?, "retention_days": u.int_in_range(1u32..=4000)? });
    }
    if u.ratio(1, 2)? {
        // Past 90 days lint refuses it; huge ones exercise the date arithmetic.
        let max_age = if u.ratio(7, 8)? { u.int_in_range(40u32..=90)? } else { u.int_in_range(91u32..=u32::MAX)? };
        doc["rotation"] = json!({ "max_key_age_days": max_age, "warn_before_days": u.int_in_range(1u32..=7)? });
    }
    let mut targets = Map::new();
    targets.insert("truefoundry".into(), json!({ "tenant": name(u, 6)?, "secret_group": name(u, 6)? }));
    if u.ratio(1, 2)? {
        let resolvers = if u.arbitrary::<bool>()? { json!(["::1", "127.0.0.53"]) } else { json!(["10.0.0.2"]) };
        targets.insert(
            "nginx".into(),
            json!({ "resolvers": resolvers, "secrets_dir": format!("/etc/nginx/gatectl/{}", name(u, 6)?) }),
        );
    }
    doc["targets"] = Value::Object(targets);
    Ok(doc)
}

/// Where a canary goes (when it goes anywhere): each is a field render must never copy a
/// credential from, whatever lint was told to ignore.
const CANARY_FIELDS: &[&str] = &["owner", "upstream.api_key", "headers.add.x-test-0", "consumers.0.key", "comment"];

/// The policy's YAML text, block style (every string JSON-quoted), with a canary somewhere and
/// its findings suppressed on its line, when `canary` names a field.
pub fn yaml(doc: &Value, canary: Option<&str>) -> String {
    let mut doc = doc.clone();
    let mut comment = false;
    match canary {
        Some("comment") => comment = true,
        Some(field) => {
            let pointer = format!("/{}", field.replace('.', "/"));
            match doc.pointer_mut(&pointer) {
                Some(value) if value.is_string() => *value = json!(format!("x {CANARY}")),
                _ if field == "owner" => doc["owner"] = json!(format!("x {CANARY}")),
                _ => {}
            }
        }
        None => {}
    }
    let text = gatectl::render::yaml::to_yaml(&doc, &BTreeSet::new());
    let suppress =
        "  # gatectl:ignore secret-inline, secret-reference-invalid -- generated test of render's own checks";
    let mut out = String::new();
    if comment {
        out.push_str(&format!("# the old key was {CANARY}{suppress}\n"));
    }
    for line in text.lines() {
        out.push_str(line);
        if line.contains(CANARY_BODY) {
            out.push_str(suppress);
        }
        out.push('\n');
    }
    out
}

/// The canary placement for a generated case.
pub fn canary(u: &mut Unstructured) -> Result<Option<&'static str>> {
    Ok(if u.ratio(1, 3)? { Some(*pick(u, CANARY_FIELDS)?) } else { None })
}

/// Every string of the policy's free-text fields replaced by a harmless word.
fn benign(doc: &Value) -> Value {
    let mut doc = doc.clone();
    if doc.get("owner").is_some() {
        doc["owner"] = json!("harmless");
    }
    if let Some(Value::Object(add)) = doc.get_mut("headers").and_then(|h| h.get_mut("add")) {
        for value in add.values_mut() {
            *value = json!("harmless");
        }
    }
    doc
}

/// Lints `text` as render does and, when it passes, renders every target and checks each file.
/// `Ok(n)`: `n` targets rendered and checked; `Err`: what broke.
pub fn check(doc: &Value, text: &str) -> std::result::Result<usize, String> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    let options = gatectl::check::Options { today, packs: Default::default() };
    let source = gatectl::load::Source::new("p.yaml", text);
    let mut report = gatectl::check::lint_sources(vec![source], &options);
    if report.count(gatectl::severity::Severity::Error) > 0 {
        return Ok(0);
    }
    let Some(loaded) = report.policies.pop() else { return Err("lint passed but loaded no policy".into()) };
    let benign_text = yaml(&benign(doc), None);
    let twin = gatectl::check::lint_sources(vec![gatectl::load::Source::new("b.yaml", benign_text.clone())], &options)
        .policies
        .pop()
        .ok_or("the benign twin does not load")?;
    let templates = render::Templates::load(None).map_err(|e| e.to_string())?;
    let provenance = render::Provenance::new(&loaded.policy.name.0, &loaded.source.text);
    let twin_provenance = render::Provenance::new(&twin.policy.name.0, &twin.source.text);
    let mut rendered = 0;
    for target in Target::ALL {
        let cx = render::Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
        let result = target.render(&cx);
        let error_text = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
        if error_text.contains(CANARY_BODY) {
            return Err(format!("{target}: the refusal prints the canary: {error_text}"));
        }
        let Ok(files) = result else { continue };
        let cx = render::Context { policy: &twin.policy, provenance: &twin_provenance, templates: &templates };
        let twin_files = target.render(&cx).map_err(|e| format!("{target}: the benign twin is refused: {e}"))?;
        for (file, twin_file) in files.files.iter().zip(&twin_files.files) {
            if file.contents.contains(CANARY_BODY) {
                return Err(format!("{target}/{}: holds the canary", file.path));
            }
            let shape = parse(&file.path, &file.contents).map_err(|e| format!("{target}/{}: {e}", file.path))?;
            let twin_shape = parse(&twin_file.path, &twin_file.contents)
                .map_err(|e| format!("{target}/{} (benign): {e}", twin_file.path))?;
            if shape != twin_shape {
                return Err(format!("{target}/{}: the structure differs from the benign render's", file.path));
            }
        }
        if files.files.len() != twin_files.files.len() {
            return Err(format!("{target}: a different set of files than the benign render's"));
        }
        rendered += 1;
    }
    Ok(rendered)
}

/// A rendered file parsed by a parser for its format, reduced to its structure: every string
/// and number replaced by a placeholder, so values may differ but nothing may be added or split.
pub fn parse(path: &str, text: &str) -> std::result::Result<Value, String> {
    let structure = |v: &Value| shape(v);
    if path.ends_with(".yaml") {
        let mut docs = Vec::new();
        for document in serde_yaml_ng::Deserializer::from_str(text) {
            let value: Value = serde::Deserialize::deserialize(document).map_err(|e| format!("YAML: {e}"))?;
            docs.push(structure(&value));
        }
        return Ok(Value::Array(docs));
    }
    if path.ends_with(".json") || path.ends_with(".jsonc") {
        let json: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let value: Value = serde_json::from_str(&json).map_err(|e| format!("JSON: {e}"))?;
        return Ok(structure(&value));
    }
    if path == "kong.conf" || path == ".env.example" {
        let settings: Vec<Value> = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|l| l.split_once('=').map(|(k, _)| json!(k.trim())).ok_or_else(|| format!("not a setting: {l}")))
            .collect::<std::result::Result<_, _>>()?;
        return Ok(Value::Array(settings));
    }
    if path.ends_with(".conf") {
        let tree = gatectl::diff::nginx::parse(path, text).map_err(|e| e.to_string())?;
        return Ok(nginx_shape(&tree));
    }
    if path.ends_with(".py") {
        // The hook's policy data is one JSON document in its SETTINGS line; the rest is fixed code.
        let settings: Vec<&str> = text.lines().filter(|l| l.starts_with("SETTINGS = json.loads(")).collect();
        let [line] = settings.as_slice() else { return Err("not exactly one SETTINGS line".into()) };
        let literal = line.trim_start_matches("SETTINGS = json.loads(").trim_end().trim_end_matches(')');
        let inner: String = serde_json::from_str(literal).map_err(|e| format!("SETTINGS literal: {e}"))?;
        let value: Value = serde_json::from_str(&inner).map_err(|e| format!("SETTINGS JSON: {e}"))?;
        let code: Vec<Value> = text.lines().filter(|l| !l.starts_with("SETTINGS = ")).map(|l| json!(l)).collect();
        let code: Vec<Value> = code.into_iter().filter(|l| !l.as_str().unwrap_or("").starts_with('#')).collect();
        return Ok(json!({ "settings": structure(&value), "code": code }));
    }
    if [".ts", ".js", ".mtail", ".lua"].iter().any(|ext| path.ends_with(ext)) {
        // Code that carries no free text of the policy: it must be the benign render's, comments aside.
        let comment = |l: &str| l.starts_with('#') || l.starts_with("//") || l.starts_with("--");
        let code: Vec<Value> = text.lines().filter(|l| !comment(l)).map(|l| json!(l)).collect();
        return Ok(Value::Array(code));
    }
    Err(format!("no parser for {path}"))
}

fn shape(value: &Value) -> Value {
    match value {
        Value::String(_) => json!("s"),
        Value::Number(_) => json!(0),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        other => other.clone(),
    }
}

fn nginx_shape(tree: &[gatectl::diff::nginx::Directive]) -> Value {
    Value::Array(
        tree.iter()
            .map(|d| json!({ "name": d.name, "args": d.args.len(), "block": d.block.as_deref().map(nginx_shape) }))
            .collect(),
    )
}
