//! TrueFoundry: `gateway.yaml`, a stream of manifests. Each document is named by its
//! `type` and `name` (`virtual-account[ci-bot]`); rate-limit rules line up by `id`, and
//! because the first matching rule wins, their order is a leaf of its own.

use serde_json::Value;

use super::tree::{parse_yaml_documents, Shape};
use super::{DiffError, Files, Layout, Normalized};

pub const FILE: &str = "gateway.yaml";

pub const LAYOUT: Layout = Layout { files: &[FILE], normalize, identify: |_, _| FILE };

const SHAPE: Shape = Shape {
    keyed: &[("integrations", &["name"]), ("rules", &["id"]), ("permissions", &["resource_fqn"])],
    positional: &[],
    ordered: &[],
    noise: &["id_", "created_at", "updated_at", "createdBySubject"],
    secrets: &["api_key", "token", "password", "secret"],
};

fn normalize(files: &Files) -> Result<Normalized, DiffError> {
    let mut out = Normalized::default();
    let Some(text) = files.get(FILE) else { return Ok(out) };
    for document in parse_yaml_documents(FILE, text)? {
        let kind = document.get("type").and_then(Value::as_str).unwrap_or("manifest");
        let prefix = match document.get("name").and_then(Value::as_str) {
            Some(name) => format!("{kind}[{name}]"),
            None => kind.to_string(),
        };
        if let Some(rules) = document.get("rules").and_then(Value::as_array) {
            let ids: Vec<String> =
                rules.iter().map(|r| r.get("id").map_or_else(|| "?".into(), Value::to_string)).collect();
            out.insert(format!("{prefix}.rules(order)"), format!("[{}]", ids.join(", ")), false);
        }
        SHAPE.normalize(&document, &format!("{prefix}."), &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_named_and_rule_order_counts() {
        let a = "type: virtual-account\nname: ci\n---\ntype: gateway-rate-limiting-config\nrules:\n- {id: a, limit_to: 1}\n- {id: b, limit_to: 2}\n";
        let b = "---\ntype: gateway-rate-limiting-config\nrules:\n- {id: b, limit_to: 2}\n- {id: a, limit_to: 1}\n---\nname: ci\ntype: virtual-account\n";
        let n = |t: &str| normalize(&Files::from([(FILE.to_string(), t.to_string())])).unwrap().leaves;
        let (na, nb) = (n(a), n(b));
        assert!(na.contains_key("virtual-account[ci].type"));
        assert_eq!(
            na["gateway-rate-limiting-config.rules[a].limit_to"],
            nb["gateway-rate-limiting-config.rules[a].limit_to"]
        );
        assert_ne!(na["gateway-rate-limiting-config.rules(order)"], nb["gateway-rate-limiting-config.rules(order)"]);
    }
}
