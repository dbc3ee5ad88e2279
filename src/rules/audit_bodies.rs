use super::{Check, Context, Rule, Violation};
use crate::policy::Pack;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "audit-bodies",
    severity: Severity::Warning,
    title: "Audit log records request and response bodies",
    seed: "security-best-practices-enterprise-gateways.md § What to Log",
    quote: &["**DO NOT Log**:", "- ❌ Full request/response bodies (only metadata)"],
    packs: "hipaa: an error (prompts may carry PHI).",
    docs: r#"## What it does
Checks that `audit.log_bodies` is not `true`. A warning; an error under the
hipaa pack.

## Why is this bad?
The seed's "DO NOT Log" list includes "Full request/response bodies (only
metadata)" and "PII/PHI in prompts". Prompts and completions carry source code,
personal data and sometimes pasted credentials; logging them copies all of it
into log storage with a long retention.

## Example
```yaml
audit:
  enabled: true
  log_bodies: true
```

## How to fix
```yaml
audit:
  enabled: true
  log_bodies: false   # log metadata only
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if !cx.policy.audit.as_ref().is_some_and(|a| a.log_bodies) {
        return Vec::new();
    }
    let violation = Violation::new("audit.log_bodies", "audit log records full request and response bodies");
    if cx.has_pack(Pack::Hipaa) {
        vec![violation
            .help("set `log_bodies: false`: under hipaa, prompts may carry PHI that must not reach the logs")
            .severity(Severity::Error)]
    } else {
        vec![violation.help("set `log_bodies: false`; log metadata (consumer, model, status, tokens) only")]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::check::Options;
    use crate::policy::Pack;
    use crate::rules::testing::{base_with, lines, run, run_with, BASE};
    use crate::severity::Severity;

    #[test]
    fn base_passes() {
        assert!(run("audit-bodies", BASE).is_empty());
    }

    #[test]
    fn logging_bodies_is_a_warning() {
        let found = run("audit-bodies", &base_with("log_bodies: false", "log_bodies: true"));
        assert_eq!(lines(&found), vec![48]);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn hipaa_makes_it_an_error() {
        let yaml = base_with("log_bodies: false", "log_bodies: true");
        let found = run("audit-bodies", &yaml.replacen("compliance: [soc2]", "compliance: [soc2, hipaa]", 1));
        assert_eq!(lines(&found), vec![48]);
        assert_eq!(found[0].severity, Severity::Error);
        let options = Options { packs: BTreeSet::from([Pack::Hipaa]), ..Options::for_tests() };
        assert_eq!(run_with("audit-bodies", &yaml, &options)[0].severity, Severity::Error);
    }
}
