//! The checked-in schema is exactly what `gatectl schema` prints.

use crate::test::{repo, Test};

#[test]
fn checked_in_schema_is_current() {
    let printed = Test::new().args(&["schema"]).run().code(0).stdout;
    let checked_in =
        std::fs::read_to_string(repo().join("schema/policy.schema.json")).expect("schema/policy.schema.json exists");
    assert!(printed == checked_in, "schema/policy.schema.json is stale: run `scripts/regenerate-docs.sh`");
}

#[test]
fn schema_describes_the_contract() {
    let schema: serde_json::Value = serde_json::from_str(&Test::new().args(&["schema"]).run().stdout).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(required, ["version", "name", "environment", "upstream", "auth"]);
    assert_eq!(schema["additionalProperties"], false);
}
