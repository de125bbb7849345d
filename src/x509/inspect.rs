//! Reading and checking certificates: what `scs-cert verify` needs, and the debug self-check.
//!
//! Signatures are checked on the exact TBS bytes as received (taken from the outer SEQUENCE),
//! never on a re-encoding.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_BASIC_CONSTRAINTS, ID_CE_KEY_USAGE,
    ID_CE_SUBJECT_ALT_NAME, ID_CE_SUBJECT_KEY_IDENTIFIER,
};
use der::asn1::{AnyRef, BitStringRef, Ia5String, OctetString};
use der::{Decode as _, Encode as _};
use spki::AlgorithmIdentifierRef;
use x509_cert::Certificate;
use x509_cert::certificate::Version;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, SubjectKeyIdentifier};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use super::{Artifact, ED25519, Error, SCOPE_EXTENSION_OID, Serial, from_x509_time};
use crate::time::Instant;

/// The scope extension's value ([`super::SCOPE_EXTENSION_OID`]).
#[derive(Clone, Debug, PartialEq, Eq, der::Sequence)]
pub(crate) struct ScopeExtension {
    pub(crate) scope_uuid: String,
    pub(crate) scope_version: String,
    pub(crate) status_url: Ia5String,
    pub(crate) certificate_id: String,
    pub(crate) scope_name: String,
}

/// A signed structure (certificate or CRL) split into its exact TBS bytes, algorithm and
/// signature (RFC 5280 §4.1 and §5.1 share this shape).
#[derive(der::Sequence)]
struct Signed<'a> {
    tbs: AnyRef<'a>,
    algorithm: AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
}

/// The scope, version and status page an end-entity certificate carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeInfo {
    certificate_id: String,
    scope_uuid: String,
    scope_name: String,
    scope_version: String,
    status_url: String,
}

impl ScopeInfo {
    /// The certificate id (`SCS-IAAS-2026-0001`).
    pub fn certificate_id(&self) -> &str {
        &self.certificate_id
    }
    /// The scope's uuid.
    pub fn scope_uuid(&self) -> &str {
        &self.scope_uuid
    }
    /// The scope's name.
    pub fn scope_name(&self) -> &str {
        &self.scope_name
    }
    /// The certified scope version.
    pub fn scope_version(&self) -> &str {
        &self.scope_version
    }
    /// The status page URL.
    pub fn status_url(&self) -> &str {
        &self.status_url
    }
}

/// What a certificate says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInfo {
    serial: Serial,
    subject: String,
    issuer: String,
    common_name: Option<String>,
    organization: Option<String>,
    not_before: Instant,
    not_after: Instant,
    is_ca: bool,
    scope: Option<ScopeInfo>,
}

impl CertInfo {
    /// The serial number.
    pub fn serial(&self) -> &Serial {
        &self.serial
    }
    /// The subject, RFC 4514 (`CN=...,O=...`).
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// The issuer, RFC 4514.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The subject's common name (the cloud; for the CA, `<forum> Certificate Authority`).
    pub fn common_name(&self) -> Option<&str> {
        self.common_name.as_deref()
    }
    /// The subject's organization (the holder).
    pub fn organization(&self) -> Option<&str> {
        self.organization.as_deref()
    }
    /// notBefore.
    pub fn not_before(&self) -> Instant {
        self.not_before
    }
    /// notAfter.
    pub fn not_after(&self) -> Instant {
        self.not_after
    }
    /// Whether BasicConstraints says CA:TRUE.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }
    /// The scope extension, if the certificate has one (end-entity certificates do).
    pub fn scope(&self) -> Option<&ScopeInfo> {
        self.scope.as_ref()
    }
}

/// A parsed certificate with the exact bytes its signature covers.
pub(crate) struct Parsed {
    pub(crate) cert: Certificate,
    tbs: Vec<u8>,
    signature: Vec<u8>,
    pub(crate) not_before: Instant,
    pub(crate) not_after: Instant,
}

/// PEM → DER with the expected label.
pub(crate) fn pem_der(what: Artifact, pem: &str, label: &str) -> Result<Vec<u8>, Error> {
    let (found, der) =
        der::pem::decode_vec(pem.trim().as_bytes()).map_err(|e| Error::Malformed {
            what,
            source: der::Error::from(e),
        })?;
    if found != label {
        return Err(Error::Malformed {
            what,
            source: der::Error::from(der::ErrorKind::Failed),
        });
    }
    Ok(der)
}

/// The exact TBS bytes and the Ed25519 signature of a signed structure; its algorithm must be
/// Ed25519 without parameters (RFC 8410 §3).
pub(crate) fn split_signed(what: Artifact, der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let signed = Signed::from_der(der).map_err(|source| Error::Malformed { what, source })?;
    if signed.algorithm.oid != ED25519 || signed.algorithm.parameters.is_some() {
        return Err(Error::Profile {
            what,
            reason: "not signed with ed25519",
        });
    }
    let tbs = signed
        .tbs
        .to_der()
        .map_err(|source| Error::Malformed { what, source })?;
    let signature = signed
        .signature
        .as_bytes()
        .ok_or(Error::BadSignature { what })?
        .to_vec();
    Ok((tbs, signature))
}

