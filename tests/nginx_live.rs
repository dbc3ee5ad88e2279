//! End to end: render a policy, materialize its secrets, start the real nginx on loopback in
//! front of a stand-in Anthropic API, and check what the policy says. The helpers here (a
//! deployment in a scratch folder, an nginx master with its workers) serve every nginx live test.

use std::io::Read;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::stand_in::{header, stand_in, Seen};
use crate::test::{free_port, TODAY};

pub const PROVIDER_KEY: &str = "sk-ant-api03-ProviderKeyForTheStandIn0123456789";
const CLIENT_KEY: &str = "gw-live-7d1c0e5b9a8f4e2d6c3b1a0f";
/// A header value with nginx's special characters, set by `headers.add`.
const HOSTILE: &str = r#"back\slash\"quote"; return 200 {x}"#;

/// A policy rendered for nginx and materialized into a scratch root, as on a deploy host.
pub struct Deployment {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    /// The rendered `nginx/` folder (the policy's `targets.nginx.config_dir`).
    pub out: PathBuf,
    pub name: String,
    policy: PathBuf,
}

impl Deployment {
    /// A scratch root with `tls/` (a self-signed pair for localhost), `logs/`, `tmp/` and `secrets/`;
    /// `None` when nginx is missing outside CI.
    pub fn new() -> Option<Deployment> {
        crate::gateways::nginx_binary()?;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        for sub in ["tls", "logs", "tmp", "secrets"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        crate::test::self_signed(&root.join("tls/server.crt"), &root.join("tls/server.key"));
        // Workers run as an unprivileged user: they read the code and write request bodies, never
        // the secrets (0600, read by the master when it loads the config).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
            std::fs::set_permissions(root.join("tmp"), std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        let out = root.join("out/nginx");
        Some(Deployment { _dir: dir, root, out, name: String::new(), policy: PathBuf::new() })
    }

    /// How a test policy starts: its name, the stand-in `upstream`, a TLS listener on `port` with
    /// the scratch root's certificate (what follows may add to `tls:`, then `auth:` and the rest).
    pub fn policy_head(&self, name: &str, upstream: u16, port: u16) -> String {
        format!(
            "version: 1\nname: {name}\nenvironment: development\nupstream:\n  url: http://127.0.0.1:{upstream}\n  api_key: env:LIVE_PROVIDER_KEY\n  anthropic_version: \"2023-06-01\"\nlistener:\n  host: localhost\n  port: {port}\n  tls:\n    min_version: \"1.2\"\n    certificate: file:{r}/tls/server.crt\n    private_key: file:{r}/tls/server.key\n",
            r = self.root.display()
        )
    }

    /// The settings every test policy ends with: everything under the scratch root.
    pub fn nginx_settings(&self) -> String {
        format!(
            "targets:\n  nginx:\n    secrets_dir: {r}/secrets\n    config_dir: {r}/out/nginx\n    audit_log: {r}/logs/audit.log\n",
            r = self.root.display()
        )
    }

    /// Renders `policy` and materializes it with `env` (both must succeed).
    pub fn render(&mut self, policy: &str, env: &[(&str, &str)]) {
        self.policy = self.root.join("policy.yaml");
        std::fs::write(&self.policy, policy).unwrap();
        self.name = policy.lines().find_map(|l| l.strip_prefix("name: ")).expect("a policy name").trim().to_string();
        let out = self.root.join("out");
        let policy = self.policy.to_str().unwrap();
        crate::gateways::gatectl(
            &["render", policy, "-t", "nginx", "--out", out.to_str().unwrap(), "--today", TODAY],
            &[],
        );
        self.materialize(env);
    }

    /// `gatectl materialize` again, as a deploy job does when a secret or the IdP's keys change.
    pub fn materialize(&self, env: &[(&str, &str)]) {
        crate::gateways::gatectl(&["materialize", self.policy.to_str().unwrap(), "-t", "nginx", "--today", TODAY], env);
    }

    /// The rendered http-context include.
    pub fn conf(&self) -> PathBuf {
        self.out.join(format!("{}.conf", self.name))
    }

    /// Starts nginx (a master and its workers, as in production) on a main config that loads the
    /// rendered main-context file, if any, and includes `conf` in its http block; waits for `port`.
    pub fn start(&self, instance: &str, conf: &Path, port: u16) -> Nginx {
        let main = self.root.join(format!("{instance}.conf"));
        let modules = self.out.join("main").join(format!("{}.conf", self.name));
        let load = if modules.exists() { format!("include {};\n", modules.display()) } else { String::new() };
        std::fs::write(
            &main,
            format!(
                "{load}user www-data;\nworker_processes 1;\npid {r}/{instance}.pid;\nerror_log {r}/logs/{instance}-error.log info;\nevents {{}}\nhttp {{\n    client_body_temp_path {r}/tmp;\n    proxy_temp_path {r}/tmp;\n    include {conf};\n}}\n",
                r = self.root.display(),
                conf = conf.display()
            ),
        )
        .unwrap();
        let nginx = crate::gateways::nginx_binary().expect("checked in Deployment::new");
        let child = Command::new(&nginx)
            .arg("-p")
            .arg(&self.root)
            .arg("-e")
            .arg(self.root.join(format!("logs/{instance}-error.log")))
            .arg("-c")
            .arg(&main)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Nginx {
            child,
            nginx,
            main,
            root: self.root.clone(),
            error_log: self.root.join(format!("logs/{instance}-error.log")),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start: {}", server.errors());
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// A file of the scratch root (`logs/audit.log`), empty when missing.
    pub fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.root.join(file)).unwrap_or_default()
    }

    /// Every line of the JSON audit log, parsed.
    pub fn audit(&self) -> Vec<Value> {
        self.read("logs/audit.log")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("an audit line is not JSON ({e}): {l}")))
            .collect()
    }
}

