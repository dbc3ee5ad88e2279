//! Report: findings are data; each output format is one file that only formats them.

pub mod diff;
mod json;
mod markdown;
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

/// Escapes a markdown table cell: pipes, line breaks and backticks cannot break out of it.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ").replace('`', "'")
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

/// `gatectl explain ID`.
pub fn explain(rule: &Rule) -> String {
    let mut out = format!("# {} — {}\n\nSeverity: {}\n", rule.id, rule.title, rule.severity.as_str());
    if !rule.seed.is_empty() {
        out.push_str(&format!("Source: {}\n", rule.seed));
    }
    if !rule.packs.is_empty() {
        out.push_str(&format!("Compliance packs: {}\n", rule.packs));
    }
    out.push('\n');
    out.push_str(rule.docs.trim());
    out.push('\n');
    out
}