/// Verifies an Ed25519 signature (strict: RFC 8032 §5.1.7 with canonical encodings).
pub(crate) fn check_signature(
    what: Artifact,
    key: &ed25519_dalek::VerifyingKey,
    tbs: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let sig = ed25519_dalek::Signature::from_slice(signature)
        .map_err(|_| Error::BadSignature { what })?;
    key.verify_strict(tbs, &sig)
        .map_err(|_| Error::BadSignature { what })
}

fn parse(what: Artifact, pem: &str) -> Result<Parsed, Error> {
    let der = pem_der(what, pem, "CERTIFICATE")?;
    let cert = Certificate::from_der(&der).map_err(|source| Error::Malformed { what, source })?;
    let (tbs, signature) = split_signed(what, &der)?;
    let tbs_cert = cert.tbs_certificate();
    let profile = |reason| Err(Error::Profile { what, reason });
    if tbs_cert.version() != Version::V3 {
        return profile("not an x509 version 3 certificate");
    }
    if tbs_cert.signature().oid != ED25519 {
        return profile("inner and outer signature algorithms differ");
    }
    let validity = tbs_cert.validity();
    let (Some(not_before), Some(not_after)) = (
        from_x509_time(&validity.not_before),
        from_x509_time(&validity.not_after),
    ) else {
        return profile("validity out of range");
    };
    Ok(Parsed {
        cert,
        tbs,
        signature,
        not_before,
        not_after,
    })
}

/// The Ed25519 key of a certificate.
fn ed25519_key(
    what: Artifact,
    spki: &SubjectPublicKeyInfoOwned,
) -> Result<ed25519_dalek::VerifyingKey, Error> {
    let bad = Error::Profile {
        what,
        reason: "not an ed25519 key",
    };
    if spki.algorithm.oid != ED25519 || spki.algorithm.parameters.is_some() {
        return Err(bad);
    }
    let bytes: [u8; 32] = spki
        .subject_public_key
        .as_bytes()
        .and_then(|b| b.try_into().ok())
        .ok_or(bad.clone())?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| bad)
}

/// The extensions we process; any other critical one rejects the certificate (RFC 5280 §4.2).
fn check_critical(what: Artifact, extensions: &[Extension]) -> Result<(), Error> {
    const KNOWN: [ObjectIdentifier; 5] = [
        ID_CE_BASIC_CONSTRAINTS,
        ID_CE_KEY_USAGE,
        ID_CE_SUBJECT_KEY_IDENTIFIER,
        ID_CE_AUTHORITY_KEY_IDENTIFIER,
        ID_CE_SUBJECT_ALT_NAME,
    ];
    match extensions
        .iter()
        .find(|e| e.critical && !KNOWN.contains(&e.extn_id))
    {
        Some(e) => Err(Error::UnhandledCriticalExtension {
            what,
            oid: e.extn_id,
        }),
        None => Ok(()),
    }
}

fn extension<'a, T: der::Decode<'a, Error = der::Error>>(
    what: Artifact,
    extensions: &'a [Extension],
    oid: ObjectIdentifier,
) -> Result<Option<T>, Error> {
    extensions
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| {
            T::from_der(e.extn_value.as_bytes()).map_err(|source| Error::Malformed { what, source })
        })
        .transpose()
}

/// The forum CA, read and checked: version 3, Ed25519, self-signed (signature verified),
/// CA:TRUE, keyCertSign and cRLSign.
pub(crate) struct Ca {
    pub(crate) cert: Certificate,
    pub(crate) key: ed25519_dalek::VerifyingKey,
    /// Its subject key identifier (the SKI extension, else computed, RFC 5280 §4.2.1.2).
    pub(crate) key_id: OctetString,
    pub(crate) not_before: Instant,
    pub(crate) not_after: Instant,
}

impl Ca {
    pub(crate) fn check_key(&self, key: &ed25519_dalek::VerifyingKey) -> Result<(), Error> {
        if self.key == *key {
            Ok(())
        } else {
            Err(Error::KeyMismatch)
        }
    }

    fn check_valid_at(&self, at: Instant) -> Result<(), Error> {
        valid_at(Artifact::CaCertificate, self.not_before, self.not_after, at)
    }
}

