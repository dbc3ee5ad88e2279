//! Where credentials sit in a policy document, found on the parsed tree (so YAML escapes,
//! folded lines and quoting cannot hide them): every scalar key and value is checked.
//!
//! - **By position**: a value in a credential field ([`CONFIDENTIAL_FIELDS`], a `headers.add`
//!   value for a header that carries credentials) that is not exactly a valid secret reference,
//!   whatever it looks like.
//! - **By pattern**: any key or value that looks like a credential once parsed.
//!
//! Lint registers each with the masking sink ([`crate::sink::secret`]) and masks its span in
//! snippets; `secret-inline` reports the pattern ones the raw-text scan did not see.

use crate::credentials;
use crate::load::{Node, NodeKind, Path, Segment, Span};

use super::SecretRef;

/// Fields whose value is a confidential secret (`[]` is any index), as in `Policy::secret_fields`.
pub const CONFIDENTIAL_FIELDS: &[&str] =
    &["upstream.api_key", "listener.tls.private_key", "consumers[].key", "rate_limits.shared_state_password"];

/// Headers whose value is a credential wherever they appear.
pub const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "x-api-key"];

/// Why a scalar is a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// It sits in a credential field and is not a secret reference.
    Position,
    /// It looks like a credential.
    Pattern,
}

/// A scalar key or value that holds a credential.
#[derive(Clone, Debug)]
pub struct SecretScalar {
    /// The scalar's span in the source (its raw text, quotes and escapes included).
    pub span: Span,
    /// The value's path; for a key, the path of the mapping that holds it.
    pub path: Path,
    pub is_key: bool,
    /// The parsed text.
    pub value: String,
    pub why: Why,
}

/// Whether `path` is a confidential field; `key_header` is the policy's `auth.api_key.header`.
pub fn is_credential_position(path: &Path, key_header: &str) -> bool {
    at_credential_position(path.segments(), key_header)
}

fn at_credential_position(segments: &[Segment], key_header: &str) -> bool {
    let matches = |field: &str| {
        let mut parts = field.split('.');
        let mut i = 0;
        for part in parts.by_ref() {
            let (key, index) = part.strip_suffix("[]").map_or((part, false), |k| (k, true));
            if !matches!(segments.get(i), Some(Segment::Key(k)) if k == key) {
                return false;
            }
            i += 1;
            if index {
                if !matches!(segments.get(i), Some(Segment::Index(_))) {
                    return false;
                }
                i += 1;
            }
        }
        i == segments.len()
    };
    if CONFIDENTIAL_FIELDS.iter().any(|f| matches(f)) {
        return true;
    }
    match segments {
        [Segment::Key(headers), Segment::Key(add), Segment::Key(name)] if headers == "headers" && add == "add" => {
            CREDENTIAL_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) || name.eq_ignore_ascii_case(key_header)
        }
        _ => false,
    }
}

/// Every scalar of `doc` that holds a credential, in document order.
pub fn secret_scalars(doc: &Node) -> Vec<SecretScalar> {
    let key_header = doc
        .get("auth")
        .and_then(|a| a.get("api_key"))
        .and_then(|a| a.get("header"))
        .and_then(Node::as_str)
        .unwrap_or("authorization")
        .to_string();
    let mut found = Vec::new();
    walk(doc, &mut Vec::new(), &key_header, &mut found);
    found
}

/// Depth-first, in document order; the tree's depth is bounded by the loader
/// ([`crate::load::yaml::MAX_DEPTH`]). A path is built only for what is found.
fn walk(node: &Node, path: &mut Vec<Segment>, key_header: &str, found: &mut Vec<SecretScalar>) {
    let here = |path: &[Segment]| {
        path.iter().fold(Path::root(), |p, s| match s {
            Segment::Key(k) => p.key(k.as_str()),
            Segment::Index(i) => p.index(*i),
        })
    };
    match &node.kind {
        NodeKind::Map(entries) => {
            for entry in entries {
                if credentials::looks_like_credential(&entry.key) {
                    let value = entry.key.clone();
                    found.push(SecretScalar {
                        span: entry.key_span,
                        path: here(path),
                        is_key: true,
                        value,
                        why: Why::Pattern,
                    });
                }
                path.push(Segment::Key(entry.key.clone()));
                walk(&entry.value, path, key_header, found);
                path.pop();
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                walk(item, path, key_header, found);
                path.pop();
            }
        }
        scalar => {
            let text = match scalar {
                NodeKind::Str(s) => std::borrow::Cow::Borrowed(s.as_str()),
                NodeKind::Int(i) => std::borrow::Cow::Owned(i.to_string()),
                NodeKind::Float(f) => std::borrow::Cow::Owned(f.to_string()),
                _ => return,
            };
            let why = if at_credential_position(path, key_header) && !is_reference(&text) {
                Why::Position
            } else if credentials::looks_like_credential(&text) {
                Why::Pattern
            } else {
                return;
            };
            found.push(SecretScalar {
                span: node.span,
                path: here(path),
                is_key: false,
                value: text.into_owned(),
                why,
            });
        }
    }
}

/// Exactly a reference gatectl knows (a credential position may show it).
fn is_reference(value: &str) -> bool {
    SecretRef(value.to_string()).parse().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{yaml, Source};

    fn scalars(text: &str) -> Vec<(String, String, Why)> {
        let doc = yaml::parse(&Source::new("t", text)).unwrap();
        secret_scalars(&doc).into_iter().map(|s| (s.path.to_string(), s.value, s.why)).collect()
    }

    #[test]
    fn credential_fields_are_secrets_unless_they_hold_a_reference() {
        let found = scalars(
            "upstream: {api_key: hunter2}\nconsumers:\n  - {name: a, key: env:A_KEY}\n  - {name: b, key: 12345}\n",
        );
        assert_eq!(
            found,
            vec![
                ("upstream.api_key".into(), "hunter2".into(), Why::Position),
                ("consumers[1].key".into(), "12345".into(), Why::Position)
            ]
        );
    }

    #[test]
    fn escapes_cannot_hide_a_credential() {
        let found = scalars("owner: \"sk\\x2dant\\u002dapi03-Zx9Qm2Lr7Tp4\\\n  Wv8Ks1Nd\"\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "sk-ant-api03-Zx9Qm2Lr7Tp4Wv8Ks1Nd");
        assert_eq!(found[0].2, Why::Pattern);
    }

    #[test]
    fn credential_headers_are_positions_including_the_policys_own_key_header() {
        let found = scalars(
            "auth: {api_key: {header: X-Gw-Key}}\nheaders:\n  add: {x-gw-key: abc, Authorization: b, x-team: c}\n",
        );
        let paths: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(paths, vec!["headers.add.x-gw-key", "headers.add.Authorization"]);
    }
}
