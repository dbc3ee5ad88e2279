//! `gatectl verify` against the real gateways (tests/gateways.rs) in front of the stand-in
//! Anthropic API: the production example, pointed at loopback, passes every check its target
//! enforces; one deliberately broken variant per check fails exactly that check; and a
//! gateway that is down is exit 2. One gateway serves several checks where it can: LiteLLM
//! and `zuplo dev` take seconds to start, nginx milliseconds.

use std::path::Path;

use serde_json::Value;

use crate::stand_in::stand_in;
use crate::test::{free_port, Outcome, Test, TODAY};

use crate::gateways::{prod_on_loopback, prod_secrets, CONSUMER_KEY, PROVIDER_KEY};

const MASTER_KEY: &str = "sk-master-verify-test-5e4d3c2b1a09f8e7d6c5";

/// `gatectl verify` on `policy` against `url` with team-data's key in `$VERIFY_KEY_DATA`.
fn verify(policy: &str, url: &str, extra: &[&str]) -> Outcome {
    verify_as("VERIFY_KEY_DATA", policy, url, extra)
}

/// `gatectl verify` with the key in `$key_env` (every consumer's key is set).
fn verify_as(key_env: &str, policy: &str, url: &str, extra: &[&str]) -> Outcome {
    let mut test = Test::new().file("policy.yaml", policy);
    for (name, value) in prod_secrets() {
        test = test.env(name, value);
    }
    let test = test.args(&["verify", "policy.yaml", "--url", url, "--key-env", key_env, "--format", "json"]);
    // A loaded machine (the whole suite at once) slows the gateways, LiteLLM most: generous bounds.
    let test = test.args(&["--today", TODAY, "--timeout", "60"]).within(std::time::Duration::from_secs(240));
    prod_secrets().into_iter().fold(test.args(extra).run(), |out, (_, key)| out.nowhere(key))
}

/// (id, status) of every check in a JSON report.
fn statuses(out: &Outcome) -> Vec<(String, String)> {
    out.json()["checks"]
        .as_array()
        .expect("a checks array")
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["status"].as_str().unwrap().to_string()))
        .collect()
}

fn ids(out: &Outcome, status: &str) -> Vec<String> {
    statuses(out).into_iter().filter(|(_, s)| s == status).map(|(id, _)| id).collect()
}

fn detail<'a>(report: &'a Value, id: &str) -> &'a str {
    report["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["detail"].as_str().unwrap()
}

// ---------------------------------------------------------------------------------------------
// nginx: TLS floor, ciphers, HSTS, keys, limits, streaming — everything but the model list.

struct Nginx {
    _dir: tempfile::TempDir,
    policy: String,
    url: String,
    _nginx: crate::test::KillOnDrop,
}

/// The prod example rendered for nginx, `edit` applied to the rendered config, served on loopback.
fn nginx(policy_edits: &[(&str, &str)], edit: impl Fn(String) -> String) -> Option<Nginx> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (upstream, _) = stand_in();
    let port = free_port();
    let policy = crate::gateways::prod_for_nginx(root, upstream, port, policy_edits);
    let guard = crate::gateways::serve_nginx(root, &policy, &prod_secrets(), edit, port)?;
    Some(Nginx { policy, url: format!("https://localhost:{port}"), _nginx: guard, _dir: dir })
}

impl Nginx {
    fn verify(&self, extra: &[&str]) -> Outcome {
        let ca = self._dir.path().join("tls/server.crt");
        let mut args = vec!["--target", "nginx", "--ca", ca.to_str().unwrap()];
        args.extend_from_slice(extra);
        verify(&self.policy, &self.url, &args)
    }
}

/// A change to a rendered nginx config.
type ConfigEdit = Box<dyn Fn(String) -> String>;
/// Replacements in the policy before it is rendered.
type PolicyEdits = &'static [(&'static str, &'static str)];

/// Replaces `from` (which must be in the rendered config) by `to`.
fn edit(from: &'static str, to: &'static str) -> impl Fn(String) -> String {
    move |conf: String| {
        assert!(conf.contains(from), "the rendered config has no `{from}`:\n{conf}");
        conf.replace(from, to)
    }
}

