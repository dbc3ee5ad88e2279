//! The real gateways, served on loopback from a policy gatectl renders: nginx (Debian's),
//! the LiteLLM proxy and `zuplo dev` (scripts/install-tools.sh). Each `serve_*` renders the
//! policy text (as of [`TODAY`]) into a folder, lets the caller change the rendered files (a
//! deliberately broken variant), starts the gateway on `port` and returns once it answers;
//! the process is stopped when the returned guard drops. A missing gateway skips the test
//! on a developer's machine and fails it under `CI=true` (see [`crate::test::tool`]).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::test::{repo, KillOnDrop, TODAY};

/// Runs the real gatectl with `env`; a failure fails the test with its stderr.
pub fn gatectl(args: &[&str], env: &[(&str, &str)]) {
    let out = Command::new(env!("CARGO_BIN_EXE_gatectl")).args(args).envs(env.iter().copied()).output().unwrap();
    assert!(out.status.success(), "gatectl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Writes `policy` to `root/policy.yaml` and renders it for `target` into `root/out/<target>`.
fn render(root: &Path, policy: &str, target: &str) -> (PathBuf, PathBuf) {
    let path = root.join("policy.yaml");
    std::fs::write(&path, policy).unwrap();
    let out = root.join("out");
    gatectl(&["render", path.to_str().unwrap(), "-t", target, "--out", out.to_str().unwrap(), "--today", TODAY], &[]);
    (path, out.join(target))
}

/// Polls until `ready` holds; panics with the log if `process` exits or `limit` passes first.
fn wait_until(process: &mut Child, limit: Duration, log: &Path, what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    loop {
        let exited = process.try_wait().unwrap();
        assert!(
            exited.is_none() && started.elapsed() < limit,
            "{what} did not start ({exited:?}):\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Whether the real nginx is here; under CI a missing tool is a failure, never a skip.
pub fn nginx_binary() -> Option<PathBuf> {
    crate::test::tool("nginx", &[PathBuf::from("/usr/sbin/nginx"), PathBuf::from("/usr/bin/nginx")])
}

/// Renders `policy` for nginx and materializes its secrets from `secrets` (its `targets.nginx`
/// paths point under `root`), applies `edit` to the rendered config, and writes a main
/// `nginx.conf` that includes it: the nginx binary and that file.
pub fn nginx_config(
    root: &Path,
    policy: &str,
    secrets: &[(&str, &str)],
    edit: impl Fn(String) -> String,
) -> Option<(PathBuf, PathBuf)> {
    let nginx = nginx_binary()?;
    for sub in ["logs", "tmp"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let (policy_path, dir) = render(root, policy, "nginx");
    gatectl(&["materialize", policy_path.to_str().unwrap(), "-t", "nginx", "--today", TODAY], secrets);
    // The http-context include (beside it, with alerts, the mtail program).
    let conf = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "conf"))
        .expect("nginx renders a .conf");
    std::fs::write(&conf, edit(std::fs::read_to_string(&conf).unwrap())).unwrap();
    // The modules the config needs (OAuth2, cluster-wide limits), loaded in the main context.
    let modules = dir.join("main").join(conf.file_name().unwrap());
    let load = if modules.exists() { format!("include {};\n", modules.display()) } else { String::new() };
    let main = root.join("nginx.conf");
    std::fs::write(
        &main,
        format!(
            "{load}pid {r}/nginx.pid;\nerror_log {r}/logs/error.log info;\nevents {{}}\nhttp {{\n    client_body_temp_path {r}/tmp;\n    proxy_temp_path {r}/tmp;\n    include {};\n}}\n",
            conf.display(),
            r = root.display()
        ),
    )
    .unwrap();
    Some((nginx, main))
}

/// [`nginx_config`], served by the real nginx on `port`. Logs go to `root/logs/`.
pub fn serve_nginx(
    root: &Path,
    policy: &str,
    secrets: &[(&str, &str)],
    edit: impl Fn(String) -> String,
    port: u16,
) -> Option<KillOnDrop> {
    let (nginx, main) = nginx_config(root, policy, secrets, edit)?;
    let log = root.join("logs/error.log");
    let child = Command::new(nginx)
        .args(["-p", root.to_str().unwrap(), "-e", log.to_str().unwrap(), "-c", main.to_str().unwrap()])
        // One process: killing it at the end of the test leaves no orphaned worker behind.
        .args(["-g", "daemon off; master_process off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut guard = KillOnDrop(child);
    wait_listening(&mut guard.0, port, Duration::from_secs(10), &log, "nginx");
    Some(guard)
}

pub fn litellm_binary() -> Option<PathBuf> {
    crate::test::venv_tool("litellm", "GATECTL_LITELLM", "venv-litellm", "litellm")
}

/// The real LiteLLM proxy from a rendered policy; its output goes to the returned log file.
pub struct Litellm {
    pub log: PathBuf,
    _proxy: KillOnDrop,
}

/// Renders `policy` for LiteLLM, applies `edit` to the rendered folder, and serves it on
/// `port` with `env` (the variables the render names) set.
pub fn serve_litellm(
    root: &Path,
    policy: &str,
    env: &[(&str, &str)],
    edit: impl Fn(&Path),
    port: u16,
) -> Option<Litellm> {
    let litellm = litellm_binary()?;
    let (_, dir) = render(root, policy, "litellm");
    edit(&dir);
    let log = root.join("litellm.log");
    let mut proxy = spawn_litellm(&litellm, &dir, port, env, &log);
    wait_litellm_alive(&mut proxy.0, port, &log);
    Some(Litellm { log, _proxy: proxy })
}

/// How long LiteLLM may take to start (imports, config, the custom auth hook).
pub const LITELLM_STARTUP: Duration = Duration::from_secs(120);

/// Starts `litellm` on the rendered folder `dir` (its config.yaml and hook) on `port`, output to
/// `log`; it serves once its start-up has completed ([`wait_litellm_alive`]).
pub fn spawn_litellm(litellm: &Path, dir: &Path, port: u16, env: &[(&str, &str)], log: &Path) -> KillOnDrop {
    let log_file = std::fs::File::create(log).unwrap();
    let child = Command::new(litellm)
        .args(["--config", "config.yaml", "--host", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(dir)
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .unwrap();
    KillOnDrop(child)
}

/// Waits until the LiteLLM proxy `process` answers its liveliness probe on `port`: an open port
/// alone may be another test's server that took the port `free_port` handed out.
pub fn wait_litellm_alive(process: &mut Child, port: u16, log: &Path) {
    wait_until(process, LITELLM_STARTUP, log, "litellm", || alive(port, "/health/liveliness"));
}

/// Whether `GET path` on `port` answers 200 within a second.
fn alive(port: u16, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    let mut head = [0u8; 12];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut head).is_ok()
        && head.starts_with(b"HTTP/1.")
        && &head[9..12] == b"200"
}

/// Waits until `process` itself listens on `port`; panics with its log if it exits or `limit`
/// passes. An open port alone may be another test's server that took the port `free_port`
/// handed out (while this one fails to bind and exits a moment later).
pub fn wait_listening(process: &mut Child, port: u16, limit: Duration, log: &Path, what: &str) {
    let pid = process.id();
    wait_until(process, limit, log, what, || listens(pid, port));
}

/// Whether process `pid`, or a process it started, holds a socket listening on TCP `port`
/// (Linux: the socket's inode from `/proc/net/tcp{,6}` among the processes' open files; a
/// server may listen from a child, as LiteLLM's metrics server does).
pub fn listens(pid: u32, port: u16) -> bool {
    let port = format!(":{port:04X}");
    let inodes: Vec<String> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .flat_map(|table| {
            table
                .lines()
                .skip(1)
                .filter_map(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    // local address, state (0A: LISTEN), inode
                    let listening = fields.get(1)?.ends_with(&port) && *fields.get(3)? == "0A";
                    let inode = fields.get(9)?;
                    listening.then(|| format!("socket:[{inode}]"))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let holds = |pid: u32| {
        std::fs::read_dir(format!("/proc/{pid}/fd")).is_ok_and(|fds| {
            fds.flatten().any(|fd| {
                std::fs::read_link(fd.path())
                    .is_ok_and(|target| inodes.iter().any(|i| target.as_os_str() == i.as_str()))
            })
        })
    };
    !inodes.is_empty() && family(pid).into_iter().any(holds)
}

/// `pid` and its descendants (each process's parent from `/proc/<pid>/stat`).
fn family(pid: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (comm) state ppid …`: the command may hold spaces and parentheses.
            let parent = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            Some((child, parent))
        })
        .collect();
    let mut found = vec![pid];
    let mut i = 0;
    while let Some(&next) = found.get(i) {
        found.extend(parents.iter().filter(|(_, parent)| *parent == next).map(|(child, _)| *child));
        i += 1;
    }
    found
}

/// The pinned Zuplo CLI's install prefix (or `$GATECTL_ZUPLO`).
pub fn zuplo_prefix() -> Option<PathBuf> {
    let prefix = std::env::var_os("GATECTL_ZUPLO").map(PathBuf::from).unwrap_or_else(|| repo().join(".cache/zuplo"));
    crate::test::tool("zuplo", &[prefix.join("node_modules/.bin/zuplo")])?;
    Some(prefix)
}

/// A `zuplo` command run by the pinned Node (first on PATH: the CLI and its children call `node`).
pub fn zuplo(prefix: &Path, dir: &Path) -> Command {
    let bin = prefix.join("node_modules/.bin");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = Command::new(bin.join("zuplo"));
    command
        .current_dir(dir)
        .env("PATH", path)
        .env("ZUPLO_DISABLE_UPDATE_CHECK", "1")
        .env("ZUPLO_DO_NOT_TRACK", "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

/// `zuplo dev` and its children (esbuild, workerd), in their own process group: killing only the
/// CLI leaves workerd serving, so the whole group is killed (and the CLI reaped) on drop.
pub struct DevServer {
    child: Child,
    pub started_in: Duration,
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// Renders `policy` for Zuplo, writes `dotenv` as the project's `.env` (what `zuplo dev` reads
/// the gateway's variables from), and serves it with `zuplo dev` on `port`.
pub fn serve_zuplo(root: &Path, policy: &str, dotenv: &str, port: u16) -> Option<DevServer> {
    use std::os::unix::process::CommandExt;
    let prefix = zuplo_prefix()?;
    let (_, project) = render(root, policy, "zuplo");
    std::fs::write(project.join(".env"), dotenv).unwrap();
    let log = root.join("zuplo.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let started = Instant::now();
    let child = zuplo(&prefix, &project)
        .args(["dev", "--port", &port.to_string(), "--no-start-editor", "--no-start-docs"])
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .process_group(0)
        .spawn()
        .unwrap();
    let mut server = DevServer { child, started_in: Duration::ZERO };
    // The port opens before the build is loaded: ready once a route answers.
    wait_until(&mut server.child, Duration::from_secs(120), &log, "zuplo dev", || {
        listening(port) && answers(port, "/v1/messages")
    });
    server.started_in = started.elapsed();
    Some(server)
}

/// Whether an HTTP GET of `path` gets any status at all.
fn answers(port: u16, path: &str) -> bool {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-X", "GET"])
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&out.stdout).trim().parse::<u16>().unwrap_or(0) != 0
}

// ---------------------------------------------------------------------------------------------
// The production example, pointed at loopback.

pub const PROVIDER_KEY: &str = "sk-ant-api03-ProviderKeyForTheStandIn0123456789";
/// team-data's key: the policy's default limit (100/min, burst 20) applies to it.
pub const CONSUMER_KEY: &str = "gw-verify-team-data-5c1e9a7b3d2f4e6a";
const OTHER_KEYS: [(&str, &str); 2] = [
    ("VERIFY_KEY_PLATFORM", "gw-verify-team-platform-0a9b8c7d6e5f"),
    ("VERIFY_KEY_CI", "gw-verify-ci-bot-1f2e3d4c5b6a7988"),
];

/// The production example with loopback addresses and `env:` secrets: development (a plain-HTTP
/// stand-in upstream is an error in production), the stand-in as upstream, loopback allowed.
pub fn prod_on_loopback(upstream: u16, port: u16, extra: &[(&str, &str)]) -> String {
    let mut policy = std::fs::read_to_string(repo().join("policies/claude-code-prod.yaml")).unwrap();
    let upstream = format!("url: http://127.0.0.1:{upstream}");
    let listener = format!("host: localhost\n  port: {port}");
    let replacements = [
        ("environment: production", "environment: development"),
        ("url: https://api.anthropic.com", upstream.as_str()),
        ("api_key: vault:secret/claude-code-prod#provider_key", "api_key: env:VERIFY_PROVIDER_KEY"),
        ("host: gateway.example.com\n  port: 443", listener.as_str()),
        ("key: vault:secret/claude-code-prod/consumers#team-platform", "key: env:VERIFY_KEY_PLATFORM"),
        ("key: vault:secret/claude-code-prod/consumers#team-data", "key: env:VERIFY_KEY_DATA"),
        ("key: aws-sm:claude-code-prod/ci-bot", "key: env:VERIFY_KEY_CI"),
        ("vault:secret/claude-code-prod#redis_password", "env:VERIFY_REDIS_PASSWORD"),
        ("ip_allowlist: [", "ip_allowlist: [127.0.0.1/32, "),
    ];
    for (from, to) in replacements.iter().chain(extra) {
        assert!(policy.contains(from), "the prod example has no `{from}`");
        policy = policy.replace(from, to);
    }
    policy
}

/// The values of every `env:` secret [`prod_on_loopback`] names.
pub fn prod_secrets() -> Vec<(&'static str, &'static str)> {
    let mut env = vec![("VERIFY_PROVIDER_KEY", PROVIDER_KEY), ("VERIFY_KEY_DATA", CONSUMER_KEY)];
    env.extend(OTHER_KEYS);
    env.push(("VERIFY_REDIS_PASSWORD", "redis-password-not-used-here"));
    env
}

/// [`prod_on_loopback`] for nginx: a self-signed certificate for `localhost` under `root/tls`,
/// secrets and logs under `root`.
pub fn prod_for_nginx(root: &Path, upstream: u16, port: u16, policy_edits: &[(&str, &str)]) -> String {
    std::fs::create_dir_all(root.join("tls")).unwrap();
    crate::test::self_signed(&root.join("tls/server.crt"), &root.join("tls/server.key"));
    let tls = format!("file:{}/tls/", root.display());
    let nginx_settings =
        format!("nginx: {{secrets_dir: {r}/secrets, audit_log: {r}/logs/audit.log}}", r = root.display());
    let mut edits = vec![
        ("file:/etc/gateway/tls/", tls.as_str()),
        ("nginx: {secrets_dir: /etc/nginx/gatectl/claude-code-prod}", nginx_settings.as_str()),
        // No Redis here: nginx counts per node (limit_req); tests/nginx_cluster.rs counts in Redis.
        ("  shared_state: rediss://redis.internal:6380\n", ""),
        ("  shared_state_password: env:VERIFY_REDIS_PASSWORD\n", ""),
    ];
    edits.extend_from_slice(policy_edits);
    prod_on_loopback(upstream, port, &edits)
}
