//! One module per subcommand: its clap arguments and its `run` function. What several
//! commands share (exit codes, policy options, the lint gate, target choice) lives here once.

pub mod diff;
pub mod explain;
pub mod lint;
pub mod materialize;
pub mod render;
pub mod rules;
pub mod schema;
pub mod targets;
pub mod verify;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use clap::Args;

use crate::check::{self, Options};
use crate::policy::Pack;
use crate::render::{self as renderer, Target};
use crate::report::{self, Format};
use crate::severity::Severity;

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

fn parse_date(text: &str) -> Result<NaiveDate, String> {
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

/// Lints one policy for a command that acts on it; on findings at error level, prints them and says why not.
pub fn lint_gate(policy: &Path, options: &PolicyOptions, doing: &str) -> Result<check::Loaded, u8> {
    let mut report = check::lint_paths(&[policy.to_path_buf()], &options.options());
    if report.unreadable || report.count(Severity::Error) > 0 {
        crate::sink::err(&report::render(&report, Format::Text, &report::Style { color: false }));
        crate::errln!("error: not {doing} {}: fix the findings above first", policy.display());
        return Err(if report.unreadable { EXIT_USAGE } else { EXIT_FINDINGS });
    }
    report.policies.pop().ok_or(EXIT_USAGE)
}

pub fn load_templates(dir: Option<&Path>) -> Result<renderer::Templates, u8> {
    renderer::Templates::load(dir).map_err(|err| {
        crate::errln!("error: cannot load templates: {err}");
        EXIT_USAGE
    })
}

/// Renders every target in memory: a failure returns before anything is written.
pub fn render_all(cx: &renderer::Context, targets: &[Target]) -> Result<Vec<renderer::Rendered>, String> {
    targets.iter().map(|t| t.render(cx).map_err(|e| e.to_string())).collect()
}
