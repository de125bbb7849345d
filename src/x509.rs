//! X.509 (RFC 5280): the forum's CA certificate, one end-entity certificate per issued SCS
//! certificate, and the certificate revocation list, all Ed25519 (RFC 8410) and all accepted by
//! `openssl verify -crl_check` (tests/interop_openssl.rs runs the real openssl on each).
//!
//! Pure: everything works on PEM text and instants passed in; nothing reads files or the clock.
//!
//! # Keys
//!
//! - The CA's signing key **is the forum's Ed25519 SSH key** (the same 32-byte seed), so the
//!   forum keeps one secret, not two.
//! - An SCS certificate attests a cloud, not a key. The end-entity certificate still needs a
//!   subject public key, so it gets one derived deterministically from the forum key's seed and
//!   the certificate id: seed = SHA-256(`"scs-cert ee key\0"` ‖ CA seed ‖ id). Issuing is therefore
//!   reproducible (same inputs, same bytes), while the derived private key stays as secret as the
//!   forum key itself (a key derived from the id alone could be computed by anyone, who could then
//!   sign things that chain to the forum CA).
//!
//! # Serial numbers
//!
//! [`serial_from_id`]: the first 16 bytes of SHA-256(`"scs-cert serial\0"` ‖ id), the top bit
//! cleared (a positive INTEGER of at most 16 octets, RFC 5280 §4.1.2.2), and 1 if that is zero.
//! The CA certificate's serial is derived the same way from its public key and `notBefore`.
//!
//! # Object identifiers
//!
//! [`SCOPE_EXTENSION_OID`] `1.3.6.1.4.1.64000.1.1` is a **placeholder** under Private Enterprise
//! Number 64000, which the forum has not registered: the forum should register its own PEN with
//! IANA and move the arc before certificates are issued for real (const-oid arcs are u32, so a
//! `2.25.<uuid>` OID is not an option). The extension is non-critical: a critical private
//! extension makes openssl reject the certificate (error 34, unhandled critical extension).
//!
//! # Debug self-check
//!
//! In debug builds every newly built certificate and CRL is parsed again and its signature
//! verified before it is returned (STYLE "dangerous defaults").

mod inspect;
mod issue;
mod revocation;
mod text;

use std::fmt;

use const_oid::ObjectIdentifier;
use der::asn1::{GeneralizedTime, UtcTime};
use sha2::{Digest as _, Sha256};
use x509_cert::time::Time;

use crate::time::Instant;

pub use inspect::{CertInfo, ScopeInfo, parse_certificate, verify_certificate};
pub use issue::{
    CaSubject, EndEntity, ca_certificate, ca_certificate_with, end_entity_certificate,
};
pub use revocation::{CrlInfo, CrlReason, RevocationState, crl, crl_status, parse_crl};

/// The private extension carrying scope and status page (DER `SEQUENCE { scopeUuid UTF8String,
/// scopeVersion UTF8String, statusUrl IA5String, certificateId UTF8String, scopeName
/// UTF8String }`). Placeholder arc: see the module documentation.
pub const SCOPE_EXTENSION_OID: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.64000.1.1");

/// id-Ed25519 (RFC 8410 §3): the signature and key algorithm of everything here.
pub(crate) const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Longest common and organization names (RFC 5280 Appendix A, ub-common-name and
/// ub-organization-name), in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Which of our artefacts an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Artifact {
    /// The forum CA certificate.
    CaCertificate,
    /// An end-entity certificate.
    Certificate,
    /// A certificate revocation list.
    Crl,
}

impl fmt::Display for Artifact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Artifact::CaCertificate => "ca certificate",
            Artifact::Certificate => "certificate",
            Artifact::Crl => "crl",
        })
    }
}

/// Which input text an [`Error::InvalidText`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The forum's name (CA subject common name).
    ForumName,
    /// The CA subject's organization.
    Organization,
    /// The CA subject's country code.
    Country,
    /// The certificate id.
    CertificateId,
    /// The cloud's display name (end-entity common name).
    SubjectName,
    /// The holder (end-entity organization).
    Holder,
    /// The scope's uuid.
    ScopeUuid,
    /// The scope's name.
    ScopeName,
    /// The scope version.
    ScopeVersion,
    /// The status page URL.
    StatusUrl,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::ForumName => "forum name",
            Field::Organization => "organization",
            Field::Country => "country",
            Field::CertificateId => "certificate id",
            Field::SubjectName => "subject name",
            Field::Holder => "holder",
            Field::ScopeUuid => "scope uuid",
            Field::ScopeName => "scope name",
            Field::ScopeVersion => "scope version",
            Field::StatusUrl => "status url",
        })
    }
}

/// What is wrong with an input text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TextProblem {
    /// Empty or only white space.
    Empty,
    /// Contains a control character (a newline, tab, NUL, ...).
    ControlCharacter,
    /// Longer than the limit, in characters.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// Not what the field needs (a URL that is not `https://` or `http://` ASCII without spaces;
    /// a country that is not two upper-case letters).
    BadFormat,
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextProblem::Empty => f.write_str("is empty"),
            TextProblem::ControlCharacter => f.write_str("contains a control character"),
            TextProblem::TooLong { max } => write!(f, "is longer than {max} characters"),
            TextProblem::BadFormat => f.write_str("has the wrong format"),
        }
    }
}

