//! `gatectl init`: a starting policy for a target and an auth method, commented, that lints
//! clean with `--deny-warnings` and renders for that target, or a clear refusal.

use crate::test::Test;

const TARGETS: &[&str] = &["kong", "zuplo", "truefoundry", "litellm", "nginx"];

#[test]
fn every_policy_it_writes_lints_clean_and_renders_for_its_target() {
    let mut written = 0;
    for target in TARGETS {
        for auth in ["api_key", "oauth2", "mtls"] {
            let name = format!("gw-{target}-{}", auth.replace('_', "-"));
            let test = Test::new().args(&["init", "--target", target, "--auth", auth, "--name", &name]);
            let out = test.run();
            let file = test.path().join("policies").join(format!("{name}.yaml"));
            if out.code == 2 {
                // A combination the target cannot render: said, with the targets that can.
                assert!(
                    out.stderr.contains(&format!("cannot write a clean {auth} policy for {target}")),
                    "{}",
                    out.stderr
                );
                assert!(out.stderr.contains("help: targets that render an"), "{}", out.stderr);
                assert!(!file.exists());
                continue;
            }
            assert_eq!(out.code, 0, "{target} {auth}: {}", out.stderr);
            assert!(out.stdout.contains(&format!("wrote policies/{name}.yaml")), "{}", out.stdout);
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(text.starts_with("# yaml-language-server: $schema=../schema/policy.schema.json\n"), "{text}");
            let targets = &text[text.find("\ntargets:\n").expect("a targets section")..];
            assert!(targets.contains(&format!("\n  {target}: ")), "{target} is not declared:\n{text}");
            assert!(
                text.lines().filter(|l| l.trim_start().starts_with('#') || l.contains(" # ")).count() > 10,
                "not commented"
            );
            // The file as a user would run it: lint with --deny-warnings, render the declared target.
            let dir = test.path().to_str().unwrap();
            let lint = Test::new().args(&["lint", &format!("{dir}/policies"), "--deny-warnings"]).run();
            assert_eq!(lint.code, 0, "{target} {auth}: {}\n{text}", lint.stdout);
            let render = Test::new().args(&["render", file.to_str().unwrap(), "--out", "out"]).run();
            assert_eq!(render.code, 0, "{target} {auth}: {}", render.stderr);
            assert!(render.stdout.contains(&format!("{name}: wrote {target}")), "{}", render.stdout);
            written += 1;
        }
    }
    // api_key on all five; oauth2 on Kong Enterprise, Zuplo, LiteLLM and nginx; mTLS on Kong
    // Enterprise, Zuplo Enterprise and nginx. TrueFoundry renders neither, LiteLLM no mTLS.
    assert_eq!(written, 12);
}

#[test]
fn the_issue_example_and_what_it_refuses() {
    let test = Test::new().args(&["init", "--target", "kong", "--auth", "api_key", "--name", "my-gateway"]);
    test.run().code(0).stdout_has("next: gatectl lint policies/my-gateway.yaml");
    // An existing file is never replaced.
    let again = test.run().code(2);
    assert!(again.stderr.contains("policies/my-gateway.yaml exists"), "{}", again.stderr);
    Test::new()
        .args(&["init", "-t", "truefoundry", "--auth", "oauth2", "--name", "g"])
        .run()
        .code(2)
        .stderr_has("truefoundry cannot express `auth.method`")
        .stderr_has("targets that render an oauth2 policy: kong, zuplo, litellm, nginx");
    Test::new()
        .args(&["init", "-t", "nginx", "--auth", "none", "--name", "g"])
        .run()
        .code(2)
        .stderr_has("`--auth none` is for development only");
    Test::new().args(&["init", "-t", "nginx", "--name", "Bad Name"]).run().code(2).stderr_has("is not a policy name");
}

#[test]
fn development_without_auth_and_to_stdout() {
    let out = Test::new()
        .args(&[
            "init",
            "-t",
            "litellm",
            "--auth",
            "none",
            "--environment",
            "development",
            "--name",
            "dev",
            "--out",
            "-",
        ])
        .run()
        .code(0);
    assert!(out.stdout.contains("environment: development\n") && out.stdout.contains("method: none"), "{}", out.stdout);
    Test::new()
        .file("policies/dev.yaml", &out.stdout)
        .args(&["lint", "policies/dev.yaml", "--deny-warnings"])
        .run()
        .code(0);
}
