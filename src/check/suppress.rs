//! Inline suppressions: `# gatectl:ignore RULE-ID[, RULE-ID] -- reason`, on the
//! offending line or on its parent key's line. The reason is required, and a
//! suppression that matches nothing is reported.

use std::sync::Arc;

use super::schema::locate;
use super::{Finding, Severity};
use crate::load::{Node, Path, Source, Span};
use crate::rules::{self, Check};

const MARKER: &str = "gatectl:ignore";

struct Suppression {
    line: usize,
    span: Span,
    rules: Vec<String>,
    reason: String,
    used: bool,
}

/// Marks the findings of `source` that a suppression covers, and returns
/// findings about the suppressions themselves (invalid or unused).
pub fn apply(source: &Arc<Source>, doc: Option<&Node>, findings: &mut [Finding]) -> Vec<Finding> {
    let mut problems = Vec::new();
    let mut suppressions = Vec::new();
    for line in 1..=source.line_count() {
        let text = source.line(line);
        let Some(col) = comment_marker(text) else {
            continue;
        };
        let start = source.line_start(line) + col;
        let span = Span::new(start, source.line_start(line) + text.len());
        let body = text[col..].trim_start_matches('#').trim_start().trim_start_matches(MARKER);
        let (ids, reason) = body.split_once("--").map_or((body, ""), |(ids, reason)| (ids, reason.trim()));
        let ids: Vec<String> =
            ids.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        let invalid = |message: String, help: &str| {
            Finding::new(rules::SUPPRESSION_INVALID, Severity::Error, message, source, span, Path::root())
                .with_help(help)
        };
        if ids.is_empty() {
            problems.push(invalid("suppression names no rule".into(), "write `# gatectl:ignore RULE-ID -- reason`"));
            continue;
        }
        if reason.is_empty() {
            problems.push(invalid(
                format!("suppression of {} gives no reason", ids.join(", ")),
                "add ` -- why this is acceptable` after the rule IDs",
            ));
            continue;
        }
        if let Some(unknown) =
            ids.iter().find(|id| !rules::find(id).is_some_and(|r| !matches!(r.check, Check::Builtin)))
        {
            let help = match rules::find(unknown) {
                Some(_) => "schema and syntax errors cannot be suppressed: fix the policy".to_string(),
                None => "`gatectl rules` lists the rule IDs".to_string(),
            };
            problems.push(invalid(format!("suppression names `{unknown}`, which is not a checklist rule"), &help));
            continue;
        }
        suppressions.push(Suppression { line, span, rules: ids, reason: reason.to_string(), used: false });
    }

    for finding in findings.iter_mut().filter(|f| Arc::ptr_eq(&f.source, source)) {
        let own_line = source.line_col(finding.span.start).0;
        let parent_line = doc.zip(finding.path.parent()).and_then(|(doc, parent)| {
            let (span, exists) = locate(doc, &parent, source);
            (exists && !parent.is_root()).then(|| source.line_col(span.start).0)
        });
        if let Some(s) = suppressions.iter_mut().find(|s| {
            (s.line == own_line || Some(s.line) == parent_line)
                && s.rules.iter().any(|r| r.eq_ignore_ascii_case(finding.rule))
        }) {
            s.used = true;
            finding.suppressed = Some(s.reason.clone());
        }
    }
    for s in suppressions.iter().filter(|s| !s.used) {
        problems.push(
            Finding::new(
                rules::SUPPRESSION_UNUSED,
                Severity::Warning,
                format!("suppression of {} matches no finding", s.rules.join(", ")),
                source,
                s.span,
                Path::root(),
            )
            .with_help("remove the comment, or move it to the line of the finding or its parent key"),
        );
    }
    problems
}

/// Column of a `# gatectl:ignore` comment: a `#` at line start or after whitespace.
fn comment_marker(line: &str) -> Option<usize> {
    line.match_indices('#')
        .map(|(i, _)| i)
        .find(|&i| (i == 0 || line[..i].ends_with([' ', '\t'])) && line[i + 1..].trim_start().starts_with(MARKER))
}

#[cfg(test)]
mod tests {
    use super::comment_marker;

    #[test]
    fn markers_are_found_only_in_comments() {
        assert_eq!(comment_marker("a: 1  # gatectl:ignore x -- y"), Some(6));
        assert_eq!(comment_marker("# gatectl:ignore x -- y"), Some(0));
        assert_eq!(comment_marker("a: b#gatectl:ignore"), None);
        assert_eq!(comment_marker("a: 1 # plain comment"), None);
    }
}
