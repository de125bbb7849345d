//! A signed report file checked end to end: the signature over the exact bytes, the key's
//! standing in the trust in force, and every document's subject bound to the signer.
//!
//! The order is fixed and matters: the signature is checked on the bytes as read, before any
//! YAML is parsed (nothing is re-serialised), and only bytes whose signature verified are
//! parsed to learn which subjects they speak about.

use std::fmt;

#[cfg(feature = "sigstore")]
pub mod sigstore;

use crate::report::{self, Report};
use crate::sig::{self, Fingerprint, Namespace, Signature};
use crate::subject::Subject;
use crate::time::Instant;
use crate::trust::{AuthorizedSigner, Refusal, Trust};

/// Why a report file is not valid. Each is a definite negative answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The signature does not match the bytes (tampered file or forged signature).
    BadSignature,
    /// Some document's subject may not be signed for by this key.
    DocumentRefused,
    /// The signing key is bound to no subject in the trust in force.
    KeyUnknown {
        /// The signing key.
        fingerprint: Fingerprint,
    },
    /// The Sigstore bundle is not a bundle this verifier reads.
    #[cfg(feature = "sigstore")]
    MalformedBundle(crate::sigstore::Error),
    /// The report could not be read as a report (after its signature verified).
    MalformedReport(report::Error),
    /// The signature file is not an SSH signature.
    MalformedSignature(sig::Error),
    /// The Sigstore bundle did not verify (chain, log, time or signature).
    #[cfg(feature = "sigstore")]
    Sigstore(crate::sigstore::Error),
    /// The Sigstore signer is bound to no subject.
    SignerUnknown {
        /// The signer (`issuer identity`, or a managed key).
        signer: String,
    },
    /// There is no signature for the report.
    Unsigned,
    /// The signature was made for another purpose than a report.
    WrongNamespace {
        /// The namespace required.
        expected: String,
        /// The namespace in the signature.
        found: String,
    },
}

impl Problem {
    /// A stable kebab-case code for machines.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::BadSignature => "bad-signature",
            Problem::DocumentRefused => "not-allowed-for-subject",
            Problem::KeyUnknown { .. } => "key-unknown",
            #[cfg(feature = "sigstore")]
            Problem::MalformedBundle(_) => "malformed-signature",
            Problem::MalformedReport(_) => "malformed-report",
            Problem::MalformedSignature(_) => "malformed-signature",
            #[cfg(feature = "sigstore")]
            Problem::Sigstore(
                crate::sigstore::Error::DigestMismatch | crate::sigstore::Error::SignatureInvalid,
            ) => "bad-signature",
            #[cfg(feature = "sigstore")]
            Problem::Sigstore(_) => "sigstore-rejected",
            Problem::SignerUnknown { .. } => "key-unknown",
            Problem::Unsigned => "unsigned",
            Problem::WrongNamespace { .. } => "wrong-namespace",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BadSignature => {
                f.write_str("bad signature: the file does not match its signature")
            }
            Problem::DocumentRefused => {
                f.write_str("key not allowed for the subject of at least one document")
            }
            Problem::KeyUnknown { fingerprint } => {
                write!(f, "key unknown: {fingerprint} is not bound to any subject")
            }
            #[cfg(feature = "sigstore")]
            Problem::MalformedBundle(e) => {
                write!(f, "malformed sigstore bundle: {}", with_causes(e))
            }
            Problem::MalformedReport(e) => write!(f, "malformed report: {}", with_causes(e)),
            Problem::MalformedSignature(e) => write!(f, "malformed signature: {}", with_causes(e)),
            #[cfg(feature = "sigstore")]
            Problem::Sigstore(e) => write!(f, "sigstore bundle rejected: {}", with_causes(e)),
            Problem::SignerUnknown { signer } => {
                write!(f, "signer unknown: {signer} is not bound to any subject")
            }
            Problem::Unsigned => {
                f.write_str("no signature (neither FILE.sig nor FILE.sigstore.json)")
            }
            Problem::WrongNamespace { expected, found } => {
                write!(
                    f,
                    "wrong namespace: signed as {found:?}, a report needs {expected:?}"
                )
            }
        }
    }
}

