//! Offline verification of Sigstore bundles (protobuf-specs `dev.sigstore.bundle.v1`, bundle
//! versions 0.1–0.3) against a trusted root (`dev.sigstore.trustroot.v1.TrustedRoot`).
//!
//! "Verified" means all of:
//!
//! 1. the artifact signature (message signature or DSSE envelope, PAE per the DSSE spec) checks
//!    with the signing certificate's key or the caller's managed key, and the signed digest or
//!    in-toto subject is the artifact's SHA-256;
//! 2. exactly one transparency-log entry, from a log of the trusted root, whose body records
//!    exactly that signature, key and digest; its inclusion is proven by the SET (Rekor v1)
//!    and/or by a Merkle inclusion proof with a checkpoint signed by the log, as the bundle
//!    version requires;
//! 3. at least one verified signing time: the integrated time of a Rekor v1 entry whose SET
//!    verified, or the time of an RFC 3161 timestamp from a trusted TSA (every timestamp
//!    present must verify);
//! 4. for certificates: a chain to a Fulcio CA of the trusted root that was valid at every
//!    verified time, the leaf valid at those times, code-signing usage, a valid embedded SCT
//!    from a trusted CT log; then the identity policy (SAN and OIDC issuer) if one is given.
//!
//! Everything not understood is refused (fail closed). No network access, no clock: times come
//! from the bundle's verified evidence only.

#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod keys;
mod model;
mod tlog;
mod tsa;
mod x509;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest as _, Sha256};

use keys::Key;
use x509::Cert;

/// A point in time, UTC (the same type as the core's `scs_cert::time::Instant`).
pub type Instant = chrono::DateTime<chrono::Utc>;

/// Largest bundle accepted by [`Bundle::from_json`].
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;
/// Largest trusted root accepted by [`TrustedRoot::from_json`].
pub const MAX_TRUSTED_ROOT_BYTES: usize = 4 * 1024 * 1024;

/// Which document an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Document {
    /// The Sigstore bundle.
    Bundle,
    /// The trusted root.
    TrustedRoot,
}

/// Which certificate an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertRole {
    /// The signing (Fulcio leaf) certificate.
    Leaf,
    /// A CA certificate of the trusted root.
    Authority,
    /// A timestamping authority certificate.
    Timestamp,
}

/// Which transparency-log check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlogCheck {
    /// The signed entry timestamp (inclusion promise).
    Set,
    /// The Merkle inclusion proof.
    InclusionProof,
    /// The signed checkpoint.
    Checkpoint,
}

