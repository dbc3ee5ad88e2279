//! `gatectl init`: a commented starting policy for one target and auth method. What it writes
//! lints clean with `--deny-warnings` and renders for the target: it is linted and rendered in
//! memory first, and nothing is written otherwise.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::{parse_date, print, EXIT_CLEAN, EXIT_USAGE};
use crate::check::{self, Options};
use crate::load::Source;
use crate::policy::{AuthMethod, Environment, NAME_PATTERN};
use crate::render::{self, Target};
use crate::severity::Severity;

const TEMPLATE: &str = include_str!("../../templates/init/policy.yaml.j2");

#[derive(Args)]
pub struct InitArgs {
    /// The gateway the policy deploys to.
    #[arg(short, long, value_enum)]
    target: Target,
    /// How clients authenticate (none: development only).
    #[arg(long, value_enum, default_value_t = InitAuth::ApiKey)]
    auth: InitAuth,
    /// The policy's name: a lowercase letter, then lowercase letters, digits and `-`.
    #[arg(long)]
    name: String,
    #[arg(long, value_enum, default_value_t = InitEnvironment::Production)]
    environment: InitEnvironment,
    /// Where to write it (default `policies/<name>.yaml`; `-` for stdout). An existing file is never replaced.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The date consumers' credentials were issued, and lint counts from (default: today, UTC).
    #[arg(long, value_parser = parse_date)]
    today: Option<NaiveDate>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
enum InitAuth {
    ApiKey,
    Oauth2,
    Mtls,
    None,
}

impl InitAuth {
    fn method(self) -> AuthMethod {
        match self {
            InitAuth::ApiKey => AuthMethod::ApiKey,
            InitAuth::Oauth2 => AuthMethod::Oauth2,
            InitAuth::Mtls => AuthMethod::Mtls,
            InitAuth::None => AuthMethod::None,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum InitEnvironment {
    Development,
    Staging,
    Production,
}

impl InitEnvironment {
    fn environment(self) -> Environment {
        match self {
            InitEnvironment::Development => Environment::Development,
            InitEnvironment::Staging => Environment::Staging,
            InitEnvironment::Production => Environment::Production,
        }
    }
}

pub fn run(args: &InitArgs) -> u8 {
    if !is_name(&args.name) {
        crate::errln!(
            "error: `{}` is not a policy name: a lowercase letter, then lowercase letters, digits and `-` (at most 63; {NAME_PATTERN})",
            args.name
        );
        return EXIT_USAGE;
    }
    let today = args.today.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("policies").join(format!("{}.yaml", args.name)));
    let text = match write_policy(args, args.target, today, &out) {
        Ok(text) => text,
        Err(why) => {
            let auth = args.auth.method().as_str();
            crate::errln!("error: gatectl init cannot write a clean {auth} policy for {}: {why}", args.target);
            let others: Vec<&str> = Target::ALL
                .into_iter()
                .filter(|&t| t != args.target && write_policy(args, t, today, &out).is_ok())
                .map(Target::as_str)
                .collect();
            if !others.is_empty() {
                crate::errln!("  help: targets that render an {auth} policy: {}", others.join(", "));
            }
            return EXIT_USAGE;
        }
    };
    if out.as_os_str() == "-" {
        return print(&text);
    }
    if out.exists() {
        crate::errln!("error: {} exists: gatectl init never replaces a file (pass --out)", out.display());
        return EXIT_USAGE;
    }
    let written = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::OpenOptions::new().write(true).create_new(true).open(&out))
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()));
    if let Err(err) = written {
        crate::errln!("error: cannot write {}: {err}", out.display());
        return EXIT_USAGE;
    }
    print(&format!("wrote {out}\nnext: gatectl lint {out} && gatectl render {out} --out out/\n", out = out.display()));
    EXIT_CLEAN
}

/// The policy text, once it lints clean (warnings included) and renders for the target.
fn write_policy(args: &InitArgs, target: Target, today: NaiveDate, out: &std::path::Path) -> Result<String, String> {
    let environment = args.environment.environment();
    if args.auth == InitAuth::None && environment != Environment::Development {
        return Err("`--auth none` is for development only: add `--environment development`".into());
    }
    let env = render::templates::environment();
    let template = env.template_from_str(TEMPLATE).map_err(|e| e.to_string())?;
    let text = template
        .render(minijinja::context! {
            name => &args.name,
            target => target.as_str(),
            auth => args.auth.method().as_str(),
            environment => environment.as_str(),
            today => today.to_string(),
            file => if out.as_os_str() == "-" { format!("policies/{}.yaml", args.name) } else { out.display().to_string() },
            terminates_tls => matches!(target, Target::Nginx | Target::Kong),
            enterprise => args.auth == InitAuth::Mtls,
        })
        .map_err(|e| e.to_string())?;

    let options = Options { today, packs: Default::default() };
    let report = check::lint_sources(vec![Source::new(out.display().to_string(), text.clone())], &options);
    if let Some(finding) = report.findings.iter().find(|f| f.is_active()) {
        let kind = if finding.severity == Severity::Error { "error" } else { "warning" };
        return Err(format!("it would have a lint {kind}: {} ({})", finding.message, finding.rule));
    }
    let loaded = report.policies.first().ok_or("it would not load")?;
    let templates = render::Templates::load(None).map_err(|e| e.to_string())?;
    let provenance = render::Provenance::new(&args.name, &text);
    let cx = render::Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
    target.render(&cx).map_err(|e| e.to_string())?;
    Ok(text)
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.len() <= 63
}
