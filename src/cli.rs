//! The command line: parses arguments, runs a command, maps outcomes to the
//! documented exit codes (0 clean, 1 findings, 2 usage or input error).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::check::{self, Options, Severity};
use crate::policy::Pack;
use crate::render::{self, Target};
use crate::report::{self, Format};
use crate::rules;

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(name = "gatectl", version, about = "Policy-as-code for LLM API gateways in front of Anthropic's API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate policies against the JSON Schema and the hardening checklist.
    Lint(LintArgs),
    /// Compile a policy into native gateway configs (lints first; refuses a policy with errors).
    Render(RenderArgs),
    /// Compare what the policy renders with the configs already deployed (exit 1 on drift).
    Diff(DiffArgs),
    /// On the deploy host: resolve env:/file: secrets into the include files a rendered nginx config expects.
    Materialize(MaterializeArgs),
    /// Print what each target enforces of a policy: natively, approximately, or not at all.
    Targets,
    /// Print the policy JSON Schema.
    Schema,
    /// List every rule: ID, severity, title.
    Rules,
    /// Explain a rule: why it exists, where it comes from, how to fix it.
    Explain {
        /// Rule ID, e.g. tls-min-version.
        id: String,
    },
}

#[derive(Args)]
struct LintArgs {
    /// Policy files or folders (folders: every *.yaml / *.yml in them).
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyOptions,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Args)]
struct RenderArgs {
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

#[derive(Args)]
struct DiffArgs {
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

#[derive(Args)]
struct MaterializeArgs {
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

fn parse_target(text: &str) -> Result<Vec<Target>, String> {
    if text == "all" {
        return Ok(Target::ALL.to_vec());
    }
    <Target as clap::ValueEnum>::from_str(text, true).map(|t| vec![t]).map_err(|_| {
        let names: Vec<&str> = Target::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown target `{text}`; expected one of: {}, all", names.join(", "))
    })
}

/// Options that decide how a policy is judged; shared by every command that reads policies.
#[derive(Args)]
struct PolicyOptions {
    /// The date rotation checks count from (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_parser = parse_date)]
    today: Option<NaiveDate>,
    /// Compliance pack to add on top of each policy's own `compliance` (repeatable).
    #[arg(long = "pack", value_enum)]
    packs: Vec<Pack>,
}

impl PolicyOptions {
    fn options(&self) -> Options {
        Options {
            today: self.today.unwrap_or_else(|| chrono::Utc::now().date_naive()),
            packs: self.packs.iter().copied().collect::<BTreeSet<_>>(),
        }
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| format!("`{text}` is not a date (YYYY-MM-DD): {e}"))
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { EXIT_USAGE } else { EXIT_CLEAN };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Lint(args) => lint(&args),
        Command::Render(args) => render(&args),
        Command::Diff(args) => diff(&args),
        Command::Materialize(args) => materialize(&args),
        Command::Targets => print(&render::capability::matrix()),
        Command::Schema => print(&check::schema::to_pretty_string()),
        Command::Rules => print(&report::rules_table()),
        Command::Explain { id } => explain(&id),
    };
    ExitCode::from(code)
}

fn print(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`gatectl rules | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    EXIT_CLEAN
}

fn lint(args: &LintArgs) -> u8 {
    let report = check::lint_paths(&args.paths, &args.policy.options());
    let style = report::Style::detect();
    print(&report::render(&report, args.format, &style));
    if report.unreadable {
        EXIT_USAGE
    } else if report.count(Severity::Error) > 0 || (args.deny_warnings && report.count(Severity::Warning) > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Lints one policy for a command that acts on it; on findings at error level, prints them and says why not.
fn lint_gate(policy: &std::path::Path, options: &PolicyOptions, doing: &str) -> Result<check::Loaded, u8> {
    let mut report = check::lint_paths(&[policy.to_path_buf()], &options.options());
    if report.unreadable || report.count(Severity::Error) > 0 {
        eprint!("{}", report::render(&report, Format::Text, &report::Style { color: false }));
        eprintln!("error: not {doing} {}: fix the findings above first", policy.display());
        return Err(if report.unreadable { EXIT_USAGE } else { EXIT_FINDINGS });
    }
    report.policies.pop().ok_or(EXIT_USAGE)
}

fn materialize(args: &MaterializeArgs) -> u8 {
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
                eprintln!("error: {}", crate::credentials::redact(&err.to_string()));
                EXIT_USAGE
            }
        },
    }
}

/// The targets named on the command line, each once, in a stable order.
fn chosen(targets: &[Vec<Target>]) -> Vec<Target> {
    let mut targets: Vec<Target> = targets.iter().flatten().copied().collect();
    targets.sort();
    targets.dedup();
    targets
}

/// Renders every target in memory: a failure returns before anything is written.
fn render_all(cx: &render::Context, targets: &[Target]) -> Result<Vec<render::Rendered>, String> {
    targets.iter().map(|t| t.render(cx).map_err(|e| crate::credentials::redact(&e.to_string()))).collect()
}

fn load_templates(dir: Option<&std::path::Path>) -> Result<render::Templates, u8> {
    render::Templates::load(dir).map_err(|err| {
        eprintln!("error: cannot load templates: {err}");
        EXIT_USAGE
    })
}

fn render(args: &RenderArgs) -> u8 {
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
        eprintln!("{level}[capability-gap]: {}", gap.message());
    }
    if args.strict && !gaps.is_empty() {
        eprintln!("error: not rendering: {} capability gap(s) with --strict", gaps.len());
        return EXIT_FINDINGS;
    }
    let rendered = match render_all(&cx, &targets) {
        Ok(rendered) => rendered,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_FINDINGS;
        }
    };
    if let Err(err) = render::output::write_layout(&args.out, &rendered) {
        eprintln!("error: cannot write {}: {err}", args.out.display());
        return EXIT_USAGE;
    }
    let written: Vec<String> =
        rendered.iter().flat_map(|r| r.files.iter().map(move |f| format!("{}/{}\n", r.target, f.path))).collect();
    print(&written.concat())
}

/// `gatectl diff`: 0 no drift, 1 drift, 2 when either side cannot be read (a bad policy included).
fn diff(args: &DiffArgs) -> u8 {
    use crate::diff::{self, Deployed};
    let Ok(loaded) = lint_gate(&args.policy, &args.policy_options, "comparing") else { return EXIT_USAGE };
    let Ok(templates) = load_templates(args.templates.as_deref()) else { return EXIT_USAGE };
    let provenance = render::Provenance::new(&loaded.policy.name.0, &loaded.source.text);
    let cx = render::Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
    let targets = chosen(&args.targets);
    let stdin = args.deployed.as_os_str() == "-";
    if stdin && targets.len() > 1 {
        eprintln!("error: `--deployed -` reads one file: name one --target");
        return EXIT_USAGE;
    }
    let rendered = match render_all(&cx, &targets) {
        Ok(rendered) => rendered,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_USAGE;
        }
    };
    let mut diffs = Vec::new();
    for rendered in &rendered {
        let target = rendered.target;
        let (deployed, name) = if stdin {
            let mut text = String::new();
            if let Err(err) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                eprintln!("error: cannot read stdin: {err}");
                return EXIT_USAGE;
            }
            (Deployed::Stdin(text), "stdin".to_string())
        } else {
            // A render layout (`DIR/<target>/`) as well as the target's own folder or file.
            let nested = args.deployed.join(target.as_str());
            let path = if targets.len() > 1 || nested.is_dir() { nested } else { args.deployed.clone() };
            if !path.exists() {
                eprintln!("error: {} does not exist", path.display());
                eprintln!("  help: pass the deployed file, the deployed target folder, or `-` for stdin");
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
                eprintln!("error: {err}");
                eprintln!("  help: {}", err.help());
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

fn explain(id: &str) -> u8 {
    match rules::find(id) {
        Some(rule) => print(&report::explain(rule)),
        None => {
            let ids: Vec<String> = rules::RULES.iter().map(|r| r.id.to_string()).collect();
            let hint = check::schema::did_you_mean(id, &ids)
                .map_or_else(|| "run `gatectl rules` for the list".into(), |b| format!("did you mean `{b}`?"));
            eprintln!("error: no rule `{}`; {hint}", crate::credentials::redact(id));
            EXIT_USAGE
        }
    }
}
