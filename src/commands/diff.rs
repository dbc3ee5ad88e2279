//! `gatectl diff`: what a rollout would change in what is deployed; 0 no drift, 1 drift,
//! 2 when either side cannot be read (a bad policy included). Policies are files and folders,
//! as for render; several policies read a layout `DEPLOYED/<policy-name>/<target>/…`.

use std::path::{Path, PathBuf};

use clap::Args;

use super::set::{self, PolicySet, State};
use super::{load_templates, parse_target, print, render_all, PolicyOptions};
use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::check::Loaded;
use crate::diff::{self, Deployed, TargetDiff};
use crate::render::{self, Target};
use crate::report;

#[derive(Args)]
pub struct DiffArgs {
    /// Policy files or folders (folders are searched recursively, as lint does).
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// Target to compare (repeatable), or `all`; default: the targets each policy declares.
    #[arg(short, long = "target", value_parser = parse_target)]
    targets: Vec<Vec<Target>>,
    /// The deployed file, the deployed target folder, a render layout (one folder per target, or per policy and
    /// target for several policies), or `-` for stdin.
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
    let set = match PolicySet::load(&args.policies, &args.policy_options) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let Ok(templates) = load_templates(args.templates.as_deref()) else { return EXIT_USAGE };
    let stdin = args.deployed.as_os_str() == "-";
    if stdin && set.several() {
        crate::errln!("error: `--deployed -` reads one file: name one policy and one --target");
        return EXIT_USAGE;
    }
    if let Some(report) = set.lint_text() {
        crate::sink::err(&report);
    }
    let mut codes = Vec::new();
    let mut diffs = Vec::new();
    for member in set.members() {
        match member.state {
            State::Failed { reason, .. } => {
                // A policy that cannot be rendered cannot be compared: exit 2, as for one policy.
                crate::errln!("error: not comparing {}: {reason}", member.file);
                codes.push(EXIT_USAGE);
            }
            State::Ready(loaded) => {
                let deployed =
                    if set.several() { args.deployed.join(&loaded.policy.name.0) } else { args.deployed.clone() };
                match compare(loaded, args, &templates, &deployed, stdin) {
                    Ok(mut found) => {
                        let drift = found.iter().any(TargetDiff::drift);
                        codes.push(if drift { EXIT_FINDINGS } else { EXIT_CLEAN });
                        diffs.extend(found.drain(..).map(|d| (loaded.policy.name.0.clone(), d)));
                    }
                    Err(code) => codes.push(code),
                }
            }
        }
    }
    let labelled: Vec<(Option<&str>, &TargetDiff)> =
        diffs.iter().map(|(name, d)| (set.several().then_some(name.as_str()), d)).collect();
    print(&report::diff::render(&labelled, args.format, &report::Style::detect()));
    set::worst(codes)
}

/// One policy's targets against what is deployed under `deployed`; errors are printed here (exit 2).
fn compare(
    loaded: &Loaded,
    args: &DiffArgs,
    templates: &render::Templates,
    deployed: &Path,
    stdin: bool,
) -> Result<Vec<TargetDiff>, u8> {
    let name = &loaded.source.name;
    let targets = set::targets_for(loaded, &args.targets).map_err(|message| {
        crate::errln!("error: {message}");
        EXIT_USAGE
    })?;
    if stdin && targets.len() > 1 {
        crate::errln!("error: `--deployed -` reads one file: name one --target");
        return Err(EXIT_USAGE);
    }
    let provenance = render::Provenance::new(&loaded.policy.name.0, &loaded.source.text);
    let cx = render::Context { policy: &loaded.policy, provenance: &provenance, templates };
    let rendered = render_all(&cx, &targets).map_err(|err| {
        crate::errln!("error: {name}: {err}");
        EXIT_USAGE
    })?;
    let mut diffs = Vec::new();
    for rendered in &rendered {
        let target = rendered.target;
        let (side, shown) = if stdin {
            match crate::load::read_stdin(crate::load::MAX_DEPLOYED_BYTES) {
                Ok(text) => (Deployed::Stdin(text), "stdin".to_string()),
                Err(err) => {
                    crate::errln!("error: {err}");
                    return Err(EXIT_USAGE);
                }
            }
        } else {
            // A render layout (`DIR/<target>/`) as well as the target's own folder or file.
            let nested = deployed.join(target.as_str());
            let path = if targets.len() > 1 || nested.is_dir() { nested } else { deployed.to_path_buf() };
            if !path.exists() {
                crate::errln!("error: {} does not exist", path.display());
                crate::errln!("  help: pass the deployed file, the deployed target folder, or `-` for stdin");
                return Err(EXIT_USAGE);
            }
            let shown = path.display().to_string();
            (Deployed::Path(path), shown)
        };
        let result =
            diff::read_deployed(target, &side, rendered).and_then(|sides| diff::compare(target, sides, &shown));
        match result {
            Ok(d) => diffs.push(d),
            Err(err) => {
                crate::errln!("error: {err}");
                crate::errln!("  help: {}", err.help());
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok(diffs)
}
