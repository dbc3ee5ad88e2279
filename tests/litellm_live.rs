//! The real LiteLLM proxy (litellm 1.106.2, scripts/install-tools.sh) started from rendered
//! files on loopback in front of the stand-in Anthropic API: an api-key policy counted in the
//! process; an OAuth2 policy against the test identity provider, counted in Redis; and two
//! replicas sharing their counters in a TLS Redis. Clients are curl and Anthropic's Python SDK.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::stand_in::{header, stand_in, Seen, USAGE_TOKENS};
use crate::test::{anthropic_sdk, free_port, headers_add, Idp, KillOnDrop, Redis};

const PROVIDER_KEY: &str = "sk-ant-api03-ProviderKeyForTheStandIn0123456789";
const MASTER_KEY: &str = "sk-master-live-test-5e4d3c2b1a09f8e7d6c5";
/// The hook's window: limits count per wall-clock minute.
const WINDOW: u64 = 60;
/// The hook's least time between two JWKS fetches.
const JWKS_MIN_INTERVAL: Duration = Duration::from_secs(10);
const MODEL: &str = "claude-haiku-4-5";
const MESSAGE: &str =
    r#"{"model": "claude-haiku-4-5", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}"#;
/// Every field the seed asks of an audit line (security-best-practices-enterprise-gateways.md § What to Log).
const AUDIT_FIELDS: &[&str] = &[
    "timestamp",
    "request_id",
    "client_ip",
    "consumer",
    "auth_method",
    "gateway_endpoint",
    "upstream_endpoint",
    "http_method",
    "status_code",
    "response_time_ms",
    "model",
    "tokens_used",
    "rate_limited",
];

/// LiteLLM proxies started from one rendered folder, in front of one stand-in upstream.
struct Deployment {
    _dir: tempfile::TempDir,
    seen: Seen,
    replicas: Vec<Replica>,
}

struct Replica {
    port: u16,
    log: PathBuf,
    proxy: KillOnDrop,
}

/// Renders `policy(upstream port)` and starts `replicas` proxies from the same files, in
/// parallel (LiteLLM starts slowly), with `env` beside the provider and master keys.
fn deploy(policy: impl FnOnce(u16) -> String, env: &[(&str, &str)], replicas: usize) -> Option<Deployment> {
    let litellm = crate::gateways::litellm_binary()?;
    let dir = tempfile::tempdir().unwrap();
    let (upstream, seen) = stand_in();
    let policy_file = dir.path().join("policy.yaml");
    std::fs::write(&policy_file, policy(upstream)).unwrap();
    let config_dir = crate::test::render_to(dir.path(), &policy_file, "litellm");
    let mut env = env.to_vec();
    env.extend([("LIVE_PROVIDER_KEY", PROVIDER_KEY), ("LITELLM_MASTER_KEY", MASTER_KEY)]);
    // All start at once; each is then waited for.
    let mut replicas: Vec<Replica> = (0..replicas)
        .map(|i| {
            let port = free_port();
            let log = dir.path().join(format!("litellm-{i}.log"));
            let proxy = crate::gateways::spawn_litellm(&litellm, &config_dir, port, &env, &log);
            Replica { port, log, proxy }
        })
        .collect();
    for replica in &mut replicas {
        crate::gateways::wait_litellm_alive(&mut replica.proxy.0, replica.port, &replica.log);
    }
    Some(Deployment { _dir: dir, seen, replicas })
}

impl Deployment {
    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    fn last_seen(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().last().cloned().expect("the upstream saw a request")
    }

    /// Every replica's log, which must never hold any of `secrets`.
    #[track_caller]
    fn assert_logs_hold_none_of(&self, secrets: &[&str]) {
        for replica in &self.replicas {
            let log = replica.log_text();
            for secret in secrets.iter().chain(&[PROVIDER_KEY, MASTER_KEY]) {
                assert!(!log.contains(secret), "a credential is in litellm's log:\n{log}");
            }
        }
    }
}

