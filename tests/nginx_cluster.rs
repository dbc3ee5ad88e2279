//! Cluster-wide limits on the real nginx: two nginx nodes started from the same rendered files
//! count in one Debian redis-server (TLS and a password, as `rediss://` and the policy's password
//! reference say), so a consumer gets exactly its limit across both; with Redis gone, the
//! policy's `shared_state_failure` decides.

use std::time::Duration;

use crate::nginx_live::{assert_audit, assert_error, request, response_header, Deployment, PROVIDER_KEY};
use crate::stand_in::stand_in;
use crate::test::{free_port, Redis};

const KEY_A: &str = "gw-cluster-team-a-5f0c9e8d7b6a";
const KEY_B: &str = "gw-cluster-team-b-1a2b3c4d5e6f";

fn policy(deployment: &Deployment, upstream: u16, port: u16, redis: &str, failure: &str, redis_ca: &str) -> String {
    format!(
        r#"{head}auth:
  method: api_key
consumers:
  - name: team-a
    key: env:KEY_A
    rate_limit:
      requests_per_minute: 12
      burst: 3
  - name: team-b
    key: env:KEY_B
rate_limits:
  requests_per_minute: 600
  burst: 100
  shared_state: {redis}
  shared_state_password: env:REDIS_PASSWORD
  shared_state_failure: {failure}
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
{settings}    redis_ca: {redis_ca}
"#,
        head = deployment.policy_head("cluster-live", upstream, port),
        settings = deployment.nginx_settings(),
    )
}

fn env(redis: &Redis) -> [(&str, &str); 4] {
    [("LIVE_PROVIDER_KEY", PROVIDER_KEY), ("KEY_A", KEY_A), ("KEY_B", KEY_B), ("REDIS_PASSWORD", &redis.password)]
}

fn call(port: u16, key: &str) -> (u16, String, String) {
    request(port, "/v1/messages", &["-H", &format!("authorization: Bearer {key}")])
}

#[test]
fn two_nginx_nodes_share_one_limit_in_redis() {
    let Some(mut deployment) = Deployment::new() else { return };
    let Some(mut redis) = Redis::start_tls() else { return };
    let cert = redis.ca_file().unwrap();
    let (upstream, _seen) = stand_in();
    let (port_a, port_b) = (free_port(), free_port());
    // Database 1, so that the counters are seen to go where the URL says.
    let url = format!("{}/1", redis.tls_address_url());
    let text = policy(&deployment, upstream, port_a, &url, "allow", cert.to_str().unwrap());
    deployment.render(&text, &env(&redis));
    // Both nodes run the same rendered files; on one host, the second listens on another port.
    let conf = std::fs::read_to_string(deployment.conf()).unwrap();
    let copy = conf.replace(&format!("listen {port_a} ssl;"), &format!("listen {port_b} ssl;"));
    let changed: Vec<_> = conf.lines().zip(copy.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    let conf_b = deployment.root.join("out/cluster-live-node-b.conf");
    std::fs::write(&conf_b, copy).unwrap();
    let _a = deployment.start("node-a", &deployment.conf(), port_a);
    let _b = deployment.start("node-b", &conf_b, port_b);

    // team-a may make 12 requests a minute (one every 5 s), 3 more at once: 4 pass, alternating
    // nodes, then both refuse, with a retry-after that is the time to the next one.
    for (i, port) in [port_a, port_b, port_a, port_b].iter().enumerate() {
        let (status, headers, body) = call(*port, KEY_A);
        assert_eq!(status, 200, "request {i}: {headers}{body}");
    }
    let mut waits = Vec::new();
    for port in [port_a, port_b] {
        let refused = call(port, KEY_A);
        assert_error(&refused, 429, "rate_limit_error", "12 requests per minute (burst 3) for consumer team-a");
        let seconds: u64 = response_header(&refused.1, "retry-after").expect("retry-after").parse().unwrap();
        assert!((1..=5).contains(&seconds), "retry-after {seconds} s, the next request is due within 5 s");
        waits.push(seconds);
    }
    assert_eq!(call(port_a, KEY_B).0, 200, "team-b has its own counter");
    let exists = "redis.call('SELECT', 1); return redis.call('EXISTS', KEYS[1])";
    let counter = "gatectl:cluster-live:c_team_a:team-a";
    assert_eq!(redis.command(&["EVAL", exists, "1", counter]).as_deref(), Some(":1"), "no counter in database 1");
    assert_eq!(redis.command(&["EXISTS", counter]).as_deref(), Some(":0"), "a counter in database 0");

    // After retry-after, one more request is due: it passes on either node, the next does not.
    std::thread::sleep(Duration::from_secs(*waits.iter().max().unwrap()) + Duration::from_millis(200));
    assert_eq!(call(port_b, KEY_A).0, 200, "the window did not move on after retry-after");
    assert_eq!(call(port_a, KEY_A).0, 429);

    // Redis gone: `shared_state_failure: allow` lets requests through, uncounted, on both nodes.
    redis.stop();
    for port in [port_a, port_b, port_a, port_b, port_a] {
        assert_eq!(call(port, KEY_A).0, 200, "Redis unreachable, allow");
    }
    let errors = deployment.read("logs/node-a-error.log") + &deployment.read("logs/node-b-error.log");
    assert!(errors.contains("rate-limit Redis unavailable"), "{errors}");
    assert!(errors.contains("request allowed uncounted"), "{errors}");

    let lines = assert_audit(&deployment, "api_key", &[KEY_A, KEY_B, PROVIDER_KEY, &redis.password]);
    assert_eq!(lines.iter().filter(|l| l["rate_limited"] == true).count(), 3, "three 429s");
}

#[test]
fn deny_refuses_what_cannot_be_counted_and_redis_certificates_are_verified() {
    let Some(mut deployment) = Deployment::new() else { return };
    let other = deployment.root.join("tls/other.crt");
    crate::test::self_signed(&other, &deployment.root.join("tls/other.key"));
    let Some(mut redis) = Redis::start_tls() else { return };
    let cert = redis.ca_file().unwrap();
    let (upstream, _seen) = stand_in();
    let port = free_port();

    // A Redis whose certificate the policy's CA does not vouch for cannot count: refused.
    let text = policy(&deployment, upstream, port, &redis.tls_address_url(), "deny", other.to_str().unwrap());
    deployment.render(&text, &env(&redis));
    let mut nginx = deployment.start("node", &deployment.conf(), port);
    let refused = call(port, KEY_B);
    assert_error(&refused, 503, "api_error", "rate-limit store is unreachable");
    assert!(nginx.errors().contains("TLS"), "{}", nginx.errors());

    // The right CA: counted; then Redis stops, and the request is refused, not waved through.
    let text = policy(&deployment, upstream, port, &redis.tls_address_url(), "deny", cert.to_str().unwrap());
    deployment.render(&text, &env(&redis));
    nginx.reload();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while call(port, KEY_B).0 != 200 {
        assert!(std::time::Instant::now() < deadline, "the new CA was not taken up: {}", nginx.errors());
        std::thread::sleep(Duration::from_millis(100));
    }
    redis.stop();
    assert_error(&call(port, KEY_B), 503, "api_error", "rate-limit store is unreachable");
    let lines = assert_audit(&deployment, "api_key", &[KEY_A, KEY_B, PROVIDER_KEY, &redis.password]);
    assert!(lines.iter().any(|l| l["status"] == 503 && l["refusal"] == "limit_store"), "{lines:?}");
}
