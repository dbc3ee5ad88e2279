//! Generated parts of the README stay in sync with the binary.

use crate::test::{repo, Test};

#[test]
fn readme_rule_list_is_current() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start =
        readme.find("<!-- rules:start -->\n```\n").expect("rules:start marker") + "<!-- rules:start -->\n```\n".len();
    let end = readme.find("```\n<!-- rules:end -->").expect("rules:end marker");
    let rules = Test::new().args(&["rules"]).run().code(0).stdout;
    assert!(readme[start..end] == rules, "README rule list is stale: paste `cargo run -- rules` between the markers");
}

#[test]
fn readme_capability_matrix_is_current() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start =
        readme.find("<!-- targets:start -->\n").expect("targets:start marker") + "<!-- targets:start -->\n".len();
    let end = readme.find("<!-- targets:end -->").expect("targets:end marker");
    let matrix = Test::new().args(&["targets"]).run().code(0).stdout;
    assert!(
        readme[start..end] == matrix,
        "README capability matrix is stale: paste `cargo run -- targets` between the markers"
    );
}