/// A gateway's answer, as curl received it.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Asserts an Anthropic-shaped error (`{"type": "error", "error": {"type", "message"}}`,
    /// JSON) with this status and type; returns its message.
    #[track_caller]
    fn anthropic_error(&self, status: u16, kind: &str) -> String {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.header("content-type"), Some("application/json"), "{}", self.body);
        let body: Value = serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body));
        assert_eq!(body["type"], "error", "{}", self.body);
        assert_eq!(body["error"]["type"], kind, "{}", self.body);
        body["error"]["message"].as_str().expect("a message").to_string()
    }

    /// A 429's `retry-after`, asserted to be the seconds left in the hook's minute window.
    #[track_caller]
    fn retry_after_matches_the_window(&self) -> u64 {
        let seconds: u64 = self.header("retry-after").expect("a 429 carries retry-after").parse().unwrap();
        let left = seconds_left_in_window();
        assert!((seconds as f64 - left).abs() <= 1.5, "retry-after {seconds} s, {left:.1} s left in the window");
        seconds
    }
}

impl Replica {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `curl -X POST` with a JSON body and `extra` arguments.
    fn post(&self, path: &str, body: &str, extra: &[&str]) -> Answer {
        let mut args = vec!["-s", "-i", "-X", "POST", "-H", "content-type: application/json", "--data", body];
        args.extend_from_slice(extra);
        let url = format!("{}{path}", self.url());
        args.push(&url);
        let out = Command::new("curl").args(&args).output().expect("curl runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Answer { status, headers, body: body.to_string() }
    }

    fn message(&self, extra: &[&str]) -> Answer {
        self.post("/v1/messages?beta=true", MESSAGE, extra)
    }

    /// The hook's audit lines so far.
    fn audit(&self) -> Vec<Value> {
        self.log_text()
            .lines()
            .filter(|l| l.starts_with(r#"{"event":"gatectl.audit""#))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The audit line of the request answered with this request id (a served request's line is
    /// written once LiteLLM has logged its response, shortly after).
    #[track_caller]
    fn audit_of(&self, request_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self.audit().into_iter().find(|l| l["request_id"] == request_id) {
                return line;
            }
            assert!(Instant::now() < deadline, "no audit line for {request_id}:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn bearer(credential: &str) -> String {
    format!("authorization: Bearer {credential}")
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

fn seconds_left_in_window() -> f64 {
    let now = now();
    ((now / WINDOW as f64).floor() + 1.0) * WINDOW as f64 - now
}

/// Waits, if need be, for a window with at least `needed` left, so that a sequence of
/// limited requests is counted in one window.
fn window_with(needed: Duration) {
    let left = seconds_left_in_window();
    if left < needed.as_secs_f64() {
        std::thread::sleep(Duration::from_secs_f64(left + 0.2));
    }
}

/// The Redis hash the hook counts a bucket's current window in.
fn counter_key(policy: &str, bucket: &str) -> String {
    format!("gatectl:{policy}:{}:{bucket}", now() as u64 / WINDOW)
}

#[track_caller]
fn assert_audit_line_is_complete(line: &Value) {
    for field in AUDIT_FIELDS {
        assert!(line.get(*field).is_some(), "audit line without `{field}`: {line}");
    }
    assert!(line["timestamp"].as_str().is_some_and(|t| t.ends_with('Z') && t.contains('T')), "{line}");
    assert!(line["request_id"].as_str().is_some_and(|id| id.starts_with("req_")), "{line}");
    assert!(line["client_ip"].as_str().is_some_and(|ip| ip.parse::<std::net::IpAddr>().is_ok()), "{line}");
    assert_eq!(line["http_method"], "POST", "{line}");
}

// ---------------------------------------------------------------------------------------------
// api_key, counted in the process.

const CLIENT_KEY: &str = "gw-live-7d1c0e5b9a8f4e2d6c3b1a0f";
const LIMITED_KEY: &str = "gw-live-limited-4b2a9c8d7e6f5a4b3c2d";
const WRONG_KEY: &str = "gw-live-wrong-key-0000000000";
/// What the policy sets upstream when the client sends none (LiteLLM's own default is 2023-06-01).
const DEFAULT_VERSION: &str = "2024-10-22";

fn api_key_policy(upstream: u16) -> String {
    format!(
        r#"version: 1
name: live-litellm
environment: development
upstream:
  url: http://127.0.0.1:{upstream}
  api_key: env:LIVE_PROVIDER_KEY
  anthropic_version: "{DEFAULT_VERSION}"
  models: [{MODEL}]
listener:
  host: localhost
  port: 4000
auth:
  method: api_key
consumers:
  - name: team-live
    key: env:LIVE_CLIENT_KEY
    issued: 2026-11-20
  - name: team-limited
    key: env:LIVE_LIMITED_KEY
    issued: 2026-11-20
    rate_limit:
      requests_per_minute: 2
headers:
  add:
{add}rate_limits:
  requests_per_minute: 60
network:
  ip_allowlist: [127.0.0.1/32]
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
"#,
        add = headers_add(crate::render_litellm::HOSTILE)
    )
}

#[test]
fn litellm_enforces_an_api_key_policy_end_to_end() {
    let env = [("LIVE_CLIENT_KEY", CLIENT_KEY), ("LIVE_LIMITED_KEY", LIMITED_KEY)];
    let Some(gw) = deploy(api_key_policy, &env, 1) else { return };
    let proxy = &gw.replicas[0];
    let client = bearer(CLIENT_KEY);

    // 401 without a key, with a wrong one, with the master key, with the key in the wrong header:
    // Anthropic's shape, a request id, an audit line; nothing reaches the upstream.
    for extra in [
        vec![],
        vec!["-H", "authorization: Bearer gw-live-wrong-key-0000000000"],
        vec!["-H", "authorization: Bearer sk-master-live-test-5e4d3c2b1a09f8e7d6c5"],
        vec!["-H", "x-api-key: gw-live-7d1c0e5b9a8f4e2d6c3b1a0f"],
    ] {
        let answer = proxy.message(&extra);
        assert_eq!(answer.anthropic_error(401, "authentication_error"), "missing or invalid gateway key", "{extra:?}");
        let line = proxy.audit_of(answer.header("request-id").expect("a request id"));
        assert_audit_line_is_complete(&line);
        assert_eq!((line["status_code"].as_u64(), &line["consumer"]), (Some(401), &Value::Null));
    }
    assert_eq!(gw.requests(), 0);

    // 200 with a consumer's key; the upstream gets the provider key, never the client's.
    let answer =
        proxy.message(&["-H", &client, "-H", "anthropic-beta: tools-2024-04-04", "-H", "x-api-key: client-supplied"]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let served_id = answer.header("request-id").expect("every answer names its audit line").to_string();
    let seen = gw.last_seen();
    assert_eq!(header(&seen, "x-api-key"), Some(PROVIDER_KEY));
    assert_eq!(header(&seen, "authorization"), None);
    assert_eq!(header(&seen, "anthropic-beta"), Some("tools-2024-04-04"));
    assert_eq!(header(&seen, "anthropic-version"), Some(DEFAULT_VERSION), "the policy's default version");
    for (i, value) in crate::render_litellm::HOSTILE.iter().enumerate() {
        assert_eq!(header(&seen, &format!("x-test-{i}")), Some(*value), "headers.add arrives byte for byte");
    }
    proxy.message(&["-H", &client, "-H", "anthropic-version: 2026-10-21"]);
    assert_eq!(header(&gw.last_seen(), "anthropic-version"), Some("2026-10-21"), "client's version forwarded");
    // The hook's per-request context travels in LiteLLM's key metadata: a body cannot forge it.
    let forged = r#"{"gatectl": {"request_id": "req_forged", "started": 1, "client_ip": "192.0.2.1", "endpoint": "/x", "method": "GET", "consumer": "team-limited", "token_bucket": "consumer:team-limited"}}"#;
    for field in ["metadata", "litellm_metadata"] {
        let body = MESSAGE.replacen('{', &format!(r#"{{"{field}": {{"user_api_key_metadata": {forged}}}, "#), 1);
        assert_eq!(proxy.post("/v1/messages", &body, &["-H", &client]).status, 200);
    }

    // A model outside upstream.models: 404 as Anthropic answers an unknown model, before the upstream.
    let before = gw.requests();
    let answer = proxy.post("/v1/messages", &MESSAGE.replace(MODEL, "claude-opus-4-1"), &["-H", &client]);
    assert_eq!(answer.anthropic_error(404, "not_found_error"), "model: claude-opus-4-1");
    assert_eq!(gw.requests(), before);

    // A streaming request is refused the same way, before any event.
    let stream = MESSAGE.replace("\"max_tokens\"", "\"stream\": true, \"max_tokens\"");
    proxy.post("/v1/messages", &stream, &["-H", &bearer(WRONG_KEY)]).anthropic_error(401, "authentication_error");

    // SSE: the first event arrives before the upstream has produced the last one.
    let mut curl = Command::new("curl");
    curl.args(["-sN", "-H", &client, "-H", "accept: application/json", "-H", "content-type: application/json"])
        .args(["--data", &stream])
        .arg(format!("{}/v1/messages", proxy.url()));
    crate::stand_in::assert_streams(curl);

    // Anthropic's SDK raises what a client would handle: the gateway's message and request id.
    let base = proxy.url();
    let sdk = |token: &str| anthropic_sdk(&base, token, MODEL, 1).expect("the clients venv").remove(0);
    let ok = sdk(CLIENT_KEY);
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(proxy.audit_of(ok["request_id"].as_str().expect("the SDK saw a request id"))["status_code"], 200);
    let refused = sdk(WRONG_KEY);
    assert_eq!((refused["error"].as_str(), refused["status"].as_u64()), (Some("AuthenticationError"), Some(401)));
    assert_eq!(
        (refused["type"].as_str(), refused["api_message"].as_str()),
        (Some("authentication_error"), Some("missing or invalid gateway key"))
    );
    assert_eq!(proxy.audit_of(refused["request_id"].as_str().expect("the SDK saw a request id"))["status_code"], 401);

    // Per-consumer limits: team-limited (2/min) gets 429 with the seconds left in the window as
    // retry-after, from curl and then the SDK (in the same window); team-live (60/min) does not.
    window_with(Duration::from_secs(8));
    let limited = bearer(LIMITED_KEY);
    let statuses: Vec<u16> = (0..2).map(|_| proxy.message(&["-H", &limited]).status).collect();
    assert_eq!(statuses, [200, 200]);
    let answer = proxy.message(&["-H", &limited]);
    assert_eq!(answer.anthropic_error(429, "rate_limit_error"), "rate limit reached: 2 requests per minute");
    answer.retry_after_matches_the_window();
    let left_before = seconds_left_in_window();
    let limited_sdk = sdk(LIMITED_KEY);
    let left_after = seconds_left_in_window();
    assert_eq!(
        (limited_sdk["error"].as_str(), limited_sdk["type"].as_str()),
        (Some("RateLimitError"), Some("rate_limit_error"))
    );
    assert_eq!(limited_sdk["api_message"], "rate limit reached: 2 requests per minute");
    let retry: f64 = limited_sdk["retry_after"].as_str().expect("retry-after reached the SDK").parse().unwrap();
    assert!(
        left_after - 1.0 <= retry && retry <= left_before + 1.0,
        "{limited_sdk}: {left_before:.1}..{left_after:.1} s left"
    );
    let line = proxy.audit_of(answer.header("request-id").unwrap());
    assert_eq!((&line["consumer"], &line["rate_limited"]), (&json!("team-limited"), &json!(true)));
    assert_eq!(proxy.message(&["-H", &client]).status, 200);

    // A client outside the allowlist (127.0.0.2) gets 403.
    let answer = proxy.message(&["-H", &client, "--interface", "127.0.0.2"]);
    assert_eq!(answer.anthropic_error(403, "permission_error"), "client address not allowed");
    assert_eq!(proxy.audit_of(answer.header("request-id").unwrap())["client_ip"], "127.0.0.2");

    // Only the Messages API is served: a consumer key opens no other route (404), nothing goes
    // upstream. Raised before LiteLLM's Messages endpoint, these keep LiteLLM's error shape.
    let before = gw.requests();
    for route in
        ["/key/generate", "/config/update", "/model/new", "/user/new", "/v1/chat/completions", "/v1/embeddings"]
    {
        let answer = proxy.post(route, "{}", &["-H", &client]);
        assert_eq!(answer.status, 404, "{route}: {}", answer.body);
        let body: Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(body["error"]["type"], "not_found_error", "{route}: {}", answer.body);
    }
    assert_eq!(gw.requests(), before);
    // count_tokens: 401 (LiteLLM's shape, status and request id intact), then served.
    let answer = proxy.post("/v1/messages/count_tokens", MESSAGE, &[]);
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(proxy.audit_of(answer.header("request-id").unwrap())["status_code"], 401);
    assert_eq!(proxy.post("/v1/messages/count_tokens", MESSAGE, &["-H", &client]).status, 200);

    // The audit log: a complete line for every request; the served one with consumer, model,
    // upstream, tokens and time.
    let audit = proxy.audit();
    audit.iter().for_each(assert_audit_line_is_complete);
    assert!(!audit.iter().any(|l| l["request_id"] == "req_forged" || l["client_ip"] == "192.0.2.1"), "{audit:#?}");
    let served = proxy.audit_of(&served_id);
    assert_eq!((&served["status_code"], &served["consumer"]), (&json!(200), &json!("team-live")));
    assert_eq!((&served["auth_method"], &served["gateway_endpoint"]), (&json!("api_key"), &json!("/v1/messages")));
    assert_eq!((&served["model"], served["tokens_used"].as_u64()), (&json!(MODEL), Some(USAGE_TOKENS)), "{served}");
    assert!(served["upstream_endpoint"].as_str().is_some_and(|u| u.ends_with("/v1/messages")), "{served}");
    assert!(served["response_time_ms"].as_f64().is_some_and(|t| t > 0.0), "{served}");
    assert_eq!(served["rate_limited"], false);

    gw.assert_logs_hold_none_of(&[CLIENT_KEY, LIMITED_KEY, WRONG_KEY]);
}

// ---------------------------------------------------------------------------------------------
// OAuth2 against the test identity provider, counted in Redis.

const AUDIENCE: &str = "api://claude-gateway-test";
const SCOPES: &str = "anthropic:read anthropic:write";

fn oauth2_policy(upstream: u16, idp: &Idp, redis: &Redis) -> String {
    let (issuer, jwks) = (idp.issuer(), idp.jwks_url());
    let url = redis.url();
    format!(
        r#"version: 1
name: live-oauth2
environment: development
upstream:
  url: http://127.0.0.1:{upstream}
  api_key: env:LIVE_PROVIDER_KEY
  models: [{MODEL}]
auth:
  method: oauth2
  oauth2:
    issuer: {issuer}  # gatectl:ignore oauth2-incomplete -- the test IdP serves plain HTTP on loopback
    jwks_url: {jwks}  # gatectl:ignore oauth2-incomplete -- the test IdP serves plain HTTP on loopback
    audience: {AUDIENCE}
    required_scopes: [anthropic:read, anthropic:write]
    max_token_lifetime_minutes: 15
    pkce: required
consumers:
  - name: engineering
    subject: eng-client
  - name: support-bot
    subject: bot-client
    rate_limit:
      requests_per_minute: 2
rate_limits:
  requests_per_minute: 60
  shared_state: {url}  # gatectl:ignore rate-limit-shared-state-tls -- loopback test Redis
  shared_state_password: env:LIVE_REDIS_PASSWORD
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
"#
    )
}

#[test]
fn litellm_validates_oauth2_tokens_against_the_identity_provider() {
    let Some(idp) = Idp::start() else { return };
    idp.add_key("e1", "ES256");
    let Some(mut redis) = Redis::start() else { return };
    let env = [("LIVE_REDIS_PASSWORD", redis.password.as_str())];
    let Some(gw) = deploy(|upstream| oauth2_policy(upstream, &idp, &redis), &env, 1) else { return };
    let proxy = &gw.replicas[0];
    let t = now() as i64;
    let claims = |sub: &str, extra: Value| {
        let mut claims =
            json!({"iss": idp.issuer(), "aud": AUDIENCE, "sub": sub, "scope": SCOPES, "iat": t, "exp": t + 600});
        claims.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        claims
    };
    let token = |spec: Value| idp.mint(&[spec]).remove(0);
    let valid = |kid: &str, sub: &str| token(json!({"kid": kid, "claims": claims(sub, json!({}))}));

    // A valid token: 200, the provider key upstream, the token never; the keys fetched once.
    let engineering = valid("k1", "eng-client");
    let answer = proxy.message(&["-H", &bearer(&engineering)]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let line = proxy.audit_of(answer.header("request-id").unwrap());
    assert_eq!((&line["consumer"], &line["auth_method"]), (&json!("engineering"), &json!("oauth2")), "{line}");
    let seen = gw.last_seen();
    assert_eq!(header(&seen, "x-api-key"), Some(PROVIDER_KEY));
    assert_eq!(header(&seen, "authorization"), None);
    assert!(!seen.iter().any(|(_, v)| v.contains(&engineering)), "the token went upstream");
    let es256 = valid("e1", "eng-client");
    for token in [&engineering, &es256, &engineering] {
        assert_eq!(proxy.message(&["-H", &bearer(token)]).status, 200);
    }
    assert_eq!(idp.jwks_fetches(), 1, "the keys are cached");

    // Refused before the upstream: 401 for a bad token, 403 for a valid one without scope or consumer.
    let before = gw.requests();
    let refused = [
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({})), "tamper": true}),
            401,
            "invalid token: bad signature",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({"iss": "https://other-idp.example.com"}))}),
            401,
            "invalid token: issued by another issuer",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({"aud": "api://another-api"}))}),
            401,
            "invalid token: issued for another audience",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({"iat": t - 900, "exp": t - 120}))}),
            401,
            "invalid token: expired",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({"nbf": t + 300}))}),
            401,
            "invalid token: not yet valid",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({"exp": t + 16 * 60}))}),
            401,
            "invalid token: lifetime longer than the policy's 15 minutes",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({})), "alg": "none"}),
            401,
            "invalid token: signature algorithm not accepted",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({})), "alg": "HS256-public"}),
            401,
            "invalid token: signature algorithm not accepted",
        ),
        (
            json!({"kid": "k1", "claims": claims("eng-client", json!({"scope": "anthropic:read"}))}),
            403,
            "token lacks the required scopes: anthropic:write",
        ),
        (
            json!({"kid": "k1", "claims": claims("stranger", json!({}))}),
            403,
            "token subject is not a consumer of this gateway",
        ),
    ];
    for (spec, status, message) in refused {
        let kind = if status == 401 { "authentication_error" } else { "permission_error" };
        let answer = proxy.message(&["-H", &bearer(&token(spec.clone()))]);
        assert_eq!(answer.anthropic_error(status, kind), message, "{spec}");
        assert_eq!(proxy.audit_of(answer.header("request-id").unwrap())["auth_method"], "oauth2");
    }
    // Scopes also come as a list in `scp` (Okta, Azure).
    let scp = token(
        json!({"kid": "k1", "claims": claims("eng-client", json!({"scope": null, "scp": ["anthropic:write", "anthropic:read"]}))}),
    );
    assert_eq!(proxy.message(&["-H", &bearer(&scp)]).status, 200);
    assert_eq!(gw.requests(), before + 1);

    // Tokens naming keys the JWKS does not hold make at most one fetch per interval.
    let fetches = idp.jwks_fetches();
    for i in 0..5 {
        let ghost =
            token(json!({"kid": "k1", "header_kid": format!("ghost-{i}"), "claims": claims("eng-client", json!({}))}));
        let answer = proxy.message(&["-H", &bearer(&ghost)]);
        assert_eq!(answer.anthropic_error(401, "authentication_error"), "invalid token: signing key not found");
    }
    assert!(idp.jwks_fetches() <= fetches + 1, "unknown kids hammered the IdP: {} fetches", idp.jwks_fetches());
    let last_possible_fetch = Instant::now();

    // Anthropic's SDK: the gateway's messages, for a bad token and a missing scope.
    let base = proxy.url();
    let sdk = |token: &str| anthropic_sdk(&base, token, MODEL, 1).expect("the clients venv").remove(0);
    let expired = token(json!({"kid": "k1", "claims": claims("eng-client", json!({"iat": t - 900, "exp": t - 120}))}));
    let outcome = sdk(&expired);
    assert_eq!(
        (outcome["error"].as_str(), outcome["api_message"].as_str()),
        (Some("AuthenticationError"), Some("invalid token: expired"))
    );
    let read_only = token(json!({"kid": "k1", "claims": claims("eng-client", json!({"scope": "anthropic:read"}))}));
    let outcome = sdk(&read_only);
    assert_eq!(
        (outcome["error"].as_str(), outcome["type"].as_str()),
        (Some("PermissionDeniedError"), Some("permission_error"))
    );

    // Per-consumer limits keyed by the token's subject, counted in Redis.
    window_with(Duration::from_secs(8));
    let bot = valid("k1", "bot-client");
    assert_eq!([0, 1].map(|_| proxy.message(&["-H", &bearer(&bot)]).status), [200, 200]);
    let answer = proxy.message(&["-H", &bearer(&bot)]);
    assert_eq!(answer.anthropic_error(429, "rate_limit_error"), "rate limit reached: 2 requests per minute");
    answer.retry_after_matches_the_window();
    let outcome = sdk(&bot);
    assert_eq!(
        (outcome["error"].as_str(), outcome["type"].as_str()),
        (Some("RateLimitError"), Some("rate_limit_error"))
    );
    assert!(outcome["retry_after"].as_str().is_some(), "{outcome}");
    let key = counter_key("live-oauth2", "consumer:support-bot");
    assert_eq!(redis.command(&["HGET", &key, "requests"]).as_deref(), Some("4"), "{key}");
    assert_eq!(proxy.message(&["-H", &bearer(&engineering)]).status, 200, "another subject is not limited");

    // The IdP rotates: a new key (kid k2) is accepted without a restart, fetched once.
    idp.add_key("k2", "RS256");
    std::thread::sleep((JWKS_MIN_INTERVAL + Duration::from_millis(500)).saturating_sub(last_possible_fetch.elapsed()));
    let fetches = idp.jwks_fetches();
    let rotated = valid("k2", "eng-client");
    let answer = proxy.message(&["-H", &bearer(&rotated)]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(idp.jwks_fetches(), fetches + 1);

    // Redis stopped, shared_state_failure allow (the default): requests pass uncounted, even the
    // consumer over its limit; authentication still applies.
    redis.stop();
    assert_eq!(proxy.message(&["-H", &bearer(&bot)]).status, 200, "{}", proxy.log_text());
    proxy.message(&["-H", &bearer(&expired)]).anthropic_error(401, "authentication_error");

    gw.assert_logs_hold_none_of(&[&engineering, &es256, &bot, &expired, &rotated]);
}

