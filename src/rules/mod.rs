//! The hardening checklist: one file per rule, registered once in [`RULES`].
//!
//! To add a rule: copy a small rule file (e.g. `tls_min_version.rs`), give it a
//! new ID (IDs are never reused), write its docs in the `## What it does /
//! ## Why is this bad? / ## Example / ## How to fix` form that `gatectl explain`
//! prints, add unit tests beside it, and list it in `RULES` below.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::load::{Node, Path, Source, Span};
use crate::policy::{Environment, Pack, Policy};
use crate::severity::Severity;

mod alerts_missing;
mod audit_bodies;
mod audit_disabled;
mod audit_redaction;
mod audit_retention;
mod auth_none;
mod builtin;
mod consumer_credential_kind;
mod consumer_duplicate;
mod environment_shared_secret;
mod gdpr_region;
mod headers_forward_credential;
mod headers_forward_missing;
mod mtls_cert_validity;
mod mtls_incomplete;
mod mtls_key_size;
mod network_invalid_cidr;
mod network_open_allowlist;
mod oauth2_incomplete;
mod oauth2_pkce;
mod oauth2_token_lifetime;
mod rate_limit_burst;
mod rate_limit_missing;
mod rate_limit_shared_state_tls;
mod rotation_issued_date;
mod rotation_key_age;
mod rotation_period;
mod secret_inline;
mod secret_reference_invalid;
mod streaming_buffered;
mod tls_hsts;
mod tls_min_version;
mod tls_missing;
mod tls_weak_cipher;
mod upstream_plain_http;

pub use builtin::{
    GAP_ACCEPTANCE_UNUSED, INPUT_UNREADABLE, SCHEMA_VIOLATION, SUPPRESSION_INVALID, SUPPRESSION_UNUSED,
    TARGET_SETTING_MISSING, UNKNOWN_KEY, YAML_SYNTAX,
};

/// Every rule, in the order `gatectl rules` lists them. IDs are stable and never reused.
pub static RULES: &[&Rule] = &[
    &builtin::INPUT_UNREADABLE_RULE,
    &builtin::YAML_SYNTAX_RULE,
    &builtin::SCHEMA_VIOLATION_RULE,
    &builtin::UNKNOWN_KEY_RULE,
    &builtin::SUPPRESSION_INVALID_RULE,
    &builtin::SUPPRESSION_UNUSED_RULE,
    &builtin::TARGET_SETTING_MISSING_RULE,
    &builtin::GAP_ACCEPTANCE_UNUSED_RULE,
    &secret_inline::RULE,
    &secret_reference_invalid::RULE,
    &environment_shared_secret::RULE,
    &tls_missing::RULE,
    &tls_min_version::RULE,
    &tls_weak_cipher::RULE,
    &tls_hsts::RULE,
    &auth_none::RULE,
    &oauth2_incomplete::RULE,
    &oauth2_pkce::RULE,
    &oauth2_token_lifetime::RULE,
    &mtls_incomplete::RULE,
    &mtls_key_size::RULE,
    &mtls_cert_validity::RULE,
    &consumer_credential_kind::RULE,
    &consumer_duplicate::RULE,
    &rate_limit_missing::RULE,
    &rate_limit_burst::RULE,
    &rate_limit_shared_state_tls::RULE,
    &network_open_allowlist::RULE,
    &network_invalid_cidr::RULE,
    &audit_disabled::RULE,
    &audit_redaction::RULE,
    &audit_bodies::RULE,
    &audit_retention::RULE,
    &rotation_period::RULE,
    &rotation_key_age::EXPIRED_RULE,
    &rotation_key_age::EXPIRING_RULE,
    &rotation_issued_date::RULE,
    &headers_forward_credential::RULE,
    &headers_forward_missing::RULE,
    &upstream_plain_http::RULE,
    &streaming_buffered::RULE,
    &alerts_missing::RULE,
    &gdpr_region::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// A rule: its identity, its documentation and its check.
pub struct Rule {
    /// Stable, readable ID (`tls-min-version`), used in output and suppressions.
    pub id: &'static str,
    /// Severity without compliance packs: MUST in the seeds → error, SHOULD → warning.
    pub severity: Severity,
    /// One line, shown by `gatectl rules`.
    pub title: &'static str,
    /// The seed document and section the rule comes from.
    pub seed: &'static str,
    /// What the seed says, verbatim (whitespace aside): the seeds are not shipped, so `gatectl
    /// explain` and docs/checklist.md quote them. A test checks each excerpt is in the section.
    pub quote: &'static [&'static str],
    /// How compliance packs change the rule ("" when they do not).
    pub packs: &'static str,
    /// Long explanation (markdown): What it does / Why is this bad? / Example / How to fix.
    pub docs: &'static str,
    pub check: Check,
}

