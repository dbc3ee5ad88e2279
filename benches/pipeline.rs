//! In-process speed of the pipeline: `cargo bench --bench pipeline`.
//!
//! `lint_sources`: YAML parse, schema, checklist, suppressions, on a typical policy and on a
//! generated one with 10,000 consumers. `render_all`: lint plus rendering every target, as
//! `gatectl render -t all` does (files are not written), at 10,000 and 50,000 consumers.
//! `diff`: every target against its own render at 10,000 and 50,000 consumers, and Kong against a
//! copy with one changed limit. Cold processes (start-up, writing files, peak memory, `diff -u`)
//! are `scripts/bench-pipeline.sh` and `scripts/bench-cold-lint.sh`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatectl::check::{self, Options};
use gatectl::diff;
use gatectl::load::Source;
use gatectl::render::{Context, Provenance, Target, Templates};

// The allocator the binary ships with (src/main.rs; its purge setting aside, so freed memory is
// kept between iterations here).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TYPICAL: &str = include_str!("../tests/fixtures/base-production.yaml");

fn options() -> Options {
    Options { today: NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date"), packs: BTreeSet::new() }
}

/// A development policy with `n` consumers, each `c{i:05}` with key `env:K{i}`, and a
/// per-consumer rate limit for every tenth; `scripts/bench-policy.sh` writes the same text.
fn many_consumers(n: usize) -> String {
    let mut text = String::from(include_str!("many-consumers.head"));
    for i in 0..n {
        let _ = write!(text, "  - name: c{i:05}\n    key: env:K{i}\n    issued: 2026-10-01\n");
        if i % 10 == 0 {
            text.push_str("    rate_limit:\n      requests_per_minute: 200\n");
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let options = options();
    let large = many_consumers(10_000);

    // Both inputs must lint to something meaningful, not fail early on a schema error.
    for (name, text) in [("typical", TYPICAL), ("10k", large.as_str())] {
        let report = check::lint_sources(vec![Source::new(name, text)], &options);
        assert_eq!(
            report.policies.len(),
            1,
            "{name}: policy did not pass the schema: {:?}",
            report.findings.iter().map(|f| (f.rule, &f.message)).collect::<Vec<_>>()
        );
    }

    let mut group = c.benchmark_group("lint_sources");
    for (id, name, text) in
        [("typical", "base-production.yaml", TYPICAL), ("10k_consumers", "many-consumers.yaml", large.as_str())]
    {
        if id == "10k_consumers" {
            // ~0.1 s an iteration: fewer, longer samples keep the run near 10 s.
            group.sample_size(50).measurement_time(Duration::from_secs(8));
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(id, |b| {
            b.iter(|| {
                // Building the source (line index) is part of linting from text.
                let source = Source::new(name, text);
                black_box(check::lint_sources(vec![source], black_box(&options)))
            });
        });
    }
    group.finish();

    let templates = Templates::load(None).expect("embedded templates load");
    let large_50k = many_consumers(50_000);
    let mut group = c.benchmark_group("render_all");
    for (id, text, samples) in [("10k_consumers", large.as_str(), 20), ("50k_consumers", large_50k.as_str(), 10)] {
        group.sample_size(samples).measurement_time(Duration::from_secs(8));
        group.bench_function(id, |b| {
            b.iter(|| {
                let report = check::lint_sources(vec![Source::new("many-consumers.yaml", text)], &options);
                let loaded = &report.policies[0];
                let provenance = Provenance::new(&loaded.policy.name.0, &loaded.source.text);
                let cx = Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
                for rendered in gatectl::render::render_each(&cx, &Target::ALL) {
                    black_box(rendered.expect("renders"));
                }
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("diff");
    // Every target of the 10k and 50k policies against its own render (no drift): both sides
    // parsed, normalised and compared, as `gatectl diff -t all` does after its render.
    for (id, text, samples) in
        [("all_10k_consumers", large.as_str(), 20), ("all_50k_consumers", large_50k.as_str(), 10)]
    {
        let report = check::lint_sources(vec![Source::new("many-consumers.yaml", text)], &options);
        let loaded = &report.policies[0];
        let provenance = Provenance::new(&loaded.policy.name.0, &loaded.source.text);
        let cx = Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
        let sides: Vec<(Target, diff::Files)> = Target::ALL
            .iter()
            .map(|&target| {
                let files = diff::layout_files(&target.render(&cx).expect("renders"));
                (target, files)
            })
            .collect();
        group.sample_size(samples).measurement_time(Duration::from_secs(8));
        group.bench_function(id, |b| {
            b.iter(|| {
                for (target, files) in &sides {
                    let sides = diff::Sides {
                        rendered: files.clone(),
                        deployed: files.clone(),
                        sources: Default::default(),
                        notes: Vec::new(),
                    };
                    let result = diff::compare(*target, sides, "deployed").expect("compares");
                    assert!(!result.drift(), "{target} drifts from its own render");
                    black_box(result);
                }
            });
        });
    }

    // The 10k-consumer Kong render against a deployed copy with one limit changed.
    let report = check::lint_sources(vec![Source::new("many-consumers.yaml", large.as_str())], &options);
    let loaded = &report.policies[0];
    let provenance = Provenance::new(&loaded.policy.name.0, &loaded.source.text);
    let cx = Context { policy: &loaded.policy, provenance: &provenance, templates: &templates };
    let rendered = Target::Kong.render(&cx).expect("renders");
    let files: diff::Files = rendered.files.iter().map(|f| (f.path.clone(), f.contents.clone())).collect();
    let deployed: diff::Files =
        files.iter().map(|(k, v)| (k.clone(), v.replacen("minute: 100", "minute: 120", 1))).collect();
    assert_ne!(files, deployed, "the deployed copy differs");
    group.sample_size(20).measurement_time(Duration::from_secs(8));
    group.bench_function("kong_10k_consumers", |b| {
        b.iter(|| {
            let sides = diff::Sides {
                rendered: files.clone(),
                deployed: deployed.clone(),
                sources: Default::default(),
                notes: Vec::new(),
            };
            let result = diff::compare(Target::Kong, sides, "deployed").expect("compares");
            assert_eq!(result.changes.len(), 1);
            black_box(result)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
