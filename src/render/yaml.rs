//! YAML for rendered files, shared by every YAML target: block style, every
//! string JSON-quoted (so no policy value can become YAML syntax), keys bare only
//! when YAML 1.1 cannot misread them, and a set of values left bare on purpose
//! (decK's `${{ … }}` substitutions, which decK expands in the raw text).
//!
//! [`read`] and [`read_documents`] read that subset back, for render's self-checks and diff:
//! parsing 10,000 consumers' configs with a general YAML parser was most of a diff. They accept
//! only what they can read exactly as `serde_yaml_ng` does (printable ASCII, block style, these
//! scalars) and say `None` for anything else, which the caller hands to `serde_yaml_ng`: a file
//! edited by hand or dumped by the gateway is read the slow way, never differently.

use std::collections::BTreeSet;
use std::fmt::Write as _;

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
    if is_plain_key(k) {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn is_plain_key(k: &str) -> bool {
    const SPECIAL: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    k.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !SPECIAL.contains(&k)
}

/// A JSON-quoted string with every non-ASCII character escaped: `\uXXXX` within the BMP, and
/// YAML's `\UXXXXXXXX` beyond it (YAML, unlike JSON, takes no UTF-16 surrogate escapes).
fn quoted(s: &str) -> String {
    let json = serde_json::to_string(s).expect("a string serialises");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if c <= '\u{ffff}' {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            let _ = write!(out, "\\U{:08x}", u32::from(c));
        }
    }
    out
}

/// One YAML document in the subset [`to_yaml`] writes (with comment and blank lines anywhere),
/// or `None` when the text holds anything else, a `---` line included.
pub fn read(text: &str) -> Option<Value> {
    let lines = content_lines(text)?;
    if lines.iter().any(|l| l.is_marker()) {
        return None;
    }
    document(&lines)
}

/// Every non-empty document of a `---`-separated stream in that subset, or `None`.
pub fn read_documents(text: &str) -> Option<Vec<Value>> {
    let lines = content_lines(text)?;
    let mut documents = Vec::new();
    for chunk in lines.split(|l| l.is_marker()) {
        if !chunk.is_empty() {
            documents.push(document(chunk)?);
        }
    }
    Some(documents)
}

/// A line with content: its indent and the rest, which neither starts nor ends with a space.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    content: &'a str,
}

impl Line<'_> {
    fn is_marker(&self) -> bool {
        self.indent == 0 && self.content == "---"
    }
}

/// The content lines, or `None` if a byte is outside printable ASCII (YAML reads U+0085 and
/// U+2028 as line breaks, even in a comment), or a line is one this reader does not take.
fn content_lines(text: &str) -> Option<Vec<Line<'_>>> {
    if !text.bytes().all(|b| b == b'\n' || (b' '..=b'~').contains(&b)) {
        return None;
    }
    let mut lines = Vec::new();
    for raw in text.split('\n') {
        let content = raw.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // Trailing spaces, directives and document ends: the general parser's business.
        if content.ends_with(' ') || content.starts_with('%') || content == "..." {
            return None;
        }
        lines.push(Line { indent: raw.len() - content.len(), content });
    }
    Some(lines)
}

/// Nesting deeper than this is left to `serde_yaml_ng` (whose own limit is 128): the reader
/// recurses once per level.
const MAX_DEPTH: usize = 64;
/// YAML's longest implicit key (libyaml refuses a longer one), with room to spare.
const MAX_KEY_BYTES: usize = 1000;

/// A document: one block mapping or sequence at indent 0, and nothing after it.
fn document(lines: &[Line]) -> Option<Value> {
    if lines.first()?.indent != 0 {
        return None;
    }
    let mut at = 0;
    let value = block(lines, &mut at, 0, 0)?;
    (at == lines.len()).then_some(value)
}

/// The block mapping or sequence whose lines start at `lines[*at]`, all at `indent`.
fn block(lines: &[Line], at: &mut usize, indent: usize, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if item(lines[*at].content).is_some() {
        let mut items = Vec::new();
        while let Some(line) = lines.get(*at).filter(|l| l.indent == indent) {
            let rest = item(line.content)?;
            *at += 1;
            items.push(match rest {
                "" => nested(lines, at, indent, depth)?,
                // `- - x`: a sequence inside an item, not something the writer puts on one line.
                rest if rest == "-" || rest.starts_with("- ") => return None,
                rest => match entry(rest)? {
                    // `- key: value`: a mapping whose further keys sit under the first.
                    (Some(key), value) => {
                        let mut map = serde_json::Map::new();
                        map.insert(key, value_of(lines, at, indent + 2, value, depth + 1)?);
                        mapping_entries(lines, at, indent + 2, depth + 1, &mut map)?;
                        Value::Object(map)
                    }
                    (None, value) => scalar(value?)?,
                },
            });
        }
        end_of_block(lines, *at, indent)?;
        Some(Value::Array(items))
    } else {
        let mut map = serde_json::Map::new();
        mapping_entries(lines, at, indent, depth, &mut map)?;
        end_of_block(lines, *at, indent)?;
        Some(Value::Object(map))
    }
}

