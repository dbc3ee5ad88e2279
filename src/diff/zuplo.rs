//! Zuplo: `config/routes.oas.json` and `config/policies.json`. Policies line up by
//! `name`; a route's inbound policy list keeps its order, because Zuplo runs them in order.

use super::tree::{parse_json, Shape};
use super::{DiffError, Files, Layout, Normalized};

pub const ROUTES: &str = "config/routes.oas.json";
pub const POLICIES: &str = "config/policies.json";

pub const LAYOUT: Layout = Layout { files: &[ROUTES, POLICIES], normalize, identify };

const SHAPE: Shape = Shape {
    keyed: &[("policies", &["name"]), ("headers", &["name"]), ("parameters", &["name"]), ("servers", &["url"])],
    positional: &[],
    ordered: &["inbound", "outbound"],
    // gatectl's provenance line (JSON has no comments), not configuration.
    noise: &["x-gatectl"],
    secrets: &["apikey", "api_key", "password", "secret", "token"],
};

fn identify(name: &str, text: &str) -> &'static str {
    if name.contains("polic") || (!text.contains("\"openapi\"") && text.contains("\"policies\"")) {
        POLICIES
    } else {
        ROUTES
    }
}

fn normalize(files: &Files) -> Result<Normalized, DiffError> {
    let mut out = Normalized::default();
    for name in [ROUTES, POLICIES] {
        let Some(text) = files.get(name) else { continue };
        let document = if text.trim().is_empty() { serde_json::json!({}) } else { parse_json(name, text)? };
        let file = name.trim_start_matches("config/");
        SHAPE.normalize(&document, &format!("{file}:"), &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_line_up_by_name_and_inbound_order_counts() {
        let n = |routes: &str, policies: &str| {
            normalize(&Files::from([
                (ROUTES.to_string(), routes.to_string()),
                (POLICIES.to_string(), policies.to_string()),
            ]))
            .unwrap()
            .leaves
        };
        let a = n(
            r#"{"paths":{"/v1/messages":{"post":{"x-zuplo-route":{"policies":{"inbound":["a","b"]}}}}}}"#,
            r#"{"policies":[{"name":"a","x":1},{"name":"b"}]}"#,
        );
        let b = n(
            r#"{"paths":{"/v1/messages":{"post":{"x-zuplo-route":{"policies":{"inbound":["b","a"]}}}}}}"#,
            r#"{"policies":[{"name":"b"},{"name":"a","x":1}]}"#,
        );
        assert_eq!(a["policies.json:policies[a].x"], b["policies.json:policies[a].x"]);
        let inbound = "routes.oas.json:paths[\"/v1/messages\"].post.x-zuplo-route.policies.inbound";
        assert_ne!(a[inbound], b[inbound]);
    }

    #[test]
    fn lone_files_are_recognised() {
        assert_eq!(identify("-", r#"{"openapi":"3.1.0","paths":{}}"#), ROUTES);
        assert_eq!(identify("-", r#"{"policies":[]}"#), POLICIES);
    }
}
