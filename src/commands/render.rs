//! `gatectl render`: policies (files and folders) into each target's native configuration,
//! written all-or-nothing: one layout, `DIR/<target>/…` for one policy and
//! `DIR/<policy-name>/<target>/…` for several, or nothing at all when any policy fails.

use std::path::PathBuf;

use clap::Args;

use super::set::{self, PolicySet, State};
use super::{load_templates, parse_target, print, PolicyOptions, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::check::Loaded;
use crate::render::{self, requirements, Target};
use crate::report::render::{GapOutcome, PolicyOutcome, RenderOutcome, Status, TargetOutcome};

#[derive(Args)]
pub struct RenderArgs {
    /// Policy files or folders (folders are searched recursively, as lint does).
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// Target to render (repeatable), or `all`; default: the targets each policy declares under `targets:`.
    #[arg(short, long = "target", value_parser = parse_target)]
    targets: Vec<Vec<Target>>,
    /// Output folder: one subfolder per target (per policy and target for several policies), each replaced whole.
    #[arg(long)]
    out: PathBuf,
    /// Folder of template overrides (same relative paths as `templates/`).
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Refuse to render when a target cannot enforce part of the policy and the policy does not
    /// accept that gap (`targets.<target>.accept_gaps`).
    #[arg(long)]
    strict: bool,
    #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
    format: RenderFormat,
    #[command(flatten)]
    policy_options: PolicyOptions,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RenderFormat {
    /// Warnings and errors on stderr; the files written and what the deploy provides on stdout.
    Text,
    /// One JSON document on stdout: per policy and target the files, gaps and deploy inputs.
    Json,
}

pub fn run(args: &RenderArgs) -> u8 {
    let set = match PolicySet::load(&args.policies, &args.policy_options) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let templates = match load_templates(args.templates.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let json = args.format == RenderFormat::Json;
    if !json {
        if let Some(report) = set.lint_text() {
            crate::sink::err(&report);
        }
    }
    let mut policies = Vec::new();
    let mut codes = Vec::new();
    let mut rendered = Vec::new();
    for member in set.members() {
        let findings: Vec<serde_json::Value> = set
            .report
            .findings
            .iter()
            .filter(|f| f.source.name == member.file)
            .map(crate::report::json::finding)
            .collect();
        match member.state {
            State::Failed { code, reason } => {
                let name = set.report.policies.iter().find(|p| p.source.name == member.file);
                codes.push(code);
                policies.push(PolicyOutcome {
                    policy: name.map(|p| p.policy.name.0.clone()).unwrap_or_default(),
                    file: member.file,
                    status: Status::Invalid,
                    error: Some(format!("not rendering: {reason}")),
                    findings,
                    targets: Vec::new(),
                });
            }
            State::Ready(loaded) => {
                let (outcome, code, files) = render_policy(&set, loaded, args, &templates, findings);
                codes.push(code);
                policies.push(outcome);
                rendered.extend(files);
            }
        }
    }
    let mut code = set::worst(codes);
    let mut written = false;
    if code == EXIT_CLEAN {
        let folders: Vec<render::output::Folder> =
            rendered.iter().map(|(path, r)| render::output::Folder { path: path.clone(), files: &r.files }).collect();
        match render::output::write_layout(&args.out, &folders) {
            Ok(()) => written = true,
            Err(err) => {
                crate::errln!("error: {err}");
                code = EXIT_USAGE;
            }
        }
    }
    let outcome = RenderOutcome { out: args.out.display().to_string(), written, strict: args.strict, policies };
    if json {
        print(&crate::report::render::json(&outcome));
    } else {
        let text = crate::report::render::text(&outcome);
        crate::sink::err(&text.stderr);
        print(&text.stdout);
    }
    code
}

/// Renders one policy in memory for its targets: its outcome, exit code and layout folders.
fn render_policy(
    set: &PolicySet,
    loaded: &Loaded,
    args: &RenderArgs,
    templates: &render::Templates,
    findings: Vec<serde_json::Value>,
) -> (PolicyOutcome, u8, Vec<(String, render::Rendered)>) {
    let policy = &loaded.policy;
    let mut outcome = PolicyOutcome {
        policy: policy.name.0.clone(),
        file: loaded.source.name.clone(),
        status: Status::Rendered,
        error: None,
        findings,
        targets: Vec::new(),
    };
    let targets = match set::targets_for(loaded, &args.targets) {
        Ok(targets) => targets,
        Err(message) => {
            outcome.status = Status::Usage;
            outcome.error = Some(message);
            return (outcome, EXIT_USAGE, Vec::new());
        }
    };
    let provenance = render::Provenance::new(&policy.name.0, &loaded.source.text);
    let cx = render::Context { policy, provenance: &provenance, templates };
    let mut code = EXIT_CLEAN;
    let mut folders = Vec::new();
    let mut renders = render::render_each(&cx, &targets).into_iter();
    for target in targets {
        let render = renders.next().expect("one render per target");
        let folder = set.folder(loaded, target);
        let gaps: Vec<GapOutcome> = render::capability::gaps(policy, target)
            .iter()
            .map(|gap| GapOutcome::new(gap, gap.accepted(policy).map(|a| a.reason.as_str())))
            .collect();
        let mut target_outcome = TargetOutcome {
            target,
            folder: args.out.join(&folder).display().to_string(),
            files: Vec::new(),
            gaps,
            inputs: Vec::new(),
            error: None,
        };
        // A setting the target needs, at its line: declared targets have had it from lint.
        let missing = requirements::missing(policy, target);
        let result = if missing.is_empty() {
            render.map_err(|e| e.to_string())
        } else {
            let located: Vec<String> = missing
                .iter()
                .map(|m| {
                    let (span, _) = crate::check::schema::locate(&loaded.doc, &m.path, &loaded.source);
                    let (line, column) = loaded.source.line_col(span.start);
                    format!("{}:{line}:{column}: {}\n    help: {}", loaded.source.name, m.message, m.help)
                })
                .collect();
            Err(located.join("\n  "))
        };
        match result {
            Ok(rendered) => {
                target_outcome.files =
                    rendered.files.iter().map(|f| args.out.join(&folder).join(&f.path).display().to_string()).collect();
                target_outcome.inputs = render::inputs::inputs(policy, target);
                folders.push((folder, rendered));
            }
            Err(error) => {
                target_outcome.error = Some(error);
                code = EXIT_FINDINGS;
            }
        }
        outcome.targets.push(target_outcome);
    }
    let open = outcome.targets.iter().flat_map(|t| &t.gaps).filter(|g| g.accepted.is_none()).count();
    if args.strict && open > 0 {
        outcome.error = Some(format!("not rendering: {open} capability gap(s) nobody accepted, with --strict"));
        code = EXIT_FINDINGS;
    }
    if code != EXIT_CLEAN {
        outcome.status = Status::Refused;
    }
    (outcome, code, folders)
}
