//! The output formats of `gatectl diff`: text (coloured on a terminal), json, markdown.

use super::{cell, code};
use crate::diff::{Change, ChangeKind, TargetDiff};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// The named changes, then the unified diff of the normalised forms.
    Text,
    /// `{"drift": bool, "targets": [...]}` for tools.
    Json,
    /// A pull-request comment.
    Markdown,
}

/// Each target's diff, labelled with its policy's name when several policies were compared.
pub type Labelled<'a> = (Option<&'a str>, &'a TargetDiff);

pub fn render(diffs: &[Labelled], format: DiffFormat, style: &super::Style) -> String {
    match format {
        DiffFormat::Text => text(diffs, style),
        DiffFormat::Json => json(diffs),
        DiffFormat::Markdown => markdown(diffs),
    }
}

fn sign(kind: &ChangeKind) -> char {
    match kind {
        ChangeKind::Added => '+',
        ChangeKind::Removed => '-',
        ChangeKind::Changed => '~',
    }
}

/// `path: old → new`, `path: new` (added) or `path: old` (removed).
fn describe(change: &Change) -> String {
    match (&change.deployed, &change.rendered) {
        (Some(old), Some(new)) => format!("{}: {old} → {new}", change.path),
        (None, Some(new)) => format!("{}: {new}", change.path),
        (Some(old), None) => format!("{}: {old}", change.path),
        (None, None) => change.path.clone(),
    }
}

fn summary((policy, diff): &Labelled) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let target = match policy {
        Some(policy) => format!("{policy}/{}", diff.target),
        None => diff.target.to_string(),
    };
    let unchecked = match diff.not_compared.len() {
        0 => String::new(),
        n => format!(" ({} not compared)", plural(n, "position")),
    };
    if !diff.drift() {
        return format!("{target}: no drift against {}{unchecked}", diff.deployed);
    }
    let mut line = format!("{target}: drift against {}: {}", diff.deployed, plural(diff.changes.len(), "change"));
    if !diff.inline_secrets.is_empty() {
        line.push_str(&format!(", {}", plural(diff.inline_secrets.len(), "inline secret")));
    }
    line.push_str(&unchecked);
    line
}

fn text(diffs: &[Labelled], style: &super::Style) -> String {
    let paint = |code: &str, s: &str| if style.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut out = String::new();
    for labelled in diffs {
        let diff = labelled.1;
        out.push_str(&paint("1", &summary(labelled)));
        out.push('\n');
        for note in &diff.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        for secret in &diff.inline_secrets {
            let line = format!(
                "  ! {}: the deployed config holds a credential ({}); use a secret reference",
                secret.path, secret.masked
            );
            out.push_str(&paint("31", &line));
            out.push('\n');
        }
        for change in &diff.changes {
            let colour = match change.kind {
                ChangeKind::Added => "32",
                ChangeKind::Removed => "31",
                ChangeKind::Changed => "33",
            };
            out.push_str(&paint(colour, &format!("  {} {}", sign(&change.kind), describe(change))));
            out.push('\n');
        }
        for part in &diff.unmapped {
            out.push_str(&format!("  unmapped: {part} (no identity: compared by position)\n"));
        }
        for position in &diff.not_compared {
            out.push_str(&format!("  not compared: {}: {}\n", position.path, position.reason));
        }
        if !diff.unified.is_empty() {
            out.push('\n');
            for line in diff.unified.lines() {
                let colour = match line.chars().next() {
                    Some('+') if !line.starts_with("+++") => "32",
                    Some('-') if !line.starts_with("---") => "31",
                    Some('@') => "36",
                    _ => "",
                };
                if colour.is_empty() {
                    out.push_str(line);
                } else {
                    out.push_str(&paint(colour, line));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn json(diffs: &[Labelled]) -> String {
    let value = serde_json::json!({
        "drift": diffs.iter().any(|(_, d)| d.drift()),
        "targets": diffs.iter().map(|(policy, d)| {
            let mut v = serde_json::to_value(d).expect("a diff serialises");
            v["drift"] = d.drift().into();
            if let Some(policy) = policy {
                v["policy"] = (*policy).into();
            }
            v
        }).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("JSON serialises");
    text.push('\n');
    text
}

fn markdown(diffs: &[Labelled]) -> String {
    let mut out = String::new();
    for labelled in diffs {
        let diff = labelled.1;
        let icon = if diff.drift() { "⚠️" } else { "✅" };
        out.push_str(&format!("### {icon} gatectl diff — {}\n\n", cell(&summary(labelled))));
        for note in &diff.notes {
            out.push_str(&format!("> {}\n", cell(note)));
        }
        if !diff.notes.is_empty() {
            out.push('\n');
        }
        for secret in &diff.inline_secrets {
            out.push_str(&format!(
                "- **inline secret** at {} ({}): use a secret reference\n",
                code(&secret.path),
                cell(&secret.masked)
            ));
        }
        for position in &diff.not_compared {
            out.push_str(&format!("- **not compared** `{}`: {}\n", cell(&position.path), cell(&position.reason)));
        }
        if !diff.changes.is_empty() {
            out.push_str("\n| | Path | Deployed | Rendered |\n|---|---|---|---|\n");
            for c in &diff.changes {
                let value = |v: &Option<String>| v.as_deref().map_or(String::new(), code);
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    sign(&c.kind),
                    code(&c.path),
                    value(&c.deployed),
                    value(&c.rendered)
                ));
            }
        }
        if !diff.unified.is_empty() {
            // A fence longer than any backtick run inside, so the diff cannot close it.
            let longest = diff.unified.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            out.push_str(&format!(
                "\n<details><summary>normalised diff</summary>\n\n{fence}diff\n{}{fence}\n\n</details>\n",
                diff.unified
            ));
        }
        out.push('\n');
    }
    out
}
