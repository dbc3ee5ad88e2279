//! Kong: `kong.yaml` (decK state) and `kong.conf`.
//!
//! A decK dump and a hand-written file say the same thing in different shapes, so before
//! comparing: a service's `url` is split into protocol/host/port/path as Kong stores it;
//! routes and plugins declared at the top level with a `service:`/`route:`/`consumer:`
//! reference move under that entity, as `deck gateway dump` nests them; ids, timestamps and
//! every field equal to the default Kong fills in are dropped (plugin defaults come from
//! Kong's plugin schemas, `kong_defaults.json`, kept in sync with `../shared/schemas` by a test:
//! the OSS plugins' from the schemas derived from Kong's Lua, the Enterprise plugins gatectl
//! renders from Kong's published 3.10 schemas).

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::tree::{parse_yaml, Shape};
use super::{DiffError, Files, Layout, Normalized};

pub const YAML: &str = "kong.yaml";
pub const CONF: &str = "kong.conf";

pub const LAYOUT: Layout = Layout { files: &[YAML, CONF], normalize, identify };

const SHAPE: Shape = Shape {
    keyed: &[
        ("services", &["name"]),
        ("routes", &["name"]),
        ("plugins", &["name", "service", "route", "consumer"]),
        ("consumers", &["username"]),
        ("consumer_groups", &["name"]),
        ("upstreams", &["name"]),
        ("targets", &["target"]),
        ("acls", &["group"]),
        ("vaults", &["prefix"]),
        ("snis", &["name"]),
    ],
    positional: &[
        "keyauth_credentials",
        "jwt_secrets",
        "basicauth_credentials",
        "hmacauth_credentials",
        "ca_certificates",
    ],
    ordered: &[],
    noise: &["id", "created_at", "updated_at", "_info", "_konnect", "_workspace"],
    secrets: &["key", "password", "secret", "client_secret", "rsa_private_key", CREDENTIAL_HEADERS_KEY],
};

/// Where request-transformer's credential headers go in the normalised form.
const CREDENTIAL_HEADERS_KEY: &str = "credential_headers";
/// Headers whose value is a credential.
const CREDENTIAL_HEADERS: &[&str] = crate::policy::positions::CREDENTIAL_HEADERS;

/// What Kong fills in for a field nobody set, per entity (plugins: their schema defaults).
fn entity_defaults(kind: &str) -> Value {
    match kind {
        "services" => json!({"connect_timeout": 60000, "read_timeout": 60000, "write_timeout": 60000,
            "retries": 5, "enabled": true}),
        "routes" => json!({"https_redirect_status_code": 426, "path_handling": "v0", "preserve_host": false,
            "protocols": ["http", "https"], "regex_priority": 0, "request_buffering": true,
            "response_buffering": true, "strip_path": true}),
        "plugins" => json!({"enabled": true, "protocols": ["grpc", "grpcs", "http", "https"]}),
        _ => json!({}),
    }
}

/// Plugin config defaults from Kong's plugin schemas, by plugin name.
fn plugin_defaults() -> &'static Map<String, Value> {
    static DEFAULTS: OnceLock<Map<String, Value>> = OnceLock::new();
    DEFAULTS
        .get_or_init(|| serde_json::from_str(include_str!("kong_defaults.json")).expect("kong_defaults.json is JSON"))
}

fn identify(name: &str, text: &str) -> &'static str {
    let looks_like_conf = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.split_once('=').is_some_and(|(k, _)| !k.trim().contains([' ', ':'])));
    if name.ends_with(".conf") || looks_like_conf {
        CONF
    } else {
        YAML
    }
}

fn normalize(files: &Files) -> Result<Normalized, DiffError> {
    let mut out = Normalized::default();
    if let Some(text) = files.get(YAML) {
        let mut document = if text.trim().is_empty() { json!({}) } else { parse_yaml(YAML, text)? };
        if !document.is_object() {
            return Err(DiffError::Unrecognised {
                path: YAML.into(),
                reason: "not a decK state file (no mapping at the top)".into(),
            });
        }
        canonicalise(&mut document);
        SHAPE.normalize(&document, "", &mut out);
        resolve_references(&document, &mut out);
    }
    if let Some(text) = files.get(CONF) {
        conf(text, &mut out);
    }
    Ok(out)
}

/// Marks where an unresolvable reference stood in a resolved value (never in a real config).
const UNRESOLVED: (&str, &str) = ("\u{27e8}unresolved: ", "\u{27e9}");