#[test]
fn nginx_passes_every_check_it_enforces_and_each_broken_variant_fails_its_own() {
    let Some(gw) = nginx(&[], |conf| conf) else { return };
    let out = gw.verify(&["--rate-limit"]).code(0);
    assert_eq!(ids(&out, "fail"), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(ids(&out, "skip"), ["model-allowlist"], "{}", out.stdout);
    let report = out.json();
    assert!(detail(&report, "model-allowlist").contains("nginx does not enforce `upstream.models`"));
    assert!(detail(&report, "tls-floor").contains("TLS 1.0 and 1.1 refused; TLS 1.2 accepted"), "{report}");
    assert!(detail(&report, "rate-limit").contains("consumer team-data"), "{report}");
    assert_eq!(report["summary"], serde_json::json!({"pass": 10, "fail": 0, "skip": 1}));
    drop(gw);

    // The example's cipher list holds only TLS 1.2 suites, which TLS 1.0 cannot use: the
    // variant with a lowered floor drops the list, so that the floor alone is what changed.
    const NO_CIPHERS: PolicyEdits = &[(
        "    ciphers: [ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256, ECDHE-ECDSA-AES256-GCM-SHA384, ECDHE-RSA-AES256-GCM-SHA384]\n",
        "",
    )];
    let variants: [(&str, PolicyEdits, ConfigEdit); 6] = [
        ("streaming", &[], Box::new(edit("proxy_buffering off;", "proxy_buffering on;"))),
        (
            "hsts",
            &[],
            Box::new(edit("    add_header Strict-Transport-Security", "    #add_header Strict-Transport-Security")),
        ),
        // Any bearer token maps to team-data: a wrong key is let in, a missing one still is not.
        (
            "auth-wrong",
            &[],
            Box::new(edit(
                "    default \"\";\n    include",
                "    default \"\";\n    \"~^Bearer .\" \"team-data\";\n    include",
            )),
        ),
        (
            "tls-floor",
            NO_CIPHERS,
            // OpenSSL 3 negotiates TLS 1.0/1.1 only at security level 0.
            Box::new(edit(
                "ssl_protocols TLSv1.2 TLSv1.3;",
                "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n    ssl_ciphers \"HIGH:!aNULL:@SECLEVEL=0\";",
            )),
        ),
        ("tls-ciphers", &[], Box::new(edit("ssl_ciphers \"", "ssl_ciphers \"ECDHE-ECDSA-CHACHA20-POLY1305:"))),
        (
            "rate-limit",
            &[],
            Box::new(|conf: String| conf.lines().filter(|l| !l.contains("limit_req ")).collect::<Vec<_>>().join("\n")),
        ),
    ];
    for (check, policy_edits, broken) in variants {
        let Some(gw) = nginx(policy_edits, broken) else { return };
        let out = gw.verify(&["--rate-limit"]).code(1);
        assert_eq!(ids(&out, "fail"), [check], "{check}: {}", out.stdout);
    }
}

#[test]
fn a_gateway_that_is_down_is_exit_2() {
    let (upstream, _) = stand_in();
    let port = free_port();
    let policy = prod_on_loopback(upstream, port, &[]);
    verify(&policy, &format!("https://localhost:{port}"), &["--target", "nginx"])
        .code(2)
        .stderr_has(&format!("cannot reach https://localhost:{port}"));
    verify(&policy, &format!("http://127.0.0.1:{port}"), &[]).code(2).stderr_has("cannot reach");
}

// ---------------------------------------------------------------------------------------------
// LiteLLM: keys, the model allowlist, per-consumer limits, streaming; no TLS of its own.

/// The prod example (with `edits`) rendered for LiteLLM and served on loopback.
fn litellm(dir: &Path, edits: &[(&str, &str)]) -> Option<(String, String, crate::gateways::Litellm)> {
    let (upstream, _) = stand_in();
    let port = free_port();
    // LiteLLM keeps its counters per process: no Redis.
    let mut edits = edits.to_vec();
    edits.extend([
        ("  shared_state: rediss://redis.internal:6380\n", ""),
        ("  shared_state_password: env:VERIFY_REDIS_PASSWORD\n", ""),
    ]);
    let policy = prod_on_loopback(upstream, port, &edits);
    let mut env = prod_secrets();
    env.push(("LITELLM_MASTER_KEY", MASTER_KEY));
    let proxy = crate::gateways::serve_litellm(dir, &policy, &env, |_| {}, port)?;
    Some((policy, format!("http://127.0.0.1:{port}"), proxy))
}

#[test]
fn litellm_passes_every_check_it_enforces_and_fails_without_its_model_list() {
    let (good, broken) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // The broken gateway was rendered from the policy without its model list (LiteLLM then
    // serves `anthropic/*`); verify checks it against the policy that has one. Both proxies
    // start at once: LiteLLM's start-up is most of this test's time.
    // (Nor does it declare TrueFoundry, which cannot do without one.)
    let no_models = [
        ("  models: [claude-sonnet-4-5, claude-haiku-4-5]\n", ""),
        ("  truefoundry: {tenant: acme-prod, secret_group: claude-code}\n", ""),
    ];
    let (running, dropped) = std::thread::scope(|scope| {
        let running = scope.spawn(|| litellm(good.path(), &[]));
        let dropped = scope.spawn(|| litellm(broken.path(), &no_models));
        (running.join().unwrap(), dropped.join().unwrap())
    });
    let (Some((policy, url, proxy)), Some((_, broken_url, _broken_proxy))) = (running, dropped) else { return };
    let out = verify(&policy, &url, &["--target", "litellm"]).code(0);
    assert_eq!(ids(&out, "fail"), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(ids(&out, "skip"), ["hsts", "tls-floor", "tls-ciphers", "rate-limit"], "{}", out.stdout);
    assert!(detail(&out.json(), "tls-floor").contains("LiteLLM terminates no TLS"));
    // The limit, spent as ci-bot (30/min): the hook counts per consumer.
    let out = verify_as("VERIFY_KEY_CI", &policy, &url, &["--target", "litellm", "--rate-limit"]).code(0);
    assert!(detail(&out.json(), "rate-limit").contains("consumer ci-bot"), "{}", out.stdout);
    let log = std::fs::read_to_string(&proxy.log).unwrap();
    assert!(!log.contains(CONSUMER_KEY), "litellm's log holds the consumer's key");

    let out = verify(&policy, &broken_url, &["--target", "litellm"]);
    let out = out.code(1);
    assert_eq!(ids(&out, "fail"), ["model-allowlist"], "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// zuplo dev: HSTS, streaming, routes, limits. Consumer keys live in Zuplo's key service, which
// `zuplo dev` reaches only when linked (network): this gateway runs `auth.method: none`.

#[test]
fn zuplo_dev_passes_every_check_it_enforces() {
    let dir = tempfile::tempdir().unwrap();
    let (upstream, _) = stand_in();
    let port = free_port();
    let consumers_start = "auth:\n  method: api_key";
    // Per client address (there are no consumers), 20 a minute: a short probe.
    let edits = [("by: consumer", "by: ip"), ("requests_per_minute: 100\n", "requests_per_minute: 20\n")];
    let mut policy = prod_on_loopback(upstream, port, &edits);
    let start = policy.find(consumers_start).unwrap();
    let end = policy.find("headers:\n").unwrap();
    policy.replace_range(start..end, "auth:\n  method: none\n\n");
    let dotenv = format!("VERIFY_PROVIDER_KEY={PROVIDER_KEY}\nVERIFY_REDIS_PASSWORD=unused\n");
    let Some(_server) = crate::gateways::serve_zuplo(dir.path(), &policy, &dotenv, port) else { return };
    let out = verify(&policy, &format!("http://127.0.0.1:{port}"), &["--target", "zuplo", "--rate-limit"]);
    let out = out.code(0);
    assert_eq!(ids(&out, "fail"), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(
        ids(&out, "skip"),
        ["auth-missing", "auth-wrong", "tls-floor", "tls-ciphers", "model-allowlist"],
        "{}",
        out.stdout
    );
    assert!(detail(&out.json(), "hsts").contains("max-age=31536000; includeSubDomains"));
}

// ---------------------------------------------------------------------------------------------
// nginx with mTLS: the consumer is a client certificate; a stranger's is refused.

#[test]
fn nginx_with_mtls_refuses_strangers_and_serves_the_consumers_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["tls", "ca"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    crate::test::self_signed(&root.join("tls/server.crt"), &root.join("tls/server.key"));
    crate::test::self_signed(&root.join("ca/ca.crt"), &root.join("ca/ca.key"));
    let (cert, key) = crate::test::client_certificate(
        &root.join("ca"),
        &root.join("ca/ca.crt"),
        &root.join("ca/ca.key"),
        "batch-summariser.workloads.example.com",
    );
    let (upstream, _) = stand_in();
    let port = free_port();
    let mut policy = std::fs::read_to_string(crate::test::repo().join("policies/claude-code-mtls.yaml")).unwrap();
    let r = root.display();
    for (from, to) in [
        ("environment: production", "environment: development".to_string()),
        ("url: https://api.anthropic.com", format!("url: http://127.0.0.1:{upstream}")),
        ("api_key: k8s:claude-gateway/provider-key", "api_key: env:VERIFY_PROVIDER_KEY".into()),
        ("host: claude-mtls.internal.example.com\n  port: 8443", format!("host: localhost\n  port: {port}")),
        ("k8s:claude-gateway-tls/tls.crt", format!("file:{r}/tls/server.crt")),
        ("k8s:claude-gateway-tls/tls.key", format!("file:{r}/tls/server.key")),
        ("k8s:claude-gateway-clients-ca/ca.crt", format!("file:{r}/ca/ca.crt")),
        ("ip_allowlist: [10.0.0.0/8]", "ip_allowlist: [127.0.0.1/32]".into()),
        ("  nginx: {}\n", format!("  nginx: {{secrets_dir: {r}/secrets, audit_log: {r}/logs/audit.log}}\n")),
    ] {
        assert!(policy.contains(from), "the mTLS example has no `{from}`");
        policy = policy.replace(from, &to);
    }
    let secrets = [("VERIFY_PROVIDER_KEY", PROVIDER_KEY)];
    let Some(_nginx) = crate::gateways::serve_nginx(root, &policy, &secrets, |conf| conf, port) else { return };
    let url = format!("https://localhost:{port}");
    let server = root.join("tls/server.crt");
    let trust = ["--target", "nginx", "--ca", server.to_str().unwrap()];

    let consumer =
        [trust.as_slice(), &["--client-cert", cert.to_str().unwrap(), "--client-key", key.to_str().unwrap()]].concat();
    let out = verify(&policy, &url, &consumer).code(0);
    assert_eq!(ids(&out, "fail"), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(ids(&out, "skip"), ["tls-ciphers", "model-allowlist", "rate-limit"], "{}", out.stdout);
    let report = out.json();
    assert!(detail(&report, "tls-floor").contains("TLS 1.0, 1.1 and 1.2 refused; TLS 1.3 accepted"), "{report}");
    assert!(detail(&report, "auth-wrong").contains("with a wrong credential"), "{report}");

    // Without the consumer's certificate: refusals are still checked, the rest says what it needs.
    let out = verify(&policy, &url, &trust).code(0);
    assert_eq!(ids(&out, "pass"), ["auth-missing", "auth-wrong", "hsts", "tls-floor"], "{}", out.stdout);
    assert!(detail(&out.json(), "messages").contains("--client-cert FILE --client-key FILE"));
}

// ---------------------------------------------------------------------------------------------
// zuplo dev with OAuth2: tokens from the test identity provider; a stranger's JWT is refused.

const LOOPBACK_IDP: &str = "# gatectl:ignore oauth2-incomplete -- the test identity provider on loopback";

#[test]
fn zuplo_dev_with_oauth2_takes_the_idps_token_and_refuses_a_forged_one() {
    let Some(idp) = crate::test::Idp::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (upstream, _) = stand_in();
    let port = free_port();
    let mut policy = std::fs::read_to_string(crate::test::repo().join("policies/claude-code-oauth2.yaml")).unwrap();
    for (from, to) in [
        ("environment: production", "environment: development".to_string()),
        ("url: https://api.anthropic.com", format!("url: http://127.0.0.1:{upstream}")),
        ("api_key: aws-sm:claude-code-sso/provider-key", "api_key: env:VERIFY_PROVIDER_KEY".into()),
        // The test identity provider speaks plain HTTP on loopback.
        ("issuer: https://your-org.okta.com/oauth2/default", format!("issuer: {} {LOOPBACK_IDP}", idp.issuer())),
        (
            "jwks_url: https://your-org.okta.com/oauth2/default/v1/keys",
            format!("jwks_url: {} {LOOPBACK_IDP}", idp.jwks_url()),
        ),
        ("ip_allowlist: [203.0.113.0/24]", "ip_allowlist: [127.0.0.0/8]".into()),
    ] {
        assert!(policy.contains(from), "the OAuth2 example has no `{from}`");
        policy = policy.replace(from, &to);
    }
    let dotenv = format!("VERIFY_PROVIDER_KEY={PROVIDER_KEY}\n");
    let Some(_server) = crate::gateways::serve_zuplo(dir.path(), &policy, &dotenv, port) else { return };
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": idp.issuer(), "aud": "api://claude-gateway", "sub": "0oa1engineering2client",
        "scope": "anthropic:read anthropic:write", "iat": now, "exp": now + 1800,
    });
    let token = idp.mint(&[serde_json::json!({"kid": "k1", "claims": claims})]).remove(0);
    let out = Test::new()
        .file("policy.yaml", &policy)
        .env("VERIFY_TOKEN", &token)
        .args(&["verify", "policy.yaml", "--url", &format!("http://127.0.0.1:{port}"), "--key-env", "VERIFY_TOKEN"])
        .args(&["--target", "zuplo", "--format", "json", "--today", TODAY, "--timeout", "60"])
        .within(std::time::Duration::from_secs(240))
        .run()
        .nowhere(&token)
        .nowhere(&token[token.len() - 20..]);
    let out = out.code(0);
    assert_eq!(ids(&out, "fail"), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(ids(&out, "skip"), ["tls-floor", "tls-ciphers", "model-allowlist", "rate-limit"], "{}", out.stdout);
    assert!(detail(&out.json(), "auth-wrong").starts_with("401 with a wrong credential"), "{}", out.stdout);
}
