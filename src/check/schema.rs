//! The policy JSON Schema: generated from the model, and used to validate a
//! document with every error mapped back to its YAML line.

use std::sync::{Arc, OnceLock};

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::finding::{Finding, Severity};
use crate::load::{Node, Path, Segment, Source, Span};
use crate::policy::{Policy, HEADER_PATTERN, NAME_PATTERN};

pub use crate::rules::{SCHEMA_VIOLATION, UNKNOWN_KEY};

/// The schema as checked in at `schema/policy.schema.json`.
pub fn generate() -> Value {
    let mut schema = schemars::schema_for!(Policy).to_value();
    drop_nullable(&mut schema);
    schema
}

/// Pretty JSON with a trailing newline: the exact bytes of `gatectl schema`.
pub fn to_pretty_string() -> String {
    let mut text = serde_json::to_string_pretty(&generate()).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// schemars lets every `Option` field be `null`; in a policy an empty section
/// (`tls:` with nothing under it) is a mistake, so the schema says so.
fn drop_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(variants)) = map.get("anyOf") {
                let non_null: Vec<Value> =
                    variants.iter().filter(|v| v.get("type") != Some(&Value::from("null"))).cloned().collect();
                if non_null.len() == 1 && variants.len() == 2 {
                    map.remove("anyOf");
                    if let Value::Object(inner) = &non_null[0] {
                        for (k, v) in inner {
                            map.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                }
            }
            map.values_mut().for_each(drop_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nullable),
        _ => {}
    }
}

/// The schema lint validates against: the checked-in copy, parsed rather than regenerated
/// on every start (a pre-commit hook pays start-up each time). A test keeps it equal to `generate()`.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(CHECKED_IN).expect("schema/policy.schema.json is JSON"))
}

const CHECKED_IN: &str = include_str!("../../schema/policy.schema.json");

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(schema())
            .expect("the generated policy schema is a valid JSON Schema")
    })
}

/// Schema findings listed per file: past this many the file is far from a policy, and listing
/// every one (a mapping of 150,000 unknown keys) would cost time and bury the first.
pub const MAX_SCHEMA_FINDINGS: usize = 200;

/// Validates the document; on success returns the typed policy.
pub fn validate(doc: &Node, source: &Arc<Source>) -> Result<Policy, Vec<Finding>> {
    let json = doc.to_json();
    let mut findings = Vec::new();
    let errors: Vec<_> = validator().iter_errors(&json).collect();
    // A value of the wrong type also fails its enum/pattern/format: say only the first thing.
    let mistyped: Vec<&str> = errors
        .iter()
        .filter(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }))
        .map(|e| e.instance_path().as_str())
        .collect();
    let mistyped: std::collections::HashSet<&str> = mistyped.into_iter().collect();
    for error in &errors {
        let at = error.instance_path().as_str();
        if mistyped.contains(&at) && !matches!(error.kind(), ValidationErrorKind::Type { .. }) {
            continue;
        }
        if findings.len() > MAX_SCHEMA_FINDINGS {
            break;
        }
        let path = Path::from_json_pointer(at, doc);
        findings.extend(describe(error.kind(), error.instance(), &path, doc, source));
    }
    if findings.len() > MAX_SCHEMA_FINDINGS {
        findings.truncate(MAX_SCHEMA_FINDINGS);
        findings.push(Finding::new(
            SCHEMA_VIOLATION,
            Severity::Error,
            format!("more than {MAX_SCHEMA_FINDINGS} schema errors in this file: the rest are not listed"),
            source,
            locate(doc, &Path::root(), source).0,
            Path::root(),
        ));
    }
    if !findings.is_empty() {
        findings.sort_by_key(|f| f.span.start);
        findings.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        return Err(findings);
    }
    serde_json::from_value(json).map_err(|e| {
        let span = locate(doc, &Path::root(), source).0;
        vec![Finding::new(
            SCHEMA_VIOLATION,
            Severity::Error,
            format!("policy does not match the model: {e}"),
            source,
            span,
            Path::root(),
        )]
    })
}

