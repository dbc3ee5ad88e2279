//! `gatectl completions SHELL`: the shell completion script, generated from the command line
//! definition (clap_complete), so it completes every command and option this binary has.

use clap::Args;
use clap_complete::Shell;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell (bash: `source <(gatectl completions bash)`).
    #[arg(value_enum)]
    shell: CompletionShell,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

pub fn run(args: &CompletionsArgs) -> u8 {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "gatectl", &mut script);
    super::print(&String::from_utf8_lossy(&script))
}
