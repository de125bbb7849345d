//! Report parser (YAML and JSON, both forms): never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = scs_cert::report::parse(data);
});
