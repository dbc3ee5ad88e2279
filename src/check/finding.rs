//! Findings: what every check produces and every output format prints.

use std::sync::Arc;

use crate::load::{Path, Source, Span};
pub use crate::severity::Severity;

/// A second place that explains a finding (the first definition of a duplicate, the other file).
#[derive(Clone, Debug)]
pub struct Related {
    pub source: Arc<Source>,
    pub span: Span,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// One line; already free of credential-looking text.
    pub message: String,
    pub source: Arc<Source>,
    pub span: Span,
    /// Where in the policy the problem is (`listener.tls.min_version`).
    pub path: Path,
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// The reason given by a `# gatectl:ignore` comment, if one covers this finding.
    pub suppressed: Option<String>,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        message: impl AsRef<str>,
        source: &Arc<Source>,
        span: Span,
        path: Path,
    ) -> Finding {
        Finding {
            rule,
            severity,
            message: crate::credentials::redact(message.as_ref()),
            source: Arc::clone(source),
            span,
            path,
            help: None,
            related: Vec::new(),
            suppressed: None,
        }
    }

    pub fn with_help(mut self, help: impl AsRef<str>) -> Finding {
        self.help = Some(crate::credentials::redact(help.as_ref()));
        self
    }

    pub fn with_related(mut self, related: Related) -> Finding {
        self.related.push(related);
        self
    }

    /// 1-based line and column of the finding's start.
    pub fn line_col(&self) -> (usize, usize) {
        self.source.line_col(self.span.start)
    }

    /// Counts toward the exit code: an unsuppressed error (or warning with `--deny-warnings`).
    pub fn is_active(&self) -> bool {
        self.suppressed.is_none()
    }
}
