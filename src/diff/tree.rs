//! The normaliser every JSON or YAML target shares: a parsed document → leaves.
//!
//! Maps are walked in key order; `null` counts as absent; lists of objects line up by
//! an identity field (`plugins[rate-limiting]`), lists of scalars are one leaf, sorted
//! where the target treats them as sets. What a target knows about its own format —
//! identities, sets, noise, credential fields — is a [`Shape`].

use serde_json::Value;

use super::{canonical_scalar, DiffError, Normalized};

/// What a target's format means, for the normaliser.
pub struct Shape {
    /// `(list field, identity fields)`: the list's items are named by the first field, plus
    /// `field=value` for each further one present (a Kong plugin by its name and scope).
    pub keyed: &'static [(&'static str, &'static [&'static str])],
    /// List fields whose items are compared by position on purpose (no note).
    pub positional: &'static [&'static str],
    /// Scalar lists where order matters; every other scalar list is a set (sorted).
    pub ordered: &'static [&'static str],
    /// Keys that are noise (ids, timestamps) wherever they appear.
    pub noise: &'static [&'static str],
    /// Keys whose values are credentials.
    pub secrets: &'static [&'static str],
}

impl Shape {
    /// Leaves of `value`, each path prefixed with `prefix`.
    pub fn normalize(&self, value: &Value, prefix: &str, out: &mut Normalized) {
        self.walk(value, &mut prefix.to_string(), "", false, out);
    }

    /// Walks `value` at `path`, one buffer for every path: each level appends its part and
    /// takes it off again, so a path is allocated only when a leaf is stored under it.
    fn walk(&self, value: &Value, path: &mut String, field: &str, secret: bool, out: &mut Normalized) {
        let base = path.len();
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> =
                    map.iter().filter(|(k, v)| !v.is_null() && !self.noise.contains(&k.as_str())).collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                if entries.is_empty() {
                    out.insert(path.clone(), "{}".into(), false);
                }
                // A header carrying a credential, as `{x-api-key: V}` or `{name: x-api-key, value: V}`.
                let credential_header = |v: &Value| v.as_str().is_some_and(is_credential_header);
                let names_credential = ["name", "header"].iter().any(|k| map.get(*k).is_some_and(credential_header));
                for (key, child) in entries {
                    let child_secret = secret
                        || self.secrets.iter().any(|s| s.eq_ignore_ascii_case(key))
                        || is_credential_header(key)
                        || (key == "value" && names_credential);
                    push_key(path, key);
                    self.walk(child, path, key, child_secret, out);
                    path.truncate(base);
                }
            }
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                let mut values: Vec<String> = items.iter().map(canonical_scalar).collect();
                if !self.ordered.contains(&field) {
                    values.sort();
                }
                out.insert(path.clone(), format!("[{}]", values.join(", ")), secret);
            }
            Value::Array(items) => {
                let identity = self.keyed.iter().find(|(list, _)| *list == field).map(|(_, ids)| *ids);
                let named = |item: &Value| {
                    let ids = identity?;
                    let mut name = reference(item.get(ids.first()?)?);
                    for id in &ids[1..] {
                        if let Some(v) = item.get(*id).filter(|v| !v.is_null()) {
                            name.push_str(&format!(" {id}={}", reference(v)));
                        }
                    }
                    Some(name)
                };
                let names: Option<Vec<String>> = identity.and_then(|_| items.iter().map(named).collect());
                if names.is_none() && !self.positional.contains(&field) {
                    out.unmapped.insert(path.clone());
                }
                if items.is_empty() {
                    out.insert(path.clone(), "[]".into(), false);
                }
                for (i, item) in items.iter().enumerate() {
                    path.push('[');
                    match &names {
                        Some(names) => path.push_str(&names[i]),
                        None => path.push_str(&i.to_string()),
                    }
                    path.push(']');
                    self.walk(item, path, field, secret, out);
                    path.truncate(base);
                }
            }
            Value::Null => {}
            scalar => out.insert(path.clone(), canonical_scalar(scalar), secret),
        }
    }
}

