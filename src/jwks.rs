//! An identity provider's signing keys: a JWKS document (RFC 7517) turned into
//! SubjectPublicKeyInfo keys, for gateways that cannot import JWKs themselves (njs before
//! 0.7.10 imports `spki` but not `jwk`). Only what a gateway may accept survives: RS256 keys
//! of at least 2048 bits and ES256 keys on P-256, each with a `kid`.

use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use serde_json::Value;

/// RSA keys below this size are refused, not skipped: a JWKS that holds one is a finding.
pub const MIN_RSA_BITS: u32 = 2048;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Algorithm {
    #[serde(rename = "RS256")]
    Rs256,
    #[serde(rename = "ES256")]
    Es256,
}

/// One verification key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKey {
    pub kid: String,
    pub alg: Algorithm,
    /// DER-encoded SubjectPublicKeyInfo.
    pub spki_der: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("the JWKS is not JSON: {0}")]
    NotJson(String),
    #[error("the JWKS has no `keys` list")]
    NoKeyList,
    #[error("JWKS key {index}: {reason}")]
    Key { index: usize, reason: String },
    #[error("the JWKS has no RS256 or ES256 signing key (found {found} key(s) of other kinds)")]
    NoUsableKey { found: usize },
}

/// The RS256 and ES256 signing keys of a JWKS document, in document order. Encryption keys and
/// other algorithms are left out; a usable key that is malformed, weak or duplicated is an error.
pub fn signing_keys(document: &str) -> Result<Vec<SigningKey>, JwksError> {
    let json: Value = serde_json::from_str(document).map_err(|e| JwksError::NotJson(e.to_string()))?;
    let keys = json.get("keys").and_then(Value::as_array).ok_or(JwksError::NoKeyList)?;
    let mut out: Vec<SigningKey> = Vec::new();
    for (index, jwk) in keys.iter().enumerate() {
        let fail = |reason: String| JwksError::Key { index, reason };
        let Some(alg) = algorithm(jwk) else { continue };
        let kid = jwk.get("kid").and_then(Value::as_str).ok_or_else(|| fail("has no `kid`".into()))?;
        let spki_der = match alg {
            Algorithm::Rs256 => rsa_spki(jwk),
            Algorithm::Es256 => ec_spki(jwk),
        }
        .map_err(|reason| fail(format!("`{kid}`: {reason}")))?;
        if out.iter().any(|k| k.kid == kid) {
            return Err(fail(format!("`{kid}` appears twice")));
        }
        out.push(SigningKey { kid: kid.to_string(), alg, spki_der });
    }
    if out.is_empty() {
        return Err(JwksError::NoUsableKey { found: keys.len() });
    }
    Ok(out)
}

/// The algorithm a JWK is a signing key for, if it is one a gateway accepts.
fn algorithm(jwk: &Value) -> Option<Algorithm> {
    let field = |name: &str| jwk.get(name).and_then(Value::as_str);
    if field("use").is_some_and(|u| u != "sig") {
        return None;
    }
    match (field("kty"), field("alg"), field("crv")) {
        (Some("RSA"), None | Some("RS256"), _) => Some(Algorithm::Rs256),
        (Some("EC"), None | Some("ES256"), Some("P-256")) => Some(Algorithm::Es256),
        _ => None,
    }
}

fn member(jwk: &Value, name: &str) -> Result<Vec<u8>, String> {
    let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| format!("has no `{name}`"))?;
    base64url(text).ok_or_else(|| format!("`{name}` is not base64url"))
}

fn rsa_spki(jwk: &Value) -> Result<Vec<u8>, String> {
    let n = BigNum::from_slice(&member(jwk, "n")?).map_err(|e| e.to_string())?;
    let e = BigNum::from_slice(&member(jwk, "e")?).map_err(|e| e.to_string())?;
    let bits = n.num_bits().max(0) as u32;
    if bits < MIN_RSA_BITS {
        return Err(format!("an RSA modulus of {bits} bits; at least {MIN_RSA_BITS} are needed"));
    }
    let rsa = Rsa::from_public_components(n, e).map_err(|e| e.to_string())?;
    PKey::from_rsa(rsa).and_then(|k| k.public_key_to_der()).map_err(|e| e.to_string())
}

fn ec_spki(jwk: &Value) -> Result<Vec<u8>, String> {
    let (x, y) = (member(jwk, "x")?, member(jwk, "y")?);
    if x.len() != 32 || y.len() != 32 {
        return Err("P-256 coordinates are 32 bytes each".into());
    }
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(|e| e.to_string())?;
    let (x, y) =
        (BigNum::from_slice(&x).map_err(|e| e.to_string())?, BigNum::from_slice(&y).map_err(|e| e.to_string())?);
    // Checks that the point is on the curve.
    let key = EcKey::from_public_key_affine_coordinates(&group, &x, &y).map_err(|_| "not a point on P-256")?;
    key.check_key().map_err(|_| "not a valid P-256 public key")?;
    PKey::from_ec_key(key).and_then(|k| k.public_key_to_der()).map_err(|e| e.to_string())
}

