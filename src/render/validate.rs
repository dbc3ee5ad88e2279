//! What render checks by itself, whatever lint said or a suppression hid: a suppression changes
//! what lint reports, never what render may write.
//!
//! [`super::Target::render`] runs [`policy`] before any renderer sees the policy and [`files`]
//! on everything a renderer produced, so no renderer can skip either:
//!
//! - every secret field holds a valid secret reference that does not itself look like a
//!   credential (else the key, or a name derived from it, would be written into the config);
//! - every `network.ip_allowlist` entry parses as a CIDR and every nginx resolver as an IP
//!   address (the renderers write them into target syntax);
//! - the paths a target is told to read or write are absolute, without `.` or `..`;
//! - no rendered file holds anything that looks like a credential (the provenance digest aside).

use super::{File, Provenance, RenderError, Target};
use crate::credentials;
use crate::policy::{cidr, Policy, ReferenceError};

fn refused(field: impl Into<String>, reason: impl Into<String>) -> RenderError {
    RenderError::Refused { field: field.into(), reason: reason.into() }
}

/// The policy values every renderer relies on.
pub fn policy(policy: &Policy) -> Result<(), RenderError> {
    for field in policy.secret_fields() {
        let reason = match field.reference.parse() {
            Ok(_) if credentials::looks_like_credential(&field.reference.0) => {
                "holds a reference that contains a credential"
            }
            Ok(_) => continue,
            Err(ReferenceError::NotAReference) => "holds a literal value, not a secret reference",
            Err(ReferenceError::UnknownScheme(_)) => "holds a reference of an unknown scheme",
            Err(ReferenceError::Malformed { .. }) => "holds a malformed secret reference",
        };
        return Err(refused(field.path.to_string(), reason));
    }
    for (i, entry) in policy.network.iter().flat_map(|n| n.ip_allowlist.iter()).enumerate() {
        if cidr::parse_cidr(entry).is_err() {
            return Err(refused(format!("network.ip_allowlist[{i}]"), "is not a valid CIDR"));
        }
    }
    if let Some(nginx) = &policy.targets.nginx {
        for (i, resolver) in nginx.resolvers.iter().enumerate() {
            if resolver.parse::<std::net::IpAddr>().is_err() {
                return Err(refused(format!("targets.nginx.resolvers[{i}]"), "is not an IP address"));
            }
        }
        let paths = [
            ("secrets_dir", &nginx.secrets_dir),
            ("audit_log", &nginx.audit_log),
            ("upstream_ca", &nginx.upstream_ca),
            ("config_dir", &nginx.config_dir),
            ("redis_ca", &nginx.redis_ca),
        ];
        for (name, path) in paths {
            if path.as_deref().is_some_and(|p| !is_plain_absolute(p)) {
                return Err(refused(
                    format!("targets.nginx.{name}"),
                    "must be an absolute path without `.` or `..` components",
                ));
            }
        }
    }
    Ok(())
}

/// `/a/b`, not `a/b`, `/a/../b` or `/a/./b`.
pub fn is_plain_absolute(path: &str) -> bool {
    path.starts_with('/') && path.split('/').skip(1).all(|part| part != "." && part != "..")
}

/// Every rendered file is free of credential-looking text.
pub fn files(target: Target, files: &[File], provenance: &Provenance) -> Result<(), RenderError> {
    for file in files {
        // The provenance digest is high-entropy by nature: the only such text a render may hold.
        let text = file.contents.replace(&provenance.sha256, "");
        if credentials::looks_like_credential(&text) {
            return Err(RenderError::Leak { target, path: file.path.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_plain_absolute;

    #[test]
    fn paths_must_be_absolute_and_plain() {
        assert!(is_plain_absolute("/etc/nginx/gatectl/prod"));
        for bad in ["etc/x", "/etc/../x", "/etc/./x", "/etc/x/.."] {
            assert!(!is_plain_absolute(bad), "{bad}");
        }
    }
}
