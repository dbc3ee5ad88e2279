//! JSON: `{"findings": [...], "summary": {...}}`, stable field names for tools.

use serde::Serialize;

use crate::check::{Finding, Report, Severity};

#[derive(Serialize)]
struct Output<'a> {
    findings: Vec<Item<'a>>,
    /// YAML files found in folders that are not policies.
    skipped: Vec<&'a str>,
    summary: Summary,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    suppressed: usize,
}

fn item(f: &Finding) -> Item<'_> {
    let (line, column) = f.line_col();
    Item {
        rule: f.rule,
        severity: f.severity,
        message: &f.message,
        file: &f.source.name,
        line,
        column,
        path: f.path.to_string(),
        help: f.help.as_deref(),
        suppressed: f.suppressed.is_some(),
        suppression_reason: f.suppressed.as_deref(),
    }
}

/// One finding as lint's json prints it (for the reports of other commands).
pub fn finding(f: &Finding) -> serde_json::Value {
    serde_json::to_value(item(f)).expect("a finding serialises")
}

pub fn render(report: &Report) -> String {
    let findings = report.findings.iter().map(item).collect();
    let summary = Summary {
        files: report.files,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
        suppressed: report.suppressed(),
    };
    let skipped = report.skipped.iter().map(|s| s.file.as_str()).collect();
    let mut text = serde_json::to_string_pretty(&Output { findings, skipped, summary }).expect("findings serialise");
    text.push('\n');
    text
}
