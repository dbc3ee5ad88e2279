//! The generated reference pages: `docs/policy.md` from the JSON Schema (`gatectl schema --format
//! markdown`) and `docs/checklist.md` from the rules (`gatectl rules --format markdown`). Tests
//! keep the checked-in pages equal to these; `scripts/regenerate-docs.sh` rewrites them.

use serde_json::{Map, Value};

use super::{cell, code};
use crate::rules::{Rule, RULES};

const REGENERATE: &str = "scripts/regenerate-docs.sh";

/// The policy reference: one table per mapping of the format, every field with its type,
/// whether it is required, its default and its description.
pub fn policy_reference(schema: &Value) -> String {
    let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut out = format!(
        "# The policy format\n\n<!-- Generated from the JSON Schema by `gatectl schema --format markdown`: do not edit, run `{REGENERATE}`. -->\n\n{}\n\n\
         Every field of `schema/policy.schema.json`, section by section. A secret is never written in a policy: fields of type \
         *secret reference* take `env:NAME`, `file:/abs/path`, `vault:path#field`, `aws-sm:name`, `gcp-sm:name` or `k8s:secret/key`.\n",
        text(schema)
    );
    let mut queue = vec![(String::new(), schema.clone())];
    // A mapping type used in several places is documented once, where it first appears.
    let mut documented: std::collections::BTreeMap<String, String> = Default::default();
    while let Some((path, node)) = queue.pop() {
        let node = resolve(&node, &defs);
        let title = if path.is_empty() { "Top level".to_string() } else { format!("`{path}`") };
        out.push_str(&format!("\n## {title}\n\n"));
        if !path.is_empty() {
            out.push_str(&format!("{}\n\n", text(&node)));
        }
        out.push_str("| field | type | required | default | description |\n|---|---|---|---|---|\n");
        let required: Vec<&str> =
            node.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let mut children = Vec::new();
        for (key, field) in node.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            let (mut kind, nested) = type_of(field, &defs, &child);
            if let Some((nested_path, nested, def)) = nested {
                match documented.get(&def) {
                    Some(first) if !def.is_empty() => {
                        kind = kind.replace(&format!("(#{})", anchor(&nested_path)), &format!("(#{})", anchor(first)));
                        kind = kind.replace("[below]", &format!("[as `{first}`]"));
                    }
                    _ => {
                        documented.insert(def, nested_path.clone());
                        children.push((nested_path, nested));
                    }
                }
            }
            let default =
                field.get("default").filter(|d| !is_empty(d)).map(|d| code(&d.to_string())).unwrap_or_default();
            out.push_str(&format!(
                "| {} | {} | {} | {default} | {} |\n",
                code(key),
                kind,
                if required.contains(&key.as_str()) { "yes" } else { "" },
                cell(&text(field))
            ));
        }
        // Depth first in document order: the queue is a stack.
        queue.extend(children.into_iter().rev());
    }
    out
}

fn resolve(node: &Value, defs: &Map<String, Value>) -> Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let def = defs.get(r.rsplit('/').next().unwrap_or_default()).cloned().unwrap_or(Value::Null);
            let mut merged = resolve(&def, defs);
            if let (Value::Object(merged), Value::Object(own)) = (&mut merged, node) {
                for (k, v) in own.iter().filter(|(k, _)| *k != "$ref") {
                    merged.insert(k.clone(), v.clone());
                }
            }
            merged
        }
        None => node.clone(),
    }
}

/// The mapping a field opens: its section path, its schema, and its type's name ("" when inline).
type Nested = (String, Value, String);

