//! A report file as handed in: its exact bytes and its seal (SSH signature, Sigstore bundle or
//! the monitor's upload body).

use scs_cert::sig;

/// One report file handed in: the exact report bytes and its seal.
#[derive(Clone, Debug)]
pub struct Submission {
    /// How the user named it (for messages).
    pub name: String,
    /// The body to archive: an upload body (signature, `&`, report) exactly as received, or
    /// one built from a report and its detached signature or bundle.
    pub(super) body: Vec<u8>,
    /// Where the report starts in `body`.
    report_at: usize,
    /// What seals the report.
    seal: Seal,
}

/// What a submission's body carries before the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seal {
    /// Nothing: the body is the bare report.
    None,
    /// An armored SSHSIG, then `&`.
    Ssh,
    /// A Sigstore bundle (JSON), then `\n&`.
    Sigstore,
}

impl Submission {
    /// A report with its detached signature (`FILE.sig`), or `None` when there is none. The
    /// archive keeps the monitor's upload-body form, so one object carries both.
    pub fn detached(name: String, report: &[u8], signature: Option<&[u8]>) -> Submission {
        match signature {
            Some(sig) => {
                let separator: &[u8] = if sig.ends_with(b"\n") { b"&" } else { b"\n&" };
                Submission::sealed(name, Seal::Ssh, sig, separator, report)
            }
            None => Submission::unsealed(name, report.to_vec()),
        }
    }

    /// A report with its Sigstore bundle (`FILE.sigstore.json`). The archive keeps the bundle,
    /// a newline, `&`, then the report bytes: JSON never holds a raw newline followed by `&`,
    /// so the first "\n&" separates them.
    pub fn sigstore(name: String, report: &[u8], bundle: &[u8]) -> Submission {
        Submission::sealed(name, Seal::Sigstore, bundle, b"\n&", report)
    }

    /// An upload body as the compliance monitor receives it (signature, `&`, report).
    pub fn upload_body(name: String, body: Vec<u8>) -> Submission {
        match sig::split_upload_body(&body) {
            Ok((signature, _)) => Submission {
                name,
                report_at: signature.len() + 1,
                body,
                seal: Seal::Ssh,
            },
            Err(_) => Submission::unsealed(name, body),
        }
    }

    /// `seal_bytes`, `separator`, then the report.
    fn sealed(
        name: String,
        seal: Seal,
        seal_bytes: &[u8],
        separator: &[u8],
        report: &[u8],
    ) -> Submission {
        let mut body = Vec::with_capacity(seal_bytes.len() + separator.len() + report.len());
        body.extend_from_slice(seal_bytes);
        body.extend_from_slice(separator);
        let report_at = body.len();
        body.extend_from_slice(report);
        Submission {
            name,
            body,
            report_at,
            seal,
        }
    }

    fn unsealed(name: String, body: Vec<u8>) -> Submission {
        Submission {
            name,
            body,
            report_at: 0,
            seal: Seal::None,
        }
    }

    /// Whether the seal is a Sigstore bundle rather than an SSHSIG.
    pub(super) fn is_sigstore(&self) -> bool {
        self.seal == Seal::Sigstore
    }

    pub(super) fn signature(&self) -> Option<&[u8]> {
        // The bundle form ends in "\n&", the SSHSIG form in "&" after the armor's newline.
        let separator = match self.seal {
            Seal::None => return None,
            Seal::Ssh => 1,
            Seal::Sigstore => 2,
        };
        self.body.get(..self.report_at.checked_sub(separator)?)
    }

    pub(super) fn report(&self) -> &[u8] {
        &self.body[self.report_at..]
    }
}

#[cfg(test)]
mod tests {
    use super::Submission;

    #[test]
    fn each_seal_gives_back_the_report_and_its_signature() {
        let bare = Submission::detached("r".into(), b"report\n", None);
        assert_eq!((bare.report(), bare.signature()), (&b"report\n"[..], None));
        let ssh = Submission::detached("r".into(), b"report\n", Some(b"sig"));
        assert_eq!(ssh.report(), b"report\n");
        assert_eq!(ssh.signature(), Some(&b"sig\n"[..]));
        let bundle = Submission::sigstore("r".into(), b"report\n", b"{}");
        assert_eq!(
            (bundle.report(), bundle.signature()),
            (&b"report\n"[..], Some(&b"{}"[..]))
        );
        let not_a_body = Submission::upload_body("r".into(), b"report\n".to_vec());
        assert_eq!(not_a_body.signature(), None);
    }
}
