//! What a target needs and what it cannot enforce, per declared target: required settings as
//! located lint findings, accepted capability gaps (`--strict` fails only on the others, unused
//! acceptances are reported), and what render does with a suppressed finding.

use crate::test::{base_with, fixture, repo, Test, TODAY};

fn render(policy: &str, extra: &[&str]) -> crate::test::Outcome {
    let mut args = vec!["render", "p.yaml", "--out", "out", "--today", TODAY];
    args.extend_from_slice(extra);
    Test::new().file("p.yaml", policy).args(&args).run()
}

fn lint_json(policy: &str) -> crate::test::Outcome {
    Test::new().file("p.yaml", policy).args(&["lint", "p.yaml", "--format", "json", "--today", TODAY]).run()
}

/// The staging example, whose nginx target accepts its one gap.
fn staging() -> String {
    std::fs::read_to_string(repo().join("policies/claude-code-staging.yaml")).unwrap()
}

#[test]
fn strict_fails_only_on_gaps_nobody_accepted() {
    // nginx's one gap for staging (upstream.models) is accepted: no warning, and --strict renders.
    let out = render(&staging(), &["-t", "nginx", "--strict"]).code(0);
    assert!(!out.stderr.contains("capability-gap"), "{}", out.stderr);
    // TrueFoundry's gaps are not accepted: --strict refuses, naming each, grouped under its target.
    let out = render(&staging(), &["--strict"]).code(1);
    let stderr = &out.stderr;
    assert!(
        stderr.contains("error[capability-gap]: truefoundry does not enforce 9 fields of claude-code-staging"),
        "{stderr}"
    );
    assert!(stderr.contains("\n  rate_limits.burst: not enforced: "), "{stderr}");
    assert!(!stderr.contains("nginx does not enforce"), "{stderr}");
    assert!(stderr.contains("not rendering: 9 capability gap(s) nobody accepted, with --strict"), "{stderr}");
    // One line per gap: the header, nine gaps, the hint.
    let block: Vec<&str> = stderr.lines().skip_while(|l| !l.starts_with("error[capability-gap]")).take(11).collect();
    assert!(block[1..10].iter().all(|l| l.starts_with("  ") && !l.starts_with("   ")), "{block:#?}");
    assert!(block[10].contains("targets.truefoundry.accept_gaps"), "{block:#?}");
}