/// A field's type in words, and the mapping it opens (documented in its own section).
fn type_of(field: &Value, defs: &Map<String, Value>, path: &str) -> (String, Option<Nested>) {
    let name = field.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).unwrap_or_default();
    let node = resolve(field, defs);
    if name == "SecretRef" {
        return ("secret reference".into(), None);
    }
    if let Some(c) = node.get("const") {
        return (code(&c.to_string()), None);
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(|v| code(v.as_str().unwrap_or_default())).collect();
        return (format!("one of {}", values.join(", ")), None);
    }
    if let Some(variants) = node.get("oneOf").and_then(Value::as_array) {
        let values: Vec<String> =
            variants.iter().filter_map(|v| v.get("const")).map(|c| code(c.as_str().unwrap_or_default())).collect();
        if values.len() == variants.len() {
            return (format!("one of {}", values.join(", ")), None);
        }
    }
    match node.get("type").and_then(Value::as_str) {
        Some("object") if node.get("properties").is_some() => {
            (format!("mapping ([below](#{}))", anchor(path)), Some((path.to_string(), node, name.to_string())))
        }
        Some("object") => ("mapping of header name to header value".into(), None),
        Some("array") => {
            let items = node.get("items").cloned().unwrap_or(Value::Null);
            let (inner, nested) = type_of(&items, defs, &format!("{path}[]"));
            (format!("list of {inner}"), nested)
        }
        Some("integer") => {
            let range = match (node.get("minimum"), node.get("maximum")) {
                (Some(min), Some(max)) => format!(" ({min}–{max})"),
                (Some(min), None) if min != 0 => format!(" (≥ {min})"),
                _ => String::new(),
            };
            (format!("integer{range}"), None)
        }
        Some("number") => ("number".into(), None),
        Some("boolean") => ("boolean".into(), None),
        Some("string") => {
            let what = match (name, node.get("format").and_then(Value::as_str)) {
                ("Name", _) => "name".to_string(),
                ("HeaderName", _) => "header name".to_string(),
                ("ModelName", _) => "model name".to_string(),
                ("CipherName", _) => "cipher name".to_string(),
                (_, Some("uri")) => "URL".to_string(),
                (_, Some("date")) => "date (YYYY-MM-DD)".to_string(),
                _ => "string".to_string(),
            };
            (what, None)
        }
        _ => ("any".into(), None),
    }
}

/// GitHub's anchor for a heading `` `path` ``.
fn anchor(path: &str) -> String {
    path.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect::<String>().to_lowercase()
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// A description on one line.
fn text(node: &Value) -> String {
    let description = node.get("description").and_then(Value::as_str).unwrap_or_default();
    description.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The checklist: every rule, its severity, the source it comes from quoted, its documentation.
pub fn checklist() -> String {
    let mut out = format!(
        "# The hardening checklist\n\n<!-- Generated from the rules by `gatectl rules --format markdown`: do not edit, run `{REGENERATE}`. -->\n\n\
         Every rule `gatectl lint` applies, as `gatectl explain ID` prints it. Rules come from the seed documents of the \
         gatectl project (its gateway security guides), which are not part of this repository: each rule quotes what its \
         source says, so the reason for a rule can be followed here. Every MUST of a seed is an error, every SHOULD a warning; \
         compliance packs tighten some. Diagnostics without a source are gatectl's own (reading the file, the schema, suppressions).\n\n\
         | rule | severity | title |\n|---|---|---|\n"
    );
    for rule in RULES {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            rule.id,
            rule.id,
            rule.severity.as_str(),
            cell(rule.title)
        ));
    }
    for rule in RULES {
        out.push_str(&format!("\n## `{}`\n\n**{}** — {}\n\n", rule.id, rule.severity.as_str(), rule.title));
        out.push_str(&source(rule));
        if !rule.packs.is_empty() {
            out.push_str(&format!("Compliance packs: {}\n\n", rule.packs));
        }
        // The rule's own sections, one level below its heading.
        for line in rule.docs.trim().lines() {
            if line.starts_with("## ") {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Where a rule comes from, with the seed's words, as markdown.
pub fn source(rule: &Rule) -> String {
    if rule.seed.is_empty() {
        return "Source: gatectl's own diagnostic.\n\n".into();
    }
    let (file, section) = rule.seed.split_once(" § ").unwrap_or((rule.seed, ""));
    let section = if section.is_empty() { String::new() } else { format!(", section “{section}”") };
    let mut out = format!("Source: `{file}`{section}, which says:\n\n");
    for quote in rule.quote {
        let fence = "`".repeat(quote.split(|c| c != '`').map(str::len).max().unwrap_or(0).max(2) + 1);
        out.push_str(&format!("{fence}text\n{quote}\n{fence}\n\n"));
    }
    out
}
