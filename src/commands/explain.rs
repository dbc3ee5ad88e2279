//! `gatectl explain ID`: a rule's own documentation and the seed section it comes from.

use super::{print, EXIT_USAGE};
use crate::{check, report, rules};

pub fn run(id: &str) -> u8 {
    match rules::find(id) {
        Some(rule) => print(&report::explain(rule)),
        None => {
            let ids: Vec<String> = rules::RULES.iter().map(|r| r.id.to_string()).collect();
            let hint = check::schema::did_you_mean(id, &ids)
                .map_or_else(|| "run `gatectl rules` for the list".into(), |b| format!("did you mean `{b}`?"));
            crate::errln!("error: no rule `{}`; {hint}", id);
            EXIT_USAGE
        }
    }
}
