//! The targets a policy declares (the keys under `targets:`): the settings each needs beyond the
//! schema, and gap acceptances that match no gap. Both come from the render layer's own
//! knowledge ([`crate::render::requirements`], the capability matrix), so lint and render
//! cannot disagree.

use std::sync::Arc;

use super::schema::locate;
use super::{Finding, Severity};
use crate::load::{Node, Path, Source};
use crate::policy::Policy;
use crate::render::{capability, requirements};
use crate::rules::{GAP_ACCEPTANCE_UNUSED, TARGET_SETTING_MISSING};

pub fn check(policy: &Policy, doc: &Node, source: &Arc<Source>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for target in policy.targets.declared() {
        for missing in requirements::missing(policy, target) {
            let span = locate(doc, &missing.path, source).0;
            findings.push(
                Finding::new(TARGET_SETTING_MISSING, Severity::Error, &missing.message, source, span, missing.path)
                    .with_help(&missing.help),
            );
        }
        for (i, accepted) in capability::unused_acceptances(policy, target) {
            let path = Path::root().key("targets").key(target.as_str()).key("accept_gaps").index(i);
            let span = locate(doc, &path.key("field"), source).0;
            findings.push(
                Finding::new(
                    GAP_ACCEPTANCE_UNUSED,
                    Severity::Warning,
                    format!("{target} has no gap at `{}` to accept for this policy", accepted.field.0),
                    source,
                    span,
                    path,
                )
                .with_help("remove the entry: the policy does not ask for the field, or the target enforces it"),
            );
        }
    }
    findings
}
