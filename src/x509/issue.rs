//! Building the CA certificate and end-entity certificates (RFC 5280 §4) with x509-cert's
//! `CertificateBuilder` and two profiles of our own (crates.md §3.3: the built-in profiles are
//! CA/Browser Forum and DevID ones).

use const_oid::db::rfc5280::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_BASIC_CONSTRAINTS, ID_CE_KEY_USAGE,
    ID_CE_SUBJECT_ALT_NAME, ID_CE_SUBJECT_KEY_IDENTIFIER,
};
use der::asn1::{Ia5String, OctetString};
use der::{EncodePem as _, pem::LineEnding};
use sha2::{Digest as _, Sha256};
use spki::SubjectPublicKeyInfoRef;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder as _, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::spki::SubjectPublicKeyInfo;
use x509_cert::time::Validity;
use zeroize::Zeroizing;

use super::inspect::ScopeExtension;
use super::text::{Attr, check_country, check_name, check_text, check_url, name};
use super::{
    Artifact, Error, Field, SCOPE_EXTENSION_OID, dalek_key, derive_serial, serial_from_id,
    to_x509_time, whole_seconds,
};
use crate::sig::SigningKey;
use crate::time::Instant;

/// The CA certificate's subject: `C=<country>, O=<organization>, CN=<forum name> Certificate
/// Authority`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaSubject<'a> {
    /// The forum's name, e.g. `Forum SCS-Standards`; the common name appends
    /// ` Certificate Authority`.
    pub forum_name: &'a str,
    /// The organization, e.g. `Open Source Business Alliance e.V.`.
    pub organization: &'a str,
    /// ISO 3166-1 alpha-2 country code, e.g. `DE`.
    pub country: &'a str,
}

/// What an end-entity certificate says (all texts any UTF-8 without control characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndEntity<'a> {
    /// The certificate id, e.g. `SCS-IAAS-2026-0001` (gives the serial, [`serial_from_id`]).
    pub id: &'a str,
    /// The cloud's display name (subject common name, at most 64 characters).
    pub subject_name: &'a str,
    /// The holder (subject organization, at most 64 characters).
    pub holder: &'a str,
    /// The scope's uuid.
    pub scope_uuid: &'a str,
    /// The scope's name.
    pub scope_name: &'a str,
    /// The certified scope version, e.g. `v5.1`.
    pub version: &'a str,
    /// The certificate's public status page (`https://...`): subjectAltName URI and the scope
    /// extension.
    pub status_url: &'a str,
    /// The certificate's first day (notBefore; fractions of a second are dropped).
    pub not_before: Instant,
    /// The certificate's end (notAfter).
    pub not_after: Instant,
}

/// The forum CA certificate with the default organization `Open Source Business Alliance e.V.`
/// and country `DE`; see [`ca_certificate_with`].
///
/// # Errors
///
/// As [`ca_certificate_with`].
pub fn ca_certificate(
    key: &SigningKey,
    forum_name: &str,
    not_before: Instant,
    not_after: Instant,
) -> Result<String, Error> {
    let subject = CaSubject {
        forum_name,
        organization: "Open Source Business Alliance e.V.",
        country: "DE",
    };
    ca_certificate_with(key, &subject, not_before, not_after)
}

/// The forum CA certificate (PEM): self-signed with the forum's Ed25519 key, BasicConstraints
/// CA:TRUE pathLen 0 (critical), KeyUsage keyCertSign + cRLSign (critical), SKI (SHA-1 of the
/// key, RFC 5280 §4.2.1.2 method 1) and AKI = SKI. The serial is derived from the public key
/// and `not_before`, so the same inputs give the same bytes.
///
/// # Errors
///
/// [`Error::NotEd25519`]; [`Error::InvalidText`] for a bad name; [`Error::EmptyWindow`] or
/// [`Error::InstantOutOfRange`] for bad dates; [`Error::Encode`] / [`Error::Sign`] if building
/// fails; [`Error::SelfCheck`] (debug builds) if the result does not verify.
pub fn ca_certificate_with(
    key: &SigningKey,
    subject: &CaSubject<'_>,
    not_before: Instant,
    not_after: Instant,
) -> Result<String, Error> {
    let what = Artifact::CaCertificate;
    let signer = dalek_key(key)?;
    check_name(Field::ForumName, subject.forum_name)?;
    let common_name = format!("{} Certificate Authority", subject.forum_name);
    check_name(Field::ForumName, &common_name)?;
    check_name(Field::Organization, subject.organization)?;
    check_country(subject.country)?;
    let validity = validity(what, not_before, not_after)?;

    let enc = |source| Error::Encode { what, source };
    let name = name(&[
        Attr::Country(subject.country),
        Attr::Organization(subject.organization),
        Attr::CommonName(&common_name),
    ])
    .map_err(enc)?;
    let public = signer.verifying_key();
    let spki = SubjectPublicKeyInfo::from_key(&public).map_err(|_| Error::Sign { what })?;
    let serial = derive_serial(
        b"scs-cert ca serial\0",
        &[
            public.as_bytes(),
            &whole_seconds(not_before).timestamp().to_be_bytes(),
        ],
    );
    let profile = CaProfile { subject: name };
    let builder = CertificateBuilder::new(profile, serial.to_x509().map_err(enc)?, validity, spki)
        .map_err(|e| builder_error(what, e))?;
    let cert = builder
        .build::<_, ed25519_dalek::Signature>(&signer)
        .map_err(|e| builder_error(what, e))?;
    let pem = cert.to_pem(LineEnding::LF).map_err(enc)?;

    #[cfg(debug_assertions)]
    super::inspect::read_ca(&pem)
        .and_then(|ca| ca.check_key(&public))
        .map_err(|e| self_check(what, &e))?;
    Ok(pem)
}

