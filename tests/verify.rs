//! `gatectl verify` through the real binary, against servers that enforce nothing: the
//! stand-in Anthropic API itself (an open proxy, as far as a client can tell) and a server
//! that echoes every request back. The checks must fail there, skips must say why and never
//! count as passes, every format must hold the same outcomes, and no credential may be
//! printed, even one the server sends back. The real gateways are in tests/verify_live.rs.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use crate::stand_in::stand_in;
use crate::test::{free_port, repo, Outcome, Test, TODAY};

const KEY: &str = "gw-verify-dev-key-4a1c9e7b2d5f8a3c6e0b";

fn dev_example() -> String {
    std::fs::read_to_string(repo().join("policies/claude-code-dev.yaml")).unwrap()
}

fn verify(url: &str, extra: &[&str]) -> Outcome {
    Test::new()
        .file("policy.yaml", dev_example())
        .env("DEV_GATEWAY_KEY", KEY)
        .args(&["verify", "policy.yaml", "--url", url, "--key-env", "DEV_GATEWAY_KEY", "--today", TODAY])
        .args(extra)
        .run()
        .nowhere(KEY)
}

/// A server that answers every request with 200 and the request's own head as the body.
fn echo() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut head = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            while reader.read_line(&mut head).unwrap_or(0) > 2 && !head.ends_with("\r\n\r\n") {}
            let body = head.replace('"', "'");
            let _ =
                write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        }
    });
    port
}

fn status<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    let check = report["checks"].as_array().unwrap().iter().find(|c| c["id"] == id);
    check.unwrap_or_else(|| panic!("no check {id}"))["status"].as_str().unwrap()
}

#[test]
fn an_open_proxy_fails_the_checks_it_should_and_skips_are_not_passes() {
    let (upstream, seen) = stand_in();
    let url = format!("http://127.0.0.1:{upstream}");
    let out = verify(&url, &["--format", "json"]).code(1);
    let report = out.json();
    // The exact shape the README documents.
    let keys: Vec<&String> = report.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["checks", "summary"]);
    for check in report["checks"].as_array().unwrap() {
        let keys: Vec<&String> = check.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "field", "status", "detail"], "{check}");
    }
    for (id, expected) in [
        ("messages", "pass"),
        ("count-tokens", "pass"),
        ("auth-missing", "fail"),
        ("auth-wrong", "fail"),
        ("streaming", "pass"),
        ("hsts", "skip"),
        ("tls-floor", "skip"),
        ("tls-ciphers", "skip"),
        ("model-allowlist", "skip"),
        ("unrouted-path", "fail"),
        ("rate-limit", "skip"),
    ] {
        assert_eq!(status(&report, id), expected, "{id}: {report}");
    }
    assert_eq!(report["summary"], serde_json::json!({"pass": 3, "fail": 3, "skip": 5}));
    let details: Vec<&str> =
        report["checks"].as_array().unwrap().iter().map(|c| c["detail"].as_str().unwrap()).collect();
    assert!(details.iter().all(|d| !d.is_empty()));
    // Each skip says why.
    let text = report.to_string();
    for why in [
        "the policy sets no `listener.tls.hsts`",
        "the policy has no `listener.tls`",
        "`upstream.models` is empty",
        "spends quota: run with --rate-limit",
    ] {
        assert!(text.contains(why), "no skip says `{why}`: {text}");
    }
    // Probes are small: one token each, and bounded in number.
    let requests = seen.lock().unwrap().len();
    assert!((8..=13).contains(&requests), "{requests} requests");

    // The dev example declares only `targets.litellm`: that is the target unless one is given.
    verify(&url, &[]).code(1).stdout_has("(target litellm)");
    verify(&url, &["--target", "nginx"]).code(1).stdout_has("(target nginx)");
}