fn is_credential_header(name: &str) -> bool {
    crate::policy::positions::CREDENTIAL_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// An identity as text: a string as it is; an object by its `name`, `username` or `id`.
fn reference(value: &Value) -> String {
    let named = ["name", "username", "id"].iter().find_map(|k| value.get(*k));
    match named.unwrap_or(value) {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Appends `.key` to `path`, or `["odd key"]` for keys that are not plain names. A path that is
/// empty or ends in `:` or `.` (a prefix such as `virtual-account[ci].`) needs no separator.
fn push_key(path: &mut String, key: &str) {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    let separated = path.is_empty() || path.ends_with([':', '.']);
    if !plain {
        path.push('[');
        path.push_str(&Value::String(key.to_string()).to_string());
        path.push(']');
    } else {
        if !separated {
            path.push('.');
        }
        path.push_str(key);
    }
}

/// Parses YAML (which includes JSON) into a JSON value; errors located in `path`. What gatectl
/// writes is read by its own reader, anything else by `serde_yaml_ng`, with the same result.
pub fn parse_yaml(path: &str, text: &str) -> Result<Value, DiffError> {
    if let Some(value) = crate::render::yaml::read(text) {
        return Ok(value);
    }
    serde_yaml_ng::from_str::<Value>(text).map_err(|e| {
        let offset = e.location().map_or(0, |l| l.index());
        DiffError::at_offset(path, text, offset, "YAML", e.to_string())
    })
}

/// Every document of a multi-document YAML stream.
pub fn parse_yaml_documents(path: &str, text: &str) -> Result<Vec<Value>, DiffError> {
    use serde::Deserialize;
    if let Some(documents) = crate::render::yaml::read_documents(text) {
        return Ok(documents);
    }
    let mut documents = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        let value = Value::deserialize(document).map_err(|e| {
            let offset = e.location().map_or(0, |l| l.index());
            DiffError::at_offset(path, text, offset, "YAML", e.to_string())
        })?;
        if !value.is_null() {
            documents.push(value);
        }
    }
    Ok(documents)
}

/// Parses JSON; errors located in `path`.
pub fn parse_json(path: &str, text: &str) -> Result<Value, DiffError> {
    serde_json::from_str(text).map_err(|e| DiffError::Unparsable {
        path: path.to_string(),
        line: e.line(),
        column: e.column(),
        format: "JSON",
        reason: crate::credentials::redact(&e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SHAPE: Shape = Shape {
        keyed: &[("plugins", &["name", "consumer"])],
        positional: &[],
        ordered: &["inbound"],
        noise: &["id"],
        secrets: &["key"],
    };

    fn leaves(v: &Value) -> Vec<(String, String, bool)> {
        let mut n = Normalized::default();
        SHAPE.normalize(v, "", &mut n);
        n.leaves.into_iter().map(|(p, l)| (p, l.value, l.secret)).collect()
    }

    #[test]
    fn key_order_set_order_nulls_and_noise_do_not_matter() {
        let a = json!({"b": 1, "a": {"tags": ["x", "y"]}, "id": "123", "n": null});
        let b = json!({"a": {"tags": ["y", "x"]}, "b": 1.0});
        assert_eq!(leaves(&a), leaves(&b));
    }

    #[test]
    fn keyed_lists_line_up_by_name_and_ordered_lists_keep_order() {
        let a = json!({"plugins": [{"name": "acl", "x": 1}, {"name": "cors"}], "inbound": ["p1", "p2"]});
        let b = json!({"plugins": [{"name": "cors"}, {"name": "acl", "x": 1}], "inbound": ["p2", "p1"]});
        let (la, lb) = (leaves(&a), leaves(&b));
        assert!(la.iter().any(|(p, ..)| p == "plugins[acl].x"));
        assert_ne!(la, lb, "inbound order differs");
        assert_eq!(la.iter().filter(|(p, ..)| p.starts_with("plugins")).count(), 3);
        let scoped = leaves(&json!({"plugins": [{"name": "acl", "consumer": {"name": "c"}}]}));
        assert!(scoped.iter().any(|(p, ..)| p == "plugins[acl consumer=c].name"), "{scoped:?}");
    }

    #[test]
    fn credential_fields_are_marked_and_odd_keys_quoted() {
        let l = leaves(&json!({"creds": {"key": "v"}, "/v1/messages": 1}));
        assert!(l.contains(&("creds.key".into(), "\"v\"".into(), true)));
        assert!(l.iter().any(|(p, ..)| p == "[\"/v1/messages\"]"));
    }

    #[test]
    fn values_of_credential_headers_are_secret_by_position() {
        let l = leaves(&json!({"extra_headers": {"X-Api-Key": "v1", "x-team": "t"},
            "set": [{"name": "authorization", "value": "v2"}, {"name": "x-team", "value": "t"}]}));
        let secret = |p: &str| l.iter().find(|(q, ..)| q == p).map(|(_, _, s)| *s);
        assert_eq!(secret("extra_headers.X-Api-Key"), Some(true));
        assert_eq!(secret("extra_headers.x-team"), Some(false));
        assert_eq!(secret("set[0].value"), Some(true));
        assert_eq!(secret("set[1].value"), Some(false));
    }

    #[test]
    fn anonymous_lists_are_reported_as_unmapped() {
        let mut n = Normalized::default();
        SHAPE.normalize(&json!({"things": [{"a": 1}]}), "", &mut n);
        assert!(n.unmapped.contains("things"));
        assert!(n.leaves.contains_key("things[0].a"));
    }
}