#[test]
fn an_accepted_gap_is_counted_but_not_listed() {
    let policy = staging().replace(
        "  truefoundry: {tenant: acme-staging, secret_group: claude-code}\n",
        "  truefoundry:\n    tenant: acme-staging\n    secret_group: claude-code\n    accept_gaps:\n      - {field: rate_limits.burst, reason: \"bursts are smoothed by the client SDK\"}\n",
    );
    let out = render(&policy, &["-t", "truefoundry"]).code(0);
    assert!(
        out.stderr
            .contains("truefoundry does not enforce 8 fields of claude-code-staging as written (1 more accepted)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("rate_limits.burst"), "{}", out.stderr);
    let json = Test::new()
        .file("p.yaml", &policy)
        .args(&["render", "p.yaml", "-t", "truefoundry", "--out", "out", "--format", "json", "--today", TODAY])
        .run()
        .code(0)
        .json();
    let gaps = json["policies"][0]["targets"][0]["gaps"].as_array().unwrap().clone();
    let burst = gaps.iter().find(|g| g["field"] == "rate_limits.burst").unwrap();
    assert_eq!(burst["accepted"], "bursts are smoothed by the client SDK");
    assert_eq!(burst["support"], "unsupported");
    assert!(gaps.iter().filter(|g| g["field"] != "rate_limits.burst").all(|g| g.get("accepted").is_none()));
}

#[test]
fn an_acceptance_that_matches_no_gap_is_reported_at_its_line() {
    // nginx enforces rate_limits.burst: accepting it is stale.
    let policy = fixture("base-production.yaml").replace(
        "  nginx: {}\n",
        "  nginx:\n    accept_gaps:\n      - field: rate_limits.burst\n        reason: \"was approximated once\"\n",
    );
    let out = lint_json(&policy).code(0);
    assert_eq!(out.findings(), vec![("gap-acceptance-unused".to_string(), 60)]);
    let finding = &out.json()["findings"][0];
    assert_eq!(finding["path"], "targets.nginx.accept_gaps[0]");
    assert_eq!(finding["severity"], "warning");
    assert!(finding["message"].as_str().unwrap().contains("nginx has no gap at `rate_limits.burst`"));
    // A field the matrix does not know is a schema error, with the fields it does know.
    let unknown = policy.replace("field: rate_limits.burst", "field: rate_limits.bursts");
    let out = lint_json(&unknown).code(1);
    assert_eq!(out.findings(), vec![("schema-violation".to_string(), 60)]);
    assert!(out.stdout.contains("rate_limits.burst"), "{}", out.stdout);
    // A reason is required.
    let blank = policy.replace("reason: \"was approximated once\"", "reason: \" \"");
    assert_eq!(lint_json(&blank).code(1).findings(), vec![("schema-violation".to_string(), 61)]);
}

#[test]
fn a_declared_targets_required_settings_are_lint_errors_at_their_line() {
    // Kong and nginx terminate TLS: a TLS listener without its certificate is an error for them...
    let no_certificate = fixture("base-production.yaml")
        .replace("    certificate: file:/etc/gateway/tls/server.crt\n", "")
        .replace("    private_key: file:/etc/gateway/tls/server.key\n", "");
    let out = lint_json(&no_certificate).code(1);
    assert_eq!(
        out.findings(),
        vec![("target-setting-missing".to_string(), 13), ("target-setting-missing".to_string(), 13)],
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("nginx needs `listener.tls.certificate`: it terminates the listener's TLS itself"));
    // ...and nothing for the targets that never read it.
    for target in ["litellm: {}", "zuplo: {}", "truefoundry: {tenant: acme, secret_group: gw}"] {
        let policy = no_certificate.replace("targets:\n  nginx: {}\n", &format!("targets:\n  {target}\n")).replace(
            "  anthropic_version: \"2023-06-01\"\n",
            "  anthropic_version: \"2023-06-01\"\n  models: [claude-sonnet-4-5]\n",
        );
        assert_eq!(lint_json(&policy).code(0).findings(), vec![], "{target}");
        render(&policy, &[]).code(0);
    }
    // With --target, render reports them at the same line, for a target the policy does not declare.
    let litellm = no_certificate.replace("targets:\n  nginx: {}\n", "targets:\n  litellm: {}\n");
    render(&litellm, &["-t", "kong"])
        .code(1)
        .stderr_has("p.yaml:13:3: kong needs `listener.tls.certificate`")
        .stderr_has("p.yaml:13:3: kong needs `listener.tls.private_key`");
    // Not suppressible: like the schema, it is what the target needs to render at all.
    let suppressed = no_certificate.replace("  tls:\n", "  tls:  # gatectl:ignore target-setting-missing -- later\n");
    let out = lint_json(&suppressed).code(1);
    assert!(out.findings().iter().any(|(rule, _)| rule == "suppression-invalid"), "{}", out.stdout);
}

#[test]
fn truefoundry_declared_without_its_settings_is_told_what_to_add() {
    let policy =
        fixture("base-production.yaml").replace("  nginx: {}\n", "  truefoundry: {tenant: acme, secret_group: gw}\n");
    let out = lint_json(&policy).code(1);
    assert_eq!(out.findings(), vec![("target-setting-missing".to_string(), 6)]);
    assert!(out.stdout.contains("truefoundry needs `upstream.models`"));
    let empty = fixture("base-production.yaml").replace("  nginx: {}\n", "  truefoundry: {}\n");
    let out = lint_json(&empty).code(1);
    assert!(out.stdout.contains("missing required key `tenant` in `targets.truefoundry`"), "{}", out.stdout);
}

/// A suppressed `tls-min-version` (TLS 1.1 for a legacy client) changes what lint reports, never
/// what render writes: nginx and Kong, which set the floor, refuse with the reason; the targets
/// that set no floor render with the gap and the suppression both shown.
#[test]
fn a_suppressed_finding_is_rendered_as_written_or_refused_never_changed() {
    let legacy = base_with(
        "min_version: \"1.2\"",
        "min_version: \"1.1\"  # gatectl:ignore tls-min-version -- legacy load balancer until 2027-03, SEC-42",
    );
    Test::new().file("p.yaml", &legacy).args(&["lint", "p.yaml", "--today", TODAY]).run().code(0);
    for target in ["nginx", "kong"] {
        let test = Test::new()
            .file("p.yaml", &legacy)
            .args(&["render", "p.yaml", "-t", target, "--out", "out", "--today", TODAY]);
        test.run()
            .code(1)
            .stderr_has(&format!("{target} cannot express `listener.tls.min_version`"))
            .stderr_has("gatectl renders no TLS floor below 1.2 (the policy asks for 1.1)")
            .stderr_has("note[suppressed]: base-prod: `tls-min-version` at p.yaml:14 is suppressed (legacy load balancer until 2027-03, SEC-42)");
        assert!(!test.path().join("out").exists(), "{target}");
    }
    let out = render(&legacy, &["-t", "litellm"]).code(0);
    assert!(out.stderr.contains("note[suppressed]: base-prod: `tls-min-version`"), "{}", out.stderr);
    assert!(
        out.stderr.contains("  listener.tls.min_version: not enforced: LiteLLM terminates no TLS"),
        "{}",
        out.stderr
    );
    // A suppression render can carry as written: rendered as the policy says, and said.
    let short_hsts = base_with(
        "      max_age_seconds: 31536000",
        "      max_age_seconds: 86400  # gatectl:ignore tls-hsts -- rollout week, SEC-7",
    );
    let test = Test::new()
        .file("p.yaml", &short_hsts)
        .args(&["render", "p.yaml", "-t", "nginx", "--out", "out", "--today", TODAY]);
    test.run().code(0).stderr_has("note[suppressed]: base-prod: `tls-hsts`");
    let conf = std::fs::read_to_string(test.path().join("out/nginx/base-prod.conf")).unwrap();
    assert!(conf.contains("max-age=86400"), "{conf}");
}