/// Where to point for a path: a scalar's value, a collection's key, or for a
/// path that does not exist, the nearest ancestor that does. The bool says
/// whether the whole path exists.
pub fn locate(doc: &Node, path: &Path, source: &Source) -> (Span, bool) {
    let mut node = doc;
    let mut span = None;
    for seg in path.segments() {
        let next = match seg {
            Segment::Key(k) => node.entry(k).map(|e| (&e.value, e.key_span)),
            Segment::Index(i) => node.index(*i).map(|n| (n, source.rest_of_line(n.span.start))),
        };
        match next {
            Some((child, child_span)) => {
                node = child;
                span = Some(if matches!(child.kind, crate::load::NodeKind::Map(_) | crate::load::NodeKind::Seq(_)) {
                    child_span
                } else {
                    child.span
                });
            }
            None => return (span.unwrap_or_else(|| first_key_span(doc, source)), false),
        }
    }
    (span.unwrap_or_else(|| first_key_span(doc, source)), true)
}

fn first_key_span(doc: &Node, source: &Source) -> Span {
    match &doc.kind {
        crate::load::NodeKind::Map(entries) if !entries.is_empty() => entries[0].key_span,
        _ => source.rest_of_line(doc.span.start),
    }
}

fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = crate::credentials::redact(&text);
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn field_name(path: &Path) -> String {
    if path.is_root() {
        "the policy".into()
    } else {
        format!("`{path}`")
    }
}

fn describe(
    kind: &ValidationErrorKind,
    instance: &Value,
    path: &Path,
    doc: &Node,
    source: &Arc<Source>,
) -> Vec<Finding> {
    let (span, _) = locate(doc, path, source);
    let finding =
        |message: String| Finding::new(SCHEMA_VIOLATION, Severity::Error, message, source, span, path.clone());
    let one = |f: Finding| vec![f];
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            // Each is located by a lookup in its mapping: bounded, so the work is too.
            .take(MAX_SCHEMA_FINDINGS + 1)
            .map(|key| {
                let key_path = path.key(key.clone());
                let key_span = locate(doc, &key_path, source).0;
                let key_span = doc_entry_key_span(doc, &key_path).unwrap_or(key_span);
                let known = known_keys(path);
                let help = match did_you_mean(key, &known) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("allowed keys here: {}", known.join(", ")),
                };
                Finding::new(
                    UNKNOWN_KEY,
                    Severity::Error,
                    format!("unknown key `{key}` in {}", field_name(path)),
                    source,
                    key_span,
                    key_path,
                )
                .with_help(help)
            })
            .collect(),
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            one(finding(format!("missing required key `{name}` in {}", field_name(path)))
                .with_help(format!("add `{name}:` under {}", field_name(path))))
        }
        ValidationErrorKind::Type { kind } => {
            let expected = format!("{kind:?}").to_lowercase().replace("single(", "").replace(')', "");
            let mut f =
                finding(format!("{} must be {}, found {}", field_name(path), article(&expected), json_type(instance)));
            if expected.contains("string") && instance.is_number() {
                f = f.with_help(format!("quote it: \"{}\"", shown(instance)));
            } else if instance.is_null() {
                f = f.with_help("the key has no value: fill it in or remove the key");
            }
            one(f)
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options.as_array().into_iter().flatten().map(shown).collect();
            let value = shown(instance);
            let help = did_you_mean(&value, &options).map_or_else(
                || format!("expected one of: {}", options.join(", ")),
                |b| format!("did you mean `{b}`? (one of: {})", options.join(", ")),
            );
            one(finding(format!("`{value}` is not a valid value for {}", field_name(path))).with_help(help))
        }
        ValidationErrorKind::Constant { expected_value } if path.to_string() == "version" => {
            one(finding(format!("unsupported policy version `{}`", shown(instance)))
                .with_help(format!("this gatectl reads policy format version {expected_value}")))
        }
        ValidationErrorKind::Constant { expected_value } => {
            one(finding(format!("{} must be {}", field_name(path), shown(expected_value))))
        }
        ValidationErrorKind::Pattern { pattern } => {
            let (what, help) = match pattern.as_str() {
                NAME_PATTERN => ("a valid name", "names start with a lowercase letter, then lowercase letters, digits and '-' (at most 63): they end up inside nginx and YAML"),
                HEADER_PATTERN => ("a valid header name", "header names are letters, digits and '-'"),
                _ => ("in the expected form", ""),
            };
            let help = if help.is_empty() { format!("must match {pattern}") } else { help.to_string() };
            one(finding(format!("`{}` is not {what} ({})", shown(instance), field_name(path))).with_help(help))
        }
        ValidationErrorKind::Format { format } => {
            let (what, help) = match format.as_str() {
                "date" => ("a valid calendar date", "write a real date as YYYY-MM-DD"),
                "uri" => ("a valid absolute URL", "write it as https://host/path"),
                _ => ("in the expected format", ""),
            };
            one(finding(format!("`{}` is not {what} ({})", shown(instance), field_name(path))).with_help(help))
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => {
            one(finding(format!("{} is {}, below the minimum {limit}", field_name(path), shown(instance))))
        }
        ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => {
            one(finding(format!("{} is {}, above the maximum {limit}", field_name(path), shown(instance))))
        }
        ValidationErrorKind::UniqueItems => one(finding(format!("{} lists the same entry twice", field_name(path)))),
        other => one(finding(format!(
            "{} is invalid: {}",
            field_name(path),
            crate::credentials::redact(&format!("{other:?}"))
        ))),
    }
}

