//! The compliance monitor's upload body: `<armored signature>&<report bytes>`.
//!
//! Upstream's runner uploads with `curl --data-binary @report.yaml.sig --data-binary
//! @report.yaml`; curl joins the two with `&` (scs-upstream.md §3.1). The monitor splits at the
//! first `-----END SSH SIGNATURE-----\n&` (`monitor.py` L95, §3.2 step 3).

use super::{Error, Signature};

/// What separates the signature from the report in an upload body: the armor's last line, its
/// newline, and curl's `&`.
pub const BODY_SEPARATOR: &[u8] = b"-----END SSH SIGNATURE-----\n&";

/// Splits an upload body at the **first** [`BODY_SEPARATOR`], as upstream does, into the
/// armored signature (including its final newline, without the `&`) and the report bytes.
///
/// The first occurrence is the right one: the base64 armor cannot contain the separator, so
/// it ends the signature, and any later occurrence belongs to the report.
///
/// # Errors
///
/// [`Error::MissingSignature`] when the separator does not occur.
pub fn split_upload_body(body: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let at = body
        .windows(BODY_SEPARATOR.len())
        .position(|w| w == BODY_SEPARATOR)
        .ok_or(Error::MissingSignature)?;
    let sig_end = at + BODY_SEPARATOR.len() - 1; // keep the '\n', drop the '&'
    Ok((&body[..sig_end], &body[sig_end + 1..]))
}

/// Builds an upload body as upstream's runner (through curl) does.
pub fn upload_body(signature: &Signature, report: &[u8]) -> Vec<u8> {
    let armored = signature.to_armored();
    let mut body = Vec::with_capacity(armored.len() + 1 + report.len());
    body.extend_from_slice(armored.as_bytes());
    body.push(b'&');
    body.extend_from_slice(report);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE_SIG: &[u8] = include_bytes!("../../tests/fixtures/keys/message.txt.alice.sig");

    #[test]
    fn splits_at_first_separator_and_round_trips() {
        let sig = Signature::from_armored(ALICE_SIG).unwrap();
        let report = b"a: 1\n# -----END SSH SIGNATURE-----\n&b\n";
        let body = upload_body(&sig, report);
        let (s, r) = split_upload_body(&body).unwrap();
        assert_eq!(s, ALICE_SIG);
        assert_eq!(r, report);
        assert_eq!(Signature::from_armored(s).unwrap(), sig);
    }

    #[test]
    fn missing_separator() {
        assert_eq!(split_upload_body(b""), Err(Error::MissingSignature));
        assert_eq!(
            split_upload_body(b"-----END SSH SIGNATURE-----\nreport"),
            Err(Error::MissingSignature)
        );
        assert_eq!(
            split_upload_body(BODY_SEPARATOR),
            Ok((&b"-----END SSH SIGNATURE-----\n"[..], &b""[..]))
        );
    }
}