/// Why a bundle or trusted root was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document exceeds its size limit.
    #[error("{what:?} is larger than {limit} bytes")]
    TooLarge {
        /// The document.
        what: Document,
        /// The limit in bytes.
        limit: usize,
    },
    /// The document is not JSON of the expected shape.
    #[error("{what:?} is not valid JSON of the expected shape at line {line}, column {column}")]
    Json {
        /// The document.
        what: Document,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The media type is not one this verifier knows.
    #[error("unsupported {what:?} media type {found:?}")]
    MediaType {
        /// The document.
        what: Document,
        /// The media type found.
        found: String,
    },
    /// A trusted-root entry is unusable (bad key, missing validity start, bad certificate).
    #[error("trusted root entry {part} #{index} is invalid")]
    TrustedRootEntry {
        /// `tlogs`, `ctlogs`, `certificateAuthorities` or `timestampAuthorities`.
        part: &'static str,
        /// 0-based index in that list.
        index: usize,
    },
    /// A field is not valid base64.
    #[error("field {field} is not valid base64")]
    Base64 {
        /// The field name.
        field: &'static str,
    },
    /// The verification material is missing or not allowed for the bundle version.
    #[error("the bundle's verification material is missing or not allowed for its version")]
    VerificationMaterial,
    /// The bundle has neither a message signature nor a DSSE envelope.
    #[error("the bundle has no message signature or DSSE envelope")]
    NoContent,
    /// A certificate could not be parsed.
    #[error("a {role:?} certificate is malformed")]
    MalformedCertificate {
        /// Which certificate.
        role: CertRole,
    },
    /// A certificate was not issued by the next one in its chain.
    #[error("a {role:?} certificate chain link does not verify")]
    ChainBroken {
        /// Which chain.
        role: CertRole,
    },
    /// The signing certificate chains to no CA of the trusted root valid at the signing time.
    #[error("the signing certificate chains to no trusted CA valid at the signing time")]
    NoTrustedChain,
    /// An end-entity certificate is not fit for its use (CA, key usage, critical extension).
    #[error("the {role:?} certificate is not fit for its use")]
    LeafUnfit {
        /// Which certificate.
        role: CertRole,
    },
    /// The signing certificate was not valid at a verified signing time.
    #[error("the signing certificate was not valid at the signing time {at}")]
    CertificateNotValidAt {
        /// The verified time.
        at: Instant,
    },
    /// No valid signed certificate timestamp from a trusted CT log.
    #[error("the signing certificate has no valid SCT from a trusted CT log")]
    SctInvalid,
    /// A key type or signature algorithm this verifier does not support.
    #[error("unsupported key type or signature algorithm")]
    UnsupportedKey,
    /// The certificate carries no readable identity (SAN) or OIDC issuer.
    #[error("the signing certificate carries no readable identity or issuer")]
    NoIdentity,
    /// The certificate's two OIDC issuer extensions (`1.3.6.1.4.1.57264.1.1` and `.1.8`)
    /// disagree.
    #[error("the signing certificate names two different OIDC issuers {v1:?} and {v2:?}")]
    IssuerConflict {
        /// The legacy raw-string issuer (`.1.1`).
        v1: String,
        /// The DER UTF8String issuer (`.1.8`).
        v2: String,
    },
    /// The certificate's identity does not match the policy.
    #[error(
        "signer identity {found_identities:?} from {found_issuer:?} does not match {identity:?} from {issuer:?}"
    )]
    IdentityMismatch {
        /// Expected OIDC issuer.
        issuer: String,
        /// Expected identity.
        identity: String,
        /// Issuer in the certificate.
        found_issuer: String,
        /// SAN identities in the certificate.
        found_identities: Vec<String>,
    },
    /// The policy and the bundle disagree on the kind of signer (certificate vs managed key).
    #[error("the bundle is signed with a {found}, the policy expects otherwise")]
    PolicyKind {
        /// `certificate` or `public key`.
        found: &'static str,
    },
    /// The policy's PEM public key cannot be read.
    #[error("the policy's public key is not a supported PEM public key")]
    PolicyKey,
    /// The bundle's digest or in-toto subject is not the artifact's.
    #[error("the bundle does not describe this artifact")]
    DigestMismatch,
    /// The artifact signature does not verify.
    #[error("the artifact signature does not verify")]
    SignatureInvalid,
    /// The DSSE envelope or its in-toto statement is malformed or unsupported.
    #[error("the DSSE envelope is malformed or unsupported")]
    DsseMalformed,
    /// Not exactly one transparency-log entry.
    #[error("expected exactly one transparency log entry, found {found}")]
    TlogEntryCount {
        /// How many entries the bundle has.
        found: usize,
    },
    /// A transparency-log entry field is malformed (e.g. a negative index).
    #[error("a transparency log entry is malformed")]
    TlogMalformed,
    /// The entry names a log that is not in the trusted root.
    #[error("the transparency log entry is from a log not in the trusted root")]
    UnknownLog,
    /// The entry kind/version is not supported.
    #[error("unsupported transparency log entry kind {kind} {version}")]
    UnsupportedEntryKind {
        /// Entry kind.
        kind: String,
        /// Entry version.
        version: String,
    },
    /// The entry body does not record this bundle's signature, key and digest.
    #[error("the transparency log entry does not match the bundle")]
    TlogBodyMismatch,
    /// A transparency-log proof is missing or does not verify.
    #[error("transparency log check {check:?} failed")]
    TlogCheckFailed {
        /// Which check.
        check: TlogCheck,
    },
    /// The log's key was not valid (trusted root `validFor`) at the signing time.
    #[error("the transparency log key was not valid at {at}")]
    LogKeyNotValidAt {
        /// The time.
        at: Instant,
    },
    /// An RFC 3161 timestamp does not verify.
    #[error("RFC 3161 timestamp #{index} does not verify")]
    TimestampInvalid {
        /// 0-based index in the bundle.
        index: usize,
    },
    /// No verified signing time (no verified SET integrated time, no verified timestamp).
    #[error("the bundle has no verified signing time")]
    NoVerifiedTime,
    /// A managed-key bundle needs the key ([`Policy::Key`]).
    #[error("a managed-key bundle needs the public key to verify")]
    KeyRequired,
}

/// Bundle format versions (media types `application/vnd.dev.sigstore.bundle+json;version=0.x`
/// and `application/vnd.dev.sigstore.bundle.v0.3+json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Version {
    V01,
    V02,
    V03,
}

/// A parsed Sigstore bundle (not yet verified).
#[derive(Debug, Clone)]
pub struct Bundle {
    version: Version,
    json: model::BundleJson,
}

fn json_error(what: Document, e: &serde_json::Error) -> Error {
    Error::Json {
        what,
        line: e.line(),
        column: e.column(),
    }
}