/// An end-entity certificate (PEM) issued by the CA `ca_pem` with the forum key `ca_key`:
/// subject `O=<holder>, CN=<subject_name>` (UTF8String), serial [`serial_from_id`], validity =
/// the certificate's dates, BasicConstraints CA:FALSE (critical), KeyUsage digitalSignature
/// (critical), SKI, AKI = the CA's SKI, subjectAltName URI = the status page, and the scope
/// extension [`super::SCOPE_EXTENSION_OID`] (non-critical). The subject key is derived from the
/// forum key and the id (module documentation), so the same inputs give the same bytes.
///
/// # Errors
///
/// [`Error::NotEd25519`]; [`Error::KeyMismatch`] if `ca_key` is not the key of `ca_pem`;
/// [`Error::InvalidText`]; [`Error::EmptyWindow`], [`Error::InstantOutOfRange`] or
/// [`Error::OutsideCaValidity`] for bad dates; the errors of reading the CA certificate
/// ([`Error::Malformed`], [`Error::Profile`], [`Error::BadSignature`], ...); [`Error::Encode`] /
/// [`Error::Sign`] if building fails; [`Error::SelfCheck`] (debug builds).
pub fn end_entity_certificate(
    ca_key: &SigningKey,
    ca_pem: &str,
    ee: &EndEntity<'_>,
) -> Result<String, Error> {
    let what = Artifact::Certificate;
    let signer = dalek_key(ca_key)?;
    let ca = super::inspect::read_ca(ca_pem)?;
    ca.check_key(&signer.verifying_key())?;
    check_text(Field::CertificateId, ee.id, 256)?;
    check_name(Field::SubjectName, ee.subject_name)?;
    check_name(Field::Holder, ee.holder)?;
    check_text(Field::ScopeUuid, ee.scope_uuid, 256)?;
    check_text(Field::ScopeName, ee.scope_name, 256)?;
    check_text(Field::ScopeVersion, ee.version, 256)?;
    check_url(ee.status_url)?;
    let validity = validity(what, ee.not_before, ee.not_after)?;
    let (not_before, not_after) = (whole_seconds(ee.not_before), whole_seconds(ee.not_after));
    if not_before < ca.not_before || not_after > ca.not_after {
        return Err(Error::OutsideCaValidity {
            not_before,
            not_after,
            ca_not_before: ca.not_before,
            ca_not_after: ca.not_after,
        });
    }

    let enc = |source| Error::Encode { what, source };
    let subject = name(&[
        Attr::Organization(ee.holder),
        Attr::CommonName(ee.subject_name),
    ])
    .map_err(enc)?;
    let ee_key = derived_key(&signer, ee.id);
    let spki = SubjectPublicKeyInfo::from_key(&ee_key.verifying_key())
        .map_err(|_| Error::Sign { what })?;
    let url = Ia5String::new(ee.status_url).map_err(enc)?;
    let scope = ScopeExtension {
        scope_uuid: ee.scope_uuid.to_owned(),
        scope_version: ee.version.to_owned(),
        status_url: url.clone(),
        certificate_id: ee.id.to_owned(),
        scope_name: ee.scope_name.to_owned(),
    };
    let profile = EeProfile {
        issuer: ca.cert.tbs_certificate().subject().clone(),
        subject,
        ca_key_id: ca.key_id.clone(),
        status_url: url,
        scope,
    };
    let serial = serial_from_id(ee.id).to_x509().map_err(enc)?;
    let builder = CertificateBuilder::new(profile, serial, validity, spki)
        .map_err(|e| builder_error(what, e))?;
    let cert = builder
        .build::<_, ed25519_dalek::Signature>(&signer)
        .map_err(|e| builder_error(what, e))?;
    let pem = cert.to_pem(LineEnding::LF).map_err(enc)?;

    #[cfg(debug_assertions)]
    super::inspect::verify_certificate(ca_pem, &pem, not_before)
        .map_err(|e| self_check(what, &e))?;
    Ok(pem)
}

