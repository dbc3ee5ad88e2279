//! `gatectl materialize`: on the deploy host, resolve `env:`/`file:` secrets into the
//! include files a rendered nginx config expects. Policies are files and folders, as for render;
//! every policy's secrets are resolved before any file is written.

use std::path::PathBuf;

use clap::Args;

use super::set::{self, PolicySet, State};
use super::{print, PolicyOptions, EXIT_CLEAN, EXIT_USAGE};
use crate::render::Target;

#[derive(Args)]
pub struct MaterializeArgs {
    /// Policy files or folders (folders are searched recursively, as lint does).
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// Target whose deploy-time secrets to write (only nginx needs this step); default: the
    /// policies that declare nginx.
    #[arg(short, long, value_enum)]
    target: Option<MaterializeTarget>,
    /// Write under this folder instead of `/` (to stage files for another host).
    #[arg(long)]
    root: Option<PathBuf>,
    #[command(flatten)]
    policy_options: PolicyOptions,
}

/// The targets that cannot read secrets themselves.
#[derive(Clone, Copy, clap::ValueEnum)]
enum MaterializeTarget {
    Nginx,
}

pub fn run(args: &MaterializeArgs) -> u8 {
    let set = match PolicySet::load(&args.policies, &args.policy_options) {
        Ok(set) => set,
        Err(code) => return code,
    };
    if let Some(report) = set.lint_text() {
        crate::sink::err(&report);
    }
    let mut codes = Vec::new();
    let mut plans = Vec::new();
    let mut skipped = Vec::new();
    for member in set.members() {
        match member.state {
            State::Failed { code, reason } => {
                crate::errln!("error: not materializing {}: {reason}", member.file);
                codes.push(code);
            }
            State::Ready(loaded) => {
                let wanted = args.target.is_some() || loaded.policy.targets.declared().contains(&Target::Nginx);
                if !wanted {
                    skipped.push(loaded.policy.name.0.clone());
                    continue;
                }
                match crate::materialize::nginx(&loaded.policy, args.root.as_deref()) {
                    Ok(plan) => plans.push(plan),
                    Err(err) => {
                        crate::errln!("error: {}: {}", member.file, err);
                        codes.push(EXIT_USAGE);
                    }
                }
            }
        }
    }
    if plans.is_empty() && codes.is_empty() {
        crate::errln!("error: no policy declares nginx, the only target that needs materialize: pass --target nginx");
        return EXIT_USAGE;
    }
    let code = set::worst(codes);
    if code != EXIT_CLEAN {
        crate::errln!("error: nothing written: every policy's secrets must resolve first");
        return code;
    }
    let mut lines = Vec::new();
    for name in skipped {
        lines.push(format!("skipped {name}: it does not declare nginx\n"));
    }
    for plan in plans {
        match crate::materialize::write(plan) {
            Ok(written) => lines.extend(
                written.iter().map(|w| format!("wrote {} ({} entries, mode 0600)\n", w.path.display(), w.entries)),
            ),
            Err(err) => {
                print(&lines.concat());
                crate::errln!("error: {}", err);
                return EXIT_USAGE;
            }
        }
    }
    print(&lines.concat())
}