/// Decodes unpadded (or padded) base64url.
fn base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') || text.len() % 4 == 1 {
        return None;
    }
    let mut standard = text.replace('-', "+").replace('_', "/");
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    openssl::base64::decode_block(&standard).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::bn::BigNumContext;

    fn b64u(bytes: &[u8]) -> String {
        openssl::base64::encode_block(bytes).trim_end_matches('=').replace('+', "-").replace('/', "_")
    }

    fn rsa_jwk(kid: &str, bits: u32) -> (Value, Vec<u8>) {
        let rsa = Rsa::generate(bits).unwrap();
        let jwk = serde_json::json!({"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
            "n": b64u(&rsa.n().to_vec()), "e": b64u(&rsa.e().to_vec())});
        (jwk, PKey::from_rsa(rsa).unwrap().public_key_to_der().unwrap())
    }

    fn ec_jwk(kid: &str) -> (Value, Vec<u8>) {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = EcKey::generate(&group).unwrap();
        let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
        let mut cx = BigNumContext::new().unwrap();
        key.public_key().affine_coordinates(&group, &mut x, &mut y, &mut cx).unwrap();
        let jwk = serde_json::json!({"kty": "EC", "crv": "P-256", "kid": kid,
            "x": b64u(&x.to_vec_padded(32).unwrap()), "y": b64u(&y.to_vec_padded(32).unwrap())});
        (jwk, PKey::from_ec_key(key).unwrap().public_key_to_der().unwrap())
    }

    fn document(keys: &[&Value]) -> String {
        serde_json::json!({"keys": keys}).to_string()
    }

    #[test]
    fn rsa_and_ec_keys_become_the_spki_openssl_writes() {
        let (rsa, rsa_der) = rsa_jwk("r1", 2048);
        let (ec, ec_der) = ec_jwk("e1");
        let keys = signing_keys(&document(&[&rsa, &ec])).unwrap();
        assert_eq!(
            keys,
            [
                SigningKey { kid: "r1".into(), alg: Algorithm::Rs256, spki_der: rsa_der },
                SigningKey { kid: "e1".into(), alg: Algorithm::Es256, spki_der: ec_der },
            ]
        );
    }

    #[test]
    fn encryption_keys_and_other_algorithms_are_left_out() {
        let (rsa, _) = rsa_jwk("r1", 2048);
        let mut enc = rsa.clone();
        enc["use"] = "enc".into();
        enc["kid"] = "enc".into();
        let mut ps = rsa.clone();
        ps["alg"] = "PS256".into();
        ps["kid"] = "ps".into();
        let hmac = serde_json::json!({"kty": "oct", "kid": "h", "k": "c2VjcmV0"});
        let keys = signing_keys(&document(&[&enc, &ps, &hmac, &rsa])).unwrap();
        assert_eq!(keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(), ["r1"]);
        assert!(matches!(signing_keys(&document(&[&enc, &hmac])), Err(JwksError::NoUsableKey { found: 2 })));
    }

    #[test]
    fn weak_malformed_and_duplicate_keys_are_errors() {
        let (weak, _) = rsa_jwk("weak", 1024);
        let err = signing_keys(&document(&[&weak])).unwrap_err().to_string();
        assert!(err.contains("1024 bits"), "{err}");
        let (mut ec, _) = ec_jwk("e1");
        ec["y"] = b64u(&[7; 32]).into();
        assert!(signing_keys(&document(&[&ec])).unwrap_err().to_string().contains("P-256"));
        let (rsa, _) = rsa_jwk("same", 2048);
        assert!(signing_keys(&document(&[&rsa, &rsa])).unwrap_err().to_string().contains("twice"));
        let mut no_kid = rsa.clone();
        no_kid.as_object_mut().unwrap().remove("kid");
        assert!(signing_keys(&document(&[&no_kid])).unwrap_err().to_string().contains("no `kid`"));
        assert!(matches!(signing_keys("[]"), Err(JwksError::NoKeyList)));
        assert!(matches!(signing_keys("{"), Err(JwksError::NotJson(_))));
    }

    #[test]
    fn base64url_accepts_both_paddings_and_refuses_other_characters() {
        assert_eq!(base64url("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(base64url("-_8=").unwrap(), vec![0xfb, 0xff]);
        assert!(base64url("a+b").is_none());
        assert!(base64url("abcde").is_none());
    }
}