pub enum Check {
    /// Looks at the raw text of every readable file, whether or not it is valid YAML
    /// or passes the schema (the tree is given when the YAML parsed).
    Text(fn(&Source, Option<&Node>) -> Vec<Violation>),
    /// Looks at one policy that passed the schema.
    Policy(fn(&Context) -> Vec<Violation>),
    /// Looks at every policy linted together (a folder).
    PolicySet(fn(&[Context]) -> Vec<SetViolation>),
    /// Reported by the loader, the schema or the suppression pass, not by a check.
    Builtin,
}

/// What a rule sees of one policy.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub doc: &'a Node,
    pub source: &'a Arc<Source>,
    /// The policy's own `compliance` packs plus those given with `--pack`.
    pub packs: BTreeSet<Pack>,
    /// The date rotation checks count from.
    pub today: NaiveDate,
}

impl Context<'_> {
    pub fn has_pack(&self, pack: Pack) -> bool {
        self.packs.contains(&pack)
    }
    pub fn environment(&self) -> Environment {
        self.policy.environment
    }
    pub fn is_production(&self) -> bool {
        self.policy.environment == Environment::Production
    }
    pub fn is_development(&self) -> bool {
        self.policy.environment == Environment::Development
    }
    /// For controls production must have: an error in production, a warning in
    /// staging (it should rehearse production), nothing in development.
    pub fn production_severity(&self) -> Option<Severity> {
        match self.policy.environment {
            Environment::Production => Some(Severity::Error),
            Environment::Staging => Some(Severity::Warning),
            Environment::Development => None,
        }
    }
}

/// One thing a rule found: data only; the engine locates and formats it.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The policy field at fault (may not exist, e.g. a missing section).
    pub path: Path,
    pub message: String,
    pub help: Option<String>,
    /// Overrides the rule's severity (e.g. stricter under a compliance pack).
    pub severity: Option<Severity>,
    /// Exact text to point at, when the path is not precise enough.
    pub span: Option<Span>,
}

impl Violation {
    pub fn new(path: &str, message: impl Into<String>) -> Violation {
        Violation::at(Path::parse(path), message)
    }
    pub fn at(path: Path, message: impl Into<String>) -> Violation {
        Violation { path, message: message.into(), help: None, severity: None, span: None }
    }
    pub fn help(mut self, help: impl Into<String>) -> Violation {
        self.help = Some(help.into());
        self
    }
    pub fn severity(mut self, severity: Severity) -> Violation {
        self.severity = Some(severity);
        self
    }
    pub fn span(mut self, span: Span) -> Violation {
        self.span = Some(span);
        self
    }
}

/// A finding of a rule that spans files.
#[derive(Debug, Clone)]
pub struct SetViolation {
    /// Index of the policy the finding belongs to.
    pub policy: usize,
    pub violation: Violation,
    /// Where else the problem shows: (policy index, path, label).
    pub related: Vec<(usize, Path, String)>,
}

/// Test support: lint a YAML text and keep what one rule found.
#[cfg(test)]
pub mod testing {
    use crate::check::{lint_sources, Finding, Options};
    use crate::load::Source;

    /// A clean production policy the rule tests edit.
    pub const BASE: &str = include_str!("../../tests/fixtures/base-production.yaml");

    pub fn run(rule: &str, yaml: &str) -> Vec<Finding> {
        run_with(rule, yaml, &Options::for_tests())
    }

