//! Check: a set of policy files → findings (YAML, schema, checklist, suppressions).

mod finding;
pub mod schema;
mod suppress;
mod targets;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

pub use finding::{Finding, Related, Severity};

use crate::load::{self, Node, Path, Source};
use crate::policy::{Pack, Policy};
use crate::rules::{self, Check, Context};

#[derive(Clone, Debug)]
pub struct Options {
    pub today: NaiveDate,
    /// Packs added on top of each policy's own `compliance`.
    pub packs: BTreeSet<Pack>,
}

impl Options {
    #[cfg(test)]
    pub fn for_tests() -> Options {
        Options { today: NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date"), packs: BTreeSet::new() }
    }
}

/// A policy that loaded and passed the schema.
pub struct Loaded {
    pub source: Arc<Source>,
    pub doc: Node,
    pub policy: Policy,
}

#[derive(Default)]
pub struct Report {
    pub files: usize,
    pub findings: Vec<Finding>,
    /// A file could not be read at all (exit code 2).
    pub unreadable: bool,
    pub policies: Vec<Loaded>,
    /// YAML files found in folders that are not policies.
    pub skipped: Vec<Skipped>,
    /// Every file linted, in order (unreadable ones last).
    pub names: Vec<String>,
    /// Per source, the spans of scalars that hold a credential (by position or pattern):
    /// snippets show them masked.
    pub secret_spans: Vec<(Arc<Source>, Vec<load::Span>)>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.is_active() && f.severity == severity).count()
    }
    pub fn suppressed(&self) -> usize {
        self.findings.iter().filter(|f| !f.is_active()).count()
    }
}

/// Which files a lint acts on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Files named on the command line are policies; files found in folders are linted when
    /// recognised as policies ([`load::discover`]).
    #[default]
    Named,
    /// Every file, named or found, is linted only when recognised as a policy: what a pre-commit
    /// hook passes (every staged YAML file of the repository).
    Recognised,
}

/// A YAML file that was not linted because it is not a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
}

/// Reads and lints files; unreadable ones become `input-unreadable` findings.
pub fn lint_paths(paths: &[PathBuf], options: &Options, selection: Selection) -> Report {
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    let mut skipped = Vec::new();
    for candidate in load::discover::candidates(paths) {
        let path = &candidate.path;
        // `-` is stdin, read with the same cap as a file.
        let read = if path.as_os_str() == "-" {
            load::read_stdin(load::MAX_FILE_BYTES).map(|text| Source::new("stdin", text))
        } else {
            load::read(path)
        };
        match read {
            Ok(source) => {
                let judged = !candidate.named || selection == Selection::Recognised;
                if judged && !load::discover::is_policy(&source.text) {
                    skipped.push(Skipped { file: source.name.clone() });
                } else {
                    sources.push(source);
                }
            }
            Err(err) => {
                let source = Source::new(path.display().to_string(), "");
                unreadable.push(Finding::new(
                    rules::INPUT_UNREADABLE,
                    Severity::Error,
                    err.to_string(),
                    &source,
                    load::Span::default(),
                    Path::root(),
                ));
            }
        }
    }
    let mut report = lint_sources(sources, options);
    report.files += unreadable.len();
    report.names.extend(unreadable.iter().map(|f| f.source.name.clone()));
    report.unreadable = !unreadable.is_empty();
    report.skipped = skipped;
    unreadable.append(&mut report.findings);
    report.findings = unreadable;
    report
}

/// Lints policies already in memory.
pub fn lint_sources(sources: Vec<Arc<Source>>, options: &Options) -> Report {
    let names = sources.iter().map(|s| s.name.clone()).collect();
    let mut report = Report { files: sources.len(), names, ..Report::default() };
    let mut docs = Vec::new();
    let mut checklist = Vec::new();
    for source in sources {
        let parsed = load::yaml::parse(&source);
        for rule in rules::RULES {
            if let Check::Text(check) = rule.check {
                let doc = parsed.as_ref().ok();
                checklist.extend(check(&source, doc).into_iter().map(|v| to_finding(rule, v, &source, doc)));
            }
        }
        match parsed {
            Err(err) => {
                let mut f =
                    Finding::new(rules::YAML_SYNTAX, Severity::Error, &err.message, &source, err.span, Path::root());
                if let Some(help) = &err.help {
                    f = f.with_help(help);
                }
                if let Some((span, label)) = err.related {
                    f = f.with_related(Related { source: Arc::clone(&source), span, label });
                }
                report.findings.push(f);
            }
            Ok(doc) => {
                report.secret_spans.push((Arc::clone(&source), register_secrets(&source, &doc)));
                match schema::validate(&doc, &source) {
                    Ok(policy) => {
                        report.findings.extend(targets::check(&policy, &doc, &source));
                        report.policies.push(Loaded { source: Arc::clone(&source), doc: doc.clone(), policy })
                    }
                    Err(mut findings) => report.findings.append(&mut findings),
                }
            }
        }
        docs.push(source);
    }

    let contexts: Vec<Context> = report
        .policies
        .iter()
        .map(|loaded| Context {
            policy: &loaded.policy,
            doc: &loaded.doc,
            source: &loaded.source,
            packs: loaded.policy.compliance.iter().chain(&options.packs).copied().collect(),
            today: options.today,
        })
        .collect();
    for rule in rules::RULES {
        match rule.check {
            Check::Policy(check) => {
                for cx in &contexts {
                    checklist.extend(check(cx).into_iter().map(|v| to_finding(rule, v, cx.source, Some(cx.doc))));
                }
            }
            Check::PolicySet(check) => {
                for set in check(&contexts) {
                    let cx = &contexts[set.policy];
                    let mut finding = to_finding(rule, set.violation, cx.source, Some(cx.doc));
                    for (other, path, label) in set.related {
                        let other = &contexts[other];
                        let span = schema::locate(other.doc, &path, other.source).0;
                        finding = finding.with_related(Related { source: Arc::clone(other.source), span, label });
                    }
                    checklist.push(finding);
                }
            }
            Check::Text(_) | Check::Builtin => {}
        }
    }
    drop(contexts);

    for source in &docs {
        let doc = report.policies.iter().find(|p| Arc::ptr_eq(&p.source, source)).map(|p| &p.doc);
        report.findings.extend(suppress::apply(source, doc, &mut checklist));
    }
    report.findings.append(&mut checklist);
    report.findings.sort_by(|a, b| (&a.source.name, a.span.start, a.rule).cmp(&(&b.source.name, b.span.start, b.rule)));
    report
}

/// Registers every credential of a parsed policy with the masking sink (its parsed value and
/// its text as written), and returns their spans for the snippets.
fn register_secrets(source: &Source, doc: &Node) -> Vec<load::Span> {
    let secrets = crate::policy::positions::secret_scalars(doc);
    for secret in &secrets {
        crate::sink::secret(&secret.value);
        crate::sink::secret(source.text.get(secret.span.start..secret.span.end).unwrap_or_default());
    }
    secrets.iter().map(|s| s.span).collect()
}

fn to_finding(rule: &rules::Rule, v: rules::Violation, source: &Arc<Source>, doc: Option<&Node>) -> Finding {
    let span = v.span.or_else(|| doc.map(|doc| schema::locate(doc, &v.path, source).0)).unwrap_or_default();
    let finding = Finding::new(rule.id, v.severity.unwrap_or(rule.severity), &v.message, source, span, v.path);
    match v.help {
        Some(help) => finding.with_help(help),
        None => finding,
    }
}