/// Errors of building, parsing and checking certificates and CRLs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The forum key is not an Ed25519 key.
    #[error("the forum key is {algorithm}, but the ca signs with ed25519 only")]
    NotEd25519 {
        /// The key's algorithm as OpenSSH names it.
        algorithm: String,
    },
    /// The signing key is not the key of the CA certificate given.
    #[error("the signing key is not the key of the ca certificate")]
    KeyMismatch,
    /// An input text cannot go into a certificate.
    #[error("the {field} {problem}")]
    InvalidText {
        /// Which input.
        field: Field,
        /// What is wrong with it.
        problem: TextProblem,
    },
    /// An instant X.509 cannot encode (before 1970 or after 9999).
    #[error("instant {instant} cannot be written in x509 (1970 to 9999 only)")]
    InstantOutOfRange {
        /// The instant.
        instant: Instant,
    },
    /// A validity window (or thisUpdate/nextUpdate pair) whose end is not after its start.
    #[error("the {what} window is empty: it ends at {end}, not after its start {start}")]
    EmptyWindow {
        /// Of what.
        what: Artifact,
        /// Its start.
        start: Instant,
        /// Its end.
        end: Instant,
    },
    /// An end-entity validity window that is not inside the CA certificate's.
    #[error(
        "the certificate window {not_before}..{not_after} is not inside the ca's {ca_not_before}..{ca_not_after}"
    )]
    OutsideCaValidity {
        /// The certificate's notBefore.
        not_before: Instant,
        /// The certificate's notAfter.
        not_after: Instant,
        /// The CA's notBefore.
        ca_not_before: Instant,
        /// The CA's notAfter.
        ca_not_after: Instant,
    },
    /// The same certificate id listed twice for one CRL.
    #[error("certificate {id} is listed twice for the crl")]
    DuplicateCrlEntry {
        /// The id.
        id: String,
    },
    /// DER encoding failed while building.
    #[error("cannot encode the {what}: {source}")]
    Encode {
        /// What was being built.
        what: Artifact,
        /// What der said.
        #[source]
        source: der::Error,
    },
    /// Signing failed while building.
    #[error("cannot sign the {what}")]
    Sign {
        /// What was being signed.
        what: Artifact,
    },
    /// Text that is not a PEM certificate or CRL, or whose DER does not parse.
    #[error("malformed {what}: {source}")]
    Malformed {
        /// What was expected.
        what: Artifact,
        /// What der said.
        #[source]
        source: der::Error,
    },
    /// Something well formed that this profile does not allow (not version 3 / v2, not Ed25519,
    /// not a CA, a key usage missing, a reason code we never write, ...).
    #[error("{what} does not fit the profile: {reason}")]
    Profile {
        /// Which artefact.
        what: Artifact,
        /// What is wrong, as a fixed phrase.
        reason: &'static str,
    },
    /// A critical extension we do not process (RFC 5280 §4.2: must be rejected).
    #[error("{what} has an unhandled critical extension {oid}")]
    UnhandledCriticalExtension {
        /// Which artefact.
        what: Artifact,
        /// The extension's OID.
        oid: ObjectIdentifier,
    },
    /// The issuer name is not the CA's subject.
    #[error("the {what} was not issued by this ca (issuer name differs)")]
    IssuerMismatch {
        /// Which artefact.
        what: Artifact,
    },
    /// The signature does not verify under the CA key: altered, or signed by another key.
    #[error("the {what} signature does not verify under the ca key")]
    BadSignature {
        /// Which artefact.
        what: Artifact,
    },
    /// Not valid yet at the instant asked about.
    #[error("the {what} is not valid before {not_before} (asked at {at})")]
    NotYetValid {
        /// Which artefact (a CRL: its thisUpdate lies after `at`).
        what: Artifact,
        /// notBefore (thisUpdate).
        not_before: Instant,
        /// The instant asked about.
        at: Instant,
    },
    /// Expired at the instant asked about.
    #[error("the {what} expired at {not_after} (asked at {at})")]
    Expired {
        /// Which artefact (a CRL: its nextUpdate lies before `at`).
        what: Artifact,
        /// notAfter (nextUpdate).
        not_after: Instant,
        /// The instant asked about.
        at: Instant,
    },
    /// A freshly built artefact did not pass its own re-parse and verification (debug builds).
    #[error("self-check of the new {what} failed: {reason}")]
    SelfCheck {
        /// Which artefact.
        what: Artifact,
        /// The check's error, displayed.
        reason: String,
    },
}

/// A certificate serial number: a positive integer, kept as its minimal big-endian bytes.
/// Ordered numerically.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Serial(Vec<u8>);