impl Bundle {
    /// Parses a bundle (at most [`MAX_BUNDLE_BYTES`]).
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`], [`Error::Json`] or [`Error::MediaType`].
    pub fn from_json(bytes: &[u8]) -> Result<Bundle, Error> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(Error::TooLarge {
                what: Document::Bundle,
                limit: MAX_BUNDLE_BYTES,
            });
        }
        let json: model::BundleJson =
            serde_json::from_slice(bytes).map_err(|e| json_error(Document::Bundle, &e))?;
        let version = match json.media_type.as_str() {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => Version::V01,
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => Version::V02,
            "application/vnd.dev.sigstore.bundle+json;version=0.3"
            | "application/vnd.dev.sigstore.bundle.v0.3+json" => Version::V03,
            other => {
                return Err(Error::MediaType {
                    what: Document::Bundle,
                    found: other.to_owned(),
                });
            }
        };
        Ok(Bundle { version, json })
    }
}

/// A transparency or CT log key from the trusted root.
#[derive(Debug, Clone)]
pub(crate) struct LogKey {
    key_id: Vec<u8>,
    key: Key,
    start: Instant,
    end: Option<Instant>,
}

impl LogKey {
    fn valid_at(&self, t: Instant) -> bool {
        self.start <= t && self.end.is_none_or(|e| t <= e)
    }
}

/// A CA (Fulcio or TSA) from the trusted root: its chain, leaf-most first.
#[derive(Debug, Clone)]
pub(crate) struct Authority {
    chain: Vec<Cert>,
    start: Option<Instant>,
    end: Option<Instant>,
}

impl Authority {
    fn valid_at(&self, t: Instant) -> bool {
        self.start.is_none_or(|s| s <= t) && self.end.is_none_or(|e| t <= e)
    }

    /// Checks the chain links, CA flags and validity of every certificate at every `times`.
    fn check_chain(&self, times: &[Instant], role: CertRole) -> Result<(), Error> {
        for (i, cert) in self.chain.iter().enumerate() {
            if let Some(parent) = self.chain.get(i + 1) {
                cert.check_issued_by(parent, role)?;
            }
            if times.iter().any(|t| !cert.valid_at(*t)) {
                return Err(Error::ChainBroken { role });
            }
        }
        Ok(())
    }
}

/// A parsed trusted root: Rekor logs, Fulcio CAs, CT logs, timestamp authorities.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    tlogs: Vec<LogKey>,
    ctlogs: Vec<LogKey>,
    cas: Vec<Authority>,
    tsas: Vec<Authority>,
}

/// An RFC 3339 instant in years 0001..=9999 (what the trusted root's validity periods carry).
fn parse_time(s: &str) -> Option<Instant> {
    use chrono::Datelike as _;
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
        .filter(|t| (1..=9999).contains(&t.year()))
}

fn range(r: Option<&model::TimeRange>) -> Option<(Option<Instant>, Option<Instant>)> {
    let Some(r) = r else {
        return Some((None, None));
    };
    let start = match &r.start {
        Some(s) => Some(parse_time(s)?),
        None => None,
    };
    let end = match &r.end {
        Some(s) => Some(parse_time(s)?),
        None => None,
    };
    Some((start, end))
}

fn log_keys(logs: &[model::TransparencyLog], part: &'static str) -> Result<Vec<LogKey>, Error> {
    let mut out = Vec::new();
    for (index, log) in logs.iter().enumerate() {
        let bad = Error::TrustedRootEntry { part, index };
        let (start, end) = range(log.public_key.valid_for.as_ref()).ok_or(bad.clone())?;
        let key_id = B64.decode(&log.log_id.key_id).map_err(|_| bad.clone())?;
        // A key without a validity start cannot be bounded in time (protobuf-specs: `valid_for`
        // start is required), and key types we cannot read (e.g. PKCS#1 RSA) cannot verify
        // anything: such entries are left out, which can only make verification stricter.
        let Some(start) = start else { continue };
        let Some(der) = log
            .public_key
            .raw_bytes
            .as_deref()
            .and_then(|r| B64.decode(r).ok())
        else {
            continue;
        };
        if let Ok(key) = Key::from_spki_der(&der) {
            out.push(LogKey {
                key_id,
                key,
                start,
                end,
            });
        }
    }
    Ok(out)
}

fn authorities(
    cas: &[model::CertificateAuthority],
    part: &'static str,
    role: CertRole,
) -> Result<Vec<Authority>, Error> {
    let mut out = Vec::new();
    for (index, ca) in cas.iter().enumerate() {
        let bad = Error::TrustedRootEntry { part, index };
        let (start, end) = range(ca.valid_for.as_ref()).ok_or(bad.clone())?;
        let mut chain = Vec::new();
        for c in &ca.cert_chain.certificates {
            let der = B64.decode(&c.raw_bytes).map_err(|_| bad.clone())?;
            chain.push(Cert::from_der(&der, role).map_err(|_| bad.clone())?);
        }
        if chain.is_empty() {
            return Err(bad);
        }
        out.push(Authority { chain, start, end });
    }
    Ok(out)
}

impl TrustedRoot {
    /// Parses a `trusted_root.json` (at most [`MAX_TRUSTED_ROOT_BYTES`]).
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`], [`Error::Json`], [`Error::MediaType`] or
    /// [`Error::TrustedRootEntry`] for an entry that cannot be used safely.
    pub fn from_json(bytes: &[u8]) -> Result<TrustedRoot, Error> {
        if bytes.len() > MAX_TRUSTED_ROOT_BYTES {
            return Err(Error::TooLarge {
                what: Document::TrustedRoot,
                limit: MAX_TRUSTED_ROOT_BYTES,
            });
        }
        let json: model::TrustedRootJson =
            serde_json::from_slice(bytes).map_err(|e| json_error(Document::TrustedRoot, &e))?;
        if !json
            .media_type
            .starts_with("application/vnd.dev.sigstore.trustedroot")
        {
            return Err(Error::MediaType {
                what: Document::TrustedRoot,
                found: json.media_type,
            });
        }
        Ok(TrustedRoot {
            tlogs: log_keys(&json.tlogs, "tlogs")?,
            ctlogs: log_keys(&json.ctlogs, "ctlogs")?,
            cas: authorities(
                &json.certificate_authorities,
                "certificateAuthorities",
                CertRole::Authority,
            )?,
            tsas: authorities(
                &json.timestamp_authorities,
                "timestampAuthorities",
                CertRole::Timestamp,
            )?,
        })
    }
}

