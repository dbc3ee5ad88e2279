//! Text: a miette report per finding, with the (masked) YAML snippet.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::Style;
use crate::check::{Finding, Report, Severity};

struct Shown<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<Arc<String>>>,
    help: Option<String>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    /// `error[tls-min-version]`: the severity in words, beside miette's glyph.
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{}[{}]", self.finding.severity.as_str(), self.finding.rule)))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let label = if f.path.is_root() { None } else { Some(f.path.to_string()) };
        let primary = LabeledSpan::new_primary_with_span(label, f.span);
        let related = f
            .related
            .iter()
            .filter(|r| Arc::ptr_eq(&r.source, &f.source))
            .map(|r| LabeledSpan::new_with_span(Some(r.label.clone()), r.span));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// Lines longer than this get no snippet: the finding is one `file:line:column` line instead.
/// (A one-line policy of megabytes would be printed once per finding, and miette cannot pad
/// past 65,535 columns.)
const MAX_SNIPPET_LINE: usize = 1000;

/// Whether every line the snippet of `finding` would show (its spans and a line of context
/// around them) is short enough to print.
fn snippet_fits(finding: &Finding) -> bool {
    let source = &finding.source;
    let spans = std::iter::once(finding.span)
        .chain(finding.related.iter().filter(|r| Arc::ptr_eq(&r.source, source)).map(|r| r.span));
    spans.into_iter().all(|span| {
        let first = source.line_col(span.start).0.saturating_sub(1).max(1);
        let last = (source.line_col(span.end).0 + 1).min(source.line_count());
        (first..=last).all(|line| source.line(line).len() <= MAX_SNIPPET_LINE)
    })
}

/// A source's text with every credential masked in place (offsets kept): patterns, and the
/// scalars lint found in credential positions or written with escapes.
fn masked_text(report: &Report, source: &Arc<crate::load::Source>) -> String {
    let mut text = crate::credentials::mask_in_place(&source.text);
    let spans = report.secret_spans.iter().filter(|(s, _)| Arc::ptr_eq(s, source)).flat_map(|(_, spans)| spans);
    for span in spans {
        if let Some(raw) = text.get(span.start..span.end) {
            // As many bytes as were there, so every finding's span still points where it did.
            let stars: String = raw.bytes().map(|b| if b == b'\n' { '\n' } else { '*' }).collect();
            text.replace_range(span.start..span.end, &stars);
        }
    }
    text
}

pub fn render(report: &Report, style: &Style) -> String {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(120).with_links(false);
    // Mask credentials in each source once; snippets show only the masked text.
    let mut masked: HashMap<*const crate::load::Source, Arc<String>> = HashMap::new();
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| f.is_active()) {
        let snippet = !finding.source.text.is_empty() && snippet_fits(finding);
        let source = snippet.then(|| {
            let text = masked
                .entry(Arc::as_ptr(&finding.source))
                .or_insert_with(|| Arc::new(masked_text(report, &finding.source)));
            NamedSource::new(finding.source.name.clone(), Arc::clone(text))
        });
        let elsewhere = finding.related.iter().filter(|r| !Arc::ptr_eq(&r.source, &finding.source)).map(|r| {
            let (line, column) = r.source.line_col(r.span.start);
            format!("{}: {}:{line}:{column}", r.label, r.source.name)
        });
        let help: Vec<String> = finding.help.iter().cloned().chain(elsewhere).collect();
        let shown = Shown { finding, source, help: (!help.is_empty()).then(|| help.join("\n")) };
        if shown.source.is_none() {
            out.push_str(&format!(
                "{}[{}]: {}: {}\n",
                finding.severity.as_str(),
                finding.rule,
                super::location(finding),
                finding.message
            ));
            continue;
        }
        let _ = handler.render_report(&mut out, &shown);
    }
    for skipped in &report.skipped {
        out.push_str(&format!("note: skipped {}: not a policy\n", skipped.file));
    }
    out.push_str(&super::summary_line(report));
    out.push('\n');
    out
}
