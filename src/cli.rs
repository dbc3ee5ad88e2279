//! The command line: parses arguments and dispatches to one module per command
//! ([`crate::commands`]), which returns the documented exit code (0 clean,
//! 1 findings, 2 usage or input error).

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::{self, EXIT_CLEAN, EXIT_USAGE};

#[derive(Parser)]
#[command(
    name = "gatectl",
    version,
    about = "Policy-as-code for LLM API gateways in front of Anthropic's API",
    long_about = "Policy-as-code for LLM API gateways in front of Anthropic's API. One declarative security policy \
                  (YAML) says how a gateway must treat Claude API traffic; gatectl lints it against the JSON Schema and \
                  a hardening checklist, renders it into native configs for Kong, Zuplo, TrueFoundry, LiteLLM and \
                  nginx, and diffs what would be rendered against what is deployed."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate policies against the JSON Schema and the hardening checklist.
    Lint(commands::lint::LintArgs),
    /// Compile policies into native gateway configs, for the targets each declares (lints first; all-or-nothing).
    Render(commands::render::RenderArgs),
    /// Compare what policies render with the configs already deployed (exit 1 on drift).
    Diff(commands::diff::DiffArgs),
    /// On the deploy host: resolve env:/file: secrets into the include files a rendered nginx config expects.
    Materialize(commands::materialize::MaterializeArgs),
    /// Print what each target enforces of a policy: natively, approximately, or not at all.
    Targets(commands::targets::TargetsArgs),
    /// Print the policy JSON Schema, or the policy reference generated from it.
    Schema(commands::schema::SchemaArgs),
    /// List every rule: ID, severity, title (or the whole checklist, with sources).
    Rules(commands::rules::RulesArgs),
    /// Explain a rule: why it exists, where it comes from, how to fix it.
    Explain {
        /// Rule ID, e.g. tls-min-version.
        id: String,
    },
    /// Write a starting policy for one target and auth method, commented, that lints clean.
    Init(commands::init::InitArgs),
    /// Print a shell completion script: bash, zsh, fish or powershell.
    Completions(commands::completions::CompletionsArgs),
    /// Print the manual page (roff): `gatectl man | man -l -`.
    Man(commands::man::ManArgs),
}

/// The command line definition, for the completion script and the manual page.
pub fn command() -> clap::Command {
    Cli::command()
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
        Command::Materialize(args) => commands::materialize::run(&args),
        Command::Targets(args) => commands::targets::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Explain { id } => commands::explain::run(&id),
        Command::Init(args) => commands::init::run(&args),
        Command::Completions(args) => commands::completions::run(&args),
        Command::Man(args) => commands::man::run(&args),
    };
    ExitCode::from(code)
}
