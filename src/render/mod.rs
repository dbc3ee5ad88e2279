//! Render: one policy → each target's native configuration.
//!
//! Every target is one module that builds a serialisable view of the policy and
//! fills its templates (`templates/<target>/`). What targets share — names,
//! secret-reference mapping, escaping, the provenance header — lives here once.

pub mod alerts;
pub mod capability;
pub mod kong;
pub mod litellm;
pub mod mtail;
pub mod nginx;
pub mod output;
pub mod provenance;
pub mod refusals;
pub mod secrets;
pub mod templates;
pub mod truefoundry;
pub mod validate;
pub mod yaml;
pub mod zuplo;

use std::fmt;

use crate::policy::Policy;

pub use provenance::Provenance;
pub use templates::Templates;

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

    /// The templates the target ships, embedded in the binary.
    pub fn templates(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Target::Kong => kong::TEMPLATES,
            Target::Zuplo => zuplo::TEMPLATES,
            Target::Truefoundry => truefoundry::TEMPLATES,
            Target::Litellm => litellm::TEMPLATES,
            Target::Nginx => nginx::TEMPLATES,
        }
    }

    /// Renders the policy for this target. The one entry point: the policy is validated before
    /// the renderer sees it and the files after ([`validate`]), so no renderer can skip either.
    pub fn render(self, cx: &Context) -> Result<Rendered, RenderError> {
        validate::policy(cx.policy)?;
        let mut files = match self {
            Target::Kong => kong::render(cx)?,
            Target::Zuplo => zuplo::render(cx)?,
            Target::Truefoundry => truefoundry::render(cx)?,
            Target::Litellm => litellm::render(cx)?,
            Target::Nginx => nginx::render(cx)?,
        };
        files.extend(alerts::render(cx, self)?);
        validate::files(self, &files, cx.provenance)?;
        Ok(Rendered { target: self, files })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rendered file, its path relative to the target's folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// Everything rendered for one target.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub target: Target,
    pub files: Vec<File>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {source}")]
    Template { name: String, source: minijinja::Error },
    #[error("{target} cannot express `{field}`: {reason}")]
    Unrepresentable { target: Target, field: String, reason: String },
    #[error("rendered {path} is not valid {format}: {reason}")]
    Malformed { path: String, format: &'static str, reason: String },
    /// A value render checks by itself ([`validate`]), whatever lint reported or suppressed.
    #[error("not rendering: `{field}` {reason}")]
    Refused { field: String, reason: String },
    #[error("not rendering: {target}/{path} would hold a credential-looking value")]
    Leak { target: Target, path: String },
}

/// What a target renderer gets.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub provenance: &'a Provenance,
    pub templates: &'a Templates,
}
