//! allowed_signers and monitor bootstrap parsers: never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = scs_cert::trust::AllowedSigners::parse(text, "fuzz");
        let _ = scs_cert::trust::Bootstrap::parse(text, "fuzz");
    }
});
