//! Recognising credential-looking text, and masking it.
//!
//! One detector serves the `secret-inline` rule and every output path: messages
//! go through [`redact`], source snippets through [`mask_in_place`], so a value
//! that looks like a credential is never printed by any command.

use std::ops::Range;

/// Vendor prefixes whose presence alone marks a credential. The first four are
/// the formats named by the gateway seeds (Anthropic, Zuplo, TrueFoundry, and
/// the enterprise gateway example); the rest are common API-key formats that
/// have no business in a gateway policy either.
const PREFIXES: &[&str] = &[
    "sk-ant-",
    "zpka_",
    "tfk_",
    "cnp_live_",
    "cnp_test_",
    "sk-proj-",
    "sk_live_",
    "ghp_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "AKIA",
    "glpat-",
];
/// Characters after a prefix needed before it counts (so prose naming the prefix is not flagged).
const MIN_AFTER_PREFIX: usize = 8;
/// A run without separators this long, mixing letters and digits with high entropy, is a secret.
const MIN_GENERIC_RUN: usize = 28;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Byte range of the whole credential in the searched text.
    pub range: Range<usize>,
    /// How many leading bytes are safe to show (a vendor prefix, or `eyJ` of a JWT).
    pub visible: usize,
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/' | b'=' | b'~')
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Every credential-looking substring of `text`, in order, non-overlapping. Linear in the
/// length of `text`: every byte is visited a bounded number of times, whatever it holds.
pub fn find(text: &str) -> Vec<Credential> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token_byte(bytes[i]) {
            i += 1;
        }
        scan_token(bytes, start, i, &mut found);
    }
    found
}

/// The end of the run of key bytes starting at or containing `at`, cached: every run is
/// measured once, however many candidate starts it holds.
struct RunEnd {
    from: usize,
    end: usize,
}

impl RunEnd {
    fn of(&mut self, bytes: &[u8], at: usize, limit: usize) -> usize {
        if !(self.from <= at && at < self.end) {
            let mut end = at;
            while end < limit && is_key_byte(bytes[end]) {
                end += 1;
            }
            *self = RunEnd { from: at, end };
        }
        self.end
    }
}

fn scan_token(bytes: &[u8], start: usize, end: usize, found: &mut Vec<Credential>) {
    let mut segment = start;
    let mut offset = start;
    let (mut header, mut payload, mut signature) =
        (RunEnd { from: 0, end: 0 }, RunEnd { from: 0, end: 0 }, RunEnd { from: 0, end: 0 });
    while offset < end {
        // Candidates start the token or follow a separator (e.g. inside a URL).
        if offset > start && bytes[offset - 1].is_ascii_alphanumeric() {
            offset += 1;
            continue;
        }
        let rest = &bytes[offset..end];
        let matched = if let Some(prefix) = PREFIXES.iter().find(|p| rest.starts_with(p.as_bytes())) {
            let body_start = offset + prefix.len();
            let body_end = (body_start..end).find(|&j| !is_key_byte(bytes[j])).unwrap_or(end);
            (body_end - body_start >= MIN_AFTER_PREFIX)
                .then_some(Credential { range: offset..body_end, visible: prefix.len() })
        } else {
            None
        };
        let matched = matched.or_else(|| {
            jwt_end(bytes, offset, end, &mut header, &mut payload, &mut signature)
                .map(|jwt_end| Credential { range: offset..jwt_end, visible: 3 })
        });
        match matched {
            Some(credential) => {
                generic_runs(bytes, segment, credential.range.start, found);
                offset = credential.range.end;
                segment = offset;
                found.push(credential);
            }
            None => offset += 1,
        }
    }
    generic_runs(bytes, segment, end, found);
}

/// The end of a JWT (`eyJ….eyJ….sig`) starting at `offset`.
fn jwt_end(
    bytes: &[u8],
    offset: usize,
    end: usize,
    header: &mut RunEnd,
    payload: &mut RunEnd,
    signature: &mut RunEnd,
) -> Option<usize> {
    if !bytes[offset..end].starts_with(b"eyJ") {
        return None;
    }
    let header_end = header.of(bytes, offset, end);
    if header_end - offset < 10 || bytes.get(header_end) != Some(&b'.') || header_end + 1 >= end {
        return None;
    }
    let payload_start = header_end + 1;
    if !bytes[payload_start..end].starts_with(b"eyJ") {
        return None;
    }
    let payload_end = payload.of(bytes, payload_start, end);
    if payload_end - payload_start < 10 {
        return None;
    }
    if bytes.get(payload_end) == Some(&b'.') && payload_end < end {
        return Some(signature.of(bytes, payload_end + 1, end));
    }
    Some(payload_end)
}

