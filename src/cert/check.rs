//! Verifying a certificate as anyone holding one would: the record's signature by a forum key
//! valid at issue time, the X.509 certificate's chain to the forum CA, its revocation status in
//! the CRL, its validity at the instant asked about.

use std::fmt;

use crate::cert::{CertificateRecord, RecordError};
use crate::sig::{self, Fingerprint, Namespace, Signature};
use crate::time::{Instant, format_instant};
use crate::trust::AllowedSigners;
use crate::trust::SignerRefusal;
use crate::x509::{self, RevocationState};

/// Everything needed to check a certificate, as bytes.
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    /// The record's exact bytes.
    pub record: &'a [u8],
    /// Its SSHSIG (armored).
    pub signature: &'a [u8],
    /// Its X.509 certificate (PEM), if at hand.
    pub pem: Option<&'a str>,
    /// The forum's signing keys (`keys/allowed_signers`).
    pub forum_keys: &'a AllowedSigners,
    /// The forum's CA certificate (PEM), if at hand.
    pub ca: Option<&'a str>,
    /// The CRL (PEM), if at hand.
    pub crl: Option<&'a str>,
}

/// Why a certificate is not valid and active: each a definite no.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Invalid {
    /// The record's signature does not verify, or was not made by a forum key valid at issue.
    Forged {
        /// What failed.
        detail: String,
    },
    /// The X.509 certificate does not chain to the forum CA or does not match the record.
    BadCertificate {
        /// What failed.
        detail: String,
    },
    /// Past its validity.
    Expired {
        /// Since when.
        since: Instant,
    },
    /// Not yet issued at the instant asked about.
    NotYetValid {
        /// From when.
        from: Instant,
    },
    /// On hold in the CRL.
    Suspended {
        /// Since when.
        since: Instant,
    },
    /// Listed in the CRL as superseded: its renewal is in force in its place.
    Superseded {
        /// Since when.
        since: Instant,
    },
    /// Revoked in the CRL.
    Withdrawn {
        /// Since when.
        since: Instant,
        /// The RFC 5280 reason.
        reason: String,
    },
}

impl Invalid {
    /// A stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Forged { .. } => "forged",
            Invalid::BadCertificate { .. } => "bad-certificate",
            Invalid::Expired { .. } => "expired",
            Invalid::NotYetValid { .. } => "not-yet-valid",
            Invalid::Suspended { .. } => "suspended",
            Invalid::Superseded { .. } => "superseded",
            Invalid::Withdrawn { .. } => "withdrawn",
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::Forged { detail } => write!(f, "forged: {detail}"),
            Invalid::BadCertificate { detail } => {
                write!(f, "the X.509 certificate does not hold: {detail}")
            }
            Invalid::Expired { since } => write!(f, "expired since {}", format_instant(*since)),
            Invalid::NotYetValid { from } => {
                write!(f, "not valid before {}", format_instant(*from))
            }
            Invalid::Suspended { since } => write!(
                f,
                "suspended since {} (CRL: certificateHold)",
                format_instant(*since)
            ),
            Invalid::Superseded { since } => write!(
                f,
                "superseded since {} (CRL: superseded; its renewal is in force instead)",
                format_instant(*since)
            ),
            Invalid::Withdrawn { since, reason } => {
                write!(f, "withdrawn since {} ({reason})", format_instant(*since))
            }
        }
    }
}

/// What was established about a valid, active certificate.
#[derive(Clone, Debug)]
pub struct Valid {
    /// The record.
    pub record: CertificateRecord,
    /// The forum key that signed it.
    pub signer: Fingerprint,
    /// Whether the X.509 certificate was checked.
    pub x509_checked: bool,
    /// The CRL number checked against, if a CRL was at hand.
    pub crl_number: Option<u64>,
}

/// What kept a check from answering.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The record is not a certificate record.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The CA certificate or CRL could not be read.
    #[error("{0}")]
    X509(x509::Error),
    /// The CRL does not speak for the instant asked about (past its nextUpdate, or made after
    /// it), so revocation cannot be decided; `openssl verify -crl_check` refuses it too.
    #[error(
        "the CRL cannot decide revocation at {}: {why} (get a current crl.pem, or ask with the registry)",
        format_instant(*at)
    )]
    CrlNotCurrent {
        /// The instant asked about.
        at: Instant,
        /// What is wrong with its dates.
        why: String,
    },
    /// A CRL was given but no CA certificate to check its signature with.
    #[error("the CRL cannot be checked without the forum's CA certificate (--ca forum-ca.pem)")]
    CrlWithoutCa,
}