/// Gives every leaf that holds a reference its value resolved as decK (`${{ env "DECK_…" }}`,
/// at sync) and Kong (`{vault://env/…}`, at run time) would resolve it from this process's
/// environment. decK's substitutions are stored resolved; vault references are stored as such.
fn resolve_references(document: &Value, out: &mut Normalized) {
    let mut changed = false;
    let resolved_document = map_strings(document, &mut |text| {
        let resolved = resolve(text);
        changed |= resolved != text;
        resolved
    });
    if !changed {
        return;
    }
    // Every value a reference resolved to was registered by `variable` as it was read.
    let mut resolved = Normalized::of_registered_values();
    SHAPE.normalize(&resolved_document, "", &mut resolved);
    for (path, leaf) in &mut out.leaves {
        let Some(value) = resolved.leaves.get(path).map(|l| l.value.clone()).filter(|v| *v != leaf.value) else {
            continue;
        };
        let missing: Vec<&str> = value
            .split(UNRESOLVED.0)
            .skip(1)
            .filter_map(|rest| rest.split_once(UNRESOLVED.1).map(|(why, _)| why))
            .collect();
        leaf.resolved = Some(if missing.is_empty() { Ok(value) } else { Err(missing.join("; ")) });
        leaf.stored_resolved = leaf.value.contains("${{");
    }
}

fn map_strings(value: &Value, f: &mut impl FnMut(&str) -> String) -> Value {
    match value {
        Value::String(s) => Value::String(f(s)),
        Value::Array(items) => Value::Array(items.iter().map(|i| map_strings(i, f)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), map_strings(v, f))).collect()),
        other => other.clone(),
    }
}

/// `text` with each decK template and env vault reference replaced by its value, or by an
/// [`UNRESOLVED`] marker saying why not.
fn resolve(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let deck = rest.find("${{");
        let vault = rest.find("{vault://");
        let (start, end, value) = match (deck, vault) {
            (Some(d), v) if v.is_none_or(|v| d <= v) => {
                let Some(len) = rest[d..].find("}}") else { break };
                (d, d + len + 2, deck_template(&rest[d + 3..d + len]))
            }
            (_, Some(v)) => {
                let Some(len) = rest[v..].find('}') else { break };
                (v, v + len + 1, vault_reference(&rest[v + 1..v + len]))
            }
            _ => break,
        };
        out.push_str(&rest[..start]);
        match value {
            Ok(value) => out.push_str(&value),
            Err(why) => out.push_str(&format!("{}{why}{}", UNRESOLVED.0, UNRESOLVED.1)),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A variable's value for a substitution; it is a credential, so it is never printed.
fn variable(name: &str) -> Result<String, String> {
    match std::env::var(name) {
        Ok(value) => {
            crate::sink::secret(&value);
            Ok(value)
        }
        Err(_) => Err(format!("${name} is not set")),
    }
}

/// decK's `env "DECK_NAME" | printf "FORMAT" …`: the variable, through each `printf`. A final
/// `printf "%q"` quotes the value as one YAML string, which the YAML reader reads back as the
/// value itself.
fn deck_template(inner: &str) -> Result<String, String> {
    let mut stages = inner.split('|').map(str::trim);
    let unsupported = || Err(format!("a decK template gatectl does not read: ${{{{{inner}}}}}"));
    let Some(name) = stages.next().and_then(|s| s.strip_prefix("env ")).and_then(go_string) else {
        return unsupported();
    };
    let mut value = variable(&name)?;
    for stage in stages {
        match stage.strip_prefix("printf ").and_then(go_string) {
            Some(format) if format == "%q" => {}
            Some(format) if format.matches("%s").count() == 1 && !format.replace("%s", "").contains('%') => {
                value = format.replace("%s", &value);
            }
            _ => return unsupported(),
        }
    }
    Ok(value)
}

/// `vault://env/name`: Kong's env vault reads the variable NAME (upper case, `-` → `_`).
fn vault_reference(inner: &str) -> Result<String, String> {
    match inner.strip_prefix("vault://env/") {
        Some(name) if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {
            variable(&name.to_ascii_uppercase().replace('-', "_"))
        }
        _ => Err(format!("a vault reference gatectl cannot resolve: {{{inner}}}")),
    }
}

/// A Go double-quoted string literal's value (only `\\` and `\"` escapes).
fn go_string(text: &str) -> Option<String> {
    let body = text.trim().strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().filter(|c| matches!(c, '"' | '\\'))?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// kong.conf: `name = value` lines; `#` starts a comment (`\#` is a literal `#`).
fn conf(text: &str, out: &mut Normalized) {
    for line in text.lines() {
        let line = strip_comment(line);
        let Some((name, value)) = line.split_once('=') else { continue };
        let name = name.trim().to_ascii_lowercase();
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let secret = name.ends_with("password");
        out.insert(format!("{CONF}:{name}"), Value::String(value).to_string(), secret);
    }
}

fn strip_comment(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'#') => out.push(chars.next().unwrap_or('#')),
            '#' => break,
            c => out.push(c),
        }
    }
    out
}

