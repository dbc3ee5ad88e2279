//! Shared by render, diff and materialize (not a command): the policies they act on, as files
//! and folders linted together the way lint does; each policy's own state; and where its folder
//! is in a render layout (`DIR/<target>/…` for one policy, `DIR/<policy-name>/<target>/…` for
//! several).

use std::path::PathBuf;

use super::{PolicyOptions, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::check::{self, Loaded, Selection};
use crate::render::Target;
use crate::report::{self, Format};
use crate::severity::Severity;

/// The policies a command acts on, linted as one set (rules that span files run).
pub struct PolicySet {
    pub report: check::Report,
}

/// One file of the set.
pub struct Member<'a> {
    pub file: String,
    pub state: State<'a>,
}

pub enum State<'a> {
    /// Passed the lint gate: no error-level finding.
    Ready(&'a Loaded),
    /// Cannot be acted on: the exit code (1 findings, 2 unreadable) and why.
    Failed { code: u8, reason: String },
}

impl PolicySet {
    /// Lints `paths` (files and folders) as one set. No policy at all is exit 2, printed here.
    pub fn load(paths: &[PathBuf], options: &PolicyOptions) -> Result<PolicySet, u8> {
        let report = check::lint_paths(paths, &options.options(), Selection::Named);
        if report.files == 0 {
            crate::errln!("error: {}", super::no_policy_found(paths, &report));
            return Err(EXIT_USAGE);
        }
        Ok(PolicySet { report })
    }

    /// More than one policy: the layout nests each policy's targets under its name.
    pub fn several(&self) -> bool {
        self.report.files > 1
    }

    /// Each file in order, with its state. Two policies of one set may not share a name: each
    /// names a folder of the layout.
    pub fn members(&self) -> Vec<Member<'_>> {
        let report = &self.report;
        report
            .names
            .iter()
            .map(|file| {
                let findings = report.findings.iter().filter(|f| f.is_active() && &f.source.name == file);
                let unreadable = findings.clone().any(|f| f.rule == crate::rules::INPUT_UNREADABLE);
                let errors = findings.filter(|f| f.severity == Severity::Error).count();
                let loaded = report.policies.iter().find(|p| &p.source.name == file);
                let state = match loaded {
                    _ if unreadable => State::Failed { code: EXIT_USAGE, reason: "it cannot be read".into() },
                    Some(loaded) if errors == 0 => match self.namesake(loaded) {
                        Some(other) => State::Failed {
                            code: EXIT_FINDINGS,
                            reason: format!(
                                "its name `{}` is also the name of {other}: names differ within a set, each is a folder of the layout",
                                loaded.policy.name.0
                            ),
                        },
                        None => State::Ready(loaded),
                    },
                    _ => State::Failed {
                        code: EXIT_FINDINGS,
                        reason: format!("fix the {} in the lint report first", if errors == 1 { "error".to_string() } else { format!("{errors} errors") }),
                    },
                };
                Member { file: file.clone(), state }
            })
            .collect()
    }

    fn namesake(&self, loaded: &Loaded) -> Option<&str> {
        self.report
            .policies
            .iter()
            .find(|p| !std::ptr::eq(*p, loaded) && p.policy.name == loaded.policy.name)
            .map(|p| p.source.name.as_str())
    }

    /// Where a policy's target folders sit in a layout, relative to its root.
    pub fn folder(&self, loaded: &Loaded, target: Target) -> String {
        if self.several() {
            format!("{}/{target}", loaded.policy.name.0)
        } else {
            target.to_string()
        }
    }

    /// The lint report as text, when it has something to say (errors or warnings).
    pub fn lint_text(&self) -> Option<String> {
        let report = &self.report;
        let active = report.count(Severity::Error) + report.count(Severity::Warning) > 0;
        active.then(|| report::render(report, Format::Text, &report::Style { color: false }))
    }
}

/// The targets to act on for one policy: those named with `--target`, or else those it declares.
pub fn targets_for(loaded: &Loaded, named: &[Vec<Target>]) -> Result<Vec<Target>, String> {
    if !named.is_empty() {
        return Ok(super::chosen(named));
    }
    let declared = loaded.policy.targets.declared();
    if declared.is_empty() {
        return Err(format!(
            "{} declares no target: add the gateways it deploys to under `targets:` (e.g. `targets: {{nginx: {{}}}}`), or pass --target",
            loaded.source.name
        ));
    }
    Ok(declared)
}

/// The exit code of several results: 2 over 1 over 0.
pub fn worst(codes: impl IntoIterator<Item = u8>) -> u8 {
    codes.into_iter().max().unwrap_or(EXIT_CLEAN)
}