fn doc_entry_key_span(doc: &Node, path: &Path) -> Option<Span> {
    let (last, parent) = path.segments().split_last()?;
    let mut node = doc;
    for seg in parent {
        node = match seg {
            Segment::Key(k) => node.get(k)?,
            Segment::Index(i) => node.index(*i)?,
        };
    }
    match last {
        Segment::Key(k) => node.entry(k).map(|e| e.key_span),
        Segment::Index(_) => None,
    }
}

fn article(expected: &str) -> String {
    match expected {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "a whole number".into(),
        e if e.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {e}"),
        e => format!("a {e}"),
    }
}

/// The closest candidate, if it is close enough to be a plausible typo.
pub fn did_you_mean(input: &str, candidates: &[String]) -> Option<String> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&input.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone())
}

/// The keys the schema allows in the mapping at `path`.
pub fn known_keys(path: &Path) -> Vec<String> {
    let schema = schema();
    let resolve = |mut node: &'static Value| {
        while let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            match schema.get("$defs").and_then(|d| d.get(name)) {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    };
    let mut node = resolve(schema);
    for seg in path.segments() {
        let next = match seg {
            Segment::Key(k) => {
                node.get("properties").and_then(|p| p.get(k)).or_else(|| node.get("additionalProperties"))
            }
            Segment::Index(_) => node.get("items"),
        };
        match next {
            Some(n) => node = resolve(n),
            None => return Vec::new(),
        }
    }
    node.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_schema_is_the_generated_one() {
        assert!(
            CHECKED_IN == to_pretty_string(),
            "schema/policy.schema.json is stale: run `scripts/regenerate-docs.sh`"
        );
    }

    #[test]
    fn nullable_wrappers_are_dropped() {
        let schema = generate();
        let text = schema.to_string();
        assert!(!text.contains("\"null\""), "schema still allows null somewhere");
    }

    #[test]
    fn known_keys_follow_refs() {
        let keys = known_keys(&Path::parse("listener.tls"));
        assert!(keys.contains(&"min_version".to_string()), "{keys:?}");
        let keys = known_keys(&Path::parse("consumers[0]"));
        assert!(keys.contains(&"issued".to_string()), "{keys:?}");
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = vec!["rate_limits".to_string(), "network".to_string()];
        assert_eq!(did_you_mean("rate_limit", &keys), Some("rate_limits".into()));
        assert_eq!(did_you_mean("zzz", &keys), None);
    }
}
