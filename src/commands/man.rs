//! `gatectl man [COMMAND]`: the roff manual page of gatectl or of one command, generated from the
//! command line definition (clap_mangen): `gatectl man | man -l -`.

use clap::Args;
use clap_mangen::Man;

use super::{print, EXIT_CLEAN, EXIT_USAGE};

#[derive(Args)]
pub struct ManArgs {
    /// A command's own page (`gatectl man lint` is gatectl-lint(1)); default: gatectl(1).
    command: Option<String>,
}

/// Exit codes, as the README documents them.
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Clean: no error-level finding, no drift, everything rendered.
.TP
\fB1\fR
Findings at error level (warnings too with \fB\-\-deny\-warnings\fR), drift, a policy a target refuses, or a capability gap nobody accepted with \fB\-\-strict\fR.
.TP
\fB2\fR
Usage error, no policy found, or input that cannot be read; wins over 1.
"#;

pub fn run(args: &ManArgs) -> u8 {
    let mut cli = crate::cli::command();
    cli.build();
    let page = match &args.command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => sub.clone().name(format!("gatectl-{name}")).bin_name(format!("gatectl {name}")),
            None => {
                let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
                crate::errln!("error: no command `{}`; one of: {}", name, names.join(", "));
                return EXIT_USAGE;
            }
        },
    };
    let mut roff = Vec::new();
    Man::new(page).render(&mut roff).expect("writing to memory cannot fail");
    roff.extend_from_slice(EXIT_STATUS.as_bytes());
    print(&String::from_utf8_lossy(&roff));
    EXIT_CLEAN
}
