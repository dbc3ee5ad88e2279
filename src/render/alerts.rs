//! Prometheus alerting rules: the policy's `alerts` thresholds and the seeds' rate-limit
//! exhaustion alert (security-best-practices-enterprise-gateways.md § Alerting Rules),
//! rendered as `DIR/<target>/prometheus-rules.yaml` for every target whose software exposes
//! the metrics they need.
//!
//! The rules are built once, here, from a per-target table of metric names and labels
//! ([`Metrics`]); the file is written by [`super::yaml`] (every string JSON-quoted). Policy
//! strings reach PromQL only as label values, quoted by [`promql_string`]; annotations hold
//! gatectl's own text, the policy name and numbers.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{mtail, nginx, Context, File, RenderError, Target};
use crate::policy::{Alerts, AuthMethod, Policy, RateLimitKey};

pub const RULES_FILE: &str = "prometheus-rules.yaml";
/// Rates are averaged over five minutes: long enough for 1-minute scrape intervals.
const WINDOW: &str = "5m";
/// How long a condition must hold before the alert fires: auth failures page sooner.
const AUTH_FOR: &str = "2m";
const SUSTAINED_FOR: &str = "5m";
/// The seeds' rate-limit exhaustion threshold: more than 90 % of the quota.
const EXHAUSTION_PERCENT: u32 = 90;

/// Where a target's metrics come from: the names and labels its exporter uses.
struct Metrics {
    /// Counter of answered requests, one series per status code.
    requests: &'static str,
    status: &'static str,
    /// The label that names the authenticated consumer (as the policy names it).
    consumer: &'static str,
    /// Histogram of whole-request latency (`_bucket` series) and its unit per second.
    latency_bucket: &'static str,
    latency_units_per_second: u32,
    /// The label whose value is the policy's name on this gateway's series, if there is one.
    scope: Option<&'static str>,
    /// What exports the metrics and how Prometheus reaches them, for the file's header.
    source: &'static str,
}

/// The table: every target whose software exposes the metrics.
fn metrics(target: Target) -> Option<Metrics> {
    match target {
        // Kong's prometheus plugin (kong/plugins/prometheus/exporter.lua, 3.x), with
        // status_code_metrics, latency_metrics and per_consumer on (see kong.rs).
        Target::Kong => Some(Metrics {
            requests: "kong_http_requests_total",
            status: "code",
            consumer: "consumer",
            latency_bucket: "kong_request_latency_ms_bucket",
            latency_units_per_second: 1000,
            scope: Some("service"),
            source: "Kong's prometheus plugin (kong.yaml): Prometheus scrapes /metrics on each Kong node's Status API \
                     (status_listen) or Admin API",
        }),
        // LiteLLM's prometheus callback (litellm/integrations/prometheus.py), as the live test
        // reads them from the real proxy. Its series carry no label naming the deployment.
        Target::Litellm => Some(Metrics {
            requests: "litellm_proxy_total_requests_metric_total",
            status: "status_code",
            consumer: "user",
            latency_bucket: "litellm_request_total_latency_metric_bucket",
            latency_units_per_second: 1,
            scope: None,
            source: "LiteLLM's prometheus callback (config.yaml): start LiteLLM with --prometheus_metrics_port, which \
                     serves /metrics on that port without authentication (keep it private); every LiteLLM series this \
                     Prometheus scrapes is read as this gateway's",
        }),
        Target::Nginx => Some(Metrics {
            requests: mtail::REQUESTS,
            status: "status",
            consumer: "consumer",
            latency_bucket: "gatectl_nginx_request_duration_seconds_bucket",
            latency_units_per_second: 1,
            scope: Some("policy"),
            source: "mtail, running the program beside this file over the JSON audit log: Prometheus scrapes mtail's \
                     /metrics (port 3903 by default)",
        }),
        // Managed gateways: their alerting lives in the vendor's own monitoring (capability matrix).
        Target::Zuplo | Target::Truefoundry => None,
    }
}