/// Generic high-entropy runs between separators in `bytes[from..to]`.
fn generic_runs(bytes: &[u8], from: usize, to: usize, found: &mut Vec<Credential>) {
    let mut run_start = from;
    for j in from..=to {
        if j == to || matches!(bytes[j], b'-' | b'_' | b'.' | b'/' | b'~') {
            if looks_random(&bytes[run_start..j]) {
                found.push(Credential { range: run_start..j, visible: 0 });
            }
            run_start = j + 1;
        }
    }
}

/// Shannon entropy in bits per character.
fn entropy(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn looks_random(run: &[u8]) -> bool {
    if run.len() < MIN_GENERIC_RUN {
        return false;
    }
    let digits = run.iter().any(|b| b.is_ascii_digit());
    let letters = run.iter().any(|b| b.is_ascii_alphabetic());
    let hex_only = run.iter().all(|b| b.is_ascii_hexdigit());
    let threshold = if hex_only { 3.3 } else { 4.0 };
    digits && letters && entropy(run) >= threshold
}

pub fn looks_like_credential(text: &str) -> bool {
    !find(text).is_empty()
}

/// `text` with each credential shortened to its visible prefix and `****`: for messages.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for cred in find(text) {
        out.push_str(&text[last..cred.range.start]);
        out.push_str(&text[cred.range.start..cred.range.start + cred.visible]);
        out.push_str("****");
        last = cred.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// `text` with each credential's hidden part replaced by `*` of the same length,
/// so byte offsets stay valid: for source snippets under a diagnostic.
pub fn mask_in_place(text: &str) -> String {
    let creds = find(text);
    if creds.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for cred in creds {
        bytes[cred.range.start + cred.visible..cred.range.end].fill(b'*');
    }
    // Only ASCII bytes were replaced by ASCII, so the text stays UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANTHROPIC: &str = "sk-ant-api03-AbCdEf0123456789xyzXYZ-_AbCdEf0123456789";
    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

    #[test]
    fn vendor_prefixes_and_jwts_are_found() {
        for (text, visible) in [
            (ANTHROPIC, "sk-ant-"),
            ("zpka_0123456789abcdef", "zpka_"),
            ("tfk_abcdefghij12", "tfk_"),
            ("cnp_live_abcdefgh1234", "cnp_live_"),
            (JWT, "eyJ"),
        ] {
            let found = find(text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(&text[..found[0].visible], visible);
            assert_eq!(found[0].range, 0..text.len(), "{text}");
        }
    }

    #[test]
    fn high_entropy_tokens_are_found() {
        assert!(looks_like_credential("Zx9Qm2Lr7Tp4Wv8Ks1Nd6Hg3Jb5Yc0Fa"));
        assert!(looks_like_credential("key: 4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"));
    }

    #[test]
    fn ordinary_policy_values_are_not_credentials() {
        for text in [
            "vault:secret/claude-code#provider_key",
            "env:TEAM_PLATFORM_GATEWAY_KEY",
            "ECDHE-ECDSA-CHACHA20-POLY1305",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "https://dev-12345678.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9/v1/keys",
            "claude-sonnet-4-5-20250929",
            "the sk-ant- prefix marks Anthropic keys",
            "aws-sm:claude-code/ci-bot",
            "platform-security@example.com",
        ] {
            assert!(find(text).is_empty(), "{text}: {:?}", find(text));
        }
    }

    #[test]
    fn redact_keeps_only_the_prefix() {
        let text = format!("api_key: {ANTHROPIC} # and {JWT}");
        assert_eq!(redact(&text), "api_key: sk-ant-**** # and eyJ****");
    }

    #[test]
    fn mask_in_place_keeps_offsets() {
        let text = format!("a: {ANTHROPIC}\nb: 1");
        let masked = mask_in_place(&text);
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("a: sk-ant-*****"));
        assert!(!masked.contains("AbCdEf"));
        assert!(masked.ends_with("\nb: 1"));
    }

    #[test]
    fn hostile_runs_are_scanned_in_one_pass() {
        // Every candidate start re-measuring its run would make these quadratic.
        for unit in ["eyJ-", "eyJabcdefghijk.eyJ-", "sk-ant-", "a-", "zpka_x-"] {
            let text = unit.repeat(2_000_000 / unit.len());
            let started = std::time::Instant::now();
            let _ = find(&text);
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "{unit}");
        }
        let many = format!("{ANTHROPIC} ").repeat(50_000);
        assert_eq!(find(&many).len(), 50_000);
        let joined = format!("{ANTHROPIC}-").repeat(50_000);
        assert!(!find(&joined).is_empty());
    }

    #[test]
    fn credential_inside_a_url_is_found() {
        assert_eq!(redact("https://x.example/?k=sk-ant-abcdefgh12345"), "https://x.example/?k=sk-ant-****");
    }
}
