use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "upstream-plain-http",
    severity: Severity::Error,
    title: "Upstream reached over plain HTTP",
    seed: "api-security-best-practices.md § HTTPS Only",
    quote: &["Always use HTTPS in production:"],
    packs: "",
    docs: r#"## What it does
Checks that `upstream.url` uses `https://`. An `http://` upstream is an error in
staging and production and a warning in development (e.g. a local mock).

## Why is this bad?
"Always use HTTPS in production." The gateway sends the provider key and every
prompt and completion to the upstream; over plain HTTP anyone on the path can
read the key and the data.

## Example
```yaml
upstream:
  url: http://api.anthropic.com
```

## How to fix
```yaml
upstream:
  url: https://api.anthropic.com
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if !cx.policy.upstream.url.get(..7).is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://")) {
        return Vec::new();
    }
    let violation = Violation::new(
        "upstream.url",
        format!(
            "upstream is plain HTTP in a {} policy: the provider key and prompts travel in clear",
            cx.environment().as_str()
        ),
    )
    .help("use an `https://` upstream URL");
    if cx.is_development() {
        vec![violation.severity(Severity::Warning)]
    } else {
        vec![violation]
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};
    use crate::severity::Severity;

    const URL: &str = "url: https://api.anthropic.com";

    #[test]
    fn base_passes() {
        assert!(run("upstream-plain-http", BASE).is_empty());
    }

    #[test]
    fn http_is_an_error_outside_development() {
        let yaml = base_with(URL, "url: HTTP://api.anthropic.com");
        let found = run("upstream-plain-http", &yaml);
        assert_eq!(lines(&found), vec![7]);
        assert_eq!(found[0].severity, Severity::Error);
        let found = run("upstream-plain-http", &yaml.replacen("environment: production", "environment: staging", 1));
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn http_is_a_warning_in_development() {
        let yaml = base_with(URL, "url: http://localhost:8080").replacen(
            "environment: production",
            "environment: development",
            1,
        );
        let found = run("upstream-plain-http", &yaml);
        assert_eq!(lines(&found), vec![7]);
        assert_eq!(found[0].severity, Severity::Warning);
    }
}
