//! Property: for arbitrary valid policies (hostile free text in every string field, sometimes a
//! canary credential with its findings suppressed), every rendered file of every target parses
//! with a parser for its format, has the structure of a harmless render of the same policy, and
//! holds no canary. The generator and the checks are `tests/support/generated.rs`, which the
//! structured fuzz target (`fuzz/fuzz_targets/render.rs`) runs too; here proptest drives it.

use proptest::test_runner::{Config, TestCaseError, TestRng, TestRunner};

use crate::generated;

#[test]
fn every_render_of_an_arbitrary_policy_parses_keeps_its_structure_and_leaks_nothing() {
    // A fixed seed: the same 200 policies every run, so the floor below cannot fail by chance
    // (the fuzz target is where new inputs are searched for).
    let config = Config { cases: 200, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config.clone(), TestRng::deterministic_rng(config.rng_algorithm));
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    let strategy = proptest::collection::vec(proptest::num::u8::ANY, 256..4096);
    let result = runner.run(&strategy, |bytes| {
        let mut u = arbitrary::Unstructured::new(&bytes);
        let (Ok(doc), Ok(canary)) = (generated::policy(&mut u), generated::canary(&mut u)) else { return Ok(()) };
        let text = generated::yaml(&doc, canary);
        let targets = generated::check(&doc, &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        rendered.fetch_add(targets, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    });
    result.unwrap();
    // A generator whose policies all fail lint, or a render that refuses everything, proves nothing.
    let rendered = rendered.into_inner();
    assert!(rendered >= 300, "only {rendered} target renders in 200 cases");
}
