//! Which files are policies: folders are searched recursively for YAML files, and a YAML file
//! found there is linted only when it is recognised as a policy, so a repository's other YAML
//! (manifests, CI workflows, compose files) is skipped, not reported as broken policies.
//!
//! A file is recognised as a policy when it names the policy schema in a YAML language-server
//! modeline (`# yaml-language-server: $schema=…/policy.schema.json`, as `gatectl init` and the
//! examples write), or when at least two of the three sections every policy has — `environment`,
//! `upstream`, `auth` — are keys at its top level. Two of three, so a policy with one of them
//! misspelt or missing is still linted (and told what is wrong), while a file with only an
//! `auth:` or an `environment:` of its own is not taken for one.

use std::path::{Path, PathBuf};

/// The top-level keys that mark a policy (two of them are enough).
const MARKERS: [&str; 3] = ["environment", "upstream", "auth"];
/// The schema file a policy's modeline names.
const SCHEMA_FILE: &str = "policy.schema.json";

/// A candidate file and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (linted whatever it holds), or found in a folder (linted if a policy).
    pub named: bool,
}

/// Files named as they are; folders searched recursively, in sorted order, for `*.yaml` and
/// `*.yml` files. Entries whose name starts with `.` (`.git`, `.cache`, editor files) are skipped,
/// and symbolic links to folders are not followed (no loops, nothing outside the folder).
pub fn candidates(paths: &[PathBuf]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out);
        } else {
            out.push(Candidate { path: path.clone(), named: true });
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Candidate>) {
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        if kind.is_dir() {
            walk(&path, out);
        } else if is_yaml_name(&path) && (kind.is_file() || path.is_file()) {
            out.push(Candidate { path, named: false });
        }
    }
}

fn is_yaml_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// Whether a YAML text is a gatectl policy (see the module documentation).
pub fn is_policy(text: &str) -> bool {
    let mut markers = [false; MARKERS.len()];
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            if comment.contains("$schema=") && comment.trim_end().ends_with(SCHEMA_FILE) {
                return true;
            }
            continue;
        }
        if let Some(key) = top_level_key(line) {
            if let Some(i) = MARKERS.iter().position(|m| *m == key) {
                markers[i] = true;
            }
        }
    }
    let found = markers.iter().filter(|m| **m).count();
    found >= 2 || (found == 0 && is_flow_policy(text))
}

/// The key of a block mapping entry at column 0 (`upstream:`, `"auth":`), if the line is one.
fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[') {
        return None;
    }
    let (key, rest) = line.split_once(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some(key.trim().trim_matches(|c| c == '"' || c == '\''))
}

/// A policy written as one flow mapping (`{version: 1, environment: …}`, or JSON): its top-level keys.
fn is_flow_policy(text: &str) -> bool {
    let body = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
    if !body.is_some_and(|l| l.starts_with('{')) {
        return false;
    }
    let source = super::Source::new("", text);
    let Ok(doc) = super::yaml::parse(&source) else { return false };
    MARKERS.iter().filter(|m| doc.get(m).is_some()).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_recognised_by_modeline_or_their_sections() {
        let base = include_str!("../../tests/fixtures/base-production.yaml");
        assert!(is_policy(base));
        assert!(is_policy("# yaml-language-server: $schema=../schema/policy.schema.json\nversion: 1\n"));
        // One section misspelt: still a policy, so lint says what is wrong with it.
        assert!(is_policy(&base.replace("upstream:", "upstram:")));
        assert!(is_policy("{\"version\": 1, \"environment\": \"production\", \"auth\": {\"method\": \"none\"}}\n"));
        assert!(is_policy("\"environment\": production\n'auth':\n  method: none\n"));
    }

    #[test]
    fn other_yaml_is_not_a_policy() {
        let workflow = "name: ci\non: [push]\njobs:\n  test:\n    environment: production\n    steps: []\n";
        let compose = "version: \"3\"\nservices:\n  web:\n    image: nginx\n    environment:\n      auth: x\n";
        let manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: auth\n";
        let helm = "auth:\n  enabled: true\nreplicas: 2\n";
        let other_schema =
            "# yaml-language-server: $schema=https://json.schemastore.org/github-workflow.json\non: push\n";
        for text in [workflow, compose, manifest, helm, other_schema, "", "- a\n- b\n", "{a: 1}\n"] {
            assert!(!is_policy(text), "{text}");
        }
    }

    #[test]
    fn folders_are_searched_recursively_skipping_hidden_entries() {
        let dir = tempfile::tempdir().unwrap();
        for file in ["b.yaml", "a/c.yml", "a/deep/d.yaml", ".hidden/e.yaml", "a/.f.yaml", "notes.txt"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x: 1\n").unwrap();
        }
        let found: Vec<String> = candidates(&[dir.path().to_path_buf()])
            .into_iter()
            .map(|c| c.path.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a/c.yml", "a/deep/d.yaml", "b.yaml"]);
    }
}
