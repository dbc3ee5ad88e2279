//! YAML for rendered files, shared by every YAML target: block style, every
//! string JSON-quoted (so no policy value can become YAML syntax), keys bare only
//! when YAML 1.1 cannot misread them, and a set of values left bare on purpose
//! (decK's `${{ … }}` substitutions, which decK expands in the raw text).

use std::collections::BTreeSet;

use serde_json::Value;

/// Block-style YAML for a JSON value: strings JSON-quoted (non-ASCII escaped, as YAML 1.1 reads
/// U+2028 and U+0085 as line breaks), except the decK substitutions in `bare`.
pub fn to_yaml(value: &Value, bare: &BTreeSet<String>) -> String {
    let mut out = String::new();
    entries(value, 0, bare, &mut out);
    out
}

fn entries(value: &Value, indent: usize, bare: &BTreeSet<String>, out: &mut String) {
    let pad = |n: usize, out: &mut String| out.push_str(&" ".repeat(n));
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pad(indent, out);
                out.push_str(&key(k));
                out.push(':');
                node(v, indent + 2, bare, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                pad(indent, out);
                out.push('-');
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        out.push(' ');
                        for (i, (k, v)) in map.iter().enumerate() {
                            if i > 0 {
                                pad(indent + 2, out);
                            }
                            out.push_str(&key(k));
                            out.push(':');
                            node(v, indent + 4, bare, out);
                        }
                    }
                    _ => node(item, indent + 2, bare, out),
                }
            }
        }
        _ => unreachable!("entries of a scalar"),
    }
}

fn node(value: &Value, indent: usize, bare: &BTreeSet<String>, out: &mut String) {
    let scalar = match value {
        Value::Null => Some("null".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if bare.contains(s) => Some(s.clone()),
        Value::String(s) => Some(quoted(s)),
        Value::Array(a) if a.is_empty() => Some("[]".to_string()),
        Value::Object(m) if m.is_empty() => Some("{}".to_string()),
        _ => None,
    };
    match scalar {
        Some(s) => {
            out.push(' ');
            out.push_str(&s);
            out.push('\n');
        }
        None => {
            out.push('\n');
            entries(value, indent, bare, out);
        }
    }
}

/// A key bare when it is a plain identifier YAML 1.1 cannot read as anything else.
fn key(k: &str) -> String {
    const SPECIAL: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    let plain = k.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !SPECIAL.contains(&k);
    if plain {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn quoted(s: &str) -> String {
    let json = serde_json::to_string(s).expect("a string serialises");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_quotes_every_string_and_leaves_substitutions_bare() {
        let bare: BTreeSet<String> = ["${{ env \"DECK_K\" | printf \"%q\" }}".to_string()].into();
        let value = json!({
            "a": "x\": y\n- z",
            "on": [1, {"k": "ü\u{2028}", "empty": []}],
            "key": "${{ env \"DECK_K\" | printf \"%q\" }}",
        });
        let text = to_yaml(&value, &bare);
        assert_eq!(
            text,
            "a: \"x\\\": y\\n- z\"\n\"on\":\n  - 1\n  - k: \"\\u00fc\\u2028\"\n    empty: []\nkey: ${{ env \"DECK_K\" | printf \"%q\" }}\n"
        );
        let back: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
