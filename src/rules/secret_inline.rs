use super::{Check, Rule, Violation};
use crate::credentials;
use crate::load::{Node, NodeKind, Path, Source, Span};
use crate::policy::positions::{self, Why};
use crate::policy::SCHEMES;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "secret-inline",
    severity: Severity::Error,
    title: "Credential written in the policy file",
    seed: "security-best-practices-enterprise-gateways.md § 1. Credentials & Secrets Management",
    quote: &[
        "# DON'T: Hardcode API keys in scripts",
        "# DON'T: Commit secrets to version control",
        "# DON'T: Store secrets in plaintext config files",
    ],
    packs: "",
    docs: r#"## What it does
Searches the whole policy text — values, keys and comments — for anything
that looks like a credential: vendor key formats (`sk-ant-`, `zpka_`, `tfk_`,
`cnp_live_`, …), JWTs and long high-entropy tokens; then every key and value
once parsed, so a credential spelt with YAML escapes (`\x2d`, `\u002d`) or
split by an escaped line break is found too. The finding shows the value
masked (`sk-ant-****`), never in full.

## Why is this bad?
"DON'T: Store secrets in plaintext config files" and "DON'T: Commit secrets
to version control". A policy file is reviewed, copied and committed; a key
in it (even in a comment) is readable by everyone with repository access and
stays in the history after it is deleted.

## Example
```yaml
upstream:
  api_key: sk-ant-api03-…   # the provider key itself
```

## How to fix
Store the key in a secret manager, reference it, and rotate the key: it has
already been exposed.
```yaml
upstream:
  api_key: vault:secret/claude-code#provider_key
```"#,
    check: Check::Text(check),
};

/// Where a credential sits in the document.
#[derive(Clone)]
enum Place {
    Value(Path),
    /// In the key of an entry of this mapping.
    Key(Path),
    Comment,
    /// The file is not YAML, so there is no tree to place it in.
    File,
}

/// Every key and scalar value of the document with its place, sorted by position (the tree
/// is walked once, so placing many credentials stays linear).
fn places(doc: &Node) -> Vec<(Span, Place)> {
    let mut out = Vec::new();
    let mut pending: Vec<(&Node, Path)> = vec![(doc, Path::root())];
    while let Some((node, path)) = pending.pop() {
        match &node.kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    out.push((e.key_span, Place::Key(path.clone())));
                    pending.push((&e.value, path.key(e.key.as_str())));
                }
            }
            NodeKind::Seq(items) => pending.extend(items.iter().enumerate().map(|(i, item)| (item, path.index(i)))),
            _ => out.push((node.span, Place::Value(path))),
        }
    }
    out.sort_by_key(|(span, _)| span.start);
    out
}

/// The place whose span contains `offset`.
fn place_at(places: &[(Span, Place)], offset: usize) -> Option<&Place> {
    let i = places.partition_point(|(span, _)| span.start <= offset).checked_sub(1)?;
    let (span, place) = &places[i];
    (offset < span.end).then_some(place)
}

fn check(source: &Source, doc: Option<&Node>) -> Vec<Violation> {
    let text = &source.text;
    let raw = credentials::find(text);
    let mut found = in_text(source, doc, &raw);
    // Parsed scalars: what escapes or line folding kept the text scan from seeing.
    let seen = |span: Span| {
        let next = raw.partition_point(|c| c.range.end <= span.start);
        raw.get(next).is_some_and(|c| c.range.start < span.end)
    };
    let hidden = doc.into_iter().flat_map(positions::secret_scalars).filter(|s| s.why == Why::Pattern);
    for scalar in hidden.filter(|s| !seen(s.span)) {
        let place = match (scalar.is_key, scalar.path.is_root()) {
            (true, true) => "a top-level key".to_string(),
            (true, false) => format!("a key of `{}`", credentials::redact(&scalar.path.to_string())),
            (false, _) => format!("`{}`", credentials::redact(&scalar.path.to_string())),
        };
        found.push(
            Violation::at(
                scalar.path,
                format!(
                    "credential-looking value `{}` in {place}, written with YAML escapes",
                    credentials::redact(&scalar.value)
                ),
            )
            .help(format!(
                "store it in a secret manager and reference it ({SCHEMES}); rotate it, since it has been committed"
            ))
            .span(scalar.span),
        );
    }
    found
}

