//! `gatectl targets`: the capability matrix, what each target enforces of a policy.

use clap::Args;

use super::{chosen, parse_target, print};
use crate::render::Target;

#[derive(Args)]
pub struct TargetsArgs {
    /// Show only this target's column (repeatable); default: all five.
    #[arg(short, long = "target", value_parser = parse_target)]
    targets: Vec<Vec<Target>>,
}

pub fn run(args: &TargetsArgs) -> u8 {
    let targets = if args.targets.is_empty() { Target::ALL.to_vec() } else { chosen(&args.targets) };
    print(&crate::render::capability::matrix(&targets))
}
