//! `gatectl rules`: every rule's ID, severity and title, or the whole checklist with each rule's
//! quoted source and documentation (`docs/checklist.md`).

use clap::Args;

use super::print;

#[derive(Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    /// One line per rule: ID, severity, title.
    Text,
    /// The checklist page: every rule with its source quoted and its documentation (docs/checklist.md).
    Markdown,
}

pub fn run(args: &RulesArgs) -> u8 {
    match args.format {
        RulesFormat::Text => print(&crate::report::rules_table()),
        RulesFormat::Markdown => print(&crate::report::docs::checklist()),
    }
}
