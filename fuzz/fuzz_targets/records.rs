//! The registry's own files, as a hand-edited or hostile clone may hold them: certificate
//! records and events, subject records, ledger lines, forum.toml, upload bodies, instants and
//! durations. Never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = scs_cert::sig::split_upload_body(data);
    let _ = scs_registry::ledger::parse("fuzz", data);
    let _ = scs_registry::ledger::runs("fuzz", data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = scs_cert::cert::CertificateRecord::parse(text, "fuzz");
        let _ = scs_cert::cert::parse_events(text, "fuzz");
        if let Ok(record) = scs_cert::subject::record::SubjectRecord::parse(text, "fuzz") {
            let _ = record.check_text();
            let _ = record.to_yaml();
        }
        let _ = scs_registry::forum::ForumConfig::parse(text);
        let _ = scs_cert::time::parse_instant(text);
        let _ = scs_cert::time::parse_duration(text);
        let _ = scs_cert::text::check("fuzz", text, scs_cert::text::Display::Printed);
    }
});