/// Brings a decK file into the one shape Kong stores.
fn canonicalise(document: &mut Value) {
    let Some(root) = document.as_object_mut() else { return };
    for (kind, scopes) in [("routes", &["service"][..]), ("plugins", &["route", "service", "consumer"][..])] {
        hoist(root, kind, scopes);
    }
    for service in list_mut(root, "services") {
        split_url(service);
        strip_defaults(service, "services");
        for route in list_mut(service, "routes") {
            strip_defaults(route, "routes");
            plugins(route);
        }
        plugins(service);
    }
    for consumer in list_mut(root, "consumers") {
        plugins(consumer);
    }
    plugins(root);
}

fn plugins(owner: &mut Map<String, Value>) {
    for plugin in list_mut(owner, "plugins") {
        strip_defaults(plugin, "plugins");
        let name = plugin.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        if name.starts_with("request-transformer") {
            credential_headers(plugin);
        }
        if let (Some(config), Some(defaults)) = (plugin.get_mut("config"), plugin_defaults().get(&name)) {
            strip_equal(config, defaults);
        }
        if plugin.get("config").is_some_and(|c| c.as_object().is_some_and(Map::is_empty)) {
            plugin.remove("config");
        }
    }
}

fn list_mut<'a>(owner: &'a mut Map<String, Value>, key: &str) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    owner.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().filter_map(Value::as_object_mut)
}

/// request-transformer's `add`/`replace`/`append` headers are `name:value` strings: the entries
/// for a header that carries a credential move to `<action>.credential_headers.<name>`, a
/// credential position (masked whatever the value looks like); the other headers stay one leaf.
fn credential_headers(plugin: &mut Map<String, Value>) {
    let Some(config) = plugin.get_mut("config").and_then(Value::as_object_mut) else { return };
    for action in ["add", "replace", "append"] {
        let Some(section) = config.get_mut(action).and_then(Value::as_object_mut) else { continue };
        let Some(Value::Array(headers)) = section.get_mut("headers") else { continue };
        let mut credentials = Map::new();
        headers.retain(|entry| {
            let Some((name, value)) = entry.as_str().and_then(header_entry) else { return true };
            if !CREDENTIAL_HEADERS.contains(&name.as_str()) {
                return true;
            }
            credentials.insert(name, json!(value));
            false
        });
        if !credentials.is_empty() {
            section.insert(CREDENTIAL_HEADERS_KEY.into(), Value::Object(credentials));
        }
    }
}

/// A request-transformer header entry's name, and the entry itself as its value: `name:value`,
/// or gatectl's decK substitution that yields one (`${{ env "X" | printf "name:%s" | printf
/// "%q" }}`, a reference, which resolves to the same `name:value` a live dump holds).
fn header_entry(entry: &str) -> Option<(String, String)> {
    let name = if entry.starts_with("${{") {
        entry.split("printf \"").nth(1)?.split_once(":%s\"")?.0
    } else {
        entry.split_once(':')?.0
    };
    Some((name.trim().to_ascii_lowercase(), entry.to_string()))
}

/// Moves top-level `kind` entities that name one owner (`service: x`) under that owner.
fn hoist(root: &mut Map<String, Value>, kind: &str, scopes: &[&str]) {
    let Some(Value::Array(items)) = root.remove(kind) else { return };
    let mut kept = Vec::new();
    for mut item in items {
        let refs: Vec<(&str, String)> =
            scopes.iter().filter_map(|s| item.get(*s).and_then(reference).map(|r| (*s, r))).collect();
        let moved = match refs.as_slice() {
            [(scope, name)] => owner_mut(root, scope, name).is_some_and(|owner| {
                if let Some(obj) = item.as_object_mut() {
                    obj.remove(*scope);
                }
                let list = owner.entry(kind).or_insert_with(|| json!([]));
                list.as_array_mut().is_some_and(|l| {
                    l.push(std::mem::take(&mut item));
                    true
                })
            }),
            _ => false,
        };
        if !moved {
            kept.push(item);
        }
    }
    if !kept.is_empty() {
        root.insert(kind.to_string(), Value::Array(kept));
    }
}

