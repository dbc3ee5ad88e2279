//! LiteLLM: `config.yaml` and the `gatectl_auth.py` hook it names.
//!
//! The hook's settings (consumers, limits, allowlist) are one JSON document in its
//! `SETTINGS = json.loads(…)` line: they are compared field by field. The rest of the
//! hook is code, compared by a digest of its lines without comments or blank lines.

use sha2::{Digest, Sha256};

use super::tree::{parse_yaml, Shape};
use super::{DiffError, Files, Layout, Normalized};

pub const CONFIG: &str = "config.yaml";
pub const HOOK: &str = "gatectl_auth.py";

pub const LAYOUT: Layout = Layout { files: &[CONFIG, HOOK], normalize, identify };

const SHAPE: Shape = Shape {
    keyed: &[("model_list", &["model_name"]), ("consumers", &["name"])],
    positional: &[],
    ordered: &["callbacks", "success_callback", "failure_callback", "fallbacks"],
    noise: &[],
    secrets: &["api_key", "master_key", "database_url", "password", "key"],
};

const SETTINGS_LINE: &str = "SETTINGS = json.loads(";

fn identify(name: &str, text: &str) -> &'static str {
    if name.ends_with(".py") || text.lines().any(|l| l.starts_with(SETTINGS_LINE) || l.starts_with("import ")) {
        HOOK
    } else {
        CONFIG
    }
}

fn normalize(files: &Files) -> Result<Normalized, DiffError> {
    let mut out = Normalized::default();
    if let Some(text) = files.get(CONFIG) {
        let document = if text.trim().is_empty() { serde_json::json!({}) } else { parse_yaml(CONFIG, text)? };
        SHAPE.normalize(&document, "", &mut out);
    }
    if let Some(text) = files.get(HOOK).filter(|t| !t.is_empty()) {
        hook(text, &mut out)?;
    }
    Ok(out)
}

fn hook(text: &str, out: &mut Normalized) -> Result<(), DiffError> {
    let mut code = Sha256::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let line_start = offset;
        offset += raw.len();
        if let Some(call) = line.strip_prefix(SETTINGS_LINE) {
            let literal = call.trim_end().strip_suffix(')').unwrap_or(call);
            let offset = line_start;
            let bad = |reason: String| DiffError::at_offset(HOOK, text, offset, "hook settings", reason);
            let json: String = serde_json::from_str(literal).map_err(|e| bad(e.to_string()))?;
            let settings: serde_json::Value = serde_json::from_str(&json).map_err(|e| bad(e.to_string()))?;
            SHAPE.normalize(&settings, &format!("{HOOK}:SETTINGS"), out);
            continue;
        }
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') {
            code.update(line.as_bytes());
            code.update(b"\n");
        }
    }
    if !out.leaves.keys().any(|p| p.starts_with(HOOK)) {
        out.unmapped.insert(format!("{HOOK} (no SETTINGS line: compared as code only)"));
    }
    let digest: String = code.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    out.insert(format!("{HOOK}:code"), format!("sha256:{digest}"), false);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_settings_are_fields_and_code_is_a_digest() {
        let hook_text = "import json\n# why\nSETTINGS = json.loads(\"{\\\"consumers\\\":[{\\\"name\\\":\\\"a\\\",\\\"rpm\\\":5}]}\")\n\ndef f():\n    pass\n";
        let files = Files::from([(HOOK.to_string(), hook_text.to_string())]);
        let n = normalize(&files).unwrap();
        assert_eq!(n.leaves["gatectl_auth.py:SETTINGS.consumers[a].rpm"].value, "5");
        let reformatted = hook_text.replace("# why\n", "").replace("    pass", "  pass  ");
        let m = normalize(&Files::from([(HOOK.to_string(), reformatted)])).unwrap();
        assert_eq!(n.leaves, m.leaves);
        let edited = hook_text.replace("pass", "return None");
        let e = normalize(&Files::from([(HOOK.to_string(), edited)])).unwrap();
        assert_ne!(n.leaves["gatectl_auth.py:code"], e.leaves["gatectl_auth.py:code"]);
    }

    #[test]
    fn lone_files_are_recognised() {
        assert_eq!(identify("-", "model_list: []\n"), CONFIG);
        assert_eq!(identify("hook.py", ""), HOOK);
    }
}
