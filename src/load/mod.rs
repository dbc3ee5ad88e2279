//! Load: read a policy file and parse it into a spanned node tree.

pub mod discover;
pub mod path;
pub mod source;
pub mod yaml;

pub use path::{Path, Segment};
pub use source::{Source, Span};
pub use yaml::{Entry, Node, NodeKind, YamlError};

/// Policy files larger than this are refused unread: a policy with 10,000
/// consumers is under 1 MiB, and a cap keeps hostile input from stalling a pre-commit hook.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Deployed configs are what policies render to, and larger: a policy of 50,000 consumers
/// (3.2 MB) renders an 18 MB TrueFoundry file, so a policy near the cap renders over 40 MB.
pub const MAX_DEPLOYED_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file could not be read at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is {size} bytes; gatectl reads files of at most {limit} bytes")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path} is not UTF-8 text (invalid byte at line {line}, column {column})")]
    NotUtf8 { path: String, line: usize, column: usize },
    #[error("{path} is {kind}, not a regular file: gatectl reads regular files (or `-` for stdin)")]
    NotAFile { path: String, kind: &'static str },
}

/// What a path is, when it is not a regular file.
fn kind(file_type: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("a device");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    (!file_type.is_file()).then_some("not a file")
}

/// Reads at most `limit` bytes from `reader`; more is [`ReadError::TooLarge`].
fn read_capped(name: &str, reader: impl std::io::Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io { path: name.to_string(), source })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { path: name.to_string(), size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// The bytes of a regular file, at most [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, ReadError> {
    read_bytes_capped(path, MAX_FILE_BYTES)
}

/// The bytes of a regular file, at most `limit`. Every file gatectl reads comes through here
/// (policies, deployed configs, `file:` secrets, templates): a named pipe, a device or a socket
/// is refused before anything is read from it, so nothing blocks or reads forever.
fn read_bytes_capped(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let name = path.display().to_string();
    let io = |source| ReadError::Io { path: name.clone(), source };
    // stat first: opening a named pipe would block until a writer comes.
    if let Some(kind) = kind(std::fs::metadata(path).map_err(io)?.file_type()) {
        return Err(ReadError::NotAFile { path: name, kind });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // And never block on open, should the path have been swapped for a pipe meanwhile.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK | libc::O_NOCTTY);
    let file = options.open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if let Some(kind) = kind(metadata.file_type()) {
        return Err(ReadError::NotAFile { path: name, kind });
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { path: name, size: metadata.len(), limit });
    }
    read_capped(&name, file, limit)
}

/// A regular file as UTF-8 text (a leading BOM dropped), at most [`MAX_FILE_BYTES`].
pub fn read_text(path: &std::path::Path) -> Result<String, ReadError> {
    utf8(path.display().to_string(), read_bytes(path)?)
}

/// A deployed config as UTF-8 text, at most [`MAX_DEPLOYED_BYTES`].
pub fn read_deployed(path: &std::path::Path) -> Result<String, ReadError> {
    utf8(path.display().to_string(), read_bytes_capped(path, MAX_DEPLOYED_BYTES)?)
}

/// Standard input as UTF-8 text, capped like a file: `limit` is [`MAX_FILE_BYTES`] for a
/// policy, [`MAX_DEPLOYED_BYTES`] for a deployed config.
pub fn read_stdin(limit: u64) -> Result<String, ReadError> {
    #[allow(clippy::disallowed_methods)] // reading, not printing
    let stdin = std::io::stdin();
    utf8("stdin".to_string(), read_capped("stdin", stdin.lock(), limit)?)
}

fn utf8(name: String, bytes: Vec<u8>) -> Result<String, ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
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

/// Reads a policy file as UTF-8 text, refusing oversized or binary input.
pub fn read(path: &std::path::Path) -> Result<std::sync::Arc<Source>, ReadError> {
    Ok(Source::new(path.display().to_string(), read_text(path)?))
}