/// `service: name` or `service: {name: …}` / `{id: …}`.
fn reference(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("name").or_else(|| o.get("id")).and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn owner_mut<'a>(root: &'a mut Map<String, Value>, scope: &str, name: &str) -> Option<&'a mut Map<String, Value>> {
    let matches = |e: &Map<String, Value>, key: &str| {
        e.get(key).and_then(Value::as_str) == Some(name) || e.get("id").and_then(Value::as_str) == Some(name)
    };
    match scope {
        "service" => list_mut(root, "services").find(|s| matches(s, "name")),
        "consumer" => list_mut(root, "consumers").find(|c| matches(c, "username")),
        "route" => {
            let top = root
                .get("routes")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().filter_map(Value::as_object).any(|r| matches(r, "name")));
            if top {
                list_mut(root, "routes").find(|r| matches(r, "name"))
            } else {
                list_mut(root, "services").flat_map(|s| list_mut(s, "routes")).find(|r| matches(r, "name"))
            }
        }
        _ => None,
    }
}

/// `url: https://host/path` → the protocol, host, port and path Kong stores.
fn split_url(service: &mut Map<String, Value>) {
    let Some(url) = service.get("url").and_then(Value::as_str).map(str::to_string) else { return };
    let Some((protocol, rest)) = url.split_once("://") else { return };
    let (authority, path) = rest.find('/').map_or((rest, None), |i| (&rest[..i], Some(&rest[i..])));
    let default_port = if protocol == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, p.parse().unwrap_or(default_port)),
        _ => (authority, default_port),
    };
    service.remove("url");
    service.insert("protocol".into(), json!(protocol));
    service.insert("host".into(), json!(host));
    service.entry("port").or_insert(json!(port));
    if let Some(path) = path.filter(|p| *p != "/") {
        service.insert("path".into(), json!(path));
    }
}

fn strip_defaults(entity: &mut Map<String, Value>, kind: &str) {
    if let Value::Object(defaults) = entity_defaults(kind) {
        for (key, default) in defaults {
            if entity.get(&key).is_some_and(|v| same(v, &default)) {
                entity.remove(&key);
            }
        }
    }
    // The port the protocol implies is Kong's default.
    if kind == "services" {
        let implied = match entity.get("protocol").and_then(Value::as_str) {
            Some("https") | None => 443,
            _ => 80,
        };
        if entity.get("port").and_then(Value::as_u64) == Some(implied) && entity.get("protocol").is_some() {
            entity.remove("port");
        }
    }
}

/// Removes every field of `config` equal to its default, recursively.
fn strip_equal(config: &mut Value, defaults: &Value) {
    let (Some(config), Some(defaults)) = (config.as_object_mut(), defaults.as_object()) else { return };
    let keys: Vec<String> = config.keys().cloned().collect();
    for key in keys {
        let Some(default) = defaults.get(&key) else { continue };
        let value = config.get_mut(&key).expect("key listed above");
        if value.is_object() && default.is_object() {
            strip_equal(value, default);
            if value.as_object().is_some_and(Map::is_empty) {
                config.remove(&key);
            }
        } else if same(value, default) {
            config.remove(&key);
        }
    }
}