/// What the signer must be.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Policy {
    /// A Fulcio certificate for this OIDC identity (SAN: URI or e-mail, exact) and issuer.
    Identity {
        /// OIDC issuer URL, exact.
        issuer: String,
        /// Certificate identity (SAN), exact.
        identity: String,
    },
    /// A managed key (PEM `PUBLIC KEY`).
    Key {
        /// The PEM text.
        pem: String,
    },
}

/// The artifact a bundle is checked against.
#[derive(Debug, Clone, Copy)]
pub enum Artifact<'a> {
    /// The artifact bytes.
    Bytes(&'a [u8]),
    /// Only the artifact's SHA-256 (`sha256:<hex>` on the command line).
    Sha256([u8; 32]),
}

/// Who signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signer {
    /// A Fulcio certificate.
    Certificate {
        /// The OIDC issuer recorded by Fulcio.
        issuer: String,
        /// The SAN identities (URIs, e-mail addresses).
        identities: Vec<String>,
    },
    /// A managed key.
    Key {
        /// `SHA256:<base64>` of the key's DER SubjectPublicKeyInfo.
        fingerprint: String,
    },
}

/// Where a verified signing time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeSource {
    /// Integrated time of a Rekor v1 entry with a verified SET.
    Tlog,
    /// An RFC 3161 timestamp from a trusted TSA.
    Rfc3161,
}

/// A successfully verified bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    signer: Signer,
    times: Vec<(TimeSource, Instant)>,
}

impl Verified {
    /// Who signed.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }
    /// The earliest verified signing time.
    pub fn signed_at(&self) -> Instant {
        // `verify` never builds a `Verified` without a time (NoVerifiedTime otherwise).
        self.times.iter().map(|(_, t)| *t).min().unwrap_or_default()
    }
    /// Every verified signing time with its source.
    pub fn times(&self) -> &[(TimeSource, Instant)] {
        &self.times
    }
}

/// Verifies `bundle` for `artifact` against `root` and `policy` (see the module docs).
///
/// # Errors
///
/// The first check that failed, as an [`Error`] variant.
pub fn verify(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    root: &TrustedRoot,
    policy: &Policy,
) -> Result<Verified, Error> {
    verify::run(bundle, artifact, root, Some(policy))
}

/// Verifies a certificate bundle without an identity policy: chain, SCT, log and signature are
/// checked; the caller must then match [`Verified::signer`] against the identities it binds.
///
/// # Errors
///
/// As [`verify`]; [`Error::KeyRequired`] for a managed-key bundle.
pub fn verify_any_identity(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    root: &TrustedRoot,
) -> Result<Verified, Error> {
    verify::run(bundle, artifact, root, None)
}

/// Parses `sha256:<64 hex>` as an artifact digest.
pub fn parse_sha256_digest(s: &str) -> Option<[u8; 32]> {
    let hex = s.strip_prefix("sha256:")?;
    // `from_str_radix` alone would also take a sign ("+a").
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn sha256(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

mod verify;
