//! `gatectl completions` and `gatectl man`, run through the real shells and the real `man`.

use std::path::PathBuf;
use std::process::Command;

use crate::test::{tool, Test};

fn script(shell: &str) -> (Test, PathBuf) {
    let out = Test::new().args(&["completions", shell]).run().code(0);
    let test = Test::new().file("completion", out.stdout);
    let path = test.path().join("completion");
    (test, path)
}

fn run(program: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(program).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bash_sources_the_script_and_completes_commands_and_options() {
    let Some(bash) = tool("bash", &[PathBuf::from("/bin/bash"), PathBuf::from("/usr/bin/bash")]) else { return };
    let (_test, path) = script("bash");
    let complete = |words: &str, cword: usize| {
        let program = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; _gatectl gatectl \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            path.display()
        );
        let (ok, stdout, stderr) = run(&bash, &["-c", &program]);
        assert!(ok, "{stderr}");
        stdout.lines().map(str::to_string).collect::<Vec<_>>()
    };
    assert_eq!(complete("gatectl ren", 1), ["render"]);
    assert_eq!(complete("gatectl co", 1), ["completions"]);
    assert_eq!(complete("gatectl render --st", 2), ["--strict"]);
    assert!(complete("gatectl ", 1).iter().any(|w| w == "init"));
    // The script registers itself for the command.
    let (ok, stdout, _) = run(&bash, &["-c", &format!("source {}; complete -p gatectl", path.display())]);
    assert!(ok && stdout.contains("-F _gatectl gatectl"), "{stdout}");
}

#[test]
fn fish_loads_the_script_and_completes_a_command() {
    let Some(fish) = tool("fish", &[PathBuf::from("/usr/bin/fish")]) else { return };
    let (_test, path) = script("fish");
    let (ok, _, stderr) = run(&fish, &["--no-execute", path.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = run(&fish, &["-c", &format!("source {}; complete -C 'gatectl mat'", path.display())]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("materialize\t"), "{stdout}");
}

#[test]
fn zsh_parses_the_script_and_defines_the_completion_function() {
    let Some(zsh) = tool("zsh", &[PathBuf::from("/usr/bin/zsh"), PathBuf::from("/bin/zsh")]) else { return };
    let (_test, path) = script("zsh");
    let (ok, _, stderr) = run(&zsh, &["-n", path.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let program = format!("autoload -U compinit && compinit -u -D && source {} && whence -w _gatectl", path.display());
    let (ok, stdout, stderr) = run(&zsh, &["-c", &program]);
    assert!(ok && stdout.contains("_gatectl: function"), "{stdout}{stderr}");
}

#[test]
fn powershell_gets_an_argument_completer_naming_every_command() {
    // PowerShell is not packaged for Debian: the script is checked as text only.
    let out = Test::new().args(&["completions", "powershell"]).run().code(0);
    assert!(out.stdout.contains("Register-ArgumentCompleter -Native -CommandName 'gatectl'"), "{}", out.stdout);
    for command in ["lint", "render", "diff", "materialize", "init", "completions", "man"] {
        assert!(out.stdout.contains(&format!("'{command}'")), "{command}");
    }
    Test::new().args(&["completions", "tcsh"]).run().code(2);
}

#[test]
fn man_renders_the_page_and_each_commands_page() {
    let Some(man) = tool("man", &[PathBuf::from("/usr/bin/man")]) else { return };
    for (args, name, expected) in [
        (vec!["man"], "gatectl", vec!["SUBCOMMANDS", "gatectl-render(1)", "EXIT STATUS"]),
        (vec!["man", "render"], "gatectl-render", vec!["SYNOPSIS", "--strict", "--format", "EXIT STATUS"]),
    ] {
        let roff = Test::new().args(&args).run().code(0).stdout;
        assert!(roff.starts_with(".ie \\n(.g .ds Aq") || roff.contains(".TH"), "{roff}");
        let test = Test::new().file("page.1", roff);
        let out = Command::new(&man)
            .arg("-l")
            .arg(test.path().join("page.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        let text = plain(&String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "man warned: {}", String::from_utf8_lossy(&out.stderr));
        assert!(text.starts_with(&format!("{name}(1)")), "{text}");
        for part in expected {
            assert!(text.contains(part), "{name}: no `{part}`:\n{text}");
        }
    }
    Test::new().args(&["man", "frobnicate"]).run().code(2).stderr_has("no command `frobnicate`");
}

/// Terminal text without the overstrikes (`b\x08b`, `_\x08x`) man uses for bold and underline.
fn plain(text: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out.into_iter().collect()
}
