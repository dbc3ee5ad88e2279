//! `gatectl materialize`: on the deploy host, resolve `env:`/`file:` secrets into the
//! include files a rendered nginx config expects.

use std::path::PathBuf;

use clap::Args;

use super::{lint_gate, print, PolicyOptions, EXIT_USAGE};

#[derive(Args)]
pub struct MaterializeArgs {
    /// The policy file.
    policy: PathBuf,
    /// Target whose deploy-time secrets to write (only nginx needs this step).
    #[arg(short, long, value_enum)]
    target: MaterializeTarget,
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
    let loaded = match lint_gate(&args.policy, &args.policy_options, "materializing") {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    match args.target {
        MaterializeTarget::Nginx => match crate::materialize::nginx(&loaded.policy, args.root.as_deref()) {
            Ok(written) => {
                let lines: Vec<String> = written
                    .iter()
                    .map(|w| format!("wrote {} ({} entries, mode 0600)\n", w.path.display(), w.entries))
                    .collect();
                print(&lines.concat())
            }
            Err(err) => {
                crate::errln!("error: {}", err);
                EXIT_USAGE
            }
        },
    }
}