/// Further `key: value` lines at `indent` into `map`; a repeated key is not this reader's.
fn mapping_entries(
    lines: &[Line],
    at: &mut usize,
    indent: usize,
    depth: usize,
    map: &mut serde_json::Map<String, Value>,
) -> Option<()> {
    while let Some(line) = lines.get(*at).filter(|l| l.indent == indent) {
        let (Some(key), value) = entry(line.content)? else { return None };
        *at += 1;
        let value = value_of(lines, at, indent, value, depth)?;
        if map.insert(key, value).is_some() {
            return None;
        }
    }
    Some(())
}

/// A block ends where a line is less indented; a deeper one is not this reader's.
fn end_of_block(lines: &[Line], at: usize, indent: usize) -> Option<()> {
    lines.get(at).is_none_or(|l| l.indent < indent).then_some(())
}

/// The value of a `key:` at `indent`: the scalar after it, or the block nested under it.
fn value_of(lines: &[Line], at: &mut usize, indent: usize, value: Option<&str>, depth: usize) -> Option<Value> {
    match value {
        Some(text) => scalar(text),
        None => nested(lines, at, indent, depth),
    }
}

/// The block under a line at `indent`; a key with nothing under it (YAML's null) is not
/// something [`to_yaml`] writes, nor a sequence at the key's own indent.
fn nested(lines: &[Line], at: &mut usize, indent: usize, depth: usize) -> Option<Value> {
    let child = lines.get(*at).filter(|l| l.indent > indent)?.indent;
    block(lines, at, child, depth + 1)
}

/// What follows `- ` on a sequence item line (empty for a bare `-`).
fn item(content: &str) -> Option<&str> {
    match content.strip_prefix('-')? {
        "" => Some(""),
        rest => rest.strip_prefix(' ').filter(|r| !r.starts_with(' ')),
    }
}

/// `key: value`, `key:` (the value nested below), or a lone value (`(None, Some(value))`).
fn entry(content: &str) -> Option<(Option<String>, Option<&str>)> {
    let (key, rest) = if content.starts_with('"') {
        let end = quoted_end(content)?;
        let key = unquote(&content[..end])?;
        (key, &content[end..])
    } else {
        let end = content.find(':').unwrap_or(content.len());
        let key = &content[..end];
        if !is_plain_key(key) {
            return Some((None, Some(content)));
        }
        (key.to_string(), &content[end..])
    };
    if rest.is_empty() {
        return Some((None, Some(content)));
    }
    if content.len() - rest.len() > MAX_KEY_BYTES {
        return None;
    }
    match rest {
        ":" => Some((Some(key), None)),
        rest => {
            let value = rest.strip_prefix(": ")?;
            (!value.starts_with(' ')).then_some((Some(key), Some(value)))
        }
    }
}

/// The end (one past the closing quote) of the JSON string that starts `text`.
fn quoted_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The string in a double-quoted literal as [`quoted`] writes it: printable ASCII and the
/// escapes JSON and YAML share, plus YAML's `\U`; any other escape is not this reader's.
fn unquote(literal: &str) -> Option<String> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '"' {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        fn hex(chars: &mut std::str::Chars, n: usize) -> Option<char> {
            let digits: String = chars.take(n).collect();
            // Hex digits only: from_str_radix would also take a sign.
            let hex = digits.len() == n && digits.bytes().all(|b| b.is_ascii_hexdigit());
            hex.then(|| u32::from_str_radix(&digits, 16).ok()).flatten().and_then(char::from_u32)
        }
        out.push(match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            _ => return None,
        });
    }
    Some(out)
}

