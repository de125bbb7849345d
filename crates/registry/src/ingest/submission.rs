//! A report file as handed in: its exact bytes and its seal (SSH signature, Sigstore bundle or
//! the monitor's upload body).

use scs_cert::sig;

/// One report file handed in: the exact report bytes and its SSH signature.
#[derive(Clone, Debug)]
pub struct Submission {
    /// How the user named it (for messages).
    pub name: String,
    /// The body to archive: an upload body (signature, `&`, report) exactly as received, or
    /// one built from a report and its detached signature.
    pub(super) body: Vec<u8>,
    /// Where the report starts in `body`.
    report_at: usize,
    /// Whether the body carries a signature at all.
    signed: bool,
    /// Whether the signature is a Sigstore bundle (JSON) rather than an SSHSIG.
    pub(super) sigstore: bool,
}

impl Submission {
    /// A report with its detached signature (`FILE.sig`), or `None` when there is none.
    pub fn detached(name: String, report: &[u8], signature: Option<&[u8]>) -> Submission {
        match signature {
            Some(sig) => {
                // The archive keeps the monitor's upload-body form, so one object carries both.
                let mut body = Vec::with_capacity(sig.len() + 1 + report.len());
                body.extend_from_slice(sig);
                if !body.ends_with(b"\n") {
                    body.push(b'\n');
                }
                body.push(b'&');
                let report_at = body.len();
                body.extend_from_slice(report);
                Submission {
                    name,
                    body,
                    report_at,
                    signed: true,
                    sigstore: false,
                }
            }
            None => Submission {
                name,
                body: report.to_vec(),
                report_at: 0,
                signed: false,
                sigstore: false,
            },
        }
    }

    /// A report with its Sigstore bundle (`FILE.sigstore.json`). The archive keeps the bundle,
    /// a newline, `&`, then the report bytes: JSON never holds a raw newline followed by `&`,
    /// so the first "\n&" separates them.
    pub fn sigstore(name: String, report: &[u8], bundle: &[u8]) -> Submission {
        let mut body = Vec::with_capacity(bundle.len() + 2 + report.len());
        body.extend_from_slice(bundle);
        body.extend_from_slice(b"\n&");
        let report_at = body.len();
        body.extend_from_slice(report);
        Submission {
            name,
            body,
            report_at,
            signed: true,
            sigstore: true,
        }
    }

    /// An upload body as the compliance monitor receives it (signature, `&`, report).
    pub fn upload_body(name: String, body: Vec<u8>) -> Submission {
        match sig::split_upload_body(&body) {
            Ok((signature, _)) => {
                let report_at = signature.len() + 1;
                Submission {
                    name,
                    body,
                    report_at,
                    signed: true,
                    sigstore: false,
                }
            }
            Err(_) => Submission {
                name,
                body,
                report_at: 0,
                signed: false,
                sigstore: false,
            },
        }
    }

    pub(super) fn signature(&self) -> Option<&[u8]> {
        // The bundle form ends in "\n&", the SSHSIG form in "&" after the armor's newline.
        let end = self.report_at - if self.sigstore { 2 } else { 1 };
        self.signed.then(|| &self.body[..end])
    }

    pub(super) fn report(&self) -> &[u8] {
        &self.body[self.report_at..]
    }
}