/// The end entity's key: seed = SHA-256("scs-cert ee key\0" ‖ CA seed ‖ id). Reproducible by
/// the forum, secret to everyone else.
fn derived_key(ca: &ed25519_dalek::SigningKey, id: &str) -> ed25519_dalek::SigningKey {
    let mut hash = Sha256::new();
    hash.update(b"scs-cert ee key\0");
    hash.update(ca.as_bytes());
    hash.update(id.as_bytes());
    let seed = Zeroizing::new(<[u8; 32]>::from(hash.finalize()));
    ed25519_dalek::SigningKey::from_bytes(&seed)
}

fn validity(what: Artifact, start: Instant, end: Instant) -> Result<Validity, Error> {
    if whole_seconds(end) <= whole_seconds(start) {
        return Err(Error::EmptyWindow {
            what,
            start: whole_seconds(start),
            end: whole_seconds(end),
        });
    }
    Ok(Validity::new(to_x509_time(start)?, to_x509_time(end)?))
}

fn builder_error(what: Artifact, e: x509_cert::builder::Error) -> Error {
    match e {
        x509_cert::builder::Error::Asn1(source) => Error::Encode { what, source },
        _ => Error::Sign { what },
    }
}

#[cfg(debug_assertions)]
pub(crate) fn self_check(what: Artifact, e: &Error) -> Error {
    Error::SelfCheck {
        what,
        reason: e.to_string(),
    }
}

fn ext<T: der::Encode>(
    oid: const_oid::ObjectIdentifier,
    critical: bool,
    value: &T,
) -> x509_cert::builder::Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

fn ski_of(spk: SubjectPublicKeyInfoRef<'_>) -> x509_cert::builder::Result<SubjectKeyIdentifier> {
    Ok(SubjectKeyIdentifier::try_from(spk)?)
}

/// The self-signed root.
struct CaProfile {
    subject: Name,
}

impl BuilderProfile for CaProfile {
    fn get_issuer(&self, subject: &Name) -> Name {
        subject.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let ski = ski_of(spk)?;
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(ski.0.clone()),
            ..Default::default()
        };
        let constraints = BasicConstraints {
            ca: true,
            // Only end-entity certificates below the forum CA (RFC 5280 §4.2.1.9).
            path_len_constraint: Some(0),
        };
        let usage = KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign);
        Ok(vec![
            ext(ID_CE_BASIC_CONSTRAINTS, true, &constraints)?,
            ext(ID_CE_KEY_USAGE, true, &usage)?,
            ext(ID_CE_SUBJECT_KEY_IDENTIFIER, false, &ski)?,
            ext(ID_CE_AUTHORITY_KEY_IDENTIFIER, false, &aki)?,
        ])
    }
}

/// An SCS certificate's end-entity certificate.
struct EeProfile {
    issuer: Name,
    subject: Name,
    ca_key_id: OctetString,
    status_url: Ia5String,
    scope: ScopeExtension,
}

