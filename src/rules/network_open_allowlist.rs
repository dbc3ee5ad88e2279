use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::policy::cidr::{parse_cidr, CidrError};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "network-open-allowlist",
    severity: Severity::Error,
    title: "IP allowlist entry allows every address",
    seed: "security-best-practices-enterprise-gateways.md § IP Allowlisting (Optional but Recommended)",
    quote: &["- ✅ Prevents unauthorized access even with stolen tokens\n- ✅ Defense against token exfiltration"],
    packs: "",
    docs: r#"## What it does
Checks that no `network.ip_allowlist` entry has a prefix length of 0
(`0.0.0.0/0`, `::/0`, or any `address/0`).

## Why is this bad?
An allowlist "prevents unauthorized access even with stolen tokens" by
admitting only known networks. A /0 entry matches every IPv4 (or IPv6)
address, so the allowlist looks configured in review but protects nothing.
If no allowlist is wanted, leave it empty instead.

## Example
```yaml
network:
  ip_allowlist: [203.0.113.0/24, 0.0.0.0/0]
```

## How to fix
```yaml
network:
  ip_allowlist: [203.0.113.0/24, 198.51.100.0/24]   # corporate office, VPN
```"#,
    check: Check::Policy(check),
};

fn check(cx: &Context) -> Vec<Violation> {
    let Some(network) = &cx.policy.network else {
        return Vec::new();
    };
    let list = Path::parse("network.ip_allowlist");
    let mut found = Vec::new();
    for (i, entry) in network.ip_allowlist.iter().enumerate() {
        let ip = match parse_cidr(entry) {
            Ok(cidr) if cidr.prefix == 0 => cidr.ip,
            Err(CidrError::HostBits { network, prefix: 0 }) => network,
            _ => continue,
        };
        let family = if ip.is_ipv4() { "IPv4" } else { "IPv6" };
        found.push(
            Violation::at(list.index(i), format!("`{entry}` allows every {family} address: the allowlist protects nothing"))
                .help("list only the networks that should reach the gateway (office, VPN, CI egress), or leave `ip_allowlist` empty"),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{base_with, lines, run, BASE};

    const LIST: &str = "ip_allowlist: [203.0.113.0/24, 198.51.100.0/24]";

    #[test]
    fn specific_networks_pass() {
        assert!(run("network-open-allowlist", BASE).is_empty());
        assert!(
            run("network-open-allowlist", &base_with(LIST, "ip_allowlist: [\"2001:db8::/32\", 10.0.0.0/1]")).is_empty()
        );
    }

    #[test]
    fn zero_prefixes_are_reported_at_their_lines() {
        let yaml =
            base_with(LIST, "ip_allowlist:\n    - 203.0.113.0/24\n    - 0.0.0.0/0\n    - \"::/0\"\n    - 1.2.3.4/0");
        let found = run("network-open-allowlist", &yaml);
        assert_eq!(lines(&found), vec![44, 45, 46]);
        assert!(found[0].message.contains("every IPv4 address"));
        assert!(found[1].message.contains("every IPv6 address"));
        assert!(found[2].message.contains("1.2.3.4/0"));
    }
}
