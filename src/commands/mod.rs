//! One module per subcommand: its clap arguments and its `run` function. What several
//! commands share (exit codes, policy options, target choice) lives here once; the policy set
//! render, diff and materialize act on (their lint gate) lives in [`set`].

pub mod completions;
pub mod diff;
pub mod explain;
pub mod init;
pub mod lint;
pub mod man;
pub mod materialize;
pub mod render;
pub mod rules;
pub mod schema;
pub mod set;
pub mod targets;
pub mod verify;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use clap::Args;

use crate::check::{self, Options};
use crate::policy::Pack;
use crate::render::{self as renderer, Target};

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Writes to stdout through the masking sink ([`crate::sink`]).
pub fn print(text: &str) -> u8 {
    crate::sink::out(text);
    EXIT_CLEAN
}

/// Options that decide how a policy is judged; shared by every command that reads policies.
#[derive(Args)]
pub struct PolicyOptions {
    /// The date rotation checks count from (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Compliance pack to add on top of each policy's own `compliance` (repeatable).
    #[arg(long = "pack", value_enum)]
    pub packs: Vec<Pack>,
}

impl PolicyOptions {
    pub fn options(&self) -> Options {
        Options {
            today: self.today.unwrap_or_else(|| chrono::Utc::now().date_naive()),
            packs: self.packs.iter().copied().collect::<BTreeSet<_>>(),
        }
    }
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| format!("`{text}` is not a date (YYYY-MM-DD): {e}"))
}

/// `--target` values: one target name, or `all`.
pub fn parse_target(text: &str) -> Result<Vec<Target>, String> {
    if text == "all" {
        return Ok(Target::ALL.to_vec());
    }
    <Target as clap::ValueEnum>::from_str(text, true).map(|t| vec![t]).map_err(|_| {
        let names: Vec<&str> = Target::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown target `{text}`; expected one of: {}, all", names.join(", "))
    })
}

/// The targets named on the command line, each once, in a stable order.
pub fn chosen(targets: &[Vec<Target>]) -> Vec<Target> {
    let mut targets: Vec<Target> = targets.iter().flatten().copied().collect();
    targets.sort();
    targets.dedup();
    targets
}

/// Why a set of paths gave no policy to act on (exit 2): a wrong path in CI must not pass.
pub fn no_policy_found(paths: &[std::path::PathBuf], report: &check::Report) -> String {
    let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    let mut message = format!(
        "no policy found in {} (folders are searched recursively for *.yaml and *.yml files, skipping hidden ones",
        names.join(", ")
    );
    if !report.skipped.is_empty() {
        let n = report.skipped.len();
        message.push_str(&format!("; {n} YAML file{} not a policy", if n == 1 { " is" } else { "s are" }));
    }
    message.push(')');
    message
}

/// Lints one policy for a command that acts on exactly one (verify): on findings at error level,
/// prints them and says why not (exit 1, or 2 for input that cannot be read or holds no policy).
pub fn lint_gate(policy: &Path, options: &PolicyOptions, doing: &str) -> Result<check::Loaded, u8> {
    let paths = [policy.to_path_buf()];
    let mut report = check::lint_paths(&paths, &options.options(), check::Selection::Named);
    if report.unreadable || report.count(crate::severity::Severity::Error) > 0 {
        let text = crate::report::render(&report, crate::report::Format::Text, &crate::report::Style { color: false });
        crate::sink::err(&text);
        crate::errln!("error: not {doing} {}: fix the findings above first", policy.display());
        return Err(if report.unreadable { EXIT_USAGE } else { EXIT_FINDINGS });
    }
    if report.policies.len() > 1 {
        crate::errln!("error: {} holds {} policies: name one policy file", policy.display(), report.policies.len());
        return Err(EXIT_USAGE);
    }
    report.policies.pop().ok_or_else(|| {
        crate::errln!("error: {}", no_policy_found(&paths, &report));
        EXIT_USAGE
    })
}

pub fn load_templates(dir: Option<&Path>) -> Result<renderer::Templates, u8> {
    renderer::Templates::load(dir).map_err(|err| {
        crate::errln!("error: cannot load templates: {err}");
        EXIT_USAGE
    })
}

/// Renders every target in memory: a failure returns before anything is written.
pub fn render_all(cx: &renderer::Context, targets: &[Target]) -> Result<Vec<renderer::Rendered>, String> {
    renderer::render_each(cx, targets).into_iter().map(|r| r.map_err(|e| e.to_string())).collect()
}
