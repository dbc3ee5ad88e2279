//! An mtail program that derives the metrics nginx cannot export from its JSON audit log.
//!
//! nginx OSS exports only stub_status (connections and a request total): no status codes, no
//! latency, no consumer. The audit log has all three per request, so `mtail` (a Debian package)
//! turns each line into a request counter by consumer and status and a duration histogram,
//! which Prometheus scrapes and `prometheus-rules.yaml` reads.
//!
//! The log is JSON written with `escape=json`: every `"` inside a value is escaped, so the
//! patterns below, which include a key's closing quote, only ever match the real keys.

use super::{File, RenderError, Target};
use crate::policy::Policy;

/// The counter of answered requests, by `policy`, `consumer` and `status`.
pub const REQUESTS: &str = "gatectl_nginx_requests_total";
/// The histogram of request durations in seconds (`$request_time`), by `policy`.
pub const DURATION: &str = "gatectl_nginx_request_duration_seconds";
/// Histogram bounds in seconds; the policy's p99 threshold is added so its check is exact.
const BUCKETS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0];

/// The program for one policy, reading only that policy's audit log: one mtail can run the
/// programs of every policy on the host.
pub fn program(policy: &Policy, header: &str, audit_log: &str) -> Result<File, RenderError> {
    if audit_log.chars().any(|c| c.is_control() || c == '"' || c == '\\') {
        return Err(RenderError::Unrepresentable {
            target: Target::Nginx,
            field: "targets.nginx.audit_log".into(),
            reason: "the mtail program cannot name a log path holding quotes, backslashes or control characters".into(),
        });
    }
    let mut bounds = BUCKETS.to_vec();
    if let Some(p99) = policy.alerts.as_ref().and_then(|a| a.p99_latency_seconds).filter(|t| *t > 0.0) {
        bounds.push(p99);
    }
    bounds.sort_by(f64::total_cmp);
    bounds.dedup();
    let bounds: Vec<String> = bounds.iter().map(f64::to_string).collect();
    let name = &policy.name.0;
    let contents = format!(
        r#"{header}#
# mtail program for policy `{name}`: request counts by consumer and status, and request durations,
# from nginx's JSON audit log. Run: mtail --progs <this folder> --logs {audit_log}
# (Prometheus scrapes mtail's /metrics, port 3903 by default; prometheus-rules.yaml reads them.)

counter {REQUESTS} by policy, consumer, status
histogram {DURATION} by policy buckets {buckets}

getfilename() == "{audit_log}" {{
  /"consumer":"(?P<consumer>[^"\\]*)"/ {{
    /"status":(?P<status>\d{{3}})[,}}]/ {{
      {REQUESTS}["{name}"][$consumer][$status]++
    }}
  }}
  /"duration":(?P<duration>\d+(\.\d+)?)[,}}]/ {{
    {DURATION}["{name}"] = float($duration)
  }}
}}
"#,
        buckets = bounds.join(", "),
    );
    Ok(File { path: format!("{name}.mtail"), contents })
}
