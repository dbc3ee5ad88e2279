//! The README stays true: its generated parts are what the binary prints, and every command of
//! its shell blocks runs as written.

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
        "README rule list is stale: run `scripts/regenerate-docs.sh`"
    );
}

#[test]
fn readme_capability_matrix_is_current() {
    let matrix = Test::new().args(&["targets"]).run().code(0).stdout;
    assert!(
        between("<!-- targets:start -->\n", "<!-- targets:end -->") == matrix,
        "README capability matrix is stale: run `scripts/regenerate-docs.sh`"
    );
}

#[test]
fn readme_verify_checks_are_current() {
    let checks = Test::new().args(&["verify", "--list"]).run().code(0).stdout;
    assert!(
        between("<!-- verify-checks:start -->\n", "<!-- verify-checks:end -->") == checks,
        "README verify check list is stale: run `scripts/regenerate-docs.sh`"
    );
}

/// Lines of the README's shell blocks that this test does not run, each with where it is run.
const RUN_ELSEWHERE: &[(&str, &str)] = &[
    ("cargo install --locked --path .", "scripts/test.sh runs it as written, into a scratch root"),
    ("scripts/test.sh", "the test suite itself: CI runs it"),
];

/// The shell blocks (by their first command) another test runs, because they need a server or a
/// tool that a copy of the repository does not have, and the test that runs them.
const BLOCKS_RUN_ELSEWHERE: &[(&str, &str)] = &[
    (
        "TEAM_DATA_KEY=… gatectl verify policies/claude-code-prod.yaml --url https://gateway.example.com \\",
        "tests/verify_live.rs, against the real gateways",
    ),
    ("cd out/claude-code-sso/zuplo", "tests/render_zuplo.rs: zuplo lint and zuplo dev, with the pinned CLI on Node 24"),
    ("deck gateway dump -o live.yaml", "tests/diff.rs, on a dump built from a render: no Kong runs here"),
    ("scripts/fuzz.sh smoke", "scripts/test.sh runs the smoke; the campaign is the README's documented run"),
];

/// The marker before a shell block that another test runs, with the reason after it.
const BLOCK_RUN_ELSEWHERE: &str = "<!-- readme-commands: run by ";

/// The `sh` blocks of the README, in order, each with whether it is marked as run elsewhere.
fn shell_blocks(readme: &str) -> Vec<(bool, Vec<String>)> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines().peekable();
    let mut previous = "";
    while let Some(line) = lines.next() {
        if line == "```sh" {
            let mut body = Vec::new();
            for line in lines.by_ref() {
                if line == "```" {
                    break;
                }
                // A comment after two spaces is the README's annotation, not part of the command.
                let command = line.split("  # ").next().unwrap().trim_end();
                if !command.is_empty() {
                    body.push(command.to_string());
                }
            }
            blocks.push((previous.starts_with(BLOCK_RUN_ELSEWHERE), body));
        }
        previous = line;
    }
    blocks
}

/// Every command the README shows in a shell block works as written: run in order, by bash, in a
/// copy of the repository's policies, with `gatectl` the binary under test. Whatever they write is
/// ignored by git.
#[test]
fn every_readme_command_runs_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks = shell_blocks(&readme);
    // The blocks another test runs are exactly these: nothing else may be left out.
    let elsewhere: Vec<&str> =
        blocks.iter().filter(|(marked, _)| *marked).map(|(_, b)| b.first().map_or("", String::as_str)).collect();
    let expected: Vec<&str> = BLOCKS_RUN_ELSEWHERE.iter().map(|(first, _)| *first).collect();
    assert_eq!(elsewhere, expected, "the blocks run elsewhere, and by whom: {BLOCKS_RUN_ELSEWHERE:#?}");
    let test_sh = std::fs::read_to_string(repo().join("scripts/test.sh")).unwrap();
    assert!(
        test_sh.contains("\ncargo install --locked --path . "),
        "scripts/test.sh must run the README's install line: {RUN_ELSEWHERE:?}"
    );

    let test = Test::new();
    let root = test.path();
    copy_dir(&repo().join("policies"), &root.join("policies"));
    let bin = root.join(".bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_gatectl"), bin.join("gatectl")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let before = entries(root);
    let mut ran = 0;
    for (marked, block) in &blocks {
        if *marked {
            continue;
        }
        for command in block {
            if RUN_ELSEWHERE.iter().any(|(line, _)| line == command) {
                continue;
            }
            ran += 1;
        }
        let script: Vec<&str> =
            block.iter().map(String::as_str).filter(|c| !RUN_ELSEWHERE.iter().any(|(line, _)| line == c)).collect();
        if script.is_empty() {
            continue;
        }
        // One bash per block (a block's `export` holds for its commands); the first failure stops it.
        let program = format!(
            "set -euo pipefail\ntrap 'echo \"README command failed: $BASH_COMMAND\" >&2' ERR\n{}\n",
            script.join("\n")
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&program)
            .current_dir(root)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README block failed:\n{}\n--- stdout\n{}\n--- stderr\n{}",
            script.join("\n"),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(ran >= 10, "only {ran} README commands ran");
    // What the examples wrote is what .gitignore ignores.
    let ignored: Vec<String> = std::fs::read_to_string(repo().join(".gitignore"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('/'))
        .map(|l| l.trim_end_matches('/').to_string())
        .collect();
    let created: Vec<String> = entries(root).into_iter().filter(|e| !before.contains(e)).collect();
    assert!(!created.is_empty());
    for entry in created {
        assert!(
            ignored.contains(&format!("/{entry}")),
            "a README example writes `{entry}`, which .gitignore does not ignore"
        );
    }
}

/// Top-level entries of `root`, and those of its `policies/`, as relative paths.
fn entries(root: &std::path::Path) -> Vec<String> {
    let list = |dir: &std::path::Path, prefix: &str| -> Vec<String> {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| format!("{prefix}{}", e.file_name().to_string_lossy()))
            .filter(|name| !name.starts_with('.') && name != "policies")
            .collect()
    };
    let mut out = list(root, "");
    out.extend(list(&root.join("policies"), "policies/"));
    out.sort();
    out
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}
