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
}

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    pub fn new() -> Test {
        Test { dir: tempfile::tempdir().expect("temp dir"), args: Vec::new(), env: Vec::new(), stdin: None }
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

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Runs the binary; a run that does not finish within 20 seconds fails the test (a hang).
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
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("gatectl {args:?} did not finish within 20 s"))
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

/// A self-signed EC P-256 certificate and key for `localhost`, made with the real openssl.
pub fn self_signed(cert: &std::path::Path, key: &std::path::Path) {
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
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
