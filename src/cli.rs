//! The command line: parses arguments and dispatches to one module per command
//! ([`crate::commands`]), which returns the documented exit code (0 clean,
//! 1 findings, 2 usage or input error).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{self, EXIT_CLEAN, EXIT_USAGE};

#[derive(Parser)]
#[command(name = "gatectl", version, about = "Policy-as-code for LLM API gateways in front of Anthropic's API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate policies against the JSON Schema and the hardening checklist.
    Lint(commands::lint::LintArgs),
    /// Compile a policy into native gateway configs (lints first; refuses a policy with errors).
    Render(commands::render::RenderArgs),
    /// Compare what the policy renders with the configs already deployed (exit 1 on drift).
    Diff(commands::diff::DiffArgs),
    /// Probe a running gateway and check that it enforces the policy (exit 1 when a check fails).
    Verify(commands::verify::VerifyArgs),
    /// On the deploy host: resolve env:/file: secrets into the include files a rendered nginx config expects.
    Materialize(commands::materialize::MaterializeArgs),
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
        Command::Lint(args) => commands::lint::run(&args),
        Command::Render(args) => commands::render::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Materialize(args) => commands::materialize::run(&args),
        Command::Targets => commands::targets::run(),
        Command::Schema => commands::schema::run(),
        Command::Rules => commands::rules::run(),
        Command::Explain { id } => commands::explain::run(&id),
    };
    ExitCode::from(code)
}
