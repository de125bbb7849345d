//! Sigstore bundles and trusted roots (JSON, with certificates, log entries and timestamps
//! inside). Never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = scs_cert::sigstore::Bundle::from_json(data);
    let _ = scs_cert::sigstore::TrustedRoot::from_json(data);
});
