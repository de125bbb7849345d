//! X.509 certificates and CRLs as `scs-cert verify` reads them from a bare clone: parsed,
//! verified under the forum CA, read as a CRL of that CA. Never a panic.
#![no_main]
use std::sync::OnceLock;

fn ca() -> &'static str {
    static CA: OnceLock<String> = OnceLock::new();
    CA.get_or_init(|| {
        let key = scs_cert::sig::SigningKey::from_openssh(
            include_str!("../../tests/fixtures/x509/forum-test-key"),
            None,
        )
        .expect("the test key");
        let at = |s| scs_cert::time::parse_instant(s).expect("an instant");
        scs_cert::x509::ca_certificate(&key, "Fuzz Forum", at("2020-01-01"), at("2040-01-01"))
            .expect("a CA")
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let at = scs_cert::time::parse_instant("2026-06-01").expect("an instant");
        let _ = scs_cert::x509::parse_certificate(text);
        let _ = scs_cert::x509::verify_certificate(ca(), text, at);
        let _ = scs_cert::x509::parse_crl(ca(), text);
        let _ = scs_cert::x509::parse_crl(text, text);
    }
});