/// A running nginx master; stopped (SIGTERM, which stops its workers too) when dropped.
pub struct Nginx {
    child: Child,
    nginx: PathBuf,
    main: PathBuf,
    root: PathBuf,
    error_log: PathBuf,
}

impl Nginx {
    pub fn errors(&self) -> String {
        std::fs::read_to_string(&self.error_log).unwrap_or_default()
    }

    /// `nginx -s reload`: the master rereads the config and its files; it is not restarted.
    pub fn reload(&mut self) {
        let out = Command::new(&self.nginx)
            .arg("-p")
            .arg(&self.root)
            .arg("-c")
            .arg(&self.main)
            .args(["-s", "reload"])
            .output()
            .unwrap();
        assert!(out.status.success(), "nginx -s reload: {}", String::from_utf8_lossy(&out.stderr));
        assert!(self.child.try_wait().unwrap().is_none(), "the master exited on reload: {}", self.errors());
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `curl` against a gateway on `localhost:port` over TLS: (status, response headers, body).
pub fn request(port: u16, path: &str, extra: &[&str]) -> (u16, String, String) {
    let url = format!("https://localhost:{port}{path}");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body");
    let mut args = vec!["-sk", "-o", body.to_str().unwrap(), "-D", "-", "-w", "%{http_code}", "--resolve", &resolve];
    args.extend_from_slice(&["-X", "POST", "-H", "content-type: application/json"]);
    if !extra.iter().any(|a| a.starts_with("--data")) {
        args.extend_from_slice(&["--data", "{\"model\": \"claude-haiku-4-5\"}"]);
    }
    args.extend_from_slice(extra);
    args.push(&url);
    let out = Command::new("curl").args(&args).output().expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let status = text.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
    (status, text, std::fs::read_to_string(&body).unwrap_or_default())
}

/// Asserts a streaming request through the gateway on `localhost:port` with `credential` (a
/// header line) gets the stand-in's events as they are produced.
#[track_caller]
pub fn assert_streams_through(port: u16, credential: &str) {
    let url = format!("https://localhost:{port}/v1/messages");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let mut curl = Command::new("curl");
    curl.args(["-skN", "--resolve", &resolve, "-H", credential, "-H", "accept: application/json"]).args([
        "-H",
        "content-type: application/json",
        "--data",
        "{\"stream\": true}",
        &url,
    ]);
    crate::stand_in::assert_streams(curl);
}

/// The value of a response header in `curl -D -` output.
pub fn response_header<'a>(headers: &'a str, name: &str) -> Option<&'a str> {
    headers.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Asserts an Anthropic-shaped error: JSON content type, `{"type":"error","error":{type,message}}`.
#[track_caller]
pub fn assert_error(response: &(u16, String, String), status: u16, kind: &str, message: &str) {
    let (got, headers, body) = response;
    assert_eq!(*got, status, "{headers}{body}");
    assert_eq!(response_header(headers, "content-type"), Some("application/json"), "{headers}");
    let json: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    assert_eq!(json["type"], "error", "{body}");
    assert_eq!(json["error"]["type"], kind, "{body}");
    let text = json["error"]["message"].as_str().unwrap_or_default();
    assert!(text.contains(message), "message `{text}` lacks `{message}`");
}

/// The audit log's fields: the seed's (security-best-practices-enterprise-gateways.md § What to
/// Log) that nginx knows, by their names here. Model and token counts are in no nginx log.
pub const AUDIT_FIELDS: &[&str] = &[
    "time",
    "request_id",
    "client",
    "consumer",
    "auth_method",
    "method",
    "uri",
    "status",
    "bytes",
    "duration",
    "upstream_status",
    "upstream_duration",
    "rate_limited",
    "refusal",
    "anthropic_version",
];

/// Every audit line has every field, typed, and no line holds any of `secrets`.
#[track_caller]
pub fn assert_audit(deployment: &Deployment, auth_method: &str, secrets: &[&str]) -> Vec<Value> {
    let lines = deployment.audit();
    assert!(!lines.is_empty(), "no audit line");
    for line in &lines {
        let fields: Vec<&str> = line.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(fields, AUDIT_FIELDS, "{line}");
        assert_eq!(line["auth_method"], auth_method, "{line}");
        assert!(line["status"].is_u64() && line["duration"].is_f64() && line["rate_limited"].is_boolean(), "{line}");
        assert_eq!(line["request_id"].as_str().unwrap().len(), 32, "{line}");
        assert!(line["time"].as_str().unwrap().starts_with("20"), "{line}");
    }
    for log in std::fs::read_dir(deployment.root.join("logs")).unwrap() {
        let log = log.unwrap().path();
        let text = std::fs::read_to_string(&log).unwrap();
        for secret in secrets {
            assert!(!text.contains(secret), "{} holds a credential", log.display());
        }
    }
    lines
}

fn policy(deployment: &Deployment, upstream: u16, port: u16) -> String {
    format!(
        r#"{head}    hsts:
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
{settings}"#,
        head = deployment.policy_head("live-test", upstream, port),
        settings = deployment.nginx_settings(),
        hostile = serde_json::to_string(HOSTILE).unwrap()
    )
}

#[test]
fn nginx_enforces_the_policy_end_to_end() {
    let Some(mut deployment) = Deployment::new() else { return };
    let (upstream, seen) = stand_in();
    let port = free_port();
    let text = policy(&deployment, upstream, port);
    deployment.render(&text, &[("LIVE_PROVIDER_KEY", PROVIDER_KEY), ("LIVE_CLIENT_KEY", CLIENT_KEY)]);
    let _nginx = deployment.start("node", &deployment.conf(), port);
    let gw = |extra: &[&str]| request(port, "/v1/messages?beta=true", extra);
    let last_seen = |seen: &Seen| seen.lock().unwrap().last().cloned().expect("the upstream saw a request");
    let bearer = format!("authorization: Bearer {CLIENT_KEY}");

    // 401 without a key and with a wrong one, as Anthropic-shaped JSON; nothing reaches the upstream.
    let missing = gw(&[]);
    assert_error(&missing, 401, "authentication_error", "send `Authorization: Bearer <key>`");
    assert!(response_header(&missing.1, "strict-transport-security").is_some(), "HSTS on an error: {}", missing.1);
    assert_error(&gw(&["-H", "authorization: Bearer gw-live-wrong-key-0000000000"]), 401, "authentication_error", "");
    assert!(seen.lock().unwrap().is_empty());

    // 200 with the consumer's key; the upstream gets the provider key, never the client's.
    let (status, headers, _) =
        gw(&["-H", &bearer, "-H", "anthropic-beta: tools-2024-04-04", "-H", "x-api-key: client-supplied"]);
    assert_eq!(status, 200, "{headers}");
    assert!(
        headers.to_ascii_lowercase().contains("strict-transport-security: max-age=31536000; includesubdomains"),
        "{headers}"
    );
    let last = last_seen(&seen);
    assert_eq!(header(&last, "x-api-key"), Some(PROVIDER_KEY));
    assert_eq!(header(&last, "authorization"), None);
    assert_eq!(header(&last, "anthropic-beta"), Some("tools-2024-04-04"));
    assert_eq!(header(&last, "anthropic-version"), Some("2023-06-01"), "default version added");
    assert_eq!(header(&last, "x-gatectl-test"), Some(HOSTILE), "headers.add arrives byte for byte");
    gw(&["-H", &bearer, "-H", "anthropic-version: 2026-10-21"]);
    assert_eq!(header(&last_seen(&seen), "anthropic-version"), Some("2026-10-21"), "client's version forwarded");

    // SSE: the first event arrives before the upstream has produced the last one.
    assert_streams_through(port, &bearer);

    // Over the limit (60/min, burst 2): 429 with retry-after one request's share of the minute,
    // and after waiting that long a request passes again.
    let responses: Vec<_> = (0..6).map(|_| gw(&["-H", &bearer])).collect();
    let limited = responses.iter().find(|r| r.0 == 429).expect("a 429 over the limit");
    assert_error(limited, 429, "rate_limit_error", "60 requests per minute (burst 2)");
    assert_eq!(response_header(&limited.1, "retry-after"), Some("1"), "{}", limited.1);
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(gw(&["-H", &bearer]).0, 200, "retry-after was too short");

    // Other refusals nginx answers itself.
    assert_error(&request(port, "/v1/models", &["-H", &bearer]), 404, "not_found_error", "no such endpoint");
    let large = deployment.root.join("tmp/large-body");
    std::fs::File::create(&large).unwrap().set_len(33 << 20).unwrap();
    let data = format!("@{}", large.display());
    assert_error(&gw(&["-H", &bearer, "--data-binary", &data]), 413, "request_too_large", "32 MB");

    // A client outside the allowlist (127.0.0.2) gets 403.
    assert_error(&gw(&["-H", &bearer, "--interface", "127.0.0.2"]), 403, "permission_error", "client address");

    // The TLS floor: a TLS 1.1 handshake is refused, TLS 1.2 is accepted.
    let connect = format!("127.0.0.1:{port}");
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

    // The real Anthropic SDK: a refused key raises AuthenticationError with the gateway's message;
    // over the limit, RateLimitError with retry-after.
    let ca = deployment.root.join("tls/server.crt");
    let base = format!("https://localhost:{port}");
    let sdk = |key: &str, calls| crate::test::anthropic_sdk_trusting(&base, key, "claude-haiku-4-5", calls, Some(&ca));
    std::thread::sleep(Duration::from_millis(3100));
    if let Some(calls) = sdk("gw-live-wrong-key-0000000000", 1) {
        assert_eq!(calls[0]["error"], "AuthenticationError", "{calls:?}");
        assert_eq!(calls[0]["type"], "authentication_error");
        assert!(calls[0]["api_message"].as_str().unwrap().contains("Missing or invalid gateway key"), "{calls:?}");
        let calls = sdk(CLIENT_KEY, 8).unwrap();
        assert_eq!(calls[0]["ok"], true, "{calls:?}");
        let limited = calls.iter().find(|c| c["error"] == "RateLimitError").expect("a RateLimitError");
        assert_eq!(limited["type"], "rate_limit_error");
        assert!(limited["api_message"].as_str().unwrap().contains("60 requests per minute"), "{limited}");
        assert_eq!(limited["retry_after"], "1");
    }

    // The audit log: every field on every line, the outcome of each request, no key anywhere.
    let lines = assert_audit(&deployment, "api_key", &[CLIENT_KEY, PROVIDER_KEY, "wrong-key"]);
    let first = &lines[0];
    assert_eq!(
        (first["status"].as_u64(), first["refusal"].as_str(), first["consumer"].as_str()),
        (Some(401), Some("key"), Some(""))
    );
    let passed = lines.iter().find(|l| l["status"] == 200).unwrap();
    assert_eq!((passed["consumer"].as_str(), passed["upstream_status"].as_str()), (Some("team-live"), Some("200")));
    assert_eq!(passed["uri"], "/v1/messages");
    assert!(lines.iter().any(|l| l["status"] == 429 && l["rate_limited"] == true), "no rate-limited line");
    assert!(lines.iter().filter(|l| l["status"] != 429).all(|l| l["rate_limited"] == false));
    assert!(lines.iter().any(|l| l["status"] == 403 && l["refusal"] == "address"));
}
