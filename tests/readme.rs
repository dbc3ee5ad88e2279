//! Generated parts of the README stay in sync with the binary.

use crate::test::{repo, Test};

/// The README text between two markers.
fn between(start: &str, end: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let from = readme.find(start).unwrap_or_else(|| panic!("README lacks `{start}`")) + start.len();
    let to = readme[from..].find(end).unwrap_or_else(|| panic!("README lacks `{end}`")) + from;
    readme[from..to].to_string()
}

#[test]
fn readme_rule_list_is_current() {
    let rules = Test::new().args(&["rules"]).run().code(0).stdout;
    assert!(
        between("<!-- rules:start -->\n```\n", "```\n<!-- rules:end -->") == rules,
        "README rule list is stale: paste `cargo run -- rules` between the markers"
    );
}

#[test]
fn readme_capability_matrix_is_current() {
    let matrix = Test::new().args(&["targets"]).run().code(0).stdout;
    assert!(
        between("<!-- targets:start -->\n", "<!-- targets:end -->") == matrix,
        "README capability matrix is stale: paste `cargo run -- targets` between the markers"
    );
}

#[test]
fn readme_verify_checks_are_current() {
    let checks = Test::new().args(&["verify", "--list"]).run().code(0).stdout;
    assert!(
        between("<!-- verify-checks:start -->\n", "<!-- verify-checks:end -->") == checks,
        "README verify check list is stale: paste `cargo run -- verify --list` between the markers"
    );
}
