//! Scope spec loader: any input ends in a Spec or an error, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(spec) = scs_cert::spec::Spec::load(text, "fuzz") {
            // Exercise the derived views too.
            for entry in spec.timeline() {
                let _ = spec.listed_versions_at(entry.date());
            }
        }
    }
});
