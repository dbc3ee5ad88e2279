//! Adversarial policy strings through every target: each rendered file is parsed back with
//! the target's own parser (PyYAML for decK/LiteLLM/TrueFoundry YAML, JSON for Zuplo,
//! Python's `ast` for the LiteLLM hook, crossplane for nginx) and must have exactly the shape
//! of a render with harmless values — nothing added, nothing split — while each value
//! arrives intact. A target that cannot carry a value must refuse the policy, writing nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::test::{files_in, fixture, venv_tool, Test, TODAY};

const TARGETS: &[&str] = &["kong", "zuplo", "truefoundry", "litellm", "nginx"];

/// Quotes, braces, semicolons, newlines, template and substitution syntax of every target.
const HOSTILE: &[&str] = &[
    r#"x"; y: 'z' }{ ;"#,
    "{{ secret }} {% raw %} {# c #}",
    "${DECK_X} ${{ env \"DECK_Y\" }} $(id) `id` $env(KEY) ${env.KEY}",
    "line one\nline two: injected\n---\nkind: other",
    r#"back\slash\"quote # not a comment"#,
    "- [a, b]: &anchor *alias !!python/object:os.system",
    "proxy_pass http://evil; location / {",
];

/// A policy every target can render, with `value` in each free-text field it has.
fn policy(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap();
    fixture("base-production.yaml")
        .replace(
            "  anthropic_version: \"2023-06-01\"\n",
            "  anthropic_version: \"2023-06-01\"\n  models: [claude-sonnet-4-5]\n",
        )
        .replace("headers:\n", &format!("owner: {quoted}\nheaders:\n  add:\n    x-test: {quoted}\n"))
        .replace("targets:\n", "targets:\n  truefoundry: {tenant: acme-prod, secret_group: claude-code}\n")
}

/// The same policy without `headers.add`, for targets that have no field for added headers.
fn policy_without_added_headers(value: &str) -> String {
    policy(value).replace(&format!("  add:\n    x-test: {}\n", serde_json::to_string(value).unwrap()), "")
}

/// Renders `text` for `target`; `None` when the target refuses it (after checking it wrote nothing).
fn render(text: &str, target: &str) -> Option<(Test, PathBuf)> {
    let test =
        Test::new().file("p.yaml", text).args(&["render", "p.yaml", "-t", target, "--out", "out", "--today", TODAY]);
    let run = test.run();
    let dir = test.path().join("out").join(target);
    if run.code == 0 {
        return Some((test, dir));
    }
    assert_eq!(run.code, 1, "{target}: refusal is exit 1\n{}", run.stderr);
    let refusal = ["cannot", "character", "not rendering"];
    assert!(refusal.iter().any(|r| run.stderr.contains(r)), "{target}: unclear refusal: {}", run.stderr);
    assert!(!test.path().join("out").exists(), "{target}: a refused render wrote files");
    None
}

/// The shapes of a rendered folder's files, by file name, as each target's parser sees them.
fn shapes(dir: &Path, python: &Path, crossplane: &Path) -> Value {
    let mut all = serde_json::Map::new();
    for file in files_in(dir) {
        let is_nginx = file.extension().is_some_and(|e| e == "conf") && !file.ends_with("kong.conf");
        let python = if is_nginx { crossplane } else { python };
        let run =
            Command::new(python).arg(crate::test::repo().join("tests/support/shape.py")).arg(&file).output().unwrap();
        assert!(run.status.success(), "{}: {}", file.display(), String::from_utf8_lossy(&run.stderr));
        let parsed: Value = serde_json::from_slice(&run.stdout).unwrap();
        let name = file.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        all.insert(name, parsed.as_object().unwrap().values().next().unwrap().clone());
    }
    Value::Object(all)
}

/// Whether `value` is one of the strings of the rendered files as their parsers read them
/// (whole, or as the value part of a `name:value` header entry).
fn arrives_intact(dir: &Path, value: &str, python: &Path) -> bool {
    let script = "import json,sys,yaml\nout=[]\ndef walk(v):\n    if isinstance(v,dict):\n        [walk(x) for x in v.values()]\n    elif isinstance(v,list):\n        [walk(x) for x in v]\n    elif isinstance(v,str):\n        out.append(v)\nfor p in sys.argv[1:]:\n    t=open(p).read()\n    walk(list(yaml.safe_load_all(t)) if p.endswith('.yaml') else json.loads(t))\nprint(json.dumps(out))";
    let structured: Vec<PathBuf> =
        files_in(dir).into_iter().filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "json")).collect();
    let run = Command::new(python).arg("-c").arg(script).args(&structured).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let strings: Vec<String> = serde_json::from_slice(&run.stdout).unwrap();
    strings.iter().any(|s| s == value || s.split_once(':').is_some_and(|(_, v)| v == value))
}

#[test]
fn adversarial_strings_cannot_inject_into_any_target() {
    let (Some(python), Some(crossplane)) = (
        venv_tool("LiteLLM's Python (PyYAML)", "GATECTL_LITELLM_PYTHON", "venv-litellm", "python"),
        venv_tool("crossplane", "GATECTL_CROSSPLANE", "venv-crossplane", "python"),
    ) else {
        return;
    };
    let mut rendered = std::collections::BTreeMap::<&str, usize>::new();
    for target in TARGETS {
        // TrueFoundry has no field for added headers (it refuses them): it gets the owner only.
        let make = if *target == "truefoundry" { policy_without_added_headers } else { policy };
        let (_benign_test, benign) =
            render(&make("harmless"), target).unwrap_or_else(|| panic!("{target}: benign policy refused"));
        let expected = shapes(&benign, &python, &crossplane);
        for value in HOSTILE {
            let Some((_test, dir)) = render(&make(value), target) else { continue };
            assert_eq!(shapes(&dir, &python, &crossplane), expected, "{target}: {value:?} changed the structure");
            if !matches!(*target, "nginx" | "truefoundry") {
                assert!(arrives_intact(&dir, value, &python), "{target}: {value:?} did not arrive intact");
            }
            *rendered.entry(target).or_default() += 1;
        }
    }
    // Refusing everything would pass the loop above: each target must carry most values.
    for target in TARGETS {
        let n = rendered.get(target).copied().unwrap_or(0);
        // The newline is refused by the schema; Kong refuses decK `${{ }}` syntax, nginx `$` and control characters.
        let least = if *target == "nginx" { 3 } else { HOSTILE.len() - 2 };
        assert!(n >= least, "{target} rendered only {n} of {} hostile policies", HOSTILE.len());
    }
}

#[test]
fn hostile_names_are_refused_by_lint_before_any_target_sees_them() {
    for name in ["a\"b", "x; y", "{{ n }}", "${N}", "a\nb", "UPPER"] {
        let quoted = serde_json::to_string(name).unwrap();
        let text = fixture("base-production.yaml").replacen("name: base-prod", &format!("name: {quoted}"), 1);
        let test =
            Test::new().file("p.yaml", text).args(&["render", "p.yaml", "-t", "all", "--out", "out", "--today", TODAY]);
        test.run().code(1);
        assert!(!test.path().join("out").exists(), "{name:?}");
    }
}
