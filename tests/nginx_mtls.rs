//! mTLS on the real nginx: what it checks of a client certificate (the chain to the policy's CA,
//! the validity dates, the subject CN as the consumer) and what a refusal looks like to a client.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::nginx_live::{assert_audit, assert_error, request, Deployment, PROVIDER_KEY};
use crate::stand_in::{header, stand_in};
use crate::test::free_port;

fn openssl(args: &[&str]) {
    let out = Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A P-256 key and certificate `<name>.crt` for `cn` under `dir`: self-signed (a CA) or signed
/// by `ca` for `days` (negative: already expired).
fn certificate(dir: &Path, name: &str, cn: &str, ca: Option<&str>, days: i32) -> PathBuf {
    let (key, crt) = (dir.join(format!("{name}.key")), dir.join(format!("{name}.crt")));
    let (key_s, crt_s) = (key.to_str().unwrap(), crt.to_str().unwrap());
    let subject = format!("/CN={cn}");
    let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", &subject, "-keyout", key_s];
    match ca {
        None => openssl(&[&["req", "-x509", "-days", "1", "-out", crt_s][..], &curve].concat()),
        Some(ca) => {
            let csr = dir.join(format!("{name}.csr"));
            openssl(&[&["req", "-out", csr.to_str().unwrap()][..], &curve].concat());
            let (ca_crt, ca_key) = (dir.join(format!("{ca}.crt")), dir.join(format!("{ca}.key")));
            let days = days.to_string();
            openssl(&[
                "x509",
                "-req",
                "-in",
                csr.to_str().unwrap(),
                "-CA",
                ca_crt.to_str().unwrap(),
                "-CAkey",
                ca_key.to_str().unwrap(),
                "-days",
                &days,
                "-out",
                crt_s,
            ]);
        }
    }
    crt
}

#[test]
fn nginx_checks_client_certificates_against_the_policys_ca() {
    let Some(mut deployment) = Deployment::new() else { return };
    let tls = deployment.root.join("tls");
    certificate(&tls, "client-ca", "gatectl test CA", None, 1);
    certificate(&tls, "other-ca", "another CA", None, 1);
    certificate(&tls, "svc-a", "svc-a", Some("client-ca"), 1);
    certificate(&tls, "stranger", "stranger", Some("client-ca"), 1);
    certificate(&tls, "forged", "svc-a", Some("other-ca"), 1);
    certificate(&tls, "expired", "svc-a", Some("client-ca"), -1);
    let (upstream, seen) = stand_in();
    let port = free_port();
    let root = deployment.root.display().to_string();
    let policy = format!(
        r#"{head}auth:
  method: mtls
  mtls:
    ca_certificate: file:{root}/tls/client-ca.crt
    max_certificate_validity_days: 90
    min_ec_key_bits: 256
consumers:
  - name: service-a
    subject: svc-a
audit:
  enabled: true
  redact_headers: [authorization, x-api-key]
{settings}"#,
        head = deployment.policy_head("mtls-live", upstream, port),
        settings = deployment.nginx_settings()
    );
    deployment.render(&policy, &[("LIVE_PROVIDER_KEY", PROVIDER_KEY)]);
    let _nginx = deployment.start("node", &deployment.conf(), port);
    let with = |name: &str| {
        let (crt, key) = (format!("{root}/tls/{name}.crt"), format!("{root}/tls/{name}.key"));
        request(port, "/v1/messages", &["--cert", &crt, "--key", &key])
    };

    let (status, headers, body) = with("svc-a");
    assert_eq!(status, 200, "{headers}{body}");
    assert_eq!(header(&seen.lock().unwrap()[0], "x-api-key"), Some(PROVIDER_KEY));
    let needed = "client certificate issued to a consumer";
    assert_error(&request(port, "/v1/messages", &[]), 401, "authentication_error", needed);
    assert_error(&with("forged"), 401, "authentication_error", needed);
    assert_error(&with("expired"), 401, "authentication_error", needed);
    assert_error(&with("stranger"), 401, "authentication_error", needed);
    assert_eq!(seen.lock().unwrap().len(), 1, "a refused certificate reached the upstream");

    let lines = assert_audit(&deployment, "mtls", &[PROVIDER_KEY]);
    assert_eq!(lines[0]["consumer"], "service-a");
    assert_eq!(lines.iter().filter(|l| l["status"] == 401).count(), 4);
}