#[test]
fn every_format_reports_the_same_outcomes() {
    let (upstream, _) = stand_in();
    let url = format!("http://127.0.0.1:{upstream}");
    let text = verify(&url, &["--format", "text"]).code(1).stdout;
    assert!(text.starts_with(&format!("gatectl verify claude-code-dev against {url}")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("fail  auth-missing ") && l.contains("auth.method")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("skip  tls-floor ")), "{text}");
    assert!(text.trim_end().ends_with("3 passed, 3 failed, 5 skipped"), "{text}");

    let markdown = verify(&url, &["--format", "markdown"]).code(1).stdout;
    assert!(markdown.starts_with("### ❌ gatectl verify claude-code-dev"), "{markdown}");
    assert!(markdown.contains("| ❌ fail | `auth-wrong` | `auth.method` |"), "{markdown}");
    assert!(markdown.contains("| ⏭️ skip | `rate-limit` |"), "{markdown}");

    // JUnit, read back by Python's XML parser: a skip is <skipped>, a failure <failure>.
    let junit = verify(&url, &["--format", "junit"]).code(1).stdout;
    let parsed = std::process::Command::new("python3")
        .args(["-c", "import sys, xml.etree.ElementTree as E\nr = E.fromstring(sys.stdin.read())\ns = r.find('testsuite')\nprint(s.get('tests'), s.get('failures'), s.get('skipped'), ' '.join(c.get('name') + ':' + ('fail' if c.find('failure') is not None else 'skip' if c.find('skipped') is not None else 'pass') for c in s))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(junit.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3 runs");
    let summary = String::from_utf8(parsed.stdout).unwrap();
    assert!(summary.starts_with("11 3 5 messages:pass count-tokens:pass auth-missing:fail"), "{summary}\n{junit}");
    assert!(summary.contains("rate-limit:skip"), "{summary}");
}

#[test]
fn a_credential_sent_back_by_the_gateway_is_never_printed() {
    let url = format!("http://127.0.0.1:{}", echo());
    for format in ["text", "json", "junit", "markdown"] {
        // Every probe gets 200 with its own request (the key in it) as the body.
        let out = verify(&url, &["--format", format]).code(1);
        assert!(out.stdout.contains("x-api-key: ****"), "{format}: the echo is shown masked:\n{}", out.stdout);
    }
}

#[test]
fn usage_errors_and_unreachable_gateways_are_exit_2() {
    let port = free_port();
    let dead = format!("http://127.0.0.1:{port}");
    verify(&dead, &[]).code(2).stderr_has(&format!("cannot reach http://127.0.0.1:{port}")).stderr_has("help:");
    verify(&format!("https://127.0.0.1:{port}"), &[]).code(2).stderr_has("cannot reach");
    // A URL that carries a credential is refused, and the credential is not echoed.
    verify("https://admin:sk-ant-api03-Secret0123456789abcdef@gw.example.com", &[])
        .code(2)
        .stderr_has("user info is not allowed")
        .nowhere("Secret0123456789");
    verify("ftp://gw.example.com", &[]).code(2).stderr_has("the scheme must be http or https");
    verify(&dead, &["--client-cert", "c.pem"]).code(2).stderr_has("--client-key");
    verify(&dead, &["--client-cert", "c.pem", "--client-key", "k.pem"]).code(2).stderr_has("needs an https:// URL");
    verify(&format!("https://127.0.0.1:{port}"), &["--ca", "missing.pem"]).code(2).stderr_has("--ca missing.pem");
    verify(&dead, &["--timeout", "0"]).code(2);
    // --key-env takes a variable's name; a value given there is refused without being shown.
    let test = Test::new().file("policy.yaml", dev_example()).args(&[
        "verify",
        "policy.yaml",
        "--url",
        &dead,
        "--key-env",
        "sk-ant-api03-Literal0123456789abcdef",
        "--today",
        TODAY,
    ]);
    test.run().code(2).stderr_has("the name of an environment variable").nowhere("Literal0123456789");
    Test::new()
        .file("policy.yaml", dev_example())
        .args(&["verify", "policy.yaml", "--url", &dead, "--key-env", "GATECTL_UNSET_VARIABLE", "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("$GATECTL_UNSET_VARIABLE is not set");
    // A policy with errors is not verified against.
    Test::new()
        .file("policy.yaml", dev_example().replace("method: api_key", "method: password"))
        .args(&["verify", "policy.yaml", "--url", &dead, "--today", TODAY])
        .run()
        .code(2)
        .stderr_has("not verifying against policy.yaml");
    // The check list needs neither.
    Test::new().args(&["verify", "--list"]).run().code(0).stdout_has("| `tls-floor` | `listener.tls.min_version` |");
}

#[test]
fn an_untrusted_certificate_is_exit_2_and_the_ca_flag_trusts_it() {
    // A real TLS server with a self-signed certificate: nginx serving the dev example with TLS.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("tls")).unwrap();
    crate::test::self_signed(&root.join("tls/server.crt"), &root.join("tls/server.key"));
    let (upstream, _) = stand_in();
    let port = free_port();
    let policy = dev_example()
        .replace("url: https://api.anthropic.com", &format!("url: http://127.0.0.1:{upstream}"))
        .replace("port: 8080\n", &format!("port: {port}\n  tls:\n    min_version: \"1.2\"\n    certificate: file:{r}/tls/server.crt\n    private_key: file:{r}/tls/server.key\n", r = root.display()))
        .replace("targets:\n", &format!("targets:\n  nginx: {{secrets_dir: {r}/secrets, audit_log: {r}/logs/audit.log}}\n", r = root.display()));
    let secrets = [("ANTHROPIC_API_KEY", "sk-ant-api03-ProviderKeyForTheStandIn0123456789"), ("DEV_GATEWAY_KEY", KEY)];
    let Some(_nginx) = crate::gateways::serve_nginx(root, &policy, &secrets, |c| c, port) else { return };
    let run = |extra: &[&str]| {
        Test::new()
            .file("policy.yaml", &policy)
            .env("DEV_GATEWAY_KEY", KEY)
            .args(&[
                "verify",
                "policy.yaml",
                "--url",
                &format!("https://localhost:{port}"),
                "--key-env",
                "DEV_GATEWAY_KEY",
            ])
            .args(&["--target", "nginx", "--today", TODAY])
            .args(extra)
            .run()
            .nowhere(KEY)
    };
    run(&[]).code(2).stderr_has("certificate verify failed").stderr_has("--ca FILE");
    let ca = root.join("tls/server.crt");
    let out = run(&["--ca", ca.to_str().unwrap(), "--format", "json"]).code(0);
    assert_eq!(status(&out.json(), "tls-floor"), "pass", "{}", out.stdout);
}
