//! A policy file's text and the position arithmetic every diagnostic needs.

use std::sync::Arc;

/// Byte range into a [`Source`]'s text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end: end.max(start) }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// One input file: its display name, its text and a line index.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Byte offset of every [`CHECKPOINT`]th character (empty for ASCII text, where the two agree).
    checkpoints: Vec<usize>,
}

/// Characters between two checkpoints: a character index is turned into a byte offset in at
/// most this many steps, whatever the length of its line.
const CHECKPOINT: usize = 256;

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Source> {
        let text = text.into();
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().step_by(CHECKPOINT).map(|(i, _)| i).collect()
        };
        Arc::new(Source { name: name.into(), text, line_starts, checkpoints })
    }

    /// Byte offset of the character at `index` (in characters from the start), clamped to the text.
    pub fn offset_of_char(&self, index: usize) -> usize {
        if self.checkpoints.is_empty() {
            return index.min(self.text.len());
        }
        let Some(&start) = self.checkpoints.get(index / CHECKPOINT) else { return self.text.len() };
        self.text[start..].char_indices().nth(index % CHECKPOINT).map_or(self.text.len(), |(i, _)| start + i)
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.char_index(offset).saturating_sub(self.char_index(start));
        (line + 1, col + 1)
    }

    /// How many characters come before a byte offset: bounded work per call (checkpoints), so
    /// locating many findings on one long line stays linear.
    fn char_index(&self, offset: usize) -> usize {
        if self.checkpoints.is_empty() {
            return offset;
        }
        let checkpoint = self.checkpoints.partition_point(|&c| c <= offset).saturating_sub(1);
        let from = self.checkpoints[checkpoint];
        let counted = self.text.get(from..offset).map_or(offset - from, |s| s.chars().count());
        checkpoint * CHECKPOINT + counted
    }

    /// Byte offset of a 1-based line and 0-based character column, clamped to the text.
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let within_line = rest.find('\n').unwrap_or(rest.len());
        rest[..within_line].char_indices().nth(col_chars).map_or(start + within_line, |(i, _)| start + i)
    }

    /// Span of the rest of the line from `offset` (without the newline).
    pub fn rest_of_line(&self, offset: usize) -> Span {
        let offset = offset.min(self.text.len());
        let next = self.line_starts.partition_point(|&s| s <= offset);
        let end = self.line_starts.get(next).map_or(self.text.len(), |&s| s - 1);
        Span::new(offset, end)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a 1-based line, without its newline.
    pub fn line(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self.line_starts.get(line).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = Source::new("t", "a: é\nbé: x\n");
        assert_eq!(src.line_col(0), (1, 1));
        let x = src.text.find('x').unwrap();
        assert_eq!(src.line_col(x), (2, 5));
        assert_eq!(src.offset_of(2, 4), x);
        assert_eq!(src.line(2), "bé: x");
    }

    #[test]
    fn character_indexes_become_byte_offsets_on_long_lines() {
        let text = "é".repeat(1000) + "x";
        let src = Source::new("t", text.clone());
        assert_eq!(src.offset_of_char(1000), text.len() - 1);
        assert_eq!(src.offset_of_char(257), 514);
        assert_eq!(src.offset_of_char(5000), text.len());
        assert_eq!(Source::new("t", "abc").offset_of_char(2), 2);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let src = Source::new("t", "ab");
        assert_eq!(src.line_col(99), (1, 3));
        assert_eq!(src.offset_of(7, 0), 2);
    }
}