pub(crate) fn read_ca(pem: &str) -> Result<Ca, Error> {
    let what = Artifact::CaCertificate;
    let parsed = parse(what, pem)?;
    let tbs = parsed.cert.tbs_certificate();
    let key = ed25519_key(what, tbs.subject_public_key_info())?;
    if tbs.issuer() != tbs.subject() {
        return Err(Error::Profile {
            what,
            reason: "not self-signed",
        });
    }
    check_signature(what, &key, &parsed.tbs, &parsed.signature)?;
    let extensions = tbs.extensions().map(Vec::as_slice).unwrap_or_default();
    check_critical(what, extensions)?;
    let constraints: Option<BasicConstraints> =
        extension(what, extensions, ID_CE_BASIC_CONSTRAINTS)?;
    if !constraints.is_some_and(|c| c.ca) {
        return Err(Error::Profile {
            what,
            reason: "basic constraints do not say CA:TRUE",
        });
    }
    let usage: Option<KeyUsage> = extension(what, extensions, ID_CE_KEY_USAGE)?;
    if !usage.is_some_and(|u| u.key_cert_sign() && u.crl_sign()) {
        return Err(Error::Profile {
            what,
            reason: "key usage lacks keyCertSign or cRLSign",
        });
    }
    let ski: Option<SubjectKeyIdentifier> =
        extension(what, extensions, ID_CE_SUBJECT_KEY_IDENTIFIER)?;
    let key_id = match ski {
        Some(ski) => ski.0,
        None => {
            SubjectKeyIdentifier::try_from(der::referenced::OwnedToRef::owned_to_ref(
                tbs.subject_public_key_info(),
            ))
            .map_err(|source| Error::Malformed { what, source })?
            .0
        }
    };
    Ok(Ca {
        key,
        key_id,
        not_before: parsed.not_before,
        not_after: parsed.not_after,
        cert: parsed.cert,
    })
}

fn valid_at(
    what: Artifact,
    not_before: Instant,
    not_after: Instant,
    at: Instant,
) -> Result<(), Error> {
    if at < not_before {
        Err(Error::NotYetValid {
            what,
            not_before,
            at,
        })
    } else if at > not_after {
        Err(Error::Expired {
            what,
            not_after,
            at,
        })
    } else {
        Ok(())
    }
}

fn info(what: Artifact, parsed: &Parsed) -> Result<CertInfo, Error> {
    let tbs = parsed.cert.tbs_certificate();
    let extensions = tbs.extensions().map(Vec::as_slice).unwrap_or_default();
    let malformed = |source| Error::Malformed { what, source };
    let scope: Option<ScopeExtension> = extension(what, extensions, SCOPE_EXTENSION_OID)?;
    let constraints: Option<BasicConstraints> =
        extension(what, extensions, ID_CE_BASIC_CONSTRAINTS)?;
    Ok(CertInfo {
        serial: Serial::from_be_bytes(tbs.serial_number().as_bytes()),
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        common_name: tbs
            .subject()
            .common_name()
            .map_err(malformed)?
            .map(String::from),
        organization: tbs
            .subject()
            .organization()
            .map_err(malformed)?
            .map(String::from),
        not_before: parsed.not_before,
        not_after: parsed.not_after,
        is_ca: constraints.is_some_and(|c| c.ca),
        scope: scope.map(|s| ScopeInfo {
            certificate_id: s.certificate_id,
            scope_uuid: s.scope_uuid,
            scope_name: s.scope_name,
            scope_version: s.scope_version,
            status_url: s.status_url.to_string(),
        }),
    })
}

/// Reads a certificate (PEM) without checking who signed it or when it is valid.
///
/// # Errors
///
/// [`Error::Malformed`] if it is not a PEM certificate or an extension we read does not parse;
/// [`Error::Profile`] if it is not version 3 or not Ed25519-signed.
pub fn parse_certificate(pem: &str) -> Result<CertInfo, Error> {
    let what = Artifact::Certificate;
    info(what, &parse(what, pem)?)
}

/// Checks an end-entity certificate against the forum CA at `at`, as `openssl verify
/// -CAfile ca.pem` does: the CA is a valid self-signed CA at `at`, the certificate names it as
/// issuer, its signature verifies under the CA key, it is within its validity at `at`
/// (inclusive), it is not itself a CA, and it has no critical extension we do not process.
///
/// Revocation is a separate question: [`super::crl_status`].
///
/// # Errors
///
/// The CA's and the certificate's [`Error::Malformed`] / [`Error::Profile`] /
/// [`Error::UnhandledCriticalExtension`]; [`Error::BadSignature`]; [`Error::IssuerMismatch`];
/// [`Error::NotYetValid`] / [`Error::Expired`] (of the CA or the certificate).
pub fn verify_certificate(ca_pem: &str, ee_pem: &str, at: Instant) -> Result<CertInfo, Error> {
    let what = Artifact::Certificate;
    let ca = read_ca(ca_pem)?;
    let ee = parse(what, ee_pem)?;
    let tbs = ee.cert.tbs_certificate();
    if tbs.issuer() != ca.cert.tbs_certificate().subject() {
        return Err(Error::IssuerMismatch { what });
    }
    check_signature(what, &ca.key, &ee.tbs, &ee.signature)?;
    let extensions = tbs.extensions().map(Vec::as_slice).unwrap_or_default();
    check_critical(what, extensions)?;
    let info = info(what, &ee)?;
    if info.is_ca {
        return Err(Error::Profile {
            what,
            reason: "an end-entity certificate must not be a ca",
        });
    }
    ca.check_valid_at(at)?;
    valid_at(what, ee.not_before, ee.not_after, at)?;
    Ok(info)
}
