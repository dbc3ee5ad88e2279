//! `gatectl lint`: the JSON Schema and the hardening checklist, for pre-commit and CI.

use std::path::PathBuf;

use clap::Args;

use super::{print, PolicyOptions, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::check;
use crate::report::{self, Format};
use crate::severity::Severity;

#[derive(Args)]
pub struct LintArgs {
    /// Policy files or folders (folders: every *.yaml / *.yml in them).
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyOptions,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: &LintArgs) -> u8 {
    let report = check::lint_paths(&args.paths, &args.policy.options());
    let style = report::Style::detect();
    print(&report::render(&report, args.format, &style));
    if report.unreadable {
        EXIT_USAGE
    } else if report.count(Severity::Error) > 0 || (args.deny_warnings && report.count(Severity::Warning) > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
