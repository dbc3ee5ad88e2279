//! The shared test servers themselves: the identity provider (keys served, rotation without
//! restart, tokens minted) and Redis (answers until stopped).

use crate::test::Idp;

#[test]
fn the_test_idp_serves_rotating_keys_and_mints_tokens() {
    let Some(idp) = Idp::start() else { return };
    let claims = serde_json::json!({"iss": idp.issuer(), "sub": "team-a", "exp": 4_000_000_000u64});
    let tokens = idp.mint(&[
        serde_json::json!({"kid": "k1", "claims": claims}),
        serde_json::json!({"kid": "k1", "alg": "none", "claims": claims}),
    ]);
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].split('.').count(), 3);
    assert!(tokens[1].ends_with('.'), "an unsigned token has an empty signature");
    assert_eq!(idp.jwks_fetches(), 0);
    idp.add_key("k2", "ES256");
    let es = idp.mint(&[serde_json::json!({"kid": "k2", "claims": claims})]);
    assert_eq!(es.len(), 1);
    let path = idp.jwks_url().replace(&idp.issuer(), "");
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", idp.port)).unwrap();
    std::io::Write::write_all(&mut stream, format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes()).unwrap();
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
    assert!(response.contains("\"kid\": \"k1\"") && response.contains("\"kid\": \"k2\""), "{response}");
    assert_eq!(idp.jwks_fetches(), 1);
}

#[test]
fn the_test_redis_answers_until_stopped() {
    let Some(mut redis) = crate::test::Redis::start() else { return };
    assert_eq!(redis.url(), format!("redis://127.0.0.1:{}", redis.port));
    assert_eq!(redis.command(&["INCR", "k"]).as_deref(), Some(":1"));
    redis.stop();
    assert_eq!(redis.command(&["PING"]), None);
}
