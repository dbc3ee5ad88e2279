//! Render: one policy → each target's native configuration.
//!
//! Every target is one module that builds a serialisable view of the policy and
//! fills its templates (`templates/<target>/`). What targets share — names,
//! secret-reference mapping, escaping, the provenance header — lives here once.

pub mod alerts;
pub mod capability;
pub mod inputs;
pub mod kong;
pub mod litellm;
pub mod mtail;
pub mod nginx;
pub mod output;
pub mod provenance;
pub mod refusals;
pub mod requirements;
pub mod secrets;
pub mod templates;
pub mod truefoundry;
pub mod validate;
pub mod yaml;
pub mod zuplo;

use crate::policy::{Policy, TlsVersion};

pub use crate::target::Target;
pub use provenance::Provenance;
pub use templates::Templates;

impl Target {
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

    /// Renders the policy for this target. The one entry point: the settings the target needs are
    /// checked first ([`requirements`]), the policy is validated before the renderer sees it and
    /// the files after ([`validate`]), so no renderer can skip any of them.
    pub fn render(self, cx: &Context) -> Result<Rendered, RenderError> {
        requirements::check(cx.policy, self)?;
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

/// Renders each target, side by side on as many threads as the machine has cores (render
/// `-t all` of 10,000 consumers is five independent jobs; more threads than cores would only add
/// their working sets to the peak memory). The results come back in the order of `targets`, so
/// what is reported and written does not depend on which finished first.
pub fn render_each(cx: &Context, targets: &[Target]) -> Vec<Result<Rendered, RenderError>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(targets.len());
    if threads <= 1 {
        return targets.iter().map(|target| target.render(cx)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::OnceLock<Result<Rendered, RenderError>>> =
        targets.iter().map(|_| std::sync::OnceLock::new()).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(target) = targets.get(i) else { break };
                let _ = slots[i].set(target.render(cx));
            });
        }
    });
    slots.into_iter().map(|slot| slot.into_inner().expect("every target was rendered")).collect()
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

/// The `ssl_protocols` of a TLS floor, for the targets that set one (nginx, Kong). A floor below
/// 1.2 is refused, never raised: suppressing `tls-min-version` changes what lint reports, not what
/// render writes, and gatectl writes no listener that accepts TLS 1.0 or 1.1.
pub fn tls_protocols(target: Target, floor: TlsVersion) -> Result<&'static str, RenderError> {
    match floor {
        TlsVersion::V1_3 => Ok("TLSv1.3"),
        TlsVersion::V1_2 => Ok("TLSv1.2 TLSv1.3"),
        TlsVersion::V1_0 | TlsVersion::V1_1 => Err(RenderError::Unrepresentable {
            target,
            field: "listener.tls.min_version".into(),
            reason: format!(
                "gatectl renders no TLS floor below 1.2 (the policy asks for {}): a suppressed `tls-min-version` \
                 changes what lint reports, not what render writes; terminate the legacy clients' TLS in front of the gateway",
                floor.as_str()
            ),
        }),
    }
}

/// What a target renderer gets.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub provenance: &'a Provenance,
    pub templates: &'a Templates,
}