impl BuilderProfile for EeProfile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let aki = AuthorityKeyIdentifier {
            // RFC 5280 §4.2.1.1: the issuer's subject key identifier, as the CA states it.
            key_identifier: Some(self.ca_key_id.clone()),
            ..Default::default()
        };
        let constraints = BasicConstraints {
            ca: false,
            path_len_constraint: None,
        };
        let usage = KeyUsage(KeyUsages::DigitalSignature.into());
        let san = SubjectAltName(vec![GeneralName::UniformResourceIdentifier(
            self.status_url.clone(),
        )]);
        Ok(vec![
            ext(ID_CE_BASIC_CONSTRAINTS, true, &constraints)?,
            ext(ID_CE_KEY_USAGE, true, &usage)?,
            ext(ID_CE_SUBJECT_KEY_IDENTIFIER, false, &ski_of(spk)?)?,
            ext(ID_CE_AUTHORITY_KEY_IDENTIFIER, false, &aki)?,
            // Non-critical: the subject name is not empty (RFC 5280 §4.2.1.6).
            ext(ID_CE_SUBJECT_ALT_NAME, false, &san)?,
            // Non-critical, or openssl rejects the certificate (crates.md §3.2).
            ext(SCOPE_EXTENSION_OID, false, &self.scope)?,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::{TextProblem, parse_certificate, verify_certificate};

    fn t(s: &str) -> Instant {
        s.parse().unwrap()
    }

    fn ca(key: &SigningKey) -> String {
        ca_certificate(
            key,
            "Forum",
            t("2026-01-01T00:00:00Z"),
            t("2036-01-01T00:00:00Z"),
        )
        .unwrap()
    }

    fn ee<'a>() -> EndEntity<'a> {
        EndEntity {
            id: "SCS-IAAS-2026-0001",
            subject_name: "Cloud",
            holder: "Holder",
            scope_uuid: "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f",
            scope_name: "SCS-compatible IaaS",
            version: "v5",
            status_url: "https://example.org/SCS-IAAS-2026-0001",
            not_before: t("2026-03-01T10:00:00.999Z"),
            not_after: t("2027-03-01T10:00:00Z"),
        }
    }

    #[test]
    fn issues_and_verifies_with_fractions_dropped() {
        let key = SigningKey::generate("forum").unwrap();
        let ca = ca(&key);
        let pem = end_entity_certificate(&key, &ca, &ee()).unwrap();
        let info = verify_certificate(&ca, &pem, t("2026-03-01T10:00:00Z")).unwrap();
        assert_eq!(info.not_before(), t("2026-03-01T10:00:00Z"));
        assert!(!info.is_ca());
        assert_eq!(info.subject(), "CN=Cloud,O=Holder");
        let ca_info = parse_certificate(&ca).unwrap();
        assert!(ca_info.is_ca());
        assert_eq!(ca_info.common_name(), Some("Forum Certificate Authority"));
        assert_eq!(info.issuer(), ca_info.subject());
    }

    #[test]
    fn bad_inputs_are_refused() {
        let key = SigningKey::generate("forum").unwrap();
        let ca = ca(&key);
        let text = |field, problem| Err(Error::InvalidText { field, problem });

        let e = EndEntity {
            holder: "Müller\nGmbH",
            ..ee()
        };
        assert_eq!(
            end_entity_certificate(&key, &ca, &e),
            text(Field::Holder, TextProblem::ControlCharacter)
        );
        let e = EndEntity {
            subject_name: "",
            ..ee()
        };
        assert_eq!(
            end_entity_certificate(&key, &ca, &e),
            text(Field::SubjectName, TextProblem::Empty)
        );
        let e = EndEntity {
            status_url: "javascript:alert(1)",
            ..ee()
        };
        assert_eq!(
            end_entity_certificate(&key, &ca, &e),
            text(Field::StatusUrl, TextProblem::BadFormat)
        );
        let subject = CaSubject {
            forum_name: "Forum",
            organization: "Org",
            country: "Deutschland",
        };
        assert_eq!(
            ca_certificate_with(
                &key,
                &subject,
                t("2026-01-01T00:00:00Z"),
                t("2027-01-01T00:00:00Z")
            ),
            text(Field::Country, TextProblem::BadFormat)
        );
    }

    #[test]
    fn bad_windows_are_refused() {
        let key = SigningKey::generate("forum").unwrap();
        let day = t("2026-01-01T00:00:00Z");
        assert_eq!(
            ca_certificate(&key, "Forum", day, day),
            Err(Error::EmptyWindow {
                what: Artifact::CaCertificate,
                start: day,
                end: day
            })
        );
        let before_1970 = t("1969-01-01T00:00:00Z");
        assert_eq!(
            ca_certificate(&key, "Forum", before_1970, day),
            Err(Error::InstantOutOfRange {
                instant: before_1970
            })
        );
        let ca = ca(&key);
        let e = EndEntity {
            not_after: t("2036-01-01T00:00:01Z"),
            ..ee()
        };
        assert!(matches!(
            end_entity_certificate(&key, &ca, &e),
            Err(Error::OutsideCaValidity { .. })
        ));
    }

    #[test]
    fn the_ca_key_must_match() {
        let key = SigningKey::generate("forum").unwrap();
        let other = SigningKey::generate("other").unwrap();
        assert_eq!(
            end_entity_certificate(&other, &ca(&key), &ee()),
            Err(Error::KeyMismatch)
        );
    }

    #[test]
    fn the_end_entity_key_is_secret_and_reproducible() {
        let key = SigningKey::generate("forum").unwrap();
        let signer = dalek_key(&key).unwrap();
        let a = derived_key(&signer, "SCS-IAAS-2026-0001");
        assert_eq!(
            a.to_bytes(),
            derived_key(&signer, "SCS-IAAS-2026-0001").to_bytes()
        );
        assert_ne!(
            a.to_bytes(),
            derived_key(&signer, "SCS-IAAS-2026-0002").to_bytes()
        );
        let other = dalek_key(&SigningKey::generate("other").unwrap()).unwrap();
        assert_ne!(
            a.to_bytes(),
            derived_key(&other, "SCS-IAAS-2026-0001").to_bytes()
        );
    }
}