/// Checks a certificate at `at`.
///
/// Returns `Ok(Ok(valid))` when valid and active, `Ok(Err(why))` for a definite no, and
/// `Err` when it could not be checked.
///
/// # Errors
///
/// An unreadable record; an unreadable CA or CRL.
pub fn check(evidence: &Evidence<'_>, at: Instant) -> Result<Result<Valid, Invalid>, CheckError> {
    let forged = |detail: String| Ok(Err(Invalid::Forged { detail }));
    // The signature over the exact bytes first; only then is the record read.
    let signature = match Signature::from_armored(evidence.signature) {
        Ok(s) => s,
        Err(e) => return forged(format!("the signature is unreadable: {e}")),
    };
    match signature.verify(&Namespace::certificate(), evidence.record) {
        Ok(()) => {}
        Err(sig::Error::NamespaceMismatch { found, .. }) => {
            return forged(format!("signed for {found:?}, not as a certificate record"));
        }
        Err(e) => return forged(format!("the record does not match its signature ({e})")),
    }
    let text = String::from_utf8_lossy(evidence.record);
    let record = CertificateRecord::parse(&text, "record")?;
    let key = signature.public_key();
    let issued = record.issued_at();
    if let Err(refusal) =
        evidence
            .forum_keys
            .authorize_key(&key, Namespace::certificate().as_str(), issued)
    {
        let why = match refusal {
            SignerRefusal::UnknownKey => "the signing key is not a forum key".to_owned(),
            other => format!("the signing key was not a forum signer at issue: {other}"),
        };
        return forged(why);
    }
    let mut x509_checked = false;
    if let (Some(ca), Some(pem)) = (evidence.ca, evidence.pem) {
        let bad = |detail: String| Ok(Err(Invalid::BadCertificate { detail }));
        // Chain and signature at a moment inside the validity; the dates are judged below.
        let info = match x509::verify_certificate(ca, pem, issued) {
            Ok(i) => i,
            Err(e) => return bad(e.to_string()),
        };
        let matches = info.scope().is_some_and(|s| {
            s.certificate_id() == record.id.as_str()
                && s.scope_uuid() == record.scope.uuid
                && s.scope_version() == record.version
        }) && info.not_before().timestamp() == issued.timestamp()
            && info.not_after().timestamp() == record.valid_until_at().timestamp();
        if !matches {
            return bad(
                "it names another certificate, scope, version or validity than the record".into(),
            );
        }
        if *info.serial() != x509::serial_from_id(record.id.as_str()) {
            return bad("its serial is not the one derived from the id".into());
        }
        x509_checked = true;
    }
    // The CRL lists serials derived from the id, so it is judged with or without the PEM.
    let mut crl_number = None;
    if let Some(crl) = evidence.crl {
        let ca = evidence.ca.ok_or(CheckError::CrlWithoutCa)?;
        let parsed = x509::parse_crl(ca, crl).map_err(CheckError::X509)?;
        current(&parsed, at)?;
        crl_number = Some(parsed.number());
        match parsed
            .entries()
            .get(&x509::serial_from_id(record.id.as_str()))
        {
            Some(RevocationState::Suspended { since }) if *since <= at => {
                return Ok(Err(Invalid::Suspended { since: *since }));
            }
            Some(RevocationState::Withdrawn {
                reason: x509::CrlReason::Superseded,
                since,
            }) if *since <= at => {
                return Ok(Err(Invalid::Superseded { since: *since }));
            }
            Some(RevocationState::Withdrawn { reason, since }) if *since <= at => {
                return Ok(Err(Invalid::Withdrawn {
                    since: *since,
                    reason: format!("{reason:?}"),
                }));
            }
            _ => {}
        }
    }
    if at < issued {
        return Ok(Err(Invalid::NotYetValid { from: issued }));
    }
    if at >= record.valid_until_at() {
        return Ok(Err(Invalid::Expired {
            since: record.valid_until_at(),
        }));
    }
    Ok(Ok(Valid {
        record,
        signer: Fingerprint::of(&key),
        x509_checked,
        crl_number,
    }))
}