impl Ord for Serial {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Minimal encodings: the longer one is the larger number.
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Serial {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serial {
    /// From big-endian bytes (leading zero bytes dropped).
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Serial {
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        Serial(bytes[start..].to_vec())
    }

    /// The minimal big-endian bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Upper-case hex without separators, as `openssl x509 -serial` prints it.
    pub fn hex(&self) -> String {
        use fmt::Write as _;
        let mut out = String::with_capacity(self.0.len() * 2);
        for b in &self.0 {
            // Writing to a String cannot fail.
            let _ = write!(out, "{b:02X}");
        }
        if out.is_empty() {
            out.push('0');
        }
        out
    }

    pub(crate) fn to_x509(&self) -> Result<x509_cert::serial_number::SerialNumber, der::Error> {
        x509_cert::serial_number::SerialNumber::new(&self.0)
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// The serial number of the certificate with this id: the first 16 bytes of
/// SHA-256(`"scs-cert serial\0"` ‖ id), top bit cleared so the INTEGER is positive, and 1 if that
/// leaves zero (RFC 5280 §4.1.2.2: positive, at most 20 octets). Deterministic, so reissuing a
/// certificate (and revoking it in the CRL) needs only its id.
pub fn serial_from_id(id: &str) -> Serial {
    derive_serial(b"scs-cert serial\0", &[id.as_bytes()])
}

pub(crate) fn derive_serial(domain: &[u8], parts: &[&[u8]]) -> Serial {
    let mut hash = Sha256::new();
    hash.update(domain);
    for part in parts {
        hash.update(part);
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[0] &= 0x7f;
    if bytes.iter().all(|b| *b == 0) {
        bytes[15] = 1;
    }
    Serial::from_be_bytes(&bytes)
}

/// An instant as X.509 `Time`: whole seconds (fractions dropped), UTCTime through 2049 and
/// GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
pub(crate) fn to_x509_time(instant: Instant) -> Result<Time, Error> {
    let out = || Error::InstantOutOfRange { instant };
    let secs = u64::try_from(instant.timestamp()).map_err(|_| out())?;
    let dt = der::DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .map_err(|_| out())?;
    if dt.year() <= 2049 {
        UtcTime::from_date_time(dt)
            .map(Time::UtcTime)
            .map_err(|_| out())
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_date_time(dt)))
    }
}

/// An X.509 `Time` as an instant (whole seconds).
pub(crate) fn from_x509_time(time: &Time) -> Option<Instant> {
    let secs = i64::try_from(time.to_unix_duration().as_secs()).ok()?;
    Instant::from_timestamp(secs, 0)
}

/// An instant truncated to whole seconds, as it is written into a certificate.
pub fn whole_seconds(instant: Instant) -> Instant {
    Instant::from_timestamp(instant.timestamp(), 0).unwrap_or(instant)
}

/// The forum key as an ed25519-dalek key (same seed).
pub(crate) fn dalek_key(key: &crate::sig::SigningKey) -> Result<ed25519_dalek::SigningKey, Error> {
    let private = key.as_private_key();
    match private.key_data().ed25519() {
        Some(pair) => Ok(ed25519_dalek::SigningKey::from(&pair.private)),
        None => Err(Error::NotEd25519 {
            algorithm: private.algorithm().as_str().to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_is_deterministic_positive_and_short() {
        let a = serial_from_id("SCS-IAAS-2026-0001");
        assert_eq!(a, serial_from_id("SCS-IAAS-2026-0001"));
        assert_ne!(a, serial_from_id("SCS-IAAS-2026-0002"));
        assert!(a.as_bytes().len() <= 16);
        assert!(a.as_bytes()[0] < 0x80);
        assert!(a.as_bytes().iter().any(|b| *b != 0));
        assert_eq!(a.hex().len(), a.as_bytes().len() * 2);
    }

    #[test]
    fn serial_strips_leading_zeros() {
        assert_eq!(Serial::from_be_bytes(&[0, 0, 1, 2]).as_bytes(), &[1, 2]);
        assert_eq!(Serial::from_be_bytes(&[0, 0x0a]).hex(), "0A");
        assert!(Serial::from_be_bytes(&[2]) < Serial::from_be_bytes(&[1, 0]));
    }

    #[test]
    fn times_switch_to_generalized_in_2050() {
        let t = |s: &str| s.parse::<Instant>().unwrap();
        assert!(matches!(
            to_x509_time(t("2049-12-31T23:59:59Z")).unwrap(),
            Time::UtcTime(_)
        ));
        assert!(matches!(
            to_x509_time(t("2050-01-01T00:00:00Z")).unwrap(),
            Time::GeneralTime(_)
        ));
        let early = t("1969-12-31T23:59:59Z");
        assert_eq!(
            to_x509_time(early),
            Err(Error::InstantOutOfRange { instant: early })
        );
        let x = t("2026-08-21T15:04:05.75Z");
        assert_eq!(
            from_x509_time(&to_x509_time(x).unwrap()),
            Some(whole_seconds(x))
        );
    }
}
