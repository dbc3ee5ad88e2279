//! SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

use serde_json::{json, Value};

use crate::check::{Report, Severity};
use crate::rules::RULES;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.title},
                "help": {"text": r.docs, "markdown": r.docs},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"seed": r.seed, "packs": r.packs},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let (line, column) = f.line_col();
            let (end_line, end_column) = f.source.line_col(f.span.end);
            let mut message = f.message.clone();
            if let Some(help) = &f.help {
                message.push_str(&format!(" ({help})"));
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == f.rule),
                "level": level(f.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.source.name.replace('\\', "/")},
                        "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column.max(column)},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.path.to_string(), "kind": "member"}],
                }],
            });
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
            }
            result
        })
        .collect();
    let owners: Vec<Value> = report
        .policies
        .iter()
        .filter_map(|p| p.policy.owner.as_ref().map(|o| json!({"file": p.source.name, "owner": o})))
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gatectl",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/gatectl/gatectl",
                "rules": rules,
            }},
            "results": results,
            "properties": {"owners": owners},
        }],
    });
    let mut text = serde_json::to_string_pretty(&sarif).expect("SARIF serialises");
    text.push('\n');
    text
}
