//! The gateways gatectl renders for: shared by the policy (which declares the targets it deploys
//! to), the checks that read a declared target's settings, render, diff and the commands.

use std::fmt;

/// A gateway gatectl renders for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Kong,
    Zuplo,
    Truefoundry,
    Litellm,
    Nginx,
}

impl Target {
    pub const ALL: [Target; 5] = [Target::Kong, Target::Zuplo, Target::Truefoundry, Target::Litellm, Target::Nginx];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Kong => "kong",
            Target::Zuplo => "zuplo",
            Target::Truefoundry => "truefoundry",
            Target::Litellm => "litellm",
            Target::Nginx => "nginx",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