/// The target's alerting files: none when the policy sets no `alerts` or the target exposes
/// no metrics (nginx also needs its audit log, which the metrics are derived from).
pub fn render(cx: &Context, target: Target) -> Result<Vec<File>, RenderError> {
    let policy = cx.policy;
    let (Some(alerts), Some(metrics)) = (policy.alerts.as_ref(), metrics(target)) else { return Ok(Vec::new()) };
    let header = cx.provenance.comment("#");
    let mut files = Vec::new();
    if target == Target::Nginx {
        let Some(audit_log) = nginx::audit_log_path(policy) else { return Ok(Vec::new()) };
        files.push(mtail::program(policy, &header, &audit_log)?);
    }
    let group = json!({
        "name": format!("gatectl-{}-{target}", policy.name.0),
        "rules": rules(policy, alerts, &metrics, target),
    });
    let document = super::yaml::to_yaml(&json!({ "groups": [group] }), &Default::default());
    let contents = format!(
        "{header}#\n# Prometheus alerting rules for policy `{}` on {target} (load with `rule_files`).\n# Metrics: {}.\n{document}",
        policy.name.0, metrics.source
    );
    files.insert(0, File { path: RULES_FILE.into(), contents });
    Ok(files)
}

fn rules(policy: &Policy, alerts: &Alerts, m: &Metrics, target: Target) -> Vec<Value> {
    let name = &policy.name.0;
    let scope: Vec<(&str, String)> =
        m.scope.iter().map(|label| (*label, format!("={}", promql_string(name)))).collect();
    let requests = |extra: &[(&str, String)]| selector(m.requests, &[scope.as_slice(), extra].concat());
    let status = |pattern: &str| (m.status, pattern.to_string());
    let rate = |s: String| format!("rate({s}[{WINDOW}])");
    let mut rules = Vec::new();
    let mut rule = |alert: &str, expr: String, wait: &str, summary: String, description: String| {
        rules.push(json!({
            "alert": alert,
            "expr": expr,
            "for": wait,
            "labels": {"severity": "critical", "policy": name, "gateway": target.as_str()},
            "annotations": {"summary": format!("{name} ({target}): {summary}"), "description": description},
        }));
    };

    if let Some(limit) = alerts.auth_failures_per_minute.filter(|_| policy.auth.method != AuthMethod::None) {
        rule(
            "GatewayAuthFailures",
            format!("sum({}) * 60 > {limit}", rate(requests(&[status("=\"401\"")]))),
            AUTH_FOR,
            format!("more than {limit} authentication failures per minute"),
            format!(
                "Requests refused with 401 (missing or invalid credentials), averaged over {WINDOW}, across all \
                 clients: more than the policy's alerts.auth_failures_per_minute ({limit})."
            ),
        );
    }
    if let Some(percent) = alerts.error_rate_percent {
        rule(
            "GatewayErrorRate",
            format!("sum({}) / sum({}) * 100 > {percent}", rate(requests(&[status("=~\"5..\"")])), rate(requests(&[]))),
            SUSTAINED_FOR,
            format!("more than {percent} % of requests fail with 5xx"),
            format!(
                "Responses with a 5xx status (the gateway's or the upstream's), as a share of all responses over \
                 {WINDOW}: more than the policy's alerts.error_rate_percent ({percent})."
            ),
        );
    }
    if let Some(seconds) = alerts.p99_latency_seconds {
        let per_second = match m.latency_units_per_second {
            1 => String::new(),
            units => format!(" / {units}"),
        };
        rule(
            "GatewayLatencyP99",
            format!(
                "histogram_quantile(0.99, sum by (le) ({})){per_second} > {seconds}",
                rate(selector(m.latency_bucket, &scope))
            ),
            SUSTAINED_FOR,
            format!("p99 latency above {seconds} s"),
            format!(
                "The 99th percentile of whole-request latency (a streamed response counts to its last byte) over \
                 {WINDOW}: above the policy's alerts.p99_latency_seconds ({seconds})."
            ),
        );
    }
    if let Some(limits) = policy.rate_limits.as_ref() {
        let quotas = quotas(policy).filter(|_| limits.by == RateLimitKey::Consumer);
        match quotas {
            Some(quotas) => {
                let terms: Vec<String> = quotas
                    .iter()
                    .map(|(rpm, consumers)| {
                        let names = consumers.iter().map(|c| regex_escape(c)).collect::<Vec<_>>().join("|");
                        let usage = requests(&[(m.consumer, format!("=~{}", promql_string(&names)))]);
                        format!("sum by ({}) ({}) * 60 / {rpm} * 100 > {EXHAUSTION_PERCENT}", m.consumer, rate(usage))
                    })
                    .collect();
                rule(
                    "GatewayRateLimitExhaustion",
                    terms.join("\nor\n"),
                    SUSTAINED_FOR,
                    format!("a consumer uses more than {EXHAUSTION_PERCENT} % of its request quota"),
                    format!(
                        "Consumer {{{{ $labels.{} }}}} sends more than {EXHAUSTION_PERCENT} % of its requests_per_minute \
                         (averaged over {WINDOW}, refused requests included): it is about to be refused with 429.",
                        m.consumer
                    ),
                );
            }
            // Per-IP quotas, or no request quota per consumer: the refusals themselves are the signal.
            None => rule(
                "GatewayRateLimitExhaustion",
                format!("sum({}) > 0", rate(requests(&[status("=\"429\"")]))),
                SUSTAINED_FOR,
                "clients are refused by the rate limit".into(),
                format!(
                    "Requests refused with 429 throughout the last {SUSTAINED_FOR}: some clients have exhausted their \
                     quota (usage per client is not in the metrics, so there is no warning at {EXHAUSTION_PERCENT} %)."
                ),
            ),
        }
    }
    rules
}

