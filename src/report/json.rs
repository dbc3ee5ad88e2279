//! JSON: `{"findings": [...], "summary": {...}}`, stable field names for tools.

use serde::Serialize;

use crate::check::{Report, Severity};

#[derive(Serialize)]
struct Output<'a> {
    findings: Vec<Item<'a>>,
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

pub fn render(report: &Report) -> String {
    let findings = report
        .findings
        .iter()
        .map(|f| {
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
        })
        .collect();
    let summary = Summary {
        files: report.files,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
        suppressed: report.suppressed(),
    };
    let mut text = serde_json::to_string_pretty(&Output { findings, summary }).expect("findings serialise");
    text.push('\n');
    text
}
