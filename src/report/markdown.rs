//! Markdown: a pull-request comment.

use super::{cell, code};
use crate::check::{Report, Severity};

pub fn render(report: &Report) -> String {
    let errors = report.count(Severity::Error);
    let icon = if errors > 0 {
        "❌"
    } else if report.count(Severity::Warning) > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let mut out = format!("### {icon} gatectl lint: {}\n\n", super::summary_line(report));
    let owners: Vec<String> = report
        .policies
        .iter()
        .filter_map(|p| p.policy.owner.as_ref().map(|o| format!("{}: {}", code(&p.source.name), cell(o))))
        .collect();
    if !owners.is_empty() {
        out.push_str(&format!("Owners: {}\n\n", owners.join(", ")));
    }
    let active: Vec<_> = report.findings.iter().filter(|f| f.is_active()).collect();
    if !active.is_empty() {
        out.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
        for f in active {
            let mut message = cell(&f.message);
            if let Some(help) = &f.help {
                message.push_str(&format!("<br>_{}_", cell(help)));
            }
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                f.severity.as_str(),
                f.rule,
                code(&super::location(f)),
                message
            ));
        }
    }
    let suppressed: Vec<_> = report.findings.iter().filter(|f| !f.is_active()).collect();
    if !suppressed.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} suppressed</summary>\n\n| Rule | Location | Reason |\n|---|---|---|\n",
            suppressed.len()
        ));
        for f in suppressed {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                f.rule,
                code(&super::location(f)),
                cell(f.suppressed.as_deref().unwrap_or_default())
            ));
        }
        out.push_str("\n</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cell, code};

    #[test]
    fn cells_keep_backticks_unless_one_is_unmatched() {
        assert_eq!(cell("`min_version` is below 1.2 | x"), "`min_version` is below 1.2 \\| x");
        assert_eq!(cell("a ` b"), "a \\` b");
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("a.yaml:1:2"), "`a.yaml:1:2`");
        assert_eq!(code("x``y"), "```x``y```");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
