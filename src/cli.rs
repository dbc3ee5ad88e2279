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
    /// Probe a running gateway and check that it enforces the policy (exit 1 when a check fails).
    Verify(commands::verify::VerifyArgs),
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
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) if err.use_stderr() => {
            crate::sink::err(&without_values(&err.render().to_string(), &args[1..]));
            return ExitCode::from(EXIT_USAGE);
        }
        Err(help) => {
            crate::sink::out(&help.render().to_string());
            return ExitCode::from(EXIT_CLEAN);
        }
    };
    let code = match cli.command {
        Command::Lint(args) => commands::lint::run(&args),
        Command::Render(args) => commands::render::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
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

/// Words of the command line itself: subcommands, flags and the values of choice options.
fn known_word(word: &str) -> bool {
    use clap::CommandFactory;
    let command = Cli::command();
    let mut words: Vec<String> = vec!["all".into(), "help".into(), "--help".into(), "-h".into(), "--version".into()];
    words.extend(crate::render::Target::ALL.iter().map(|t| t.as_str().to_string()));
    for sub in command.get_subcommands() {
        words.push(sub.get_name().to_string());
        for arg in sub.get_arguments() {
            words.extend(arg.get_possible_values().iter().map(|v| v.get_name().to_string()));
            words.extend(arg.get_long().map(|l| format!("--{l}")));
            words.extend(arg.get_short().map(|c| format!("-{c}")));
        }
    }
    words.iter().any(|w| w == word)
}

/// A usage error with every value given on the command line replaced by `****`: an argument
/// may be anything (a key pasted into the wrong place), so usage errors never repeat one.
/// gatectl's own words (subcommands, known flags, choices) stay, so the error still says what is wrong.
fn without_values(message: &str, args: &[String]) -> String {
    // `--flag=value` is two words; an unknown flag is a value like any other.
    let mut values: Vec<&str> = args
        .iter()
        .flat_map(|arg| match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with('-') => vec![flag, value],
            _ => vec![arg.as_str()],
        })
        .filter(|value| value.chars().count() >= 3 && !known_word(value))
        .collect();
    // The longest first, so a value containing another is masked whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.iter().fold(message.to_string(), |text, value| text.replace(value, crate::sink::MASK))
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn usage_errors_never_repeat_a_value() {
        let args = ["lint".to_string(), "--format=hunter2secret".to_string(), "--today".into(), "s3cr3t-ish".into()];
        let message = "error: invalid value 'hunter2secret' for '--format <FORMAT>'\n  'lint' 's3cr3t-ish'";
        let masked = without_values(message, &args);
        assert!(!masked.contains("hunter2") && !masked.contains("s3cr3t"), "{masked}");
        assert!(masked.contains("'--format <FORMAT>'") && masked.contains("'lint'"), "{masked}");
    }
}
