//! A small builder that runs the real binary in a scratch folder and checks
//! its exit code and output, so tests read like specifications.

use std::path::PathBuf;
use std::process::Command;

pub const TODAY: &str = "2026-11-23";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures").join(name)).expect("fixture exists")
}

/// The clean production fixture with one substring replaced.
pub fn base_with(from: &str, to: &str) -> String {
    let base = fixture("base-production.yaml");
    assert!(base.contains(from), "fixture has no `{from}`");
    base.replacen(from, to, 1)
}

pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<Vec<u8>>,
    limit: std::time::Duration,
}

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    pub fn new() -> Test {
        Test {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            limit: std::time::Duration::from_secs(20),
        }
    }

    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, contents).expect("write file");
        self
    }

    pub fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Test {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// What the binary reads on stdin (nothing by default).
    pub fn stdin(mut self, contents: impl Into<Vec<u8>>) -> Test {
        self.stdin = Some(contents.into());
        self
    }

    /// How long the run may take before it counts as a hang (20 s unless a test against a slow
    /// live gateway says otherwise).
    pub fn within(mut self, limit: std::time::Duration) -> Test {
        self.limit = limit;
        self
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Runs the binary; a run that does not finish within its limit (20 seconds) fails the test (a hang).
    pub fn run(&self) -> Outcome {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gatectl"));
        command.args(&self.args).current_dir(self.dir.path()).env("NO_COLOR", "1");
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let input = self.stdin.clone().unwrap_or_default();
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let run = command.spawn().and_then(|mut child| {
                let mut pipe = child.stdin.take().expect("stdin is piped");
                // The writer runs apart from the reader, so a large input cannot deadlock on full pipes.
                let writer = std::thread::spawn(move || std::io::Write::write_all(&mut pipe, &input));
                let output = child.wait_with_output();
                let _ = writer.join();
                output
            });
            send.send(run)
        });
        let args = &self.args;
        let output = receive
            .recv_timeout(self.limit)
            .unwrap_or_else(|_| panic!("gatectl {args:?} did not finish within {:?}", self.limit))
            .expect("gatectl runs");
        Outcome {
            code: output.status.code().expect("exited, not killed by a signal"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Outcome {
    #[track_caller]
    pub fn code(self, expected: i32) -> Outcome {
        assert_eq!(self.code, expected, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Outcome {
        assert!(self.stdout.contains(text), "stdout lacks `{text}`:\n{}", self.stdout);
        self
    }

    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Outcome {
        assert!(self.stderr.contains(text), "stderr lacks `{text}`:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub fn nowhere(self, text: &str) -> Outcome {
        assert!(
            !self.stdout.contains(text) && !self.stderr.contains(text),
            "`{text}` was printed:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// (rule, line) of every unsuppressed finding in JSON output.
    pub fn findings(&self) -> Vec<(String, u64)> {
        self.json()["findings"]
            .as_array()
            .expect("findings array")
            .iter()
            .filter(|f| f["suppressed"] == false)
            .map(|f| (f["rule"].as_str().unwrap_or_default().to_string(), f["line"].as_u64().unwrap_or_default()))
            .collect()
    }
}

/// A self-signed EC P-256 certificate and key for `localhost` and `127.0.0.1`, made with the real
/// openssl (`127.0.0.1` also as a DNS name: nginx checks a peer's name with X509_check_host).
pub fn self_signed(cert: &std::path::Path, key: &std::path::Path) {
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
}

/// A client certificate for `cn` (EC P-256, one day) signed by the self-signed CA `ca_cert`/`ca_key`
/// (see [`self_signed`]), made with the real openssl: `dir/<cn>.crt` and `dir/<cn>.key`.
pub fn client_certificate(
    dir: &std::path::Path,
    ca_cert: &std::path::Path,
    ca_key: &std::path::Path,
    cn: &str,
) -> (PathBuf, PathBuf) {
    let (cert, key, csr) =
        (dir.join(format!("{cn}.crt")), dir.join(format!("{cn}.key")), dir.join(format!("{cn}.csr")));
    let openssl = |args: &[&std::ffi::OsStr]| {
        let made = Command::new("openssl").args(args).output().expect("openssl runs");
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    };
    let subject = format!("/CN={cn}");
    openssl(
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            &subject,
            "-keyout",
        ]
        .map(std::ffi::OsStr::new)
        .into_iter()
        .chain([key.as_os_str(), "-out".as_ref(), csr.as_os_str()])
        .collect::<Vec<_>>(),
    );
    openssl(
        &["x509", "-req", "-days", "1", "-in"]
            .map(std::ffi::OsStr::new)
            .into_iter()
            .chain([csr.as_os_str(), "-CA".as_ref(), ca_cert.as_os_str(), "-CAkey".as_ref(), ca_key.as_os_str()])
            .chain(["-CAcreateserial".as_ref(), "-out".as_ref(), cert.as_os_str()])
            .collect::<Vec<_>>(),
    );
    (cert, key)
}

/// The first of `candidates` that exists. A missing tool skips its test on a developer's
/// machine, but under `CI=true` it is a failure, never a silent skip.
pub fn tool(name: &str, candidates: &[PathBuf]) -> Option<PathBuf> {
    if let Some(found) = candidates.iter().find(|p| p.exists()) {
        return Some(found.clone());
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{name} is not installed (scripts/test.sh installs it)");
    eprintln!("skipped: {name} is not installed; run scripts/test.sh");
    None
}

/// A cached venv's program (`scripts/install-tools.sh`), or the path in `$env_var`.
pub fn venv_tool(name: &str, env_var: &str, venv: &str, program: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env_var)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".cache").join(venv).join("bin").join(program));
    tool(name, &[path])
}

/// Every file below `dir`, sorted (none when `dir` does not exist).
pub fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Every file below `dir`, as paths relative to it, sorted (none when `dir` does not exist).
pub fn files_under(dir: &std::path::Path) -> Vec<String> {
    files_in(dir).iter().map(|path| path.strip_prefix(dir).unwrap().to_string_lossy().into_owned()).collect()
}

/// Asserts the folder `rendered` holds exactly the files of the golden folder `golden`, byte for
/// byte; with `GATECTL_BLESS=1` it replaces the golden folder first, for review in the diff.
#[track_caller]
pub fn assert_golden_folder(golden: &std::path::Path, rendered: &std::path::Path) {
    let ours = files_under(rendered);
    if std::env::var_os("GATECTL_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(golden);
        for file in &ours {
            std::fs::create_dir_all(golden.join(file).parent().unwrap()).unwrap();
            std::fs::copy(rendered.join(file), golden.join(file)).unwrap();
        }
    }
    let theirs = files_under(golden);
    assert_eq!(
        ours,
        theirs,
        "the render's files differ from {}; review and re-run with GATECTL_BLESS=1",
        golden.display()
    );
    for file in &ours {
        assert_golden(&golden.join(file), &read(rendered, file));
    }
}

/// Asserts `text` equals the golden file `golden` (a path under `tests/golden/`);
/// with `GATECTL_BLESS=1` it writes `text` there first, for review in the diff.
#[track_caller]
pub fn assert_golden(golden: &std::path::Path, text: &str) {
    if std::env::var_os("GATECTL_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().expect("a golden file has a folder")).unwrap();
        std::fs::write(golden, text).unwrap();
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_default();
    assert!(text == expected, "the render differs from {}; review and re-run with GATECTL_BLESS=1", golden.display());
}

/// `headers.add` entries `x-test-<i>: <value>` (JSON-quoted), to put under a policy's `add:`.
pub fn headers_add(values: &[&str]) -> String {
    values.iter().enumerate().map(|(i, v)| format!("    x-test-{i}: {}\n", serde_json::to_string(v).unwrap())).collect()
}

/// Renders `policy` for one target into `<dir>/out/<target>` (as of [`TODAY`]) and returns that folder;
/// a refusal fails the test.
#[track_caller]
pub fn render_to(dir: &std::path::Path, policy: &std::path::Path, target: &str) -> PathBuf {
    let out = dir.join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_gatectl"))
        .args(["render", policy.to_str().unwrap(), "-t", target, "--out", out.to_str().unwrap(), "--today", TODAY])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}: {}", policy.display(), String::from_utf8_lossy(&run.stderr));
    out.join(target)
}

/// A rendered file's text; a missing file fails the test naming it.
pub fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The base production fixture with `headers.add` entries `x-test-<i>: <value>`.
pub fn base_with_added_headers(values: &[&str]) -> String {
    fixture("base-production.yaml").replace("headers:\n", &format!("headers:\n  add:\n{}", headers_add(values)))
}

/// A port free on 127.0.0.1 right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A server process the test started, killed (and reaped) when the test ends, pass or fail.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A test identity provider on loopback (`tests/support/idp.py`, run by the `clients` venv's
/// Python): a JWKS over HTTP read fresh on every request, and tokens minted for the test.
pub struct Idp {
    python: PathBuf,
    keys: tempfile::TempDir,
    pub port: u16,
    _server: KillOnDrop,
}

impl Idp {
    /// Starts the server with one RS256 key `k1`; `None` when the venv is missing outside CI.
    pub fn start() -> Option<Idp> {
        let python = venv_tool("the clients venv (PyJWT)", "GATECTL_CLIENTS_PYTHON", "venv-clients", "python")?;
        let keys = tempfile::tempdir().unwrap();
        let port = free_port();
        let idp = |args: &[&str]| {
            let mut command = Command::new(&python);
            command.arg(repo().join("tests/support/idp.py")).args(args);
            command
        };
        let mut server = idp(&["serve", keys.path().to_str().unwrap(), &port.to_string()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the test IdP starts");
        let mut ready = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut ready).unwrap();
        assert_eq!(ready.trim(), "ready", "the test IdP did not start");
        let idp = Idp { python, keys, port, _server: KillOnDrop(server) };
        idp.add_key("k1", "RS256");
        Some(idp)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.python);
        command.arg(repo().join("tests/support/idp.py")).arg(args[0]).arg(self.keys.path()).args(&args[1..]);
        command
    }

    /// Adds a signing key (`RS256` or `ES256`) while the server runs: a key rotation.
    pub fn add_key(&self, kid: &str, alg: &str) {
        let made = self.command(&["keygen", kid, alg]).output().unwrap();
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    }

    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn jwks_url(&self) -> String {
        format!("http://127.0.0.1:{}/jwks.json", self.port)
    }

    /// One GET to the IdP: the response body as JSON.
    fn get(&self, path: &str) -> serde_json::Value {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        std::io::Write::write_all(&mut stream, format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes()).unwrap();
        let mut response = String::new();
        std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).unwrap()
    }

    /// How many times the JWKS was fetched (a gateway that caches keys fetches it rarely).
    pub fn jwks_fetches(&self) -> u64 {
        self.get("/stats")["jwks"].as_u64().unwrap()
    }

    /// The JWKS document as served now (one more in `jwks_fetches`).
    pub fn jwks_document(&self) -> serde_json::Value {
        self.get("/jwks.json")
    }

    /// One token per spec: `{"kid", "claims"}`, plus `"alg": "none" | "HS256-public"` or
    /// `"tamper": true` for the attacks a gateway must refuse (see tests/support/idp.py).
    pub fn mint(&self, specs: &[serde_json::Value]) -> Vec<String> {
        let mut child = self
            .command(&["mint"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), serde_json::to_string(specs).unwrap().as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "minting failed");
        String::from_utf8(output.stdout).unwrap().lines().map(str::to_string).collect()
    }
}

/// Debian's redis-server on loopback with a password, nothing persisted; killed on drop, or
/// earlier with [`Redis::stop`] (to see what a gateway does when its shared state is gone).
pub struct Redis {
    pub port: u16,
    pub password: String,
    /// With [`Redis::start_tls`]: the TLS port and the folder holding its certificate.
    tls: Option<(u16, tempfile::TempDir)>,
    server: Option<KillOnDrop>,
}

impl Redis {
    /// `None` when redis-server is missing outside CI.
    pub fn start() -> Option<Redis> {
        Redis::launch(None)
    }

    /// Also serves TLS on a second port, with a self-signed certificate for `localhost`
    /// ([`Redis::ca_file`]); [`Redis::url`] is then `rediss://localhost:…`. The plain port stays
    /// for the test's own [`Redis::command`]s.
    pub fn start_tls() -> Option<Redis> {
        let dir = tempfile::tempdir().unwrap();
        self_signed(&dir.path().join("redis.crt"), &dir.path().join("redis.key"));
        Redis::launch(Some((free_port(), dir)))
    }

    fn launch(tls: Option<(u16, tempfile::TempDir)>) -> Option<Redis> {
        let binary = tool("redis-server", &[PathBuf::from("/usr/bin/redis-server")])?;
        let port = free_port();
        let password = format!("redis-test-password-{port}");
        let mut command = Command::new(binary);
        command
            .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", "", "--appendonly", "no"])
            .args(["--requirepass", &password]);
        if let Some((tls_port, dir)) = &tls {
            let (cert, key) = (dir.path().join("redis.crt"), dir.path().join("redis.key"));
            command.args(["--tls-port", &tls_port.to_string(), "--tls-auth-clients", "no"]);
            command
                .arg("--tls-cert-file")
                .arg(&cert)
                .arg("--tls-key-file")
                .arg(&key)
                .arg("--tls-ca-cert-file")
                .arg(&cert);
        }
        let server = command.stdout(std::process::Stdio::null()).spawn().expect("redis-server starts");
        let redis = Redis { port, password, tls, server: Some(KillOnDrop(server)) };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while redis.command(&["PING"]).as_deref() != Some("+PONG") {
            assert!(std::time::Instant::now() < deadline, "redis-server did not answer PING");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Some(redis)
    }

    /// What a gateway connects to: `redis://127.0.0.1:…`, or `rediss://localhost:…` with TLS.
    pub fn url(&self) -> String {
        match &self.tls {
            Some((tls_port, _)) => format!("rediss://localhost:{tls_port}"),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// The certificate a client must trust for the TLS port (e.g. as `SSL_CERT_FILE`).
    pub fn ca_file(&self) -> Option<PathBuf> {
        self.tls.as_ref().map(|(_, dir)| dir.path().join("redis.crt"))
    }

    /// `rediss://127.0.0.1:…`, for a client that does not resolve `localhost` (nginx asks only
    /// its configured resolvers); the certificate names the address too. Panics without TLS.
    pub fn tls_address_url(&self) -> String {
        let (tls_port, _) = self.tls.as_ref().expect("started with start_tls");
        format!("rediss://127.0.0.1:{tls_port}")
    }

    /// One command over RESP (after AUTH); the first reply line, or `None` when Redis is down.
    pub fn command(&self, args: &[&str]) -> Option<String> {
        use std::io::{BufRead, Write};
        let stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).ok()?;
        let mut reader = std::io::BufReader::new(stream.try_clone().ok()?);
        let mut writer = stream;
        let mut reply = String::new();
        for command in [&["AUTH", self.password.as_str()][..], args] {
            let mut wire = format!("*{}\r\n", command.len());
            for arg in command {
                wire.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
            }
            writer.write_all(wire.as_bytes()).ok()?;
            reply.clear();
            reader.read_line(&mut reply).ok()?;
        }
        // A bulk string's value is on the next line.
        if reply.starts_with('$') && reply.trim_end() != "$-1" {
            reply.clear();
            reader.read_line(&mut reply).ok()?;
        }
        Some(reply.trim_end().to_string())
    }

    /// Stops the server now (the port stays closed).
    pub fn stop(&mut self) {
        self.server = None;
    }
}

/// `calls` requests to `base_url` with Anthropic's Python SDK (tests/support/anthropic_client.py,
/// in the clients venv), presenting `auth_token` as `Authorization: Bearer`, no retries: one JSON
/// value per call, `{"ok": true, …}` or what the SDK raised (`error`, `status`, `api_message`,
/// `type`, `request_id`, `retry_after`). `None` when the venv is missing outside CI.
pub fn anthropic_sdk(base_url: &str, auth_token: &str, model: &str, calls: usize) -> Option<Vec<serde_json::Value>> {
    anthropic_sdk_trusting(base_url, auth_token, model, calls, None)
}

/// [`anthropic_sdk`] against an https gateway whose certificate `ca` vouches for.
pub fn anthropic_sdk_trusting(
    base_url: &str,
    auth_token: &str,
    model: &str,
    calls: usize,
    ca: Option<&std::path::Path>,
) -> Option<Vec<serde_json::Value>> {
    let python = venv_tool("the clients venv (anthropic)", "GATECTL_CLIENTS_PYTHON", "venv-clients", "python")?;
    let mut request =
        serde_json::json!({"base_url": base_url, "auth_token": auth_token, "model": model, "calls": calls});
    if let Some(ca) = ca {
        request["ca_file"] = ca.display().to_string().into();
    }
    let mut child = Command::new(python)
        .arg(repo().join("tests/support/anthropic_client.py"))
        // The SDK reads credentials and its base URL from these when they are set.
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("ANTHROPIC_AUTH_TOKEN")
        .env_remove("ANTHROPIC_BASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the SDK client starts");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), request.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "the SDK client failed: {}", String::from_utf8_lossy(&output.stderr));
    let lines = String::from_utf8(output.stdout).unwrap();
    Some(lines.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect())
}