/// Equal as Kong sees it: numbers by value, lists as sets.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            let mut x: Vec<String> = x.iter().map(Value::to_string).collect();
            let mut y: Vec<String> = y.iter().map(Value::to_string).collect();
            x.sort();
            y.sort();
            x == y
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(yaml: &str) -> Vec<(String, String)> {
        let files = Files::from([(YAML.to_string(), yaml.to_string())]);
        normalize(&files).unwrap().leaves.into_iter().map(|(p, l)| (p, l.value)).collect()
    }

    #[test]
    fn a_dump_and_a_hand_written_file_normalise_alike() {
        let written = "_format_version: '3.0'\nservices:\n- name: s\n  url: https://api.anthropic.com\nroutes:\n- name: r\n  service: s\n  paths: [/v1/messages]\nplugins:\n- name: rate-limiting\n  service: s\n  config: {minute: 60}\n";
        let dumped = "_format_version: \"3.0\"\nservices:\n- id: 5b1\n  name: s\n  host: api.anthropic.com\n  port: 443\n  protocol: https\n  connect_timeout: 60000\n  retries: 5\n  created_at: 1700000000\n  routes:\n  - name: r\n    id: 9\n    paths: [/v1/messages]\n    strip_path: true\n    protocols: [https, http]\n  plugins:\n  - name: rate-limiting\n    enabled: true\n    config: {minute: 60, policy: local, fault_tolerant: true, second: null}\n";
        assert_eq!(leaves(written), leaves(dumped));
        assert!(leaves(written)
            .iter()
            .any(|(p, v)| p == "services[s].plugins[rate-limiting].config.minute" && v == "60"));
    }

    #[test]
    fn credential_headers_of_request_transformer_are_secret_by_position() {
        let yaml = "services:\n- name: s\n  url: https://api.anthropic.com\n  plugins:\n  - name: request-transformer\n    config:\n      add:\n        headers: ['x-api-key:not-a-known-key-shape', 'x-team:platform']\n";
        let files = Files::from([(YAML.to_string(), yaml.to_string())]);
        let leaves = normalize(&files).unwrap().leaves;
        let base = "services[s].plugins[request-transformer].config.add";
        assert_eq!(leaves[&format!("{base}.headers")].value, "[\"x-team:platform\"]");
        let key = &leaves[&format!("{base}.credential_headers.x-api-key")];
        assert!(key.secret);
        assert_eq!(key.value, "\"x-api-key:not-a-known-key-shape\"");
    }

    #[test]
    fn kong_conf_ignores_comments_and_spacing() {
        let mut a = Normalized::default();
        let mut b = Normalized::default();
        conf("# c\nssl_protocols = TLSv1.2 TLSv1.3\n", &mut a);
        conf("ssl_protocols=TLSv1.2   TLSv1.3 # floor\n", &mut b);
        assert_eq!(a.leaves, b.leaves);
        assert!(a.leaves.contains_key("kong.conf:ssl_protocols"));
    }

    #[test]
    fn lone_files_are_recognised() {
        assert_eq!(identify("-", "# x\nssl_protocols = TLSv1.3\n"), CONF);
        assert_eq!(identify("-", "_format_version: \"3.0\"\n"), YAML);
        assert_eq!(identify("deployed.conf", ""), CONF);
    }

    #[test]
    fn references_resolve_as_deck_and_kong_resolve_them() {
        std::env::set_var("DECK_GATECTL_UNIT_KEY", "k3y");
        std::env::set_var("GATECTL_UNIT_REDIS_PASSWORD", "pw");
        let template = r#"${{ env "DECK_GATECTL_UNIT_KEY" | printf "Bearer %s" | printf "%q" }}"#;
        assert_eq!(resolve(template), "Bearer k3y");
        assert_eq!(resolve(r#"${{ env "DECK_GATECTL_UNIT_KEY" }}"#), "k3y");
        assert_eq!(resolve("{vault://env/gatectl-unit-redis-password}"), "pw");
        assert_eq!(resolve("plain"), "plain");
        let unset = resolve(r#"${{ env "DECK_GATECTL_UNIT_UNSET" | printf "%q" }}"#);
        assert!(unset.contains("$DECK_GATECTL_UNIT_UNSET is not set"), "{unset}");
        for odd in [r#"${{ env DECK_X }}"#, r#"${{ env "DECK_X" | upper }}"#, "{vault://hcv/path/key}"] {
            assert!(resolve(odd).starts_with(UNRESOLVED.0), "{odd}: {}", resolve(odd));
        }
        assert_eq!(go_string(r#""a\"b""#).as_deref(), Some("a\"b"));
    }

    #[test]
    fn a_leaf_holding_a_reference_carries_its_resolution() {
        std::env::set_var("DECK_GATECTL_UNIT_CONSUMER", "c0nsumer");
        let yaml = "consumers:\n- username: a\n  keyauth_credentials:\n  - key: ${{ env \"DECK_GATECTL_UNIT_CONSUMER\" | printf \"Bearer %s\" | printf \"%q\" }}\n";
        let files = Files::from([(YAML.to_string(), yaml.to_string())]);
        let n = normalize(&files).unwrap();
        let leaf = &n.leaves["consumers[a].keyauth_credentials[0].key"];
        assert_eq!(leaf.resolved, Some(Ok("\"Bearer c0nsumer\"".to_string())));
        assert!(leaf.stored_resolved);
        assert!(n.leaves["consumers[a].username"].resolved.is_none());
    }
}
