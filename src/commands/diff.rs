//! `gatectl diff`: what a rollout would change in what is deployed; 0 no drift, 1 drift,
//! 2 when either side cannot be read (a bad policy included).

use std::path::PathBuf;

use clap::Args;

use super::{chosen, lint_gate, load_templates, parse_target, print, render_all, PolicyOptions};
use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::diff::{self, Deployed};
use crate::render::{self, Target};
use crate::report;

#[derive(Args)]
pub struct DiffArgs {
    /// The policy file.
    policy: PathBuf,
    /// Target to compare (repeatable), or `all`.
    #[arg(short, long = "target", value_parser = parse_target, required = true)]
    targets: Vec<Vec<Target>>,
    /// The deployed file, the deployed target folder, a render layout (one folder per target), or `-` for stdin.
    #[arg(long)]
    deployed: PathBuf,
    /// Folder of template overrides, as for render.
    #[arg(long)]
    templates: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = report::diff::DiffFormat::Text)]
    format: report::diff::DiffFormat,
    #[command(flatten)]
    policy_options: PolicyOptions,
}

pub fn run(args: &DiffArgs) -> u8 {
    let Ok(loaded) = lint_gate(&args.policy, &args.policy_options, "comparing") else { return EXIT_USAGE };
    let Ok(templates) = load_templates(args.templates.as_deref()) else { return EXIT_USAGE };
    let provenance = render::Provenance::new(&loaded.policy.name.0, &loaded.source.text);
    let cx = render::Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
    let targets = chosen(&args.targets);
    let stdin = args.deployed.as_os_str() == "-";
    if stdin && targets.len() > 1 {
        crate::errln!("error: `--deployed -` reads one file: name one --target");
        return EXIT_USAGE;
    }
    let rendered = match render_all(&cx, &targets) {
        Ok(rendered) => rendered,
        Err(err) => {
            crate::errln!("error: {err}");
            return EXIT_USAGE;
        }
    };
    let mut diffs = Vec::new();
    for rendered in &rendered {
        let target = rendered.target;
        let (deployed, name) = if stdin {
            let mut text = String::new();
            if let Err(err) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                crate::errln!("error: cannot read stdin: {err}");
                return EXIT_USAGE;
            }
            (Deployed::Stdin(text), "stdin".to_string())
        } else {
            // A render layout (`DIR/<target>/`) as well as the target's own folder or file.
            let nested = args.deployed.join(target.as_str());
            let path = if targets.len() > 1 || nested.is_dir() { nested } else { args.deployed.clone() };
            if !path.exists() {
                crate::errln!("error: {} does not exist", path.display());
                crate::errln!("  help: pass the deployed file, the deployed target folder, or `-` for stdin");
                return EXIT_USAGE;
            }
            let name = path.display().to_string();
            (Deployed::Path(path), name)
        };
        let result =
            diff::read_deployed(target, &deployed, rendered).and_then(|sides| diff::compare(target, sides, &name));
        match result {
            Ok(d) => diffs.push(d),
            Err(err) => {
                crate::errln!("error: {err}");
                crate::errln!("  help: {}", err.help());
                return EXIT_USAGE;
            }
        }
    }
    print(&report::diff::render(&diffs, args.format, &report::Style::detect()));
    if diffs.iter().any(diff::TargetDiff::drift) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
