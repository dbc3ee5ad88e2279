//! YAML text → a node tree that keeps the span of every key and value.
//!
//! Built on saphyr-parser's event stream (the maintained successor of yaml-rust2,
//! and the parser under serde-saphyr) so that every schema error and rule finding
//! can point at an exact line and column. The builder is iterative and bounded:
//! hostile input (deep nesting, alias bombs, several documents, duplicate keys)
//! ends in a located error, never a panic or a hang.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::source::{Source, Span};

/// Nesting deeper than this is refused: no policy needs it, and it bounds recursion
/// in everything that walks the tree later.
pub const MAX_DEPTH: usize = 64;
/// Upper bound on nodes created through aliases (billion-laughs protection).
pub const MAX_ALIAS_NODES: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A located YAML error, before it becomes a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
    /// A second location that explains the first (e.g. where a duplicated key was first defined).
    pub related: Option<(Span, String)>,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn index(&self, index: usize) -> Option<&Node> {
        match &self.kind {
            NodeKind::Seq(items) => items.get(index),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) | NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    fn count(&self) -> usize {
        1 + match &self.kind {
            NodeKind::Seq(items) => items.iter().map(Node::count).sum(),
            NodeKind::Map(entries) => entries.iter().map(|e| e.value.count()).sum(),
            _ => 0,
        }
    }

    /// The JSON form the schema validator and the typed model read.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::Float(f) => {
                serde_json::Number::from_f64(*f).map_or_else(|| Value::String(f.to_string()), Value::Number)
            }
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                Value::Object(entries.iter().map(|e| (e.key.clone(), e.value.to_json())).collect())
            }
        }
    }
}

enum Frame {
    Seq { start: Span, anchor: usize, items: Vec<Node> },
    Map { start: Span, anchor: usize, entries: Vec<Entry>, key: Option<(String, Span)>, seen: HashMap<String, usize> },
}

struct Builder<'s> {
    source: &'s Source,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
    root: Option<Node>,
}

/// Parses one YAML document. An empty file or a file with several documents is an error.
pub fn parse(source: &Source) -> Result<Node, YamlError> {
    let mut builder = Builder { source, stack: Vec::new(), anchors: HashMap::new(), alias_nodes: 0, root: None };
    for event in Parser::new_from_str(&source.text) {
        let (event, span) = event.map_err(|e| builder.scan_error(&e))?;
        let span = builder.span(span);
        builder.event(event, span)?;
    }
    builder.root.ok_or_else(|| YamlError {
        message: "the file holds no YAML document".into(),
        span: Span::new(0, 0),
        help: Some("a policy starts with `version: 1`".into()),
        related: None,
    })
}

impl Builder<'_> {
    fn span(&self, span: saphyr_parser::Span) -> Span {
        // By character index: constant work per event, however long the line (a policy may be
        // one line of flow-style YAML).
        let offset = |m: saphyr_parser::Marker| self.source.offset_of_char(m.index());
        Span::new(offset(span.start), offset(span.end))
    }

    fn scan_error(&self, error: &ScanError) -> YamlError {
        let marker = error.marker();
        let mut start = self.source.offset_of(marker.line(), marker.col());
        // The scanner reports a tab where it gave up, often the end of the line before: point at the tab.
        let line_start = self.source.line_start(self.source.line_col(start).0);
        let tab = error.info().contains("tab").then(|| self.source.text[line_start..].find('\t')).flatten();
        if let Some(distance) = tab {
            start = line_start + distance;
        }
        let help = tab.map(|_| "YAML does not allow tabs for indentation: use spaces".to_string());
        YamlError {
            message: format!("invalid YAML: {}", error.info()),
            span: Span::new(start, start + 1),
            help,
            related: None,
        }
    }

    fn error(&self, span: Span, message: impl Into<String>, help: &str) -> YamlError {
        YamlError { message: message.into(), span, help: Some(help.into()), related: None }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                if self.root.is_some() {
                    return Err(self.error(
                        span,
                        "the file holds more than one YAML document",
                        "one policy file is one document: split the others into their own files",
                    ));
                }
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                let kind = resolve_scalar(&value, style, tag.as_deref().map(|t| t.suffix.as_str()))
                    .map_err(|msg| self.error(span, msg, "write the value without a YAML tag"))?;
                self.complete(Node { span, kind }, anchor)
            }
            Event::Alias(id) => {
                let Some((node, count)) = self.anchors.get(&id) else {
                    return Err(self.error(
                        span,
                        "alias to an unknown anchor",
                        "define the anchor (&name) before using it",
                    ));
                };
                self.alias_nodes += count;
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(self.error(
                        span,
                        format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                        "a policy needs no exponential alias nesting: write the values out",
                    ));
                }
                let node = node.clone();
                self.complete(node, 0)
            }
            Event::SequenceStart(anchor, _) => self.push(Frame::Seq { start: span, anchor, items: Vec::new() }, span),
            Event::MappingStart(anchor, _) => self
                .push(Frame::Map { start: span, anchor, entries: Vec::new(), key: None, seen: HashMap::new() }, span),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { start, anchor, items }) => {
                        (Node { span: Span::new(start.start, span.end), kind: NodeKind::Seq(items) }, anchor)
                    }
                    Some(Frame::Map { start, anchor, entries, .. }) => {
                        (Node { span: Span::new(start.start, span.end), kind: NodeKind::Map(entries) }, anchor)
                    }
                    None => return Ok(()),
                };
                self.complete(node, anchor)
            }
        }
    }

    fn push(&mut self, frame: Frame, span: Span) -> Result<(), YamlError> {
        if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
            return Err(self.error(span, "a mapping key must be a plain string", "write the key as a simple string"));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                span,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                "a policy is a few levels deep: check the indentation",
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            let count = node.count();
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map { entries, key, seen, .. }) => match key.take() {
                Some((key, key_span)) => {
                    entries.push(Entry { key, key_span, value: node });
                    Ok(())
                }
                None => {
                    let name = match node.kind {
                        NodeKind::Str(s) => s,
                        NodeKind::Int(i) => i.to_string(),
                        NodeKind::Bool(b) => b.to_string(),
                        NodeKind::Float(f) => f.to_string(),
                        NodeKind::Null => String::new(),
                        NodeKind::Seq(_) | NodeKind::Map(_) => {
                            return Err(self.error(
                                node.span,
                                "a mapping key must be a plain string",
                                "write the key as a simple string",
                            ));
                        }
                    };
                    // A set beside the entries: a mapping with 150,000 keys stays linear.
                    if let Some(&first) = seen.get(&name) {
                        let first_span = entries[first].key_span;
                        return Err(YamlError {
                            message: format!("duplicate key `{name}`"),
                            span: node.span,
                            help: Some("YAML keys must be unique in a mapping: remove or merge one of them".into()),
                            related: Some((first_span, "first defined here".into())),
                        });
                    }
                    seen.insert(name.clone(), entries.len());
                    *key = Some((name, node.span));
                    Ok(())
                }
            },
        }
    }
}

