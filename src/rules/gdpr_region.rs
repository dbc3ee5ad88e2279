use super::{Check, Context, Rule, Violation};
use crate::policy::Pack;
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "gdpr-region",
    severity: Severity::Error,
    title: "No data-residency region under the gdpr pack",
    seed: "enterprise-gateway-integration.md § Compliance",
    quote: &["- ✅ GDPR: Data residency configuration, DPA in place"],
    packs: "gdpr: the rule applies only under this pack.",
    docs: r#"## What it does
Under the gdpr pack, checks that `upstream.region` names the data-residency
region requests are processed in.

## Why is this bad?
"Ensure data stays within geographic boundaries": the seeds list "Data residency
configuration" as a GDPR requirement. Without a declared region nobody can
review or prove where prompts containing personal data are sent.

## Example
```yaml
compliance: [gdpr]
upstream:
  url: https://api.anthropic.com
  api_key: vault:secret/claude-code#provider_key
```

## How to fix
```yaml
compliance: [gdpr]
upstream:
  url: https://api.anthropic.com
  api_key: vault:secret/claude-code#provider_key
  region: eu
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if !cx.has_pack(Pack::Gdpr) || cx.policy.upstream.region.is_some() {
        return Vec::new();
    }
    vec![Violation::new(
        "upstream.region",
        "the gdpr pack requires a data-residency region, and `upstream.region` is not set",
    )
    .help("set `upstream.region` (e.g. `eu`) to where requests are processed")]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::check::Options;
    use crate::policy::Pack;
    use crate::rules::testing::{base_with, lines, run, run_with, BASE};

    const VERSION: &str = "  anthropic_version: \"2023-06-01\"";

    #[test]
    fn base_without_gdpr_passes() {
        assert!(run("gdpr-region", BASE).is_empty());
    }

    #[test]
    fn gdpr_without_region_points_at_upstream() {
        let found = run("gdpr-region", &base_with("compliance: [soc2]", "compliance: [soc2, gdpr]"));
        assert_eq!(lines(&found), vec![6]);
        let options = Options { packs: BTreeSet::from([Pack::Gdpr]), ..Options::for_tests() };
        assert_eq!(lines(&run_with("gdpr-region", BASE, &options)), vec![6]);
    }

    #[test]
    fn gdpr_with_region_passes() {
        let yaml = base_with(VERSION, &format!("{VERSION}\n  region: eu")).replacen(
            "compliance: [soc2]",
            "compliance: [gdpr]",
            1,
        );
        assert!(run("gdpr-region", &yaml).is_empty());
    }
}
