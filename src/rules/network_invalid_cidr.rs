use super::{Check, Context, Rule, Violation};
use crate::load::Path;
use crate::policy::cidr::{parse_cidr, CidrError};
use crate::severity::Severity;

pub static RULE: Rule = Rule {
    id: "network-invalid-cidr",
    severity: Severity::Error,
    title: "IP allowlist entry is not a valid CIDR",
    seed: "security-best-practices-enterprise-gateways.md § IP Allowlisting (Optional but Recommended)",
    quote: &["allow:\n        - 203.0.113.0/24\n        - 198.51.100.0/24"],
    packs: "",
    docs: r#"## What it does
Checks each `network.ip_allowlist` entry is an IPv4 or IPv6 address, or an
`address/prefix` CIDR with a prefix of at most 32 (IPv4) or 128 (IPv6) and no
host bits set. A bare address means that single host (/32 or /128).

## Why is this bad?
The allowlist "prevents unauthorized access even with stolen tokens" only if
every gateway reads it the way the author meant. Targets reject a malformed
entry at deploy time, or silently mask host bits: `203.0.113.5/24` becomes the
whole `203.0.113.0/24` network when one host was probably intended, or the
reverse.

## Example
```yaml
network:
  ip_allowlist: [203.0.113.5/24, 198.51.100.0/33, vpn.example.com]
```

## How to fix
```yaml
network:
  ip_allowlist: [203.0.113.0/24, 198.51.100.0/24, 192.0.2.10]
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
        let violation = match parse_cidr(entry) {
            Ok(_) => continue,
            Err(CidrError::NotAnAddress) => Violation::at(list.index(i), format!("`{entry}` is not an IP address or CIDR"))
                .help("write an IPv4/IPv6 address or a CIDR such as 203.0.113.0/24 or 2001:db8::/32 (host names are not allowed)"),
            Err(CidrError::PrefixOutOfRange { prefix, max }) => {
                Violation::at(list.index(i), format!("`{entry}` has prefix /{prefix}, beyond /{max}")).help(format!("use a prefix between 0 and {max}"))
            }
            Err(CidrError::HostBits { network, prefix }) => {
                Violation::at(list.index(i), format!("`{entry}` has host bits set")).help(format!("did you mean {network}/{prefix}?"))
            }
        };
        found.push(violation);
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::policy::cidr::{parse_cidr, CidrError};
    use crate::rules::testing::{base_with, lines, run, BASE};

    const LIST: &str = "ip_allowlist: [203.0.113.0/24, 198.51.100.0/24]";

    #[test]
    fn valid_entries_pass() {
        assert!(run("network-invalid-cidr", BASE).is_empty());
        for ok in ["10.0.0.0/8", "192.0.2.10", "0.0.0.0/0", "2001:db8::/32", "::1", "::/0", "192.0.2.10/32"] {
            assert!(parse_cidr(ok).is_ok(), "{ok}");
        }
        assert_eq!(parse_cidr("192.0.2.10").map(|c| c.prefix).ok(), Some(32));
        assert_eq!(parse_cidr("2001:db8::1").map(|c| c.prefix).ok(), Some(128));
    }

    #[test]
    fn malformed_entries_are_rejected() {
        for bad in ["vpn.example.com", "10.0.0.0/", "10.0.0.0/+8", "10.0.0/8", "10.0.0.0/8/8", "300.1.1.1"] {
            assert!(matches!(parse_cidr(bad), Err(CidrError::NotAnAddress)), "{bad}");
        }
        assert!(matches!(parse_cidr("10.0.0.0/33"), Err(CidrError::PrefixOutOfRange { prefix: 33, max: 32 })));
        assert!(matches!(parse_cidr("2001:db8::/129"), Err(CidrError::PrefixOutOfRange { prefix: 129, max: 128 })));
        assert!(matches!(parse_cidr("10.0.0.0/999"), Err(CidrError::PrefixOutOfRange { prefix: 999, max: 32 })));
    }

    #[test]
    fn each_bad_entry_is_reported_at_its_line() {
        let yaml = base_with(
            LIST,
            "ip_allowlist:\n    - 203.0.113.0/24\n    - 203.0.113.5/24\n    - 198.51.100.0/33\n    - vpn.example.com",
        );
        let found = run("network-invalid-cidr", &yaml);
        assert_eq!(lines(&found), vec![44, 45, 46]);
        assert!(found[0].message.contains("host bits"));
        assert_eq!(found[0].help.as_deref(), Some("did you mean 203.0.113.0/24?"));
        assert!(found[1].message.contains("/33"));
        assert!(found[2].message.contains("vpn.example.com"));
    }

    #[test]
    fn ipv6_host_bits_suggest_the_network() {
        let found = run("network-invalid-cidr", &base_with(LIST, "ip_allowlist: [\"2001:db8::1/32\"]"));
        assert_eq!(lines(&found), vec![42]);
        assert_eq!(found[0].help.as_deref(), Some("did you mean 2001:db8::/32?"));
    }
}
