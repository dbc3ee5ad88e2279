//! OAuth2 on the real nginx: tokens minted by the test identity provider, checked by the
//! rendered njs code against the keys `gatectl materialize` fetched from the IdP's JWKS; a key
//! rotation taken up by a materialize and `nginx -s reload`, without a restart.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::nginx_live::{assert_audit, assert_error, request, response_header, Deployment, PROVIDER_KEY};
use crate::stand_in::{header, stand_in};
use crate::test::{free_port, Idp};

const AUDIENCE: &str = "api://gatectl-test";
const SCOPE: &str = "anthropic:messages";

fn policy(deployment: &Deployment, idp: &Idp, upstream: u16, port: u16) -> String {
    format!(
        r#"{head}auth:
  method: oauth2
  oauth2:
    issuer: {issuer}  # gatectl:ignore oauth2-incomplete -- the test IdP serves plain http on loopback
    jwks_url: {jwks}  # gatectl:ignore oauth2-incomplete -- the test IdP serves plain http on loopback
    audience: {AUDIENCE}
    required_scopes: [{SCOPE}]
    max_token_lifetime_minutes: 60
    pkce: required
consumers:
  - name: team-a
    subject: client-a
    rate_limit:
      requests_per_minute: 6
      burst: 1
  - name: team-b
    subject: client-b
  - name: robot
    subject: robot-client-id
rate_limits:
  requests_per_minute: 600
  burst: 100
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
{settings}"#,
        head = deployment.policy_head("oauth2-live", upstream, port),
        issuer = idp.issuer(),
        jwks = idp.jwks_url(),
        settings = deployment.nginx_settings(),
    )
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Claims a valid token for `sub` carries; `change` edits them (`null` removes a claim).
fn claims(idp: &Idp, sub: &str, change: Value) -> Value {
    let t = now();
    let mut claims = json!({
        "iss": idp.issuer(), "aud": AUDIENCE, "sub": sub, "scope": format!("openid {SCOPE}"),
        "iat": t, "exp": t + 600,
    });
    for (key, value) in change.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

#[test]
fn nginx_checks_oauth2_tokens_against_the_idps_keys() {
    let Some(idp) = Idp::start() else { return };
    let Some(mut deployment) = Deployment::new() else { return };
    idp.add_key("e1", "ES256");
    let (upstream, seen) = stand_in();
    let port = free_port();
    deployment.render(&policy(&deployment, &idp, upstream, port), &[("LIVE_PROVIDER_KEY", PROVIDER_KEY)]);
    assert_eq!(idp.jwks_fetches(), 1, "materialize fetched the JWKS once");
    let mut nginx = deployment.start("node", &deployment.conf(), port);
    let call = |token: &str| request(port, "/v1/messages", &["-H", &format!("authorization: Bearer {token}")]);

    let t = now();
    let specs = [
        // 0-3: accepted: RS256, ES256, `scp` as a list and `aud` as a list, a client_id subject.
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({}))}),
        json!({"kid": "e1", "claims": claims(&idp, "client-b", json!({}))}),
        json!({"kid": "k1", "claims": claims(&idp, "client-b", json!({"scope": null, "scp": [SCOPE], "aud": ["other", AUDIENCE]}))}),
        json!({"kid": "k1", "claims": claims(&idp, "user@example.com", json!({"client_id": "robot-client-id"}))}),
        // 4-12: refused with 401.
        json!({"kid": "k1", "tamper": true, "claims": claims(&idp, "client-a", json!({}))}),
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({"iss": "https://evil.example.com"}))}),
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({"aud": "api://another"}))}),
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({"iat": t - 1200, "exp": t - 300}))}),
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({"nbf": t + 300}))}),
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({"exp": t + 7200}))}),
        json!({"kid": "k1", "alg": "none", "claims": claims(&idp, "client-a", json!({}))}),
        json!({"kid": "k1", "alg": "HS256-public", "claims": claims(&idp, "client-a", json!({}))}),
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({"exp": null}))}),
        // 13-14: valid tokens refused with 403: a missing scope, an unknown subject.
        json!({"kid": "k1", "claims": claims(&idp, "client-a", json!({"scope": "openid"}))}),
        json!({"kid": "k1", "claims": claims(&idp, "stranger", json!({}))}),
    ];
    let tokens = idp.mint(&specs);

    for (i, token) in tokens[..4].iter().enumerate() {
        let (status, headers, body) = call(token);
        assert_eq!(status, 200, "token {i}: {headers}{body}");
        let last = seen.lock().unwrap().last().cloned().unwrap();
        assert_eq!(header(&last, "x-api-key"), Some(PROVIDER_KEY), "token {i}");
        assert_eq!(header(&last, "authorization"), None, "token {i}: the client's token went upstream");
    }
    // The request goes upstream as sent (path and query), and streams as it is produced.
    let count =
        request(port, "/v1/messages/count_tokens?beta=true", &["-H", &format!("authorization: Bearer {}", tokens[1])]);
    assert_eq!(count.0, 200, "{count:?}");
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(header(&last, ":path"), Some("/v1/messages/count_tokens?beta=true"));
    crate::nginx_live::assert_streams_through(port, &format!("authorization: Bearer {}", tokens[1]));
    let upstream_calls = seen.lock().unwrap().len();
    let refused = [
        (4, "signature is invalid"),
        (5, "another issuer"),
        (6, "another audience"),
        (7, "has expired"),
        (8, "not valid yet"),
        (9, "lifetime (exp - iat) is longer than this gateway accepts (60 minutes)"),
        (10, "algorithm is not accepted"),
        (11, "algorithm is not accepted"),
        (12, "no expiry"),
    ];
    for (i, message) in refused {
        let response = call(&tokens[i]);
        assert_error(&response, 401, "authentication_error", message);
        assert_eq!(response_header(&response.1, "www-authenticate"), Some(r#"Bearer error="invalid_token""#));
    }
    assert_error(&call(&tokens[13]), 403, "permission_error", &format!("lacks a required scope ({SCOPE})"));
    assert_error(&call(&tokens[14]), 403, "permission_error", "not a consumer");
    assert_error(&request(port, "/v1/messages", &[]), 401, "authentication_error", "Missing bearer token");
    assert_error(&call("not.a-jwt"), 401, "authentication_error", "not a well-formed JWT");
    assert_eq!(seen.lock().unwrap().len(), upstream_calls, "a refused token reached the upstream");

    // Per-consumer limits keyed by the token's subject: team-a (6/min, burst 1) is limited after
    // two requests, with retry-after (one request's share of the minute); team-b, on the default
    // limit, is not.
    let statuses: Vec<u16> = (0..3).map(|_| call(&tokens[0]).0).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    let limited = call(&tokens[0]);
    assert_error(&limited, 429, "rate_limit_error", "consumer team-a");
    assert_eq!(response_header(&limited.1, "retry-after"), Some("10"));
    assert_eq!(call(&tokens[1]).0, 200, "team-b is counted apart from team-a");

    // A key rotation: a token signed with a new key is refused until materialize fetches the
    // IdP's JWKS again and nginx reloads, then accepted; the master is never restarted.
    idp.add_key("k2", "RS256");
    let rotated = idp.mint(&[json!({"kid": "k2", "claims": claims(&idp, "client-b", json!({}))})]).remove(0);
    assert_error(&call(&rotated), 401, "authentication_error", "key this gateway does not know");
    let master = nginx.pid();
    deployment.materialize(&[("LIVE_PROVIDER_KEY", PROVIDER_KEY)]);
    nginx.reload();
    let deadline = Instant::now() + Duration::from_secs(20);
    while call(&rotated).0 != 200 {
        assert!(Instant::now() < deadline, "the rotated key was not taken up: {}", nginx.errors());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(nginx.pid(), master);
    assert_eq!(deployment.read("node.pid").trim(), master.to_string(), "nginx was restarted");
    assert_eq!(call(&tokens[1]).0, 200, "the old key still verifies");

    // The audit log names the consumer (never the token) and why a request was refused.
    let mut secrets: Vec<&str> =
        tokens.iter().map(|t| t.rsplit('.').next().unwrap()).filter(|s| s.len() > 20).collect();
    secrets.push(PROVIDER_KEY);
    let lines = assert_audit(&deployment, "oauth2", &secrets);
    let refusals: Vec<&str> = lines.iter().filter_map(|l| l["refusal"].as_str()).filter(|r| !r.is_empty()).collect();
    for reason in
        ["signature", "issuer", "audience", "expired", "not_yet_valid", "lifetime", "algorithm", "scope", "consumer"]
    {
        assert!(refusals.contains(&reason), "no audit line with refusal {reason}: {refusals:?}");
    }
    let consumers: Vec<&str> =
        lines.iter().filter(|l| l["status"] == 200).map(|l| l["consumer"].as_str().unwrap()).collect();
    assert!(
        consumers.contains(&"team-a") && consumers.contains(&"team-b") && consumers.contains(&"robot"),
        "{consumers:?}"
    );
}
