//! End to end: render a policy, materialize its secrets, start the real nginx on
//! loopback in front of a stand-in Anthropic API, and check what the policy says.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::stand_in::{header, stand_in, Seen};
use crate::test::{free_port, KillOnDrop};

const PROVIDER_KEY: &str = "sk-ant-api03-ProviderKeyForTheStandIn0123456789";
const CLIENT_KEY: &str = "gw-live-7d1c0e5b9a8f4e2d6c3b1a0f";
/// A header value with nginx's special characters, set by `headers.add`.
const HOSTILE: &str = r#"back\slash\"quote"; return 200 {x}"#;

fn policy(root: &Path, upstream: u16, port: u16) -> String {
    format!(
        r#"version: 1
name: live-test
environment: development
upstream:
  url: http://127.0.0.1:{upstream}
  api_key: env:LIVE_PROVIDER_KEY
  anthropic_version: "2023-06-01"
listener:
  host: localhost
  port: {port}
  tls:
    min_version: "1.2"
    certificate: file:{root}/tls/server.crt
    private_key: file:{root}/tls/server.key
    hsts:
      max_age_seconds: 31536000
      include_subdomains: true
auth:
  method: api_key
consumers:
  - name: team-live
    key: env:LIVE_CLIENT_KEY
    issued: 2026-11-20
headers:
  add:
    x-gatectl-test: {hostile}
rate_limits:
  requests_per_minute: 60
  burst: 2
network:
  ip_allowlist: [127.0.0.1/32]
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
targets:
  nginx:
    secrets_dir: {root}/secrets
    audit_log: {root}/logs/audit.log
"#,
        root = root.display(),
        hostile = serde_json::to_string(HOSTILE).unwrap()
    )
}

struct Gateway {
    _dir: tempfile::TempDir,
    root: PathBuf,
    port: u16,
    seen: Seen,
    _nginx: KillOnDrop,
}

fn start() -> Option<Gateway> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    std::fs::create_dir_all(root.join("tls")).unwrap();
    crate::test::self_signed(&root.join("tls/server.crt"), &root.join("tls/server.key"));
    let (upstream, seen) = stand_in();
    let port = free_port();
    let env = [("LIVE_PROVIDER_KEY", PROVIDER_KEY), ("LIVE_CLIENT_KEY", CLIENT_KEY)];
    let nginx = crate::gateways::serve_nginx(&root, &policy(&root, upstream, port), &env, |conf| conf, port)?;
    Some(Gateway { _dir: dir, root, port, seen, _nginx: nginx })
}

impl Gateway {
    /// `curl` against the gateway: (status, response headers).
    fn request(&self, extra: &[&str]) -> (u16, String) {
        let url = format!("https://localhost:{}/v1/messages?beta=true", self.port);
        let resolve = format!("localhost:{}:127.0.0.1", self.port);
        let mut args = vec![
            "-sk",
            "-o",
            "/dev/null",
            "-D",
            "-",
            "-w",
            "%{http_code}",
            "--resolve",
            &resolve,
            "-X",
            "POST",
            "-H",
            "content-type: application/json",
            "--data",
            "{\"model\": \"claude-haiku-4-5\"}",
        ];
        args.extend_from_slice(extra);
        args.push(&url);
        let out = Command::new("curl").args(&args).output().expect("curl runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let status = text.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
        (status, text)
    }

    fn last_seen(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().last().cloned().expect("the upstream saw a request")
    }
}

#[test]
fn nginx_enforces_the_policy_end_to_end() {
    let Some(gw) = start() else { return };
    let bearer = format!("authorization: Bearer {CLIENT_KEY}");

    // 401 without a key and with a wrong one; nothing reaches the upstream.
    assert_eq!(gw.request(&[]).0, 401);
    assert_eq!(gw.request(&["-H", "authorization: Bearer gw-live-wrong-key-0000000000"]).0, 401);
    assert!(gw.seen.lock().unwrap().is_empty());

    // 200 with the consumer's key; the upstream gets the provider key, never the client's.
    let (status, headers) =
        gw.request(&["-H", &bearer, "-H", "anthropic-beta: tools-2024-04-04", "-H", "x-api-key: client-supplied"]);
    assert_eq!(status, 200, "{headers}");
    assert!(
        headers.to_ascii_lowercase().contains("strict-transport-security: max-age=31536000; includesubdomains"),
        "{headers}"
    );
    let seen = gw.last_seen();
    assert_eq!(header(&seen, "x-api-key"), Some(PROVIDER_KEY));
    assert_eq!(header(&seen, "authorization"), None);
    assert_eq!(header(&seen, "anthropic-beta"), Some("tools-2024-04-04"));
    assert_eq!(header(&seen, "anthropic-version"), Some("2023-06-01"), "default version added");
    assert_eq!(header(&seen, "x-gatectl-test"), Some(HOSTILE), "headers.add arrives byte for byte");
    gw.request(&["-H", &bearer, "-H", "anthropic-version: 2026-10-21"]);
    assert_eq!(header(&gw.last_seen(), "anthropic-version"), Some("2026-10-21"), "client's version forwarded");

    // SSE: the first event arrives before the upstream has produced the last one.
    let url = format!("https://localhost:{}/v1/messages", gw.port);
    let resolve = format!("localhost:{}:127.0.0.1", gw.port);
    let mut curl = Command::new("curl");
    curl.args(["-skN", "--resolve", &resolve, "-H", &bearer, "-H", "accept: application/json"]).args([
        "-H",
        "content-type: application/json",
        "--data",
        "{\"stream\": true}",
        &url,
    ]);
    crate::stand_in::assert_streams(curl);

    // Over the limit (60/min, burst 2): 429.
    let statuses: Vec<u16> = (0..6).map(|_| gw.request(&["-H", &bearer]).0).collect();
    assert!(statuses.contains(&429), "{statuses:?}");

    // A client outside the allowlist (127.0.0.2) gets 403.
    assert_eq!(gw.request(&["-H", &bearer, "--interface", "127.0.0.2"]).0, 403);

    // The TLS floor: a TLS 1.1 handshake is refused, TLS 1.2 is accepted.
    let connect = format!("127.0.0.1:{}", gw.port);
    let handshake = |version: &str| {
        let mut child = Command::new("openssl")
            .args(["s_client", "-connect", &connect, version, "-cipher", "DEFAULT:@SECLEVEL=0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        child.wait().unwrap().success() && out.contains("BEGIN CERTIFICATE")
    };
    assert!(!handshake("-tls1_1"), "a TLS 1.1 handshake succeeded");
    assert!(handshake("-tls1_2"), "a TLS 1.2 handshake failed");

    // No key in any log nginx wrote.
    for log in ["logs/audit.log", "logs/error.log"] {
        let text = std::fs::read_to_string(gw.root.join(log)).unwrap_or_default();
        assert!(!text.contains(CLIENT_KEY) && !text.contains(PROVIDER_KEY), "{log} holds a key");
        assert!(!text.contains("wrong-key"), "{log} holds a presented key");
    }
    let audit = std::fs::read_to_string(gw.root.join("logs/audit.log")).unwrap();
    assert!(audit.contains("\"consumer\":\"team-live\""), "{audit}");
}
