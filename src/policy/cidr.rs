//! IP allowlist entries: `IP` or `IP/prefix`, parsed once for every layer — the
//! `network-invalid-cidr` rule reports what does not parse, and render refuses it
//! (a suppression changes what lint reports, never what render writes).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An allowlist entry that parsed: its address and prefix length.
pub struct Cidr {
    pub ip: IpAddr,
    pub prefix: u8,
}

/// Why an entry is not a valid CIDR; `HostBits` carries the network it probably meant.
pub enum CidrError {
    NotAnAddress,
    PrefixOutOfRange { prefix: u16, max: u8 },
    HostBits { network: IpAddr, prefix: u8 },
}

/// Parses `IP` or `IP/prefix`; a bare IP is a single host.
pub fn parse_cidr(entry: &str) -> Result<Cidr, CidrError> {
    let (addr, prefix) = entry.split_once('/').map_or((entry, None), |(a, p)| (a, Some(p)));
    let ip: IpAddr = addr.parse().map_err(|_| CidrError::NotAnAddress)?;
    let max: u8 = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
            let prefix: u16 = p.parse().map_err(|_| CidrError::NotAnAddress)?;
            u8::try_from(prefix).ok().filter(|&p| p <= max).ok_or(CidrError::PrefixOutOfRange { prefix, max })?
        }
        Some(_) => return Err(CidrError::NotAnAddress),
    };
    let network = match ip {
        IpAddr::V4(v4) => {
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)))
        }
        IpAddr::V6(v6) => {
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)))
        }
    };
    if network != ip {
        return Err(CidrError::HostBits { network, prefix });
    }
    Ok(Cidr { ip, prefix })
}
