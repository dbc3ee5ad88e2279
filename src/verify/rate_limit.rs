use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{describe, Check, Enforced, Outcome, Session, Who};
use crate::policy::{Policy, Reference};
use crate::render::capability::Feature;

/// Most requests the probe sends, whatever the limit.
const MAX_REQUESTS: u32 = 1000;
/// Requests in flight at once, so that a slow upstream still fits a minute's window.
const WORKERS: usize = 4;
/// A per-minute limit must bite within its own minute.
const WINDOW: Duration = Duration::from_secs(60);

pub static CHECK: Check = Check {
    id: "rate-limit",
    field: "rate_limits.requests_per_minute",
    docs: "Spends quota, so it runs only with `--rate-limit`, and last. Sends one-token messages \
with the consumer's credential, four at a time, until the first 429, at most the limit plus \
burst plus one (and never more than 1000, nor for more than a minute). The limit is the \
consumer's `rate_limit` when `--key-env` names the variable of its `env:` key, otherwise the \
largest any consumer has. Passes on a 429 within that bound and reports the `retry-after` \
header it carried, or its absence; fails when every request was answered, or on another \
error.",
    enforced_as: Enforced::Feature(Feature::RequestsPerMinute),
    probe,
};

/// The requests per minute and burst that apply to the session's credential, and whose they are.
fn limit(policy: &Policy, key_env: Option<&str>) -> Option<(u32, u32, String)> {
    let defaults = policy.rate_limits.as_ref();
    let default_rpm = defaults.and_then(|l| l.requests_per_minute);
    let default_burst = defaults.and_then(|l| l.burst).unwrap_or(0);
    let owner = key_env.and_then(|name| {
        policy.consumers.iter().find(|c| c.key.as_ref().is_some_and(|k| k.parse() == Ok(Reference::Env { name })))
    });
    if let Some(consumer) = owner {
        let own = consumer.rate_limit.as_ref();
        let rpm = own.and_then(|r| r.requests_per_minute).or(default_rpm)?;
        let burst = own.and_then(|r| r.burst).unwrap_or(default_burst);
        return Some((rpm, burst, format!("consumer {}", consumer.name.0)));
    }
    let overrides = policy.consumers.iter().filter_map(|c| c.rate_limit.as_ref());
    let rpm = overrides.clone().filter_map(|r| r.requests_per_minute).chain(default_rpm).max()?;
    let burst = overrides.filter_map(|r| r.burst).chain([default_burst]).max().unwrap_or(0);
    let whose = if policy.consumers.iter().any(|c| c.rate_limit.is_some()) {
        "the largest of any consumer: --key-env names no consumer's env: key"
    } else {
        "the policy's"
    };
    Some((rpm, burst, whose.to_string()))
}

fn probe(session: &Session) -> Outcome {
    if !session.rate_limit {
        return Outcome::skip("spends quota: run with --rate-limit");
    }
    let Some((rpm, burst, whose)) = limit(session.policy, session.key_env.as_deref()) else {
        return Outcome::skip("the policy sets no requests_per_minute");
    };
    if let Some(skip) = session.needs_credential() {
        return skip;
    }
    let bound = rpm.saturating_add(burst).saturating_add(1);
    if bound > MAX_REQUESTS {
        return Outcome::skip(format!(
            "{rpm}/min (+{burst} burst) would take more than {MAX_REQUESTS} requests to reach"
        ));
    }
    let sent = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let first_429: Mutex<Option<(usize, Option<String>)>> = Mutex::new(None);
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let until = Instant::now() + WINDOW;
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                while !stop.load(Ordering::SeqCst) && Instant::now() < until {
                    let n = sent.fetch_add(1, Ordering::SeqCst) + 1;
                    if n > bound as usize {
                        break;
                    }
                    match session.message("/v1/messages", session.model(), false, Who::Consumer) {
                        Ok(r) if r.status == 429 => {
                            let mut seen = first_429.lock().unwrap_or_else(|e| e.into_inner());
                            if seen.is_none() {
                                *seen = Some((n, r.header("retry-after").map(str::to_string)));
                            }
                            stop.store(true, Ordering::SeqCst);
                        }
                        Ok(r) if r.status == 200 => {}
                        Ok(r) => {
                            *failure.lock().unwrap_or_else(|e| e.into_inner()) =
                                Some(format!("request {n}: {}", describe(&r)));
                            stop.store(true, Ordering::SeqCst);
                        }
                        Err(e) => {
                            *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("request {n}: {e}"));
                            stop.store(true, Ordering::SeqCst);
                        }
                    }
                }
            });
        }
    });
    let limit = format!("{rpm}/min, burst {burst}, {whose}");
    if let Some((n, retry_after)) = first_429.into_inner().unwrap_or_else(|e| e.into_inner()) {
        let retry = match retry_after {
            Some(value) => format!("retry-after: {value}"),
            None => "no retry-after header: clients back off on their own".to_string(),
        };
        return Outcome::pass(format!("429 at request {n} ({limit}); {retry}"));
    }
    if let Some(failure) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Outcome::fail(failure);
    }
    let sent = sent.load(Ordering::SeqCst).min(bound as usize);
    if sent < bound as usize {
        return Outcome::skip(format!("only {sent} of {bound} requests fit in a minute: cannot tell ({limit})"));
    }
    Outcome::fail(format!("{bound} requests in a row were answered, none with 429 ({limit})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        serde_yaml_ng::from_str(text).unwrap()
    }

    const BASE: &str = "version: 1\nname: p\nenvironment: development\nupstream: {url: 'https://api.anthropic.com', api_key: 'env:P'}\nauth: {method: api_key}\n";

    #[test]
    fn the_limit_is_the_consumers_own_or_the_largest() {
        let p = policy(&format!(
            "{BASE}rate_limits: {{requests_per_minute: 100, burst: 20}}\nconsumers:\n  - {{name: a, key: 'env:A', rate_limit: {{requests_per_minute: 200}}}}\n  - {{name: b, key: 'env:B'}}\n  - {{name: c, key: 'vault:x#y', rate_limit: {{requests_per_minute: 30, burst: 40}}}}\n"
        ));
        assert_eq!(limit(&p, Some("A")).map(|l| (l.0, l.1)), Some((200, 20)));
        assert_eq!(limit(&p, Some("B")).map(|l| (l.0, l.1)), Some((100, 20)));
        let unknown = limit(&p, Some("OTHER")).unwrap();
        assert_eq!((unknown.0, unknown.1), (200, 40));
        assert!(unknown.2.contains("largest"));
        assert_eq!(limit(&policy(BASE), None), None);
    }
}
