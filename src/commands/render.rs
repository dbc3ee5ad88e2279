//! `gatectl render`: one policy into each target's native configuration, written all-or-nothing.

use std::path::PathBuf;

use clap::Args;

use super::{chosen, lint_gate, load_templates, parse_target, print, render_all, PolicyOptions};
use super::{EXIT_FINDINGS, EXIT_USAGE};
use crate::render::{self, Target};

#[derive(Args)]
pub struct RenderArgs {
    /// The policy file.
    policy: PathBuf,
    /// Target to render (repeatable), or `all`.
    #[arg(short, long = "target", value_parser = parse_target, required = true)]
    targets: Vec<Vec<Target>>,
    /// Output folder: one subfolder per target, each replaced whole.
    #[arg(long)]
    out: PathBuf,
    /// Folder of template overrides (same relative paths as `templates/`).
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Refuse to render when a target cannot enforce part of the policy (gaps become errors).
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    policy_options: PolicyOptions,
}

pub fn run(args: &RenderArgs) -> u8 {
    let loaded = match lint_gate(&args.policy, &args.policy_options, "rendering") {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let templates = match load_templates(args.templates.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let provenance = render::Provenance::new(&loaded.policy.name.0, &loaded.source.text);
    let cx = render::Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
    let targets = chosen(&args.targets);
    // Say what the configs will not enforce before anything is written.
    let gaps: Vec<_> = targets.iter().flat_map(|&t| render::capability::gaps(&loaded.policy, t)).collect();
    let level = if args.strict { "error" } else { "warning" };
    for gap in &gaps {
        crate::errln!("{level}[capability-gap]: {}", gap.message());
    }
    if args.strict && !gaps.is_empty() {
        crate::errln!("error: not rendering: {} capability gap(s) with --strict", gaps.len());
        return EXIT_FINDINGS;
    }
    let rendered = match render_all(&cx, &targets) {
        Ok(rendered) => rendered,
        Err(err) => {
            crate::errln!("error: {err}");
            return EXIT_FINDINGS;
        }
    };
    let folders: Vec<render::output::Folder> =
        rendered.iter().map(|r| render::output::Folder { path: r.target.to_string(), files: &r.files }).collect();
    if let Err(err) = render::output::write_layout(&args.out, &folders) {
        crate::errln!("error: {err}");
        return EXIT_USAGE;
    }
    let written: Vec<String> =
        rendered.iter().flat_map(|r| r.files.iter().map(move |f| format!("{}/{}\n", r.target, f.path))).collect();
    print(&written.concat())
}
