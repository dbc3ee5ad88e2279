//! `gatectl lint`: the JSON Schema and the hardening checklist, for pre-commit and CI.

use std::path::PathBuf;

use clap::Args;

use super::{print, PolicyOptions, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::check::{self, Selection};
use crate::report::{self, Format};
use crate::severity::Severity;

#[derive(Args)]
pub struct LintArgs {
    /// Policy files or folders (folders are searched recursively for policies in *.yaml / *.yml files).
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyOptions,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Lint only the files that are policies, named ones included, and finding none is no error
    /// (for the pre-commit hook, which passes every staged YAML file).
    #[arg(long)]
    policies_only: bool,
}

pub fn run(args: &LintArgs) -> u8 {
    let selection = if args.policies_only { Selection::Recognised } else { Selection::Named };
    let report = check::lint_paths(&args.paths, &args.policy.options(), selection);
    let style = report::Style::detect();
    print(&report::render(&report, args.format, &style));
    if report.unreadable {
        EXIT_USAGE
    } else if report.files == 0 && !args.policies_only {
        crate::errln!("error: {}", super::no_policy_found(&args.paths, &report));
        EXIT_USAGE
    } else if report.count(Severity::Error) > 0 || (args.deny_warnings && report.count(Severity::Warning) > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
