//! Paths into a policy document (`consumers[1].key`), shared by the schema
//! mapping, the rules and every output format.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(Vec<Segment>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }

    pub fn key(&self, key: impl Into<String>) -> Path {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.into()));
        next
    }

    pub fn index(&self, index: usize) -> Path {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    pub fn parent(&self) -> Option<Path> {
        let (_, init) = self.0.split_last()?;
        Some(Path(init.to_vec()))
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses the dotted form used in rules: `listener.tls.min_version`, `consumers[2].key`.
    pub fn parse(text: &str) -> Path {
        let mut path = Path::root();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (key, indexes) = part.split_once('[').map_or((part, ""), |(k, rest)| (k, rest));
            if !key.is_empty() {
                path = path.key(key);
            }
            for index in indexes.split('[').filter_map(|i| i.trim_end_matches(']').parse().ok()) {
                path = path.index(index);
            }
        }
        path
    }

    /// Builds a path from a JSON pointer (`/consumers/1/key`); which segments are
    /// indexes is decided by the document, so numeric keys of maps stay keys.
    pub fn from_json_pointer(pointer: &str, doc: &super::Node) -> Path {
        let mut path = Path::root();
        let mut node = Some(doc);
        for raw in pointer.split('/').skip(1) {
            let seg = raw.replace("~1", "/").replace("~0", "~");
            let is_seq = matches!(node.map(|n| &n.kind), Some(super::NodeKind::Seq(_)));
            match seg.parse::<usize>() {
                Ok(i) if is_seq => {
                    node = node.and_then(|n| n.index(i));
                    path = path.index(i);
                }
                _ => {
                    node = node.and_then(|n| n.get(&seg));
                    path = path.key(seg);
                }
            }
        }
        path
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for text in ["listener.tls.min_version", "consumers[2].key", "a[0][1].b", ""] {
            assert_eq!(Path::parse(text).to_string(), text);
        }
        assert_eq!(Path::parse("consumers[2]").parent(), Some(Path::parse("consumers")));
    }
}
