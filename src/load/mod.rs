//! Load: read a policy file and parse it into a spanned node tree.

pub mod discover;
pub mod path;
pub mod source;
pub mod yaml;

pub use path::{Path, Segment};
pub use source::{Source, Span};
pub use yaml::{Entry, Node, NodeKind, YamlError};

/// Policy files larger than this are refused unread: a policy with 10,000
/// consumers is about 1.5 MiB, and a cap keeps hostile input from stalling a pre-commit hook.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a file could not be read at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is {size} bytes; a policy file may be at most {MAX_FILE_BYTES} bytes")]
    TooLarge { path: String, size: u64 },
    #[error("{path} is not UTF-8 text (invalid byte at line {line}, column {column})")]
    NotUtf8 { path: String, line: usize, column: usize },
}

/// Reads a policy file as UTF-8 text, refusing oversized or binary input.
pub fn read(path: &std::path::Path) -> Result<std::sync::Arc<Source>, ReadError> {
    use std::io::Read;
    let name = path.display().to_string();
    let io = |source| ReadError::Io { path: name.clone(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { path: name, size });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { path: name, size: bytes.len() as u64 });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            Err(ReadError::NotUtf8 { path: name, line, column })
        }
    }
}
