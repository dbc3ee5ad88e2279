//! Report: findings are data; each output format is one file that only formats them.

pub mod diff;
pub mod docs;
pub mod json;
mod markdown;
pub mod render;
mod sarif;
mod text;
pub mod verify;

use crate::check::{Finding, Report, Severity};
use crate::rules::{Rule, RULES};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable report with the YAML snippet (miette).
    Text,
    /// `{"findings": [...], "summary": {...}}` for tools.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// A pull-request comment.
    Markdown,
}

/// Terminal styling for the text format.
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour only on a terminal, and never when NO_COLOR is set.
    pub fn detect() -> Style {
        Style { color: crate::sink::stdout_is_terminal() && std::env::var_os("NO_COLOR").is_none() }
    }
}

pub fn render(report: &Report, format: Format, style: &Style) -> String {
    match format {
        Format::Text => text::render(report, style),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Markdown => markdown::render(report),
    }
}

/// Escapes a markdown table cell: pipes and line breaks cannot break out of it. Backticks are
/// kept, so `field` names show as code; an odd number of them (one unmatched) is escaped
/// instead, so it cannot turn the rest of the row into code.
pub fn cell(text: &str) -> String {
    let text = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    if text.matches('`').count() % 2 == 1 {
        text.replace('`', "\\`")
    } else {
        text
    }
}

/// A code span in a markdown table cell that holds any text: a fence longer than any backtick
/// run inside, padded when the text starts or ends with one; pipes escaped, line breaks as spaces.
pub fn code(text: &str) -> String {
    let text = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// "2 errors, 1 warning (1 suppressed) in 3 files".
pub fn summary_line(report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning")
    );
    if report.suppressed() > 0 {
        line.push_str(&format!(" ({} suppressed)", report.suppressed()));
    }
    line.push_str(&format!(" in {}", plural(report.files, "file")));
    line
}

/// `file:line:column` of a finding.
pub fn location(finding: &Finding) -> String {
    let (line, column) = finding.line_col();
    format!("{}:{line}:{column}", finding.source.name)
}

/// `gatectl rules`: one line per rule.
pub fn rules_table() -> String {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in RULES {
        out.push_str(&format!("{:width$}  {:7}  {}\n", rule.id, rule.severity.as_str(), rule.title));
    }
    out
}

/// `gatectl explain ID`: the rule's documentation, with its source quoted (the seed documents
/// are not shipped; docs/checklist.md holds every rule's).
pub fn explain(rule: &Rule) -> String {
    let mut out = format!("# {} — {}\n\nSeverity: {}\n", rule.id, rule.title, rule.severity.as_str());
    if !rule.packs.is_empty() {
        out.push_str(&format!("Compliance packs: {}\n", rule.packs));
    }
    out.push('\n');
    out.push_str(&docs::source(rule));
    out.push_str(rule.docs.trim());
    out.push_str(&format!("\n\nEvery rule and its source: docs/checklist.md#{}\n", rule.id));
    out
}