// ---------------------------------------------------------------------------------------------
// Two replicas, one TLS Redis.

const TEAM_A_KEY: &str = "gw-cluster-a-6f5e4d3c2b1a0918";
const TEAM_B_KEY: &str = "gw-cluster-b-0a1b2c3d4e5f6071";
const TOKENS_KEY: &str = "gw-cluster-t-9e8d7c6b5a493827";

fn cluster_policy(upstream: u16, redis: &Redis) -> String {
    let url = redis.url();
    format!(
        r#"version: 1
name: live-cluster
environment: development
upstream:
  url: http://127.0.0.1:{upstream}
  api_key: env:LIVE_PROVIDER_KEY
auth:
  method: api_key
consumers:
  - name: team-a
    key: env:LIVE_TEAM_A_KEY
    issued: 2026-11-20
    rate_limit:
      requests_per_minute: 3
  - name: team-b
    key: env:LIVE_TEAM_B_KEY
    issued: 2026-11-20
  - name: team-tokens
    key: env:LIVE_TOKENS_KEY
    issued: 2026-11-20
    rate_limit:
      tokens_per_minute: {tpm}
rate_limits:
  requests_per_minute: 100
  shared_state: {url}
  shared_state_password: env:LIVE_REDIS_PASSWORD
  shared_state_failure: deny
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
"#,
        tpm = USAGE_TOKENS + USAGE_TOKENS / 2
    )
}

