//! `gatectl verify`: probes a running gateway as Anthropic's clients call it and checks, one
//! named check per policy clause, what a client can observe. 0 nothing failed, 1 a check
//! failed, 2 the gateway cannot be reached or the usage is wrong.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{lint_gate, print, PolicyOptions, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::policy::Policy;
use crate::render::Target;
use crate::report::{self, verify::VerifyFormat};
use crate::verify::{self, Session, Settings, Status, VerifyError};

#[derive(Args)]
pub struct VerifyArgs {
    /// The policy file the gateway was rendered from.
    #[arg(required_unless_present = "list")]
    policy: Option<PathBuf>,
    /// The gateway's base URL: http(s)://host[:port][/prefix].
    #[arg(long, required_unless_present = "list")]
    url: Option<String>,
    /// The target the gateway runs: checks of fields it does not enforce are skipped (default:
    /// the policy's only declared target; with none or several, every check runs).
    #[arg(short, long = "target", value_enum)]
    target: Option<Target>,
    /// Environment variable holding one consumer's API key or OAuth2 token (never printed).
    #[arg(long, value_name = "NAME")]
    key_env: Option<String>,
    /// Client certificate (PEM) for mTLS.
    #[arg(long, value_name = "FILE", requires = "client_key")]
    client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    client_key: Option<PathBuf>,
    /// CA certificates (PEM) to trust instead of the system's, for a private CA.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// Also check the rate limit: spends up to the consumer's per-minute quota.
    #[arg(long)]
    rate_limit: bool,
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    format: VerifyFormat,
    /// Seconds each request and handshake may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    timeout: u64,
    /// Print the checks (ID, policy field, what each probes) and exit.
    #[arg(long, exclusive = true)]
    list: bool,
    #[command(flatten)]
    policy_options: PolicyOptions,
}

/// The policy's only declared target (a key under `targets:`), if it declares exactly one.
fn declared_target(policy: &Policy) -> Option<Target> {
    match policy.targets.declared()[..] {
        [only] => Some(only),
        _ => None,
    }
}

/// `--key-env`'s name and value; the value is never printed, nor is it in any error.
fn credential(name: &str) -> Result<(String, String), VerifyError> {
    let valid = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return Err(VerifyError::Usage("--key-env takes the name of an environment variable, not a value".into()));
    }
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok((name.to_string(), value.trim().to_string())),
        Ok(_) => Err(VerifyError::Usage(format!("--key-env: ${name} is empty"))),
        Err(_) => Err(VerifyError::Usage(format!("--key-env: ${name} is not set"))),
    }
}

fn fail(err: &VerifyError) -> u8 {
    crate::errln!("error: {err}");
    crate::errln!("  help: {}", err.help());
    EXIT_USAGE
}

pub fn run(args: &VerifyArgs) -> u8 {
    let (Some(policy), Some(url)) = (&args.policy, &args.url) else { return print(&verify::checks_table()) };
    let Ok(loaded) = lint_gate(policy, &args.policy_options, "verifying against") else { return EXIT_USAGE };
    let credential = match args.key_env.as_deref().map(credential).transpose() {
        Ok(c) => c,
        Err(err) => return fail(&err),
    };
    let settings = Settings {
        url,
        credential,
        client_cert: args.client_cert.as_deref().zip(args.client_key.as_deref()),
        ca: args.ca.as_deref(),
        rate_limit: args.rate_limit,
        timeout: Duration::from_secs(args.timeout),
    };
    let session = match Session::new(&loaded.policy, &settings) {
        Ok(s) => s,
        Err(err) => return fail(&err),
    };
    if let Err(err) = session.reach() {
        return fail(&err);
    }
    let target = args.target.or_else(|| declared_target(&loaded.policy));
    let report = verify::run(&session, &loaded.policy.name.0, target);
    print(&report::verify::render(&report, args.format, &report::Style::detect()));
    if report.count(Status::Fail) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
