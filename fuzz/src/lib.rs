//! What the fuzz targets share: each target is one line that hands its bytes to a function here.
//!
//! - [`lint`]: any bytes as a policy file, through the loader, the schema, every rule and
//!   every report format.
//! - [`diff`]: any bytes as one deployed file of a target, through its normaliser, the
//!   comparison with a real render and every diff report format.
//! - [`yaml_reader`]: any bytes through gatectl's own YAML reader and `serde_yaml_ng`: where
//!   the fast reader answers, it must answer what the general parser does.
//! - [`render`]: an arbitrary valid policy (`tests/support/generated.rs`), rendered for every
//!   target, each file parsed back and compared in structure with a harmless render, and no
//!   canary credential anywhere.
//!
//! A failure is a panic (libFuzzer saves the input); a hang or a blow-up in time is caught by
//! libFuzzer's `-timeout`, memory by `-rss_limit_mb`.

use std::sync::OnceLock;

use gatectl::diff;
use gatectl::render::{self, Target};

#[path = "../../tests/support/generated.rs"]
pub mod generated;

fn options() -> gatectl::check::Options {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    gatectl::check::Options { today, packs: Default::default() }
}

pub fn lint(data: &[u8]) {
    // Each input is a process of its own, as far as the masking registry goes.
    gatectl::sink::clear();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let report = gatectl::check::lint_sources(vec![gatectl::load::Source::new("fuzz.yaml", text)], &options());
    for format in [
        gatectl::report::Format::Text,
        gatectl::report::Format::Json,
        gatectl::report::Format::Sarif,
        gatectl::report::Format::Markdown,
    ] {
        let out = gatectl::report::render(&report, format, &gatectl::report::Style { color: false });
        let _ = gatectl::sink::mask(&out);
    }
}

/// The production example, rendered once for every target: what each deployed input is compared with.
fn rendered() -> &'static Vec<render::Rendered> {
    static RENDERED: OnceLock<Vec<render::Rendered>> = OnceLock::new();
    RENDERED.get_or_init(|| {
        let text = include_str!("../../policies/claude-code-prod.yaml");
        let mut report = gatectl::check::lint_sources(vec![gatectl::load::Source::new("prod.yaml", text)], &options());
        let loaded = report.policies.pop().expect("the example loads");
        let templates = render::Templates::load(None).expect("templates load");
        let provenance = render::Provenance::new(&loaded.policy.name.0, &loaded.source.text);
        let cx = render::Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
        Target::ALL.iter().map(|t| t.render(&cx).expect("the example renders")).collect()
    })
}

pub fn diff(target: Target, data: &[u8]) {
    gatectl::sink::clear();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rendered = rendered().iter().find(|r| r.target == target).expect("rendered");
    let Ok(sides) = diff::read_deployed(target, &diff::Deployed::Stdin(text.to_string()), rendered) else { return };
    let Ok(result) = diff::compare(target, sides, "fuzz") else { return };
    for format in [
        gatectl::report::diff::DiffFormat::Text,
        gatectl::report::diff::DiffFormat::Json,
        gatectl::report::diff::DiffFormat::Markdown,
    ] {
        let out = gatectl::report::diff::render(&[(None, &result)], format, &gatectl::report::Style { color: false });
        let _ = gatectl::sink::mask(&out);
    }
}

pub fn render(data: &[u8]) {
    gatectl::sink::clear();
    let mut u = arbitrary::Unstructured::new(data);
    let (Ok(doc), Ok(canary)) = (generated::policy(&mut u), generated::canary(&mut u)) else { return };
    let text = generated::yaml(&doc, canary);
    if let Err(broken) = generated::check(&doc, &text) {
        panic!("{broken}\n--- policy\n{text}");
    }
}

pub fn yaml_reader(data: &[u8]) {
    use serde::Deserialize;
    let Ok(text) = std::str::from_utf8(data) else { return };
    let general = || -> Option<Vec<serde_json::Value>> {
        let mut documents = Vec::new();
        for document in serde_yaml_ng::Deserializer::from_str(text) {
            let value = serde_json::Value::deserialize(document).ok()?;
            if !value.is_null() {
                documents.push(value);
            }
        }
        Some(documents)
    };
    if let Some(documents) = render::yaml::read_documents(text) {
        assert_eq!(Some(documents), general(), "the readers disagree");
    }
    if let Some(document) = render::yaml::read(text) {
        assert_eq!(Some(vec![document]), general(), "the readers disagree on one document");
    }
}
