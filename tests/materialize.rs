//! `gatectl materialize --target nginx`: deploy-time secret includes, 0600, no value printed.

use crate::test::{repo, Test, TODAY};

const PROVIDER: &str = "sk-ant-api03-Materialize0123456789abcdefXYZ";
const CLIENT: &str = "gw-dev-4f9a8b7c6d5e4f3a2b1c0d9e";

fn dev() -> String {
    repo().join("policies/claude-code-dev.yaml").display().to_string()
}

#[test]
fn writes_both_includes_with_mode_0600_and_prints_no_value() {
    let test = Test::new().env("ANTHROPIC_API_KEY", PROVIDER).env("DEV_GATEWAY_KEY", CLIENT).args(&[
        "materialize",
        &dev(),
        "--target",
        "nginx",
        "--root",
        "staged",
        "--today",
        TODAY,
    ]);
    let out = test.run().code(0).nowhere(PROVIDER).nowhere(CLIENT).stdout_has("consumers.map (1 entries, mode 0600)");
    assert!(out.stdout.contains("upstream-key.conf"));
    let dir = test.path().join("staged/etc/nginx/gatectl/claude-code-dev");
    let map = std::fs::read_to_string(dir.join("consumers.map")).unwrap();
    // The dev policy reads the bare key from x-api-key, so no `Bearer ` prefix.
    assert_eq!(map, format!("\"{CLIENT}\" \"local-dev\";\n"));
    let upstream = std::fs::read_to_string(dir.join("upstream-key.conf")).unwrap();
    assert_eq!(upstream, format!("proxy_set_header x-api-key \"{PROVIDER}\";\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["consumers.map", "upstream-key.conf"] {
            assert_eq!(std::fs::metadata(dir.join(file)).unwrap().permissions().mode() & 0o777, 0o600, "{file}");
        }
    }
}

#[test]
fn a_missing_variable_is_a_clear_error_and_nothing_is_written() {
    let test = Test::new().env("ANTHROPIC_API_KEY", PROVIDER).args(&[
        "materialize",
        &dev(),
        "-t",
        "nginx",
        "--root",
        "staged",
        "--today",
        TODAY,
    ]);
    test.run()
        .code(2)
        .stderr_has("`consumers[0].key`: environment variable DEV_GATEWAY_KEY is not set")
        .nowhere(PROVIDER);
    assert!(!test.path().join("staged").exists());
}

#[test]
fn references_it_cannot_resolve_are_named() {
    let prod = repo().join("policies/claude-code-prod.yaml").display().to_string();
    Test::new()
        .args(&["materialize", &prod, "-t", "nginx", "--root", "staged", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("`upstream.api_key`: cannot resolve a `vault:` reference here");
}

#[test]
fn short_or_unsafe_keys_are_refused_without_showing_them() {
    Test::new()
        .env("ANTHROPIC_API_KEY", PROVIDER)
        .env("DEV_GATEWAY_KEY", "short-key")
        .args(&["materialize", &dev(), "-t", "nginx", "--root", "s", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("9 characters")
        .nowhere("short-key");
    let unsafe_key = "gw-key-with-a-quote\"; return 200 x";
    Test::new()
        .env("ANTHROPIC_API_KEY", PROVIDER)
        .env("DEV_GATEWAY_KEY", unsafe_key)
        .args(&["materialize", &dev(), "-t", "nginx", "--root", "s", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("characters nginx cannot hold")
        .nowhere(unsafe_key);
}
