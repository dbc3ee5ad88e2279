//! The reference pages are generated and kept in sync: docs/policy.md from the JSON Schema,
//! docs/checklist.md from the rules. Every field of the schema is described.

use serde_json::Value;

use crate::test::{repo, Test};

const REGENERATE: &str = "scripts/regenerate-docs.sh";

fn checked_in(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_policy_reference_is_generated_from_the_schema() {
    let printed = Test::new().args(&["schema", "--format", "markdown"]).run().code(0).stdout;
    assert!(printed == checked_in("docs/policy.md"), "docs/policy.md is stale: run `{REGENERATE}`");
}

#[test]
fn the_checklist_is_generated_from_the_rules() {
    let printed = Test::new().args(&["rules", "--format", "markdown"]).run().code(0).stdout;
    assert!(printed == checked_in("docs/checklist.md"), "docs/checklist.md is stale: run `{REGENERATE}`");
    // One entry per rule, each with where it comes from.
    let rules = Test::new().args(&["rules"]).run().code(0).stdout;
    for id in rules.lines().map(|l| l.split_whitespace().next().unwrap()) {
        let entry = printed.split(&format!("\n## `{id}`\n")).nth(1).unwrap_or_else(|| panic!("no entry for {id}"));
        let entry = entry.split("\n## `").next().unwrap();
        assert!(entry.contains("Source: "), "{id}");
        assert!(entry.contains("### How to fix") || entry.contains("gatectl's own"), "{id}");
    }
}

/// Every property and type of the schema has a description, in words (no Rust doc links).
#[test]
fn every_field_of_the_schema_is_described() {
    let schema: Value = serde_json::from_str(&checked_in("schema/policy.schema.json")).unwrap();
    let mut undescribed = Vec::new();
    fn walk(node: &Value, path: &str, undescribed: &mut Vec<String>) {
        let Some(map) = node.as_object() else { return };
        for (key, field) in map.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let here = format!("{path}.{key}");
            let description = field.get("description").and_then(Value::as_str).unwrap_or_default();
            if description.trim().is_empty() || description.contains("[`") {
                undescribed.push(here.clone());
            }
            walk(field, &here, undescribed);
        }
        for nested in ["items", "additionalProperties"] {
            if let Some(inner) = map.get(nested) {
                walk(inner, &format!("{path}[]"), undescribed);
            }
        }
    }
    walk(&schema, "", &mut undescribed);
    for (name, def) in schema["$defs"].as_object().unwrap() {
        let description = def.get("description").and_then(Value::as_str).unwrap_or_default();
        if description.trim().is_empty() || description.contains("[`") {
            undescribed.push(format!("$defs.{name}"));
        }
        walk(def, name, &mut undescribed);
    }
    assert_eq!(undescribed, Vec::<String>::new(), "fields without a description (doc comments in src/policy)");
    // And each section's fields are in the reference page.
    let page = checked_in("docs/policy.md");
    for section in
        ["upstream", "listener.tls", "consumers[]", "rate_limits", "targets.nginx", "targets.kong.accept_gaps[]"]
    {
        assert!(page.contains(&format!("\n## `{section}`\n")), "{section}");
    }
    assert!(page.contains("| `shared_state_failure` | one of `allow`, `deny` |"), "{page}");
}
