#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gatectl_fuzz::yaml_reader(data));