/// Polls Redis until the bucket's tokens reach `at_least` (counted after each response).
#[track_caller]
fn await_tokens(redis: &Redis, bucket: &str, at_least: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let counted = redis.command(&["HGET", &counter_key("live-cluster", bucket), "tokens"]);
        if counted.as_deref().and_then(|c| c.parse::<u64>().ok()).is_some_and(|c| c >= at_least) {
            return;
        }
        assert!(Instant::now() < deadline, "tokens never reached {at_least}: {counted:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn litellm_replicas_share_their_limits_in_redis() {
    let Some(mut redis) = Redis::start_tls() else { return };
    let ca = redis.ca_file().unwrap();
    let env = [
        ("LIVE_TEAM_A_KEY", TEAM_A_KEY),
        ("LIVE_TEAM_B_KEY", TEAM_B_KEY),
        ("LIVE_TOKENS_KEY", TOKENS_KEY),
        ("LIVE_REDIS_PASSWORD", redis.password.as_str()),
        // rediss:// is verified: the test's self-signed certificate is the trust store.
        ("SSL_CERT_FILE", ca.to_str().unwrap()),
    ];
    let Some(gw) = deploy(|upstream| cluster_policy(upstream, &redis), &env, 2) else { return };
    let (a, b) = (&gw.replicas[0], &gw.replicas[1]);
    let (team_a, team_b, tokens) = (bearer(TEAM_A_KEY), bearer(TEAM_B_KEY), bearer(TOKENS_KEY));

    // Exactly the limit across both replicas, requests alternated, then 429 from either.
    window_with(Duration::from_secs(8));
    let window_end = now() + seconds_left_in_window();
    for replica in [a, b, a] {
        let answer = replica.message(&["-H", &team_a]);
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    for replica in [b, a] {
        let answer = replica.message(&["-H", &team_a]);
        assert_eq!(answer.anthropic_error(429, "rate_limit_error"), "rate limit reached: 3 requests per minute");
        answer.retry_after_matches_the_window();
        assert_eq!(replica.audit_of(answer.header("request-id").unwrap())["rate_limited"], true);
    }
    assert_eq!(b.message(&["-H", &team_b]).status, 200, "another consumer is not limited");

    // The window expires: team-a passes again, on either replica.
    std::thread::sleep(Duration::from_secs_f64((window_end - now()).max(0.0) + 0.3));
    for replica in [b, a] {
        let answer = replica.message(&["-H", &team_a]);
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    // Tokens per minute across replicas: counted after each response, refused once reached.
    window_with(Duration::from_secs(15));
    assert_eq!(a.message(&["-H", &tokens]).status, 200);
    await_tokens(&redis, "consumer:team-tokens", USAGE_TOKENS);
    assert_eq!(b.message(&["-H", &tokens]).status, 200, "under the limit after one response");
    await_tokens(&redis, "consumer:team-tokens", 2 * USAGE_TOKENS);
    for replica in [a, b] {
        let answer = replica.message(&["-H", &tokens]);
        let tpm = USAGE_TOKENS + USAGE_TOKENS / 2;
        assert_eq!(
            answer.anthropic_error(429, "rate_limit_error"),
            format!("rate limit reached: {tpm} tokens per minute")
        );
    }

    // Redis stopped, shared_state_failure deny: every replica refuses what it cannot count.
    redis.stop();
    let before = gw.requests();
    for replica in [a, b] {
        let answer = replica.message(&["-H", &team_b]);
        let message = answer.anthropic_error(503, "api_error");
        assert!(message.contains("rate-limit state unavailable"), "{message}");
        assert_eq!(replica.audit_of(answer.header("request-id").unwrap())["status_code"], 503);
    }
    assert_eq!(gw.requests(), before);

    gw.assert_logs_hold_none_of(&[TEAM_A_KEY, TEAM_B_KEY, TOKENS_KEY, &redis.password]);
}
