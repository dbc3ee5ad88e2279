use super::{Check, Context, Rule, Violation};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "streaming-buffered",
    severity: Severity::Error,
    title: "Streaming responses buffered",
    seed: "enterprise-gateway-integration.md § Issue 4: Streaming Doesn't Work",
    quote: &[
        "**Symptoms**: Responses not streaming, appear all at once",
        "# Check if gateway buffers responses\n# Disable buffering in gateway config",
    ],
    packs: "",
    docs: r#"## What it does
Checks that `streaming.sse` is not `false`.

## Why is this bad?
Claude Code streams responses as Server-Sent Events. A gateway that buffers
them delivers every response "all at once" at the end; the seed's fix is to
disable buffering (`proxy_buffering off`, Kong `response-buffering` disabled).
Long responses may also hit timeouts while buffered.

## Example
```yaml
streaming:
  sse: false
```

## How to fix
```yaml
streaming:
  sse: true
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    if cx.policy.streaming.as_ref().is_none_or(|s| s.sse) {
        return Vec::new();
    }
    vec![Violation::new("streaming.sse", "responses are buffered: streamed (SSE) answers arrive all at once")
        .help("set `streaming.sse: true`")]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    #[test]
    fn base_and_default_pass() {
        assert!(run("streaming-buffered", BASE).is_empty());
        assert!(run("streaming-buffered", &base_with("streaming:\n  sse: true\n", "")).is_empty());
    }

    #[test]
    fn sse_false_is_an_error() {
        let found = run("streaming-buffered", &base_with("sse: true", "sse: false"));
        assert_eq!(lines(&found), vec![44]);
    }
}
