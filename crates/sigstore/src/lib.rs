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

mod error;
mod keys;
mod model;
mod root;
mod tlog;
mod tsa;
mod x509;

use sha2::{Digest as _, Sha256};

pub use error::{CertRole, Document, Error, TlogCheck};
pub use root::TrustedRoot;

pub(crate) use root::{Authority, LogKey};

/// A point in time, UTC (the same type as the core's `scs_cert::time::Instant`).
pub type Instant = chrono::DateTime<chrono::Utc>;

/// Largest bundle accepted by [`Bundle::from_json`].
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;
/// Largest trusted root accepted by [`TrustedRoot::from_json`].
pub const MAX_TRUSTED_ROOT_BYTES: usize = 4 * 1024 * 1024;

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
pub enum SignerIdentity {
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
    signer: SignerIdentity,
    times: Vec<(TimeSource, Instant)>,
}

impl Verified {
    /// Who signed.
    pub fn signer(&self) -> &SignerIdentity {
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
