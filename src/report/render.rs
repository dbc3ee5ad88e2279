//! The output of `gatectl render`: text (stderr for what to look at, stdout for what was
//! written and what the deploy provides) and json, printed through the masking sink like all output.

use serde::Serialize;

use crate::render::capability::{Gap, Support};
use crate::render::inputs::Input;
use crate::render::Target;

/// One policy's result.
#[derive(Serialize)]
pub struct PolicyOutcome {
    /// The policy's name (empty when the file did not load).
    pub policy: String,
    pub file: String,
    pub status: Status,
    /// Why it was not rendered, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Lint findings of this file (warnings and errors, suppressed ones marked).
    pub findings: Vec<serde_json::Value>,
    pub targets: Vec<TargetOutcome>,
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Rendered in memory; written when every policy of the set was.
    Rendered,
    /// Lint errors (or an unreadable file, or a name another policy has).
    Invalid,
    /// A target cannot express it, or `--strict` found a gap nobody accepted.
    Refused,
    /// No target to render for.
    Usage,
}

/// One target of one policy.
#[derive(Serialize)]
pub struct TargetOutcome {
    pub target: Target,
    /// The target's folder, under `--out`.
    pub folder: String,
    /// Every file, with the `--out` path.
    pub files: Vec<String>,
    pub gaps: Vec<GapOutcome>,
    /// What the deploy provides: names only.
    pub inputs: Vec<Input>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct GapOutcome {
    /// The field a gap is accepted by.
    pub field: &'static str,
    /// `approximated` or `unsupported`.
    pub support: &'static str,
    pub detail: &'static str,
    /// The reason the policy gives, when it accepts the gap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
    /// What the line prints (`field: not enforced: …`).
    #[serde(skip)]
    pub line: String,
}

impl GapOutcome {
    pub fn new(gap: &Gap, accepted: Option<&str>) -> GapOutcome {
        let (support, detail) = match gap.support {
            Support::Approximated(how) => ("approximated", how),
            Support::Unsupported(why) => ("unsupported", why),
            Support::Native => ("native", ""),
        };
        GapOutcome {
            field: gap.feature.path(),
            support,
            detail,
            accepted: accepted.map(str::to_string),
            line: gap.line(),
        }
    }
}

/// The whole run.
#[derive(Serialize)]
pub struct RenderOutcome {
    pub out: String,
    /// Whether the layout was written: only when every policy rendered.
    pub written: bool,
    pub strict: bool,
    pub policies: Vec<PolicyOutcome>,
}

/// Text: what stdout and stderr get.
pub struct Text {
    pub stdout: String,
    pub stderr: String,
}

pub fn text(outcome: &RenderOutcome) -> Text {
    let mut out = String::new();
    let mut err = String::new();
    for policy in &outcome.policies {
        let name = if policy.policy.is_empty() { policy.file.as_str() } else { policy.policy.as_str() };
        for target in policy.targets.iter().filter(|t| t.error.is_none()) {
            let open: Vec<&GapOutcome> = target.gaps.iter().filter(|g| g.accepted.is_none()).collect();
            let accepted = target.gaps.len() - open.len();
            if !open.is_empty() {
                let level = if outcome.strict { "error" } else { "warning" };
                let mut head = format!(
                    "{level}[capability-gap]: {} does not enforce {} of {name} as written",
                    target.target,
                    plural(open.len(), "field")
                );
                if accepted > 0 {
                    head.push_str(&format!(" ({accepted} more accepted)"));
                }
                err.push_str(&format!("{head}:\n"));
                for gap in open {
                    err.push_str(&format!("  {}\n", gap.line));
                }
                err.push_str(&format!(
                    "  (accept one with `targets.{}.accept_gaps: [{{field: <field>, reason: \"…\"}}]`)\n",
                    target.target
                ));
            }
        }
        for finding in policy.findings.iter().filter(|f| f["suppressed"] == true) {
            err.push_str(&format!(
                "note[suppressed]: {name}: `{}` at {}:{} is suppressed ({}): rendered as the policy says, or refused below\n",
                finding["rule"].as_str().unwrap_or_default(),
                finding["file"].as_str().unwrap_or_default(),
                finding["line"],
                finding["suppression_reason"].as_str().unwrap_or_default(),
            ));
        }
        if let Some(error) = &policy.error {
            err.push_str(&format!("error: {name}: {error}\n"));
        }
        for target in &policy.targets {
            if let Some(error) = &target.error {
                err.push_str(&format!("error: {name}: {error}\n"));
            }
        }
        if policy.status != Status::Rendered {
            continue;
        }
        let verb = if outcome.written { "wrote" } else { "rendered (not written)" };
        let targets: Vec<String> = policy.targets.iter().map(|t| t.target.to_string()).collect();
        out.push_str(&format!("{name}: {verb} {}\n", targets.join(", ")));
        for target in &policy.targets {
            for file in &target.files {
                out.push_str(&format!("  {file}\n"));
            }
        }
        let inputs: Vec<(Target, &Input)> =
            policy.targets.iter().flat_map(|t| t.inputs.iter().map(move |i| (t.target, i))).collect();
        if !inputs.is_empty() {
            out.push_str("  the deploy provides (names only):\n");
            for (target, input) in inputs {
                let from = if input.field.is_empty() { String::new() } else { format!(" ← {}", input.field) };
                out.push_str(&format!(
                    "    {target}: {} {}{from} ({})\n",
                    input.kind.as_str(),
                    input.name,
                    input.reader
                ));
            }
        }
    }
    if !outcome.written {
        let failed = outcome.policies.iter().filter(|p| p.status != Status::Rendered).count();
        err.push_str(&format!(
            "error: nothing written to {}: {} of {} not rendered (a set renders all-or-nothing)\n",
            outcome.out,
            plural(failed, "policy"),
            outcome.policies.len()
        ));
    }
    Text { stdout: out, stderr: err }
}

pub fn json(outcome: &RenderOutcome) -> String {
    let mut text = serde_json::to_string_pretty(outcome).expect("the outcome serialises");
    text.push('\n');
    text
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "policy") => format!("{n} policies"),
        _ => format!("{n} {word}s"),
    }
}
