#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gatectl_fuzz::diff(gatectl::render::Target::Litellm, data));