/// Each consumer's requests-per-minute quota, grouped by quota (one PromQL term per distinct
/// value); `None` when the policy gives no consumer a request quota the metrics can attribute.
fn quotas(policy: &Policy) -> Option<BTreeMap<u32, Vec<&str>>> {
    if policy.auth.method == AuthMethod::None {
        return None;
    }
    let default = policy.rate_limits.as_ref().and_then(|l| l.requests_per_minute);
    let mut quotas: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for consumer in &policy.consumers {
        let own = consumer.rate_limit.as_ref().and_then(|r| r.requests_per_minute);
        if let Some(rpm) = own.or(default) {
            quotas.entry(rpm).or_default().push(&consumer.name.0);
        }
    }
    (!quotas.is_empty()).then_some(quotas)
}

/// `name{label="value",…}`; each matcher is given with its operator (`="…"`, `=~"…"`).
fn selector(metric: &str, matchers: &[(&str, String)]) -> String {
    let inner: Vec<String> = matchers.iter().map(|(label, matcher)| format!("{label}{matcher}")).collect();
    format!("{metric}{{{}}}", inner.join(","))
}

/// A PromQL string literal (its escapes are Go's, of which JSON's are a subset).
fn promql_string(value: &str) -> String {
    serde_json::to_string(value).expect("a string serialises")
}

/// A value matched literally inside an RE2 regular expression.
fn regex_escape(value: &str) -> String {
    value.chars().fold(String::new(), |mut out, c| {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_strings_stay_label_values() {
        assert_eq!(promql_string("a\"}[5m]) or vector(1) #"), r#""a\"}[5m]) or vector(1) #""#);
        assert_eq!(regex_escape("team-a.b|c"), r"team-a\.b\|c");
        let s = selector("m", &[("service", format!("={}", promql_string("x\"y"))), ("code", "=~\"5..\"".into())]);
        assert_eq!(s, r#"m{service="x\"y",code=~"5.."}"#);
    }

    #[test]
    fn only_targets_with_an_exporter_have_a_metrics_table() {
        let with: Vec<Target> = Target::ALL.into_iter().filter(|t| metrics(*t).is_some()).collect();
        assert_eq!(with, [Target::Kong, Target::Litellm, Target::Nginx]);
    }
}
