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
pub const TARGET_SETTING_MISSING: &str = "target-setting-missing";
pub const GAP_ACCEPTANCE_UNUSED: &str = "gap-acceptance-unused";

pub static INPUT_UNREADABLE_RULE: Rule = Rule {
    id: INPUT_UNREADABLE,
    severity: Severity::Error,
    title: "Policy file cannot be read",
    seed: "",
    quote: &[],
    packs: "",
    docs: "## What it does\nReports a file that cannot be read as a policy at all: missing, unreadable, not UTF-8 text, or larger than 8 MiB.\n\n## Why is this bad?\nNothing in it can be checked. `gatectl lint` exits with code 2 for such input, so a pipeline can tell a broken checkout from policy findings (exit 1).\n\n## How to fix\nCheck the path, save the file as UTF-8, and keep one policy per file.",
    check: Check::Builtin,
};

pub static YAML_SYNTAX_RULE: Rule = Rule {
    id: YAML_SYNTAX,
    severity: Severity::Error,
    title: "Policy is not valid YAML, or uses YAML a policy may not",
    seed: "",
    quote: &[],
    packs: "",
    docs: "## What it does\nReports YAML syntax errors, and YAML that is valid but has no place in a policy: duplicate keys, several documents in one file, tabs for indentation, custom tags, nesting deeper than 64 levels, aliases that expand past 100,000 nodes.\n\n## Why is this bad?\nA duplicate key silently wins or loses depending on the tool that reads the file; a second document is ignored by some tools. A policy must mean one thing to every reader.\n\n## Example\n```yaml\nrate_limits:\n  requests_per_minute: 100\n  requests_per_minute: 1000   # duplicate key\n```\n\n## How to fix\nRemove the duplicate, split documents into files, indent with spaces.",
    check: Check::Builtin,
};

pub static SCHEMA_VIOLATION_RULE: Rule = Rule {
    id: SCHEMA_VIOLATION,
    severity: Severity::Error,
    title: "Policy does not match the policy JSON Schema",
    seed: "policy-spec.md",
    quote: &["Only `version`, `name`, `environment`, `upstream` and `auth` are required; every other section may be\nomitted, and the checklist then says what is missing (e.g. no `rate_limits` in production is an error)."],
    packs: "",
    docs: "## What it does\nValidates the policy against `schema/policy.schema.json` (`gatectl schema`): required keys, types, allowed values, name and header patterns, real calendar dates, the format version.\n\n## Why is this bad?\nA policy the schema rejects cannot be rendered; names outside `[a-z][a-z0-9-]*` would end up inside nginx directives and YAML keys.\n\n## Example\n```yaml\nname: Claude Prod      # uppercase and a space\nlistener:\n  tls:\n    min_version: 1.2   # a number; write \"1.2\"\n```\n\n## How to fix\nFollow the hint under the error; editors complete and check policies that start with `# yaml-language-server: $schema=../schema/policy.schema.json`.",
    check: Check::Builtin,
};

pub static UNKNOWN_KEY_RULE: Rule = Rule {
    id: UNKNOWN_KEY,
    severity: Severity::Error,
    title: "Key the policy format does not define",
    seed: "policy-spec.md",
    quote: &["Unknown keys are an error (with a \"did you mean\" hint), never silently ignored."],
    packs: "",
    docs: "## What it does\nReports any key the policy format does not define, with the closest known key as a hint.\n\n## Why is this bad?\nA misspelt key (`rate_limit:` for `rate_limits:`) would otherwise be ignored, and the gateway would run without the control the author meant to write.\n\n## How to fix\nUse the suggested key, or remove it.",
    check: Check::Builtin,
};

pub static SUPPRESSION_INVALID_RULE: Rule = Rule {
    id: SUPPRESSION_INVALID,
    severity: Severity::Error,
    title: "Suppression comment without a reason or with an unknown rule",
    seed: "",
    quote: &[],
    packs: "",
    docs: "## What it does\nChecks every `# gatectl:ignore` comment: it must name checklist rules that exist and give a reason after `--`.\n\n## Why is this bad?\nAn exception to a security control is a decision someone must be able to review; without a reason it is just a silenced alarm. Schema and syntax errors cannot be suppressed.\n\n## Example\n```yaml\n  log_bodies: true  # gatectl:ignore audit-bodies\n```\n\n## How to fix\n```yaml\n  log_bodies: true  # gatectl:ignore audit-bodies -- bodies needed for the 30-day debugging window, ticket SEC-123\n```",
    check: Check::Builtin,
};

pub static SUPPRESSION_UNUSED_RULE: Rule = Rule {
    id: SUPPRESSION_UNUSED,
    severity: Severity::Warning,
    title: "Suppression comment that matches no finding",
    seed: "",
    quote: &[],
    packs: "",
    docs: "## What it does\nReports a `# gatectl:ignore` comment that suppresses nothing: the finding was fixed, or the comment sits on a line the finding does not point at (it must be on the offending line or on its parent key's line).\n\n## Why is this bad?\nStale exceptions hide future findings on that line.\n\n## How to fix\nRemove the comment, or move it to the line of the finding.",
    check: Check::Builtin,
};

pub static TARGET_SETTING_MISSING_RULE: Rule = Rule {
    id: TARGET_SETTING_MISSING,
    severity: Severity::Error,
    title: "A target the policy declares needs a setting the policy lacks",
    seed: "",
    quote: &[],
    packs: "",
    docs: "## What it does\nFor every target the policy declares (each key under `targets:`), checks the settings that target needs and the schema cannot require of every policy: nginx and Kong terminate TLS themselves, so a TLS listener needs `certificate` and `private_key`; TrueFoundry needs `targets.truefoundry: {tenant, secret_group}` and an `upstream.models` list; Zuplo's mTLS policy needs `targets.zuplo.enterprise: true`.\n\n## Why is this bad?\nThe policy cannot be rendered for the gateway it says it deploys to; without this check that shows only at render time, in CI, after the commit.\n\n## Example\n```yaml\nlistener:\n  tls:\n    min_version: \"1.2\"   # no certificate or private_key\ntargets:\n  nginx: {}\n```\n\n## How to fix\nAdd the setting the message names, or stop declaring the target. Like schema errors it cannot be suppressed: render checks the same requirements for every target it renders, declared or named with `--target`.",
    check: Check::Builtin,
};

pub static GAP_ACCEPTANCE_UNUSED_RULE: Rule = Rule {
    id: GAP_ACCEPTANCE_UNUSED,
    severity: Severity::Warning,
    title: "Accepted capability gap that no longer applies",
    seed: "",
    quote: &[],
    packs: "",
    docs: "## What it does\nReports an entry of `targets.<target>.accept_gaps` that matches no gap between the policy and that target: the policy no longer asks for the field, or the target now enforces it.\n\n## Why is this bad?\nA stale acceptance would silently accept the gap again if the field came back, without anyone deciding it.\n\n## Example\n```yaml\ntargets:\n  nginx:\n    accept_gaps:\n      - {field: upstream.models, reason: \"models are checked by the upstream account\"}   # the policy lists no models\n```\n\n## How to fix\nRemove the entry.",
    check: Check::Builtin,
};