/// Credentials in the raw text, placed in the document where it parsed.
fn in_text(source: &Source, doc: Option<&Node>, raw: &[credentials::Credential]) -> Vec<Violation> {
    let text = &source.text;
    // Only when there is something to place: the walk allocates a path per scalar.
    let places = doc.filter(|_| !raw.is_empty()).map(places);
    raw.iter()
        .map(|cred| {
            let redacted = credentials::redact(&text[cred.range.clone()]);
            // Paths are redacted too: a key higher up may itself look like a credential.
            let shown = |path: &Path| credentials::redact(&path.to_string());
            let place = match &places {
                Some(places) => place_at(places, cred.range.start).cloned().unwrap_or(Place::Comment),
                None => Place::File,
            };
            let (path, place) = match place {
                Place::Value(path) => {
                    let place = format!("`{}`", shown(&path));
                    (path, place)
                }
                Place::Key(path) if path.is_root() => (path, "a top-level key".to_string()),
                Place::Key(path) => {
                    let place = format!("a key of `{}`", shown(&path));
                    (path, place)
                }
                Place::Comment => (Path::root(), "a comment".to_string()),
                Place::File => (Path::root(), "the file".to_string()),
            };
            Violation::at(path, format!("credential-looking value `{redacted}` in {place}"))
                .help(format!(
                    "store it in a secret manager and reference it ({SCHEMES}); rotate it, since it has been committed"
                ))
                .span(Span::new(cred.range.start, cred.range.end))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    const KEY: &str = "sk-ant-api03-AbCdEf0123456789xyzXYZ";

    #[test]
    fn base_passes() {
        assert!(run("secret-inline", BASE).is_empty());
    }

    #[test]
    fn literal_value_is_reported_masked_at_its_span() {
        let yaml = base_with("api_key: vault:secret/claude-code#provider_key", &format!("api_key: {KEY}"));
        let found = run("secret-inline", &yaml);
        assert_eq!(lines(&found), vec![8]);
        assert_eq!(found[0].message, "credential-looking value `sk-ant-****` in `upstream.api_key`");
        assert_eq!(&yaml[found[0].span.start..found[0].span.end], KEY);
        assert!(!found[0].help.as_deref().unwrap_or("").contains("AbCdEf"));
    }

    #[test]
    fn comments_keys_and_nested_values_are_searched() {
        let yaml = base_with("# A production policy", &format!("# old key was {KEY}\n# A production policy")).replacen(
            "headers:\n",
            &format!("headers:\n  add:\n    x-team: \"Bearer {KEY}\"\n    {KEY}: yes-really\n"),
            1,
        );
        let found = run("secret-inline", &yaml);
        assert_eq!(lines(&found), vec![1, 37, 38]);
        assert_eq!(found[0].message, "credential-looking value `sk-ant-****` in a comment");
        assert_eq!(found[1].message, "credential-looking value `sk-ant-****` in `headers.add.x-team`");
        assert_eq!(found[2].message, "credential-looking value `sk-ant-****` in a key of `headers.add`");
        assert_eq!(found[2].path.to_string(), "headers.add");
        assert!(found.iter().all(|f| !f.message.contains("AbCdEf0123")));
    }

    #[test]
    fn yaml_escapes_and_escaped_line_breaks_do_not_hide_a_key() {
        let escaped = "\"sk\\x2dant\\u002dapi03-AbCdEf0123456789\\\n    xyzXYZ\"";
        let yaml = base_with("# A production policy", &format!("owner: {escaped}\n# A production policy"));
        let found = run("secret-inline", &yaml);
        assert_eq!(lines(&found), vec![1], "{:?}", found.iter().map(|f| &f.message).collect::<Vec<_>>());
        assert_eq!(found[0].message, "credential-looking value `sk-ant-****` in `owner`, written with YAML escapes");
    }
}
