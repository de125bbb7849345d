//! Why a bundle or a trusted root is refused: every failure has its own variant (fail closed).

use super::Instant;

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
    /// A managed-key bundle needs the key ([`crate::Policy::Key`]).
    #[error("a managed-key bundle needs the public key to verify")]
    KeyRequired,
}