/// The scalars [`to_yaml`] writes: JSON strings, `null`, `true`, `false`, integers without
/// leading zeros, `[]`, `{}`, and decK's `${{ … }}` substitutions.
fn scalar(text: &str) -> Option<Value> {
    match text {
        "null" => return Some(Value::Null),
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        "[]" => return Some(Value::Array(Vec::new())),
        "{}" => return Some(Value::Object(serde_json::Map::new())),
        _ => {}
    }
    if text.starts_with('"') {
        return (quoted_end(text)? == text.len()).then(|| unquote(text)).flatten().map(Value::String);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.len() > 1 && digits.starts_with('0') || text == "-0" {
            return None;
        }
        return match text.parse::<u64>() {
            Ok(n) => Some(Value::from(n)),
            Err(_) => text.parse::<i64>().ok().map(Value::from),
        };
    }
    // A decK substitution, which YAML reads as a plain string: nothing in it may end the
    // scalar (`: `, ` #`) or start a comment.
    let deck = text.starts_with("${{ ") && text.ends_with(" }}") && !text.contains('#') && !text.contains(": ");
    deck.then(|| Value::String(text.to_string()))
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

    #[test]
    fn characters_beyond_the_bmp_are_escaped_as_yaml_reads_them() {
        let value = json!({"owner": "team \u{1f600}"});
        let text = to_yaml(&value, &BTreeSet::new());
        assert_eq!(text, "owner: \"team \\U0001f600\"\n");
        assert_eq!(serde_yaml_ng::from_str::<Value>(&text).unwrap(), value, "a surrogate pair would be refused");
        assert_eq!(read(&text), Some(value));
    }

    /// What serde_yaml_ng reads from `text`, every document, or `None` where it refuses.
    fn general(text: &str) -> Option<Vec<Value>> {
        use serde::Deserialize;
        let mut documents = Vec::new();
        for document in serde_yaml_ng::Deserializer::from_str(text) {
            let value = Value::deserialize(document).ok()?;
            if !value.is_null() {
                documents.push(value);
            }
        }
        Some(documents)
    }

    /// The reader's answer for `text` must be the general parser's, wherever it answers.
    fn agrees(text: &str) -> bool {
        let ours = read_documents(text);
        if let Some(ours) = &ours {
            assert_eq!(Some(ours), general(text).as_ref(), "the readers disagree on {text:?}");
        }
        if let Some(one) = read(text) {
            assert_eq!(Some(vec![one]), general(text), "the readers disagree on {text:?}");
        }
        ours.is_some()
    }

    #[test]
    fn every_rendered_yaml_golden_is_read_fast_and_alike() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut read_fast = 0;
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert!(agrees(&text), "{} is not read by the fast reader", path.display());
                    read_fast += 1;
                }
            }
        }
        assert!(read_fast >= 15, "only {read_fast} golden YAML files");
    }

    #[test]
    fn what_the_reader_does_not_know_it_leaves_to_the_general_parser() {
        let declined = [
            "a: b\n",                  // plain strings
            "a: 1 # note\n",           // trailing comments
            "a: 1\n  b: 2\n",          // deeper lines after a scalar
            "a:\n- 1\n",               // a sequence at its key's indent
            "a:\n",                    // null by omission
            "a: 1\na: 2\n",            // duplicate keys
            "a: \"\\ud83d\\ude00\"\n", // escaped surrogates (libyaml refuses them)
            "a: \"\\x41\"\n",          // YAML-only escapes
            "a: \"\\u+041\"\n",
            "a: \"\u{85}\"\n",  // a byte outside printable ASCII
            "a: &x 1\nb: *x\n", // anchors and aliases
            "a: !!str 1\n",     // tags
            "a: 01\n",          // leading zeros
            "a: -0\n",
            "a: 1.5\n", // floats
            "a: 18446744073709551616\n",
            "a: ~\n",
            "a: True\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "a: 1 \n",
            "a:\t1\n",
            "a: {b: 1}\n",
            "a: [1]\n",
            "- - 1\n",
            "-  1\n",
            "\"a\" : 1\n",
            "a:1\n",
            "  a: 1\n",
            "a: |\n  x\n",
            "? a\n: 1\n",
            "<<: {a: 1}\n",
            "a: ${{ env \"X\" }} # c\n",
            "a: ${{ a: b }}\n",
        ];
        for text in declined {
            assert!(!agrees(text), "{text:?} should be left to serde_yaml_ng");
        }
        let long_key = format!("\"{}\": 1\n", "k".repeat(2000));
        assert!(!agrees(&long_key), "libyaml refuses implicit keys over 1024 characters");
        let deep: String =
            (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect::<String>() + &" ".repeat(100) + "v: 1\n";
        assert!(!agrees(&deep), "deep nesting is the general parser's, with its limit");

        let accepted = [
            "a: 1\nb: -2\nc: true\nd: null\ne: []\nf: {}\ng: \"x: # y\\n\\u00fc\\U0001f600\\/\\b\"\n",
            "# c\n---\na: 1\n---\n\n---\n- 1\n- \"x\"\n",
            "a:\n  - b: 1\n    c:\n      - 2\n  -\n    - 3\n\"on\": 0\n",
            "key: ${{ env \"DECK_K\" | printf \"%q\" }}\n",
            "a:\n    b: 1\nc: 2\n",
        ];
        for text in accepted {
            assert!(agrees(text), "{text:?} should be read");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 500, ..Default::default() })]
        /// Whatever the writer writes, the reader reads back as the value written, as serde_yaml_ng does.
        #[test]
        fn the_reader_reads_what_the_writer_writes(value in values()) {
            let text = to_yaml(&value, &BTreeSet::new());
            let read_back = read(&text);
            proptest::prop_assert!(read_back.is_some(), "{text:?}");
            proptest::prop_assert_eq!(read_back.as_ref(), Some(&value));
            agrees(&text);
        }
    }

    fn values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop_oneof!["[a-z_][a-z0-9_]{0,8}", "[ -~]{0,12}", "\\PC{0,6}"];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            "[ -~]{0,20}".prop_map(Value::String),
            "[a-z]{0,6}".prop_map(Value::String),
        ];
        let nested = leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        proptest::collection::btree_map("[a-z]{1,6}", nested, 1..5).prop_map(|m| Value::Object(m.into_iter().collect()))
    }
}
