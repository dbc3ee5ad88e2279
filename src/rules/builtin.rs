//! Diagnostics raised by the loader, the schema and the suppression pass. They
//! have IDs and docs like every rule, but no check of their own.

use super::{Check, Rule};
use crate::severity::Severity;

pub const INPUT_UNREADABLE: &str = "input-unreadable";
pub const YAML_SYNTAX: &str = "yaml-syntax";
pub const SCHEMA_VIOLATION: &str = "schema-violation";
pub const UNKNOWN_KEY: &str = "unknown-key";
pub const SUPPRESSION_INVALID: &str = "suppression-invalid";
pub const SUPPRESSION_UNUSED: &str = "suppression-unused";

pub static INPUT_UNREADABLE_RULE: Rule = Rule {
    id: INPUT_UNREADABLE,
    severity: Severity::Error,
    title: "Policy file cannot be read",
    seed: "",
    packs: "",
    docs: "## What it does\nReports a file that cannot be read as a policy at all: missing, unreadable, not UTF-8 text, or larger than 8 MiB.\n\n## Why is this bad?\nNothing in it can be checked. `gatectl lint` exits with code 2 for such input, so a pipeline can tell a broken checkout from policy findings (exit 1).\n\n## How to fix\nCheck the path, save the file as UTF-8, and keep one policy per file.",
    check: Check::Builtin,
};

pub static YAML_SYNTAX_RULE: Rule = Rule {
    id: YAML_SYNTAX,
    severity: Severity::Error,
    title: "Policy is not valid YAML, or uses YAML a policy may not",
    seed: "",
    packs: "",
    docs: "## What it does\nReports YAML syntax errors, and YAML that is valid but has no place in a policy: duplicate keys, several documents in one file, tabs for indentation, custom tags, nesting deeper than 64 levels, aliases that expand past 100,000 nodes.\n\n## Why is this bad?\nA duplicate key silently wins or loses depending on the tool that reads the file; a second document is ignored by some tools. A policy must mean one thing to every reader.\n\n## Example\n```yaml\nrate_limits:\n  requests_per_minute: 100\n  requests_per_minute: 1000   # duplicate key\n```\n\n## How to fix\nRemove the duplicate, split documents into files, indent with spaces.",
    check: Check::Builtin,
};

pub static SCHEMA_VIOLATION_RULE: Rule = Rule {
    id: SCHEMA_VIOLATION,
    severity: Severity::Error,
    title: "Policy does not match the policy JSON Schema",
    seed: "policy-spec.md",
    packs: "",
    docs: "## What it does\nValidates the policy against `schema/policy.schema.json` (`gatectl schema`): required keys, types, allowed values, name and header patterns, real calendar dates, the format version.\n\n## Why is this bad?\nA policy the schema rejects cannot be rendered; names outside `[a-z][a-z0-9-]*` would end up inside nginx directives and YAML keys.\n\n## Example\n```yaml\nname: Claude Prod      # uppercase and a space\nlistener:\n  tls:\n    min_version: 1.2   # a number; write \"1.2\"\n```\n\n## How to fix\nFollow the hint under the error; editors complete and check policies that start with `# yaml-language-server: $schema=../schema/policy.schema.json`.",
    check: Check::Builtin,
};

pub static UNKNOWN_KEY_RULE: Rule = Rule {
    id: UNKNOWN_KEY,
    severity: Severity::Error,
    title: "Key the policy format does not define",
    seed: "policy-spec.md",
    packs: "",
    docs: "## What it does\nReports any key the policy format does not define, with the closest known key as a hint.\n\n## Why is this bad?\nA misspelt key (`rate_limit:` for `rate_limits:`) would otherwise be ignored, and the gateway would run without the control the author meant to write.\n\n## How to fix\nUse the suggested key, or remove it.",
    check: Check::Builtin,
};

pub static SUPPRESSION_INVALID_RULE: Rule = Rule {
    id: SUPPRESSION_INVALID,
    severity: Severity::Error,
    title: "Suppression comment without a reason or with an unknown rule",
    seed: "",
    packs: "",
    docs: "## What it does\nChecks every `# gatectl:ignore` comment: it must name checklist rules that exist and give a reason after `--`.\n\n## Why is this bad?\nAn exception to a security control is a decision someone must be able to review; without a reason it is just a silenced alarm. Schema and syntax errors cannot be suppressed.\n\n## Example\n```yaml\n  log_bodies: true  # gatectl:ignore audit-bodies\n```\n\n## How to fix\n```yaml\n  log_bodies: true  # gatectl:ignore audit-bodies -- bodies needed for the 30-day debugging window, ticket SEC-123\n```",
    check: Check::Builtin,
};

pub static SUPPRESSION_UNUSED_RULE: Rule = Rule {
    id: SUPPRESSION_UNUSED,
    severity: Severity::Warning,
    title: "Suppression comment that matches no finding",
    seed: "",
    packs: "",
    docs: "## What it does\nReports a `# gatectl:ignore` comment that suppresses nothing: the finding was fixed, or the comment sits on a line the finding does not point at (it must be on the offending line or on its parent key's line).\n\n## Why is this bad?\nStale exceptions hide future findings on that line.\n\n## How to fix\nRemove the comment, or move it to the line of the finding.",
    check: Check::Builtin,
};
