//! SSHSIG armor, upload-body splitting and verification over arbitrary bytes: never a panic,
//! and never a valid signature from junk.
#![no_main]
use scs_cert::sig::{self, Namespace, Signature};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok((signature, report)) = sig::split_upload_body(data) {
        if let Ok(s) = Signature::from_armored(signature) {
            let _ = s.verify(&Namespace::report(), report);
        }
    }
    if let Ok(s) = Signature::from_armored(data) {
        let _ = s.verify(&Namespace::report(), b"");
        let _ = s.fingerprint();
    }
});