/// Whether a CRL speaks for `at`: thisUpdate not after it, nextUpdate not before it (the
/// window `openssl verify -crl_check` accepts).
fn current(crl: &x509::CrlInfo, at: Instant) -> Result<(), CheckError> {
    let not_current = |why: String| Err(CheckError::CrlNotCurrent { at, why });
    if crl.this_update() > at {
        return not_current(format!(
            "it was made later (thisUpdate {})",
            format_instant(crl.this_update())
        ));
    }
    match crl.next_update() {
        Some(next) if next < at => not_current(format!(
            "it is stale (nextUpdate {} has passed)",
            format_instant(next)
        )),
        Some(_) => Ok(()),
        // RFC 5280 §5.1.2.5 makes nextUpdate mandatory; without one nobody can tell when it
        // stopped speaking.
        None => not_current("it has no nextUpdate".to_owned()),
    }
}

/// One check a verifier runs on a certificate, and how it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Stable, kebab-case: [`RECORD_SIGNATURE`], [`X509_CERTIFICATE`], [`REVOCATION`],
    /// [`VALIDITY`], or one a caller adds (the registry's history and status, pinned keys).
    pub name: &'static str,
    /// How it went.
    pub result: StepResult,
}

/// How a [`Step`] went.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StepResult {
    /// It failed, and why.
    Failed(String),
    /// It passed.
    Passed,
    /// It was not run, and why (its evidence is not at hand, or an earlier check failed).
    Skipped(String),
}

impl Step {
    /// A step that passed.
    pub fn passed(name: &'static str) -> Step {
        Step {
            name,
            result: StepResult::Passed,
        }
    }

    /// A step that failed.
    pub fn failed(name: &'static str, why: impl ToString) -> Step {
        Step {
            name,
            result: StepResult::Failed(why.to_string()),
        }
    }

    /// A step not run.
    pub fn skipped(name: &'static str, why: impl ToString) -> Step {
        Step {
            name,
            result: StepResult::Skipped(why.to_string()),
        }
    }
}

/// The record's signature by a forum key valid at issue.
pub const RECORD_SIGNATURE: &str = "record-signature";
/// The X.509 certificate's chain to the forum CA and its agreement with the record.
pub const X509_CERTIFICATE: &str = "x509-certificate";
/// Suspension and withdrawal, by the CRL.
pub const REVOCATION: &str = "revocation";
/// The instant inside the certificate's validity.
pub const VALIDITY: &str = "validity";

/// What was not reached after a failed check.
const NOT_REACHED: &str = "not reached: an earlier check failed";

/// The steps of [`check`] behind `answer`, in the order they run: those before a failure
/// passed (or were skipped for want of evidence), the failed one says why, the rest were not
/// reached.
pub fn steps(evidence: &Evidence<'_>, answer: &Result<Valid, Invalid>) -> Vec<Step> {
    let failed_at = match answer {
        Ok(_) => None,
        Err(Invalid::Forged { .. }) => Some(0),
        Err(Invalid::BadCertificate { .. }) => Some(1),
        Err(Invalid::Suspended { .. } | Invalid::Superseded { .. } | Invalid::Withdrawn { .. }) => {
            Some(2)
        }
        Err(Invalid::Expired { .. } | Invalid::NotYetValid { .. }) => Some(3),
    };
    let names = [RECORD_SIGNATURE, X509_CERTIFICATE, REVOCATION, VALIDITY];
    names
        .iter()
        .enumerate()
        .map(|(i, &name)| match (failed_at, answer) {
            (Some(f), Err(why)) if f == i => Step::failed(name, why),
            (Some(f), _) if f < i => Step::skipped(name, NOT_REACHED),
            _ => match i {
                1 if evidence.pem.is_none() => {
                    Step::skipped(name, "no X.509 certificate (<ID>.pem) beside the record")
                }
                1 if evidence.ca.is_none() => {
                    Step::skipped(name, "no forum CA certificate (forum-ca.pem)")
                }
                2 if evidence.crl.is_none() => Step::skipped(name, "no CRL (crl.pem)"),
                _ => Step::passed(name),
            },
        })
        .collect()
}