    pub fn run_with(rule: &str, yaml: &str, options: &Options) -> Vec<Finding> {
        let report = lint_sources(vec![Source::new("test.yaml", yaml)], options);
        let schema_errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule == "schema-violation" || f.rule == "unknown-key" || f.rule == "yaml-syntax")
            .map(|f| f.message.clone())
            .collect();
        assert!(schema_errors.is_empty(), "test policy is not schema-valid: {schema_errors:?}");
        report.findings.into_iter().filter(|f| f.rule == rule).collect()
    }

    /// `BASE` with the line containing `from` replaced by `to` (which may be several lines).
    pub fn base_with(from: &str, to: &str) -> String {
        assert!(BASE.contains(from), "fixture has no `{from}`");
        BASE.replacen(from, to, 1)
    }

    /// 1-based lines of the findings.
    pub fn lines(findings: &[Finding]) -> Vec<usize> {
        findings.iter().map(|f| f.line_col().0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_readable() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert!(ids.iter().all(|id| id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')));
        ids.sort_unstable();
        let count = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), count, "duplicate rule ID");
    }

    #[test]
    fn every_checklist_rule_is_documented_and_sourced() {
        for rule in RULES.iter().filter(|r| !matches!(r.check, Check::Builtin)) {
            for section in ["## What it does", "## Why is this bad?", "## Example", "## How to fix"] {
                assert!(rule.docs.contains(section), "{} lacks `{section}`", rule.id);
            }
            assert!(!rule.title.is_empty() && !rule.title.contains("TODO"), "{}", rule.id);
            let (file, section) =
                rule.seed.split_once(" § ").unwrap_or_else(|| panic!("{}: seed `{}`", rule.id, rule.seed));
            assert!(file.ends_with(".md") && !section.is_empty(), "{}", rule.id);
        }
    }

    /// The seed sections rules cite exist and hold the rules' quotes, when the seed documents are
    /// beside the repo (as in CI). A section name may head several sections (one per pattern in
    /// auth-token-setup.md): the quote must be in one of them.
    #[test]
    fn cited_seed_sections_exist_and_hold_the_quotes() {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        if !shared.join("seeds").is_dir() {
            #[allow(clippy::disallowed_macros)]
            {
                eprintln!("skipped: {} not present", shared.join("seeds").display());
            }
            return;
        }
        let squash = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        for rule in RULES.iter().filter(|r| !r.seed.is_empty()) {
            let (file, section) = rule.seed.split_once(" § ").unwrap_or((rule.seed, ""));
            let path = if file == "policy-spec.md" { shared.join(file) } else { shared.join("seeds").join(file) };
            let text =
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {}: {e}", rule.id, path.display()));
            let sections = if section.is_empty() { vec![text.clone()] } else { sections(&text, section) };
            assert!(!sections.is_empty(), "{}: no heading `{section}` in {file}", rule.id);
            assert!(!rule.quote.is_empty(), "{}: cites {} but quotes nothing", rule.id, rule.seed);
            for quote in rule.quote {
                assert!(
                    sections.iter().any(|s| squash(s).contains(&squash(quote))),
                    "{}: {quote:?} is not in {}",
                    rule.id,
                    rule.seed
                );
            }
        }
    }

    /// The text under every heading named `name`, up to the next heading of its level or above;
    /// `#` lines inside fenced code are not headings.
    fn sections(text: &str, name: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut current: Option<(usize, String)> = None;
        let mut fenced = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            let level = line.bytes().take_while(|b| *b == b'#').count();
            let heading = !fenced && level > 0 && line[level..].starts_with(' ');
            if heading {
                if let Some((open, body)) = current.take() {
                    if level > open {
                        current = Some((open, body + line + "\n"));
                        continue;
                    }
                    found.push(body);
                }
                if line[level..].trim() == name {
                    current = Some((level, String::new()));
                }
                continue;
            }
            if let Some((_, body)) = current.as_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        found.extend(current.map(|(_, body)| body));
        found
    }
}
