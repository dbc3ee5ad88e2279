//! The one way out: every byte gatectl prints — stdout and stderr, every command and every
//! format, clap's usage errors included — goes through [`out`] or [`err`], which mask it first.
//!
//! Two kinds of masking, both applied here and nowhere else:
//!
//! - **By position.** A value that sits where a credential belongs (a policy's secret fields
//!   and credential headers, a deployed config's key fields, credential headers, key maps and
//!   includes) is masked whatever it looks like, unless it is exactly a reference form gatectl
//!   knows. The layer that finds such a value registers it with [`secret`]: lint for the policy
//!   ([`crate::check`]), diff for every secret leaf ([`crate::diff::Normalized::insert`]).
//!   From then on the value is replaced by `****` wherever it appears in output, as written or
//!   JSON-escaped. Values shorter than [`MIN_REGISTERED`] characters are not searched for in
//!   free text (masking every `abc` would garble the report); they are still masked at their
//!   own position by the report that shows the field.
//! - **By pattern.** Anything that looks like a credential ([`crate::credentials`]: vendor
//!   prefixes, JWTs, long high-entropy tokens) is shortened to its visible prefix and `****`.
//!
//! New outputs (a verify report, `render --format json`) need nothing special: write them with
//! [`out`]/[`err`] (or [`outln!`](crate::outln)/[`errln!`](crate::errln)). Nothing else can
//! print: `clippy.toml` disallows `println!`, `eprintln!`, `print!`, `eprint!`, `dbg!`,
//! `std::io::stdout` and `std::io::stderr` everywhere but in this module, and CI runs clippy
//! with `-D warnings`.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Mutex;

use aho_corasick::{AhoCorasick, MatchKind};

/// Registered values shorter than this are masked at their position only, not searched for.
pub const MIN_REGISTERED: usize = 8;
/// What a registered value is replaced by.
pub const MASK: &str = "****";

#[derive(Default)]
struct Registry {
    values: BTreeSet<String>,
    /// Built on first use after a registration: one pass over the output finds every value.
    automaton: Option<AhoCorasick>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { values: BTreeSet::new(), automaton: None });

/// Registers a value found in a credential position: it is never printed from now on.
pub fn secret(value: &str) {
    let value = value.trim();
    if value.chars().count() < MIN_REGISTERED {
        return;
    }
    let escaped = serde_json::to_string(value).expect("a string serialises");
    let escaped = &escaped[1..escaped.len() - 1];
    let mut registry = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    let mut changed = registry.values.insert(value.to_string());
    if escaped != value {
        changed |= registry.values.insert(escaped.to_string());
    }
    if changed {
        registry.automaton = None;
    }
}

/// Forgets every registered value. Only for drivers that run many independent inputs in one
/// process (the fuzz targets): a command never calls it.
#[doc(hidden)]
pub fn clear() {
    let mut registry = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    *registry = Registry::default();
}

/// `text` as it may be shown: registered values replaced by `****`, credential-looking text
/// shortened to its visible prefix.
pub fn mask(text: &str) -> String {
    let by_position = {
        let mut registry = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
        if registry.values.is_empty() {
            None
        } else {
            if registry.automaton.is_none() {
                let built = AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&registry.values)
                    .expect("registered secrets form an automaton");
                registry.automaton = Some(built);
            }
            registry.automaton.as_ref().map(|a| a.replace_all(text, &vec![MASK; registry.values.len()]))
        }
    };
    crate::credentials::redact(by_position.as_deref().unwrap_or(text))
}

/// Writes masked `text` to stdout. A closed pipe (`gatectl rules | head`) is not an error worth a panic.
#[allow(clippy::disallowed_methods)]
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(mask(text).as_bytes()).and_then(|()| stdout.flush());
}

/// Writes masked `text` to stderr.
#[allow(clippy::disallowed_methods)]
pub fn err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(mask(text).as_bytes()).and_then(|()| stderr.flush());
}

/// Whether stdout is a terminal (for colour).
#[allow(clippy::disallowed_methods)]
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

/// `println!` through the sink.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::sink::out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` through the sink.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::sink::err(&format!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_values_are_masked_raw_and_json_escaped() {
        secret("plain-but-secret\"value");
        let text = r#"a plain-but-secret"value b "plain-but-secret\"value" c"#;
        assert_eq!(mask(text), r#"a **** b "****" c"#);
        // Short values are left to their position's own masking.
        secret("abc");
        assert_eq!(mask("abc"), "abc");
    }

    #[test]
    fn patterns_are_masked_without_registration() {
        assert_eq!(mask("key sk-ant-api03-abcdefghijklmnop"), "key sk-ant-****");
    }
}
