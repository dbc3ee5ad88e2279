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

/// A policy whose tokens nginx checks against the test IdP's keys, by URL or by file.
fn oauth2_policy(idp: &crate::test::Idp, jwks: &str) -> String {
    format!(
        r#"version: 1
name: oauth2-keys
environment: development
upstream:
  url: https://api.anthropic.com
  api_key: env:ANTHROPIC_API_KEY
auth:
  method: oauth2
  oauth2:
    issuer: {issuer}  # gatectl:ignore oauth2-incomplete -- the test IdP serves plain http on loopback
    {jwks}
    audience: api://gatectl-test
    max_token_lifetime_minutes: 60
    pkce: required
consumers:
  - name: team-a
    subject: client-a
"#,
        issuer = idp.issuer()
    )
}

fn jwt_keys(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("etc/nginx/gatectl/oauth2-keys/jwt-keys.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `gatectl materialize` of the OAuth2 policy with `jwks` (where `{dir}` is the test's folder,
/// which holds `files`) into `<test>/staged`.
fn materialize_oauth2(idp: &crate::test::Idp, jwks: &str, files: &[(&str, &str)]) -> Test {
    let mut test = Test::new();
    for (name, text) in files {
        test = test.file(name, text);
    }
    let jwks = jwks.replace("{dir}", test.path().to_str().unwrap());
    test.file("p.yaml", oauth2_policy(idp, &jwks)).env("ANTHROPIC_API_KEY", PROVIDER).args(&[
        "materialize",
        "p.yaml",
        "-t",
        "nginx",
        "--root",
        "staged",
        "--today",
        TODAY,
    ])
}

/// A file's text in base64 decoded by openssl into `der`.
fn decode_base64(text: &str, der: &std::path::Path) {
    let mut child = std::process::Command::new("openssl")
        .args(["base64", "-d", "-A", "-out"])
        .arg(der)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn the_idps_keys_are_fetched_from_jwks_url_and_written_as_spki() {
    let Some(idp) = crate::test::Idp::start() else { return };
    idp.add_key("e1", "ES256");
    let jwks = format!("jwks_url: {}  # gatectl:ignore oauth2-incomplete -- loopback", idp.jwks_url());
    let test = materialize_oauth2(&idp, &jwks, &[]);
    test.run().code(0).stdout_has("jwt-keys.json (2 entries, mode 0600)").nowhere(PROVIDER);
    assert_eq!(idp.jwks_fetches(), 1);
    let keys = jwt_keys(&test.path().join("staged"));
    let summary: Vec<(&str, &str)> =
        keys.iter().map(|k| (k["kid"].as_str().unwrap(), k["alg"].as_str().unwrap())).collect();
    assert_eq!(summary, [("e1", "ES256"), ("k1", "RS256")]);
    // Each is a public key openssl reads as SPKI, of the IdP's own key type.
    for (key, kind) in keys.iter().zip(["NIST CURVE: P-256", "Public-Key: (2048 bit)"]) {
        let der = test.path().join("key.der");
        decode_base64(key["spki"].as_str().unwrap(), &der);
        let text = std::process::Command::new("openssl")
            .args(["pkey", "-pubin", "-inform", "DER", "-text", "-noout", "-in"])
            .arg(&der)
            .output()
            .unwrap();
        assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
        assert!(String::from_utf8_lossy(&text.stdout).contains(kind), "{}", String::from_utf8_lossy(&text.stdout));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = test.path().join("staged/etc/nginx/gatectl/oauth2-keys/jwt-keys.json");
        assert_eq!(std::fs::metadata(file).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_jwks_file_on_the_deploy_host_is_used_without_fetching() {
    let Some(idp) = crate::test::Idp::start() else { return };
    let document = idp.jwks_document().to_string();
    let fetched = idp.jwks_fetches();
    let test = materialize_oauth2(&idp, "jwks_file: file:{dir}/jwks.json", &[("jwks.json", &document)]);
    test.run().code(0).stdout_has("jwt-keys.json (1 entries, mode 0600)");
    assert_eq!(idp.jwks_fetches(), fetched, "materialize fetched the JWKS");
    assert_eq!(jwt_keys(&test.path().join("staged"))[0]["kid"], "k1");
    // A JWKS without a key a gateway may accept is an error, and nothing is written.
    let hmac = r#"{"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]}"#;
    let test = materialize_oauth2(&idp, "jwks_file: file:{dir}/jwks.json", &[("jwks.json", hmac)]);
    test.run().code(2).stderr_has("`auth.oauth2.jwks_file`: the JWKS has no RS256 or ES256 signing key");
    assert!(!test.path().join("staged").exists());
}

#[test]
fn jwks_urls_must_be_https_or_loopback_and_reachable() {
    let Some(idp) = crate::test::Idp::start() else { return };
    let refused = |url: &str| {
        let jwks = format!("jwks_url: {url}  # gatectl:ignore oauth2-incomplete -- testing materialize's own check");
        let test = materialize_oauth2(&idp, &jwks, &[]);
        let out = test.run().code(2);
        assert!(!test.path().join("staged").exists(), "{url}: something was written");
        out
    };
    refused("http://idp.example.com/jwks.json").stderr_has("is plain HTTP to another host");
    let closed = crate::test::free_port();
    refused(&format!("http://127.0.0.1:{closed}/jwks.json")).stderr_has("cannot fetch");
    refused(&format!("{}/missing.json", idp.issuer())).stderr_has("404");
}

#[test]
fn the_redis_password_is_written_base64_in_an_include_and_never_printed() {
    let password = "p@ss w\"ord$ {x}; \\";
    let policy = crate::test::base_with(
        "  burst: 20\n",
        "  burst: 20\n  shared_state: rediss://redis.internal:6380\n  shared_state_password: env:REDIS_PASSWORD\n",
    )
    .replace("vault:secret/claude-code#provider_key", "env:ANTHROPIC_API_KEY")
    .replace("aws-sm:claude-code/ci-bot", "env:CI_BOT_KEY");
    let test = Test::new()
        .file("p.yaml", policy)
        .env("ANTHROPIC_API_KEY", PROVIDER)
        .env("TEAM_PLATFORM_GATEWAY_KEY", CLIENT)
        .env("CI_BOT_KEY", "gw-ci-bot-0123456789abcdef01")
        .env("REDIS_PASSWORD", password)
        .args(&["materialize", "p.yaml", "-t", "nginx", "--root", "staged", "--today", TODAY]);
    test.run().code(0).stdout_has("redis-password.conf (1 entries, mode 0600)").nowhere(password);
    let include =
        std::fs::read_to_string(test.path().join("staged/etc/nginx/gatectl/base-prod/redis-password.conf")).unwrap();
    let encoded = include.strip_prefix("set $gatectl_redis_password \"").and_then(|r| r.strip_suffix("\";\n")).unwrap();
    assert!(encoded.chars().all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)), "{include}");
    let decoded =
        std::process::Command::new("sh").arg("-c").arg(format!("printf %s '{encoded}' | base64 -d")).output().unwrap();
    assert_eq!(String::from_utf8(decoded.stdout).unwrap(), password);
}
