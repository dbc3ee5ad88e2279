//! Secret references → each target's native mechanism, in one place.
//!
//! A rendered file never holds a secret value: it holds what the target
//! resolves at run or deploy time. Where a target cannot reach a reference's
//! store, the reference becomes an environment variable the deploy step fills,
//! named after the reference so two references never collide.

use crate::policy::{Reference, SecretRef, TruefoundryTarget};

/// How a target will obtain a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Native {
    /// An environment variable on the gateway host (or the deploy job).
    Env(String),
    /// A file on the gateway host.
    File(String),
}

/// `env:NAME` stays `NAME`; anything else becomes `GATECTL_<SCHEME>_<REST>` (upper-cased,
/// non-alphanumerics as `_`), which the deploy job exports from the secret manager.
pub fn env_name(reference: &SecretRef) -> String {
    if let Ok(Reference::Env { name }) = reference.parse() {
        return name.to_string();
    }
    let mut name = String::from("GATECTL_");
    let mut last_underscore = true;
    for c in reference.0.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
            last_underscore = false;
        } else if !last_underscore {
            name.push('_');
            last_underscore = true;
        }
    }
    name.trim_end_matches('_').to_string()
}

/// The target-independent form: a file stays a file, everything else an environment variable.
pub fn native(reference: &SecretRef) -> Native {
    match reference.parse() {
        Ok(Reference::File { path }) => Native::File(path.to_string()),
        _ => Native::Env(env_name(reference)),
    }
}

/// LiteLLM reads `os.environ/NAME`.
pub fn litellm(reference: &SecretRef) -> String {
    format!("os.environ/{}", env_name(reference))
}

/// Kong resolves `{vault://env/name}` in fields it marks referenceable (its env vault
/// takes the variable name in lower case with `-` for `_`).
pub fn kong_vault(reference: &SecretRef) -> String {
    format!("{{vault://env/{}}}", env_name(reference).to_ascii_lowercase().replace('_', "-"))
}

/// decK substitutes `${{ env "DECK_NAME" }}` at sync time, for fields Kong cannot reference.
pub fn deck_env(reference: &SecretRef) -> String {
    format!("${{{{ env \"{}\" }}}}", deck_env_name(reference))
}

/// The variable decK reads: the reference's variable name behind decK's required `DECK_` prefix.
pub fn deck_env_name(reference: &SecretRef) -> String {
    let name = env_name(reference);
    if name.starts_with("DECK_") {
        name
    } else {
        format!("DECK_{name}")
    }
}

/// decK substitution that yields one complete double-quoted YAML scalar: `prefix` followed by
/// the value, quoted by Go's `%q`. decK substitutes on the raw file text before it parses the
/// YAML, so a plain `'${{ env .. }}'` lets a value holding a quote or a line break rewrite the
/// file; quoted, it stays one string. Place the result as a bare (unquoted) YAML scalar.
/// `prefix` is a constant of the caller: letters, digits, space, `-` and `:` only.
pub fn deck_env_quoted(reference: &SecretRef, prefix: &str) -> String {
    assert!(
        prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b" -:".contains(&b)),
        "decK template prefix {prefix:?} holds a character Go templates would interpret"
    );
    let name = deck_env_name(reference);
    if prefix.is_empty() {
        format!("${{{{ env \"{name}\" | printf \"%q\" }}}}")
    } else {
        format!("${{{{ env \"{name}\" | printf \"{prefix}%s\" | printf \"%q\" }}}}")
    }
}

/// Zuplo reads environment variables as `$env(NAME)` in policy options.
pub fn zuplo(reference: &SecretRef) -> String {
    format!("$env({})", env_name(reference))
}

/// TrueFoundry resolves `tfy-secret://TENANT:GROUP:KEY` (a secret FQN) when it uses the field.
/// KEY is the reference's variable name ([`env_name`]: letters, digits and `_`, so never the
/// FQN's `:` separator), the same name the other targets read: the deploy job stores each value
/// in the policy's secret group under it.
pub fn truefoundry(reference: &SecretRef, target: &TruefoundryTarget) -> String {
    let key = env_name(reference);
    debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{key}");
    format!("tfy-secret://{}:{}:{key}", target.tenant, target.secret_group)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> SecretRef {
        SecretRef(s.to_string())
    }

    #[test]
    fn env_references_keep_their_name_others_get_a_derived_one() {
        assert_eq!(env_name(&r("env:TEAM_KEY")), "TEAM_KEY");
        assert_eq!(
            env_name(&r("vault:secret/claude-code#provider_key")),
            "GATECTL_VAULT_SECRET_CLAUDE_CODE_PROVIDER_KEY"
        );
        assert_eq!(env_name(&r("aws-sm:claude-code/ci-bot")), "GATECTL_AWS_SM_CLAUDE_CODE_CI_BOT");
        assert_eq!(native(&r("file:/etc/k")), Native::File("/etc/k".into()));
    }

    #[test]
    fn each_target_gets_its_native_form() {
        let key = r("env:ANTHROPIC_API_KEY");
        assert_eq!(litellm(&key), "os.environ/ANTHROPIC_API_KEY");
        assert_eq!(kong_vault(&key), "{vault://env/anthropic-api-key}");
        assert_eq!(deck_env(&key), "${{ env \"DECK_ANTHROPIC_API_KEY\" }}");
        assert_eq!(zuplo(&key), "$env(ANTHROPIC_API_KEY)");
    }

    #[test]
    fn truefoundry_references_are_secret_fqns_in_the_policy_group() {
        let target = TruefoundryTarget {
            tenant: "acme".into(),
            secret_group: "claude-code-prod".into(),
            accept_gaps: Vec::new(),
        };
        assert_eq!(
            truefoundry(&r("env:ANTHROPIC_API_KEY"), &target),
            "tfy-secret://acme:claude-code-prod:ANTHROPIC_API_KEY"
        );
        assert_eq!(
            truefoundry(&r("vault:secret/claude-code-prod#provider_key"), &target),
            "tfy-secret://acme:claude-code-prod:GATECTL_VAULT_SECRET_CLAUDE_CODE_PROD_PROVIDER_KEY"
        );
        // A key holds no FQN separator, whatever the reference holds.
        let fqn = truefoundry(&r("k8s:ns:odd/key:with:colons"), &target);
        assert_eq!(fqn.matches(':').count(), 3, "{fqn}");
    }

    #[test]
    fn quoted_deck_substitution_yields_one_go_quoted_scalar() {
        let key = r("vault:secret/p#provider_key");
        assert_eq!(deck_env_name(&key), "DECK_GATECTL_VAULT_SECRET_P_PROVIDER_KEY");
        assert_eq!(deck_env_quoted(&r("env:K"), ""), "${{ env \"DECK_K\" | printf \"%q\" }}");
        assert_eq!(
            deck_env_quoted(&r("env:DECK_K"), "Bearer "),
            "${{ env \"DECK_K\" | printf \"Bearer %s\" | printf \"%q\" }}"
        );
    }

    #[test]
    #[should_panic(expected = "Go templates would interpret")]
    fn quoted_deck_substitution_refuses_a_prefix_with_template_syntax() {
        deck_env_quoted(&r("env:K"), "x\" }}");
    }
}