/// YAML 1.2 core-schema resolution of a scalar.
fn resolve_scalar(value: &str, style: ScalarStyle, tag: Option<&str>) -> Result<NodeKind, String> {
    match tag {
        None => {}
        Some("str") => return Ok(NodeKind::Str(value.to_string())),
        Some(other) => return Err(format!("YAML tag `!{other}` is not supported in a policy")),
    }
    if style != ScalarStyle::Plain {
        return Ok(NodeKind::Str(value.to_string()));
    }
    Ok(match value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => NodeKind::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => NodeKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => NodeKind::Float(f64::NAN),
        _ => resolve_number(value).unwrap_or_else(|| NodeKind::Str(value.to_string())),
    })
}

fn resolve_number(value: &str) -> Option<NodeKind> {
    let radix_int = |digits: &str, radix| i64::from_str_radix(digits, radix).ok().map(NodeKind::Int);
    if let Some(hex) = value.strip_prefix("0x") {
        return radix_int(hex, 16);
    }
    if let Some(oct) = value.strip_prefix("0o") {
        return radix_int(oct, 8);
    }
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    if unsigned.is_empty() {
        return None;
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            value.parse::<i64>().map_or_else(|_| NodeKind::Float(value.parse().unwrap_or(f64::MAX)), NodeKind::Int),
        );
    }
    // Floats per the core schema: digits, one optional dot, optional exponent.
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    let mantissa_ok = mantissa.bytes().filter(|&b| b == b'.').count() <= 1
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && mantissa.bytes().any(|b| b.is_ascii_digit());
    let exponent_ok = !exponent.is_empty() && exponent.bytes().all(|b| b.is_ascii_digit());
    (mantissa_ok && exponent_ok).then(|| value.parse().ok().map(NodeKind::Float)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Node, YamlError> {
        parse(&Source::new("t.yaml", text))
    }

    #[test]
    fn scalars_resolve_like_yaml_1_2_core() {
        let node = parse_str("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: yes\ng: 2026-10-01\nh: 0x1f\n").unwrap();
        let kinds: Vec<_> =
            ["a", "b", "c", "d", "e", "f", "g", "h"].iter().map(|k| node.get(k).unwrap().kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                NodeKind::Int(1),
                NodeKind::Float(1.5),
                NodeKind::Bool(true),
                NodeKind::Null,
                NodeKind::Str("1".into()),
                NodeKind::Str("yes".into()),
                NodeKind::Str("2026-10-01".into()),
                NodeKind::Int(31),
            ]
        );
    }

    #[test]
    fn key_and_value_spans_point_at_the_text() {
        let src = Source::new("t", "top:\n  inner: value\n");
        let node = parse(&src).unwrap();
        let entry = node.get("top").unwrap().entry("inner").unwrap();
        assert_eq!(&src.text[entry.key_span.start..entry.key_span.end], "inner");
        assert_eq!(&src.text[entry.value.span.start..entry.value.span.end], "value");
    }

    #[test]
    fn duplicate_keys_are_located_with_the_first_definition() {
        let err = parse_str("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.message, "duplicate key `a`");
        assert_eq!(err.span.start, 10);
        assert_eq!(err.related.unwrap().0.start, 0);
    }

    #[test]
    fn several_documents_are_refused() {
        let err = parse_str("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("more than one YAML document"));
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(parse_str("").is_err());
        assert!(parse_str("# only a comment\n").is_err());
    }

    #[test]
    fn alias_bombs_stop_at_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse_str(&text).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let message = parse_str(&text).unwrap_err().message;
        assert!(message.contains("nesting deeper") || message.contains("recursion"), "{message}");
    }

    #[test]
    fn tabs_get_a_hint() {
        let err = parse_str("a:\n\tb: 1\n").unwrap_err();
        assert!(err.help.unwrap_or_default().contains("tabs"));
    }

    #[test]
    fn custom_tags_are_refused_but_str_is_honoured() {
        assert!(parse_str("a: !!binary abc\n").is_err());
        let node = parse_str("a: !!str 12\n").unwrap();
        assert_eq!(node.get("a").unwrap().kind, NodeKind::Str("12".into()));
    }
}
