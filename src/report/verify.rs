//! The output formats of `gatectl verify`: text (a table), json, JUnit XML, markdown.

use crate::verify::{Report, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    /// A table: status, check, policy field, detail.
    Text,
    /// `{"checks": [{"id", "field", "status", "detail"}], "summary": {"pass", "fail", "skip"}}`.
    Json,
    /// JUnit XML, for CI dashboards: a skipped check is `<skipped>`, never a pass.
    Junit,
    /// A pull-request comment.
    Markdown,
}

pub fn render(report: &Report, format: VerifyFormat, style: &super::Style) -> String {
    match format {
        VerifyFormat::Text => text(report, style),
        VerifyFormat::Json => json(report),
        VerifyFormat::Junit => junit(report),
        VerifyFormat::Markdown => markdown(report),
    }
}

/// "9 passed, 1 failed, 2 skipped".
fn summary(report: &Report) -> String {
    format!(
        "{} passed, {} failed, {} skipped",
        report.count(Status::Pass),
        report.count(Status::Fail),
        report.count(Status::Skip)
    )
}

fn heading(report: &Report) -> String {
    let target = report.target.map_or(String::new(), |t| format!(" (target {t})"));
    format!("gatectl verify {} against {}{target}", report.policy, report.url)
}

fn text(report: &Report, style: &super::Style) -> String {
    let paint = |code: &str, s: &str| if style.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let id_width = report.verdicts.iter().map(|v| v.check.id.len()).max().unwrap_or(0);
    let field_width = report.verdicts.iter().map(|v| v.check.field.len()).max().unwrap_or(0);
    let mut out = format!("{}\n\n", heading(report));
    for verdict in &report.verdicts {
        let status = verdict.outcome.status;
        let colour = match status {
            Status::Pass => "32",
            Status::Fail => "31",
            Status::Skip => "33",
        };
        out.push_str(&format!(
            "{}  {:id_width$}  {:field_width$}  {}\n",
            paint(colour, status.as_str()),
            verdict.check.id,
            verdict.check.field,
            verdict.outcome.detail.replace(['\n', '\r'], " ")
        ));
    }
    out.push_str(&format!("\n{}\n", summary(report)));
    out
}

fn json(report: &Report) -> String {
    let checks: Vec<serde_json::Value> = report
        .verdicts
        .iter()
        .map(|v| {
            serde_json::json!({
                "id": v.check.id,
                "field": v.check.field,
                "status": v.outcome.status,
                "detail": v.outcome.detail,
            })
        })
        .collect();
    let value = serde_json::json!({
        "checks": checks,
        "summary": {
            "pass": report.count(Status::Pass),
            "fail": report.count(Status::Fail),
            "skip": report.count(Status::Skip),
        },
    });
    let mut text = serde_json::to_string_pretty(&value).expect("JSON serialises");
    text.push('\n');
    text
}

/// Escapes text for an XML attribute or element; characters XML 1.0 cannot hold are dropped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn junit(report: &Report) -> String {
    let (tests, failures, skipped) = (report.verdicts.len(), report.count(Status::Fail), report.count(Status::Skip));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"gatectl verify\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
        xml(&heading(report))
    ));
    for verdict in &report.verdicts {
        let (id, field, detail) = (xml(verdict.check.id), xml(verdict.check.field), xml(&verdict.outcome.detail));
        out.push_str(&format!("    <testcase classname=\"gatectl.verify.{field}\" name=\"{id}\">\n"));
        match verdict.outcome.status {
            Status::Pass => out.push_str(&format!("      <system-out>{detail}</system-out>\n")),
            Status::Fail => out.push_str(&format!("      <failure message=\"{detail}\">{field}: {detail}</failure>\n")),
            Status::Skip => out.push_str(&format!("      <skipped message=\"{detail}\"/>\n")),
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn markdown(report: &Report) -> String {
    let icon = if report.count(Status::Fail) > 0 { "❌" } else { "✅" };
    let cell = super::cell;
    let mut out = format!("### {icon} {}: {}\n\n", cell(&heading(report)), summary(report));
    out.push_str("| | Check | Policy field | Detail |\n|---|---|---|---|\n");
    for verdict in &report.verdicts {
        let mark = match verdict.outcome.status {
            Status::Pass => "✅ pass",
            Status::Fail => "❌ fail",
            Status::Skip => "⏭️ skip",
        };
        out.push_str(&format!(
            "| {mark} | `{}` | `{}` | {} |\n",
            verdict.check.id,
            verdict.check.field,
            cell(&verdict.outcome.detail)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(xml("a<b>&\"c'\u{1}d"), "a&lt;b&gt;&amp;&quot;c&apos;d");
    }
}