/// An error and its causes on one line: `outer: inner: innermost`.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// One document of a verified file.
#[derive(Debug)]
pub struct DocumentCheck {
    /// The document, parsed after its signature verified.
    pub report: Report,
    /// Who may sign for its subject, or why the signer may not.
    pub decision: Result<AuthorizedSigner, Refusal>,
}

/// The outcome for one report file.
#[derive(Debug)]
pub struct FileCheck {
    /// The SSH key that made the signature, when the signature could be read.
    pub fingerprint: Option<Fingerprint>,
    /// The Sigstore signer (`issuer identity` or managed key), for a verified bundle.
    pub signer: Option<String>,
    /// The documents, when the signature verified and the report could be read.
    pub documents: Vec<DocumentCheck>,
    /// `Ok` when the file is valid as a whole.
    pub result: Result<(), Problem>,
}

impl FileCheck {
    /// Whether the file is valid: every document signed by a key bound to its subject.
    pub fn is_valid(&self) -> bool {
        self.result.is_ok()
    }

    fn refused(fingerprint: Option<Fingerprint>, problem: Problem) -> FileCheck {
        FileCheck {
            fingerprint,
            signer: None,
            documents: Vec::new(),
            result: Err(problem),
        }
    }

    /// A file whose signature verified, each document judged by `authorize` for its subject:
    /// the file stands only if every document does.
    fn judged(
        fingerprint: Option<Fingerprint>,
        signer: Option<String>,
        reports: Vec<Report>,
        mut authorize: impl FnMut(&Subject) -> Result<AuthorizedSigner, Refusal>,
    ) -> FileCheck {
        let documents: Vec<DocumentCheck> = reports
            .into_iter()
            .map(|report| {
                let decision = authorize(report.subject());
                DocumentCheck { report, decision }
            })
            .collect();
        let result = if documents.iter().all(|d| d.decision.is_ok()) {
            Ok(())
        } else {
            Err(Problem::DocumentRefused)
        };
        FileCheck {
            fingerprint,
            signer,
            documents,
            result,
        }
    }
}

/// Checks one report file: `report` as the exact bytes that were signed, `signature` the
/// armored SSHSIG (`None` when there is none), against `trust` at instant `at`.
///
/// A file with one document its signer may not submit is rejected as a whole (DESIGN §4).
pub fn check_file(
    report_bytes: &[u8],
    signature: Option<&[u8]>,
    trust: &Trust,
    at: Instant,
) -> FileCheck {
    let Some(signature) = signature else {
        return FileCheck::refused(None, Problem::Unsigned);
    };
    let signature = match Signature::from_armored(signature) {
        Ok(s) => s,
        Err(e) => return FileCheck::refused(None, Problem::MalformedSignature(e)),
    };
    let fingerprint = signature.fingerprint();
    let namespace = Namespace::report();
    if let Err(e) = signature.verify(&namespace, report_bytes) {
        let problem = match e {
            sig::Error::NamespaceMismatch { expected, found } => Problem::WrongNamespace {
                expected: expected.to_string(),
                found,
            },
            sig::Error::BadSignature => Problem::BadSignature,
            other => Problem::MalformedSignature(other),
        };
        return FileCheck::refused(Some(fingerprint), problem);
    }
    let key = signature.public_key();
    if !trust.knows_key(&key) {
        return FileCheck::refused(Some(fingerprint), Problem::KeyUnknown { fingerprint });
    }
    let reports = match report::parse(report_bytes) {
        Ok(r) => r,
        Err(e) => return FileCheck::refused(Some(fingerprint), Problem::MalformedReport(e)),
    };
    FileCheck::judged(Some(fingerprint), None, reports, |subject| {
        trust.authorize(&key, subject, &namespace, at)
    })
}

/// The subjects a valid file speaks about, in document order without repeats.
pub fn subjects(check: &FileCheck) -> Vec<&Subject> {
    let mut out: Vec<&Subject> = Vec::new();
    for d in &check.documents {
        if !out.contains(&d.report.subject()) {
            out.push(d.report.subject());
        }
    }
    out
}
