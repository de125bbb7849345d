//! The certificate revocation list (RFC 5280 §5): withdrawn certificates are revoked with a
//! reason code, suspended ones are on hold (certificateHold), reinstated ones leave the list.
//!
//! The CRL is assembled and signed here rather than through x509-cert's `CrlBuilder`, which
//! copies the issuer certificate's *AKI* into the CRL (crates.md §3.3); RFC 5280 §5.2.1 wants the
//! key identifier of the key that signed the CRL, i.e. the CA's SKI, which is what we write.

use std::collections::BTreeMap;

use const_oid::db::rfc5280::{ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_CRL_NUMBER, ID_CE_CRL_REASONS};
use der::asn1::{BitString, OctetString};
use der::{Decode as _, Encode as _, EncodePem as _, pem::LineEnding};
use ed25519_dalek::Signer as _;
use spki::AlgorithmIdentifierOwned;
use x509_cert::certificate::Version;
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber};

use super::inspect::{check_signature, pem_der, read_ca, split_signed};
use super::{
    Artifact, ED25519, Error, Serial, dalek_key, from_x509_time, serial_from_id, to_x509_time,
    whole_seconds,
};
use crate::sig::SigningKey;
use crate::time::Instant;

/// Why a certificate was withdrawn (RFC 5280 §5.3.1 reason codes scs-cert uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CrlReason {
    /// unspecified (0); written as an entry without reasonCode, as RFC 5280 §5.3.1 asks.
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// affiliationChanged (3): the holder or the cloud changed.
    AffiliationChanged,
    /// superseded (4): replaced by another certificate.
    Superseded,
    /// cessationOfOperation (5): the cloud is shut down.
    CessationOfOperation,
    /// privilegeWithdrawn (9): the forum withdrew the certificate (e.g. non-compliance).
    PrivilegeWithdrawn,
}

impl CrlReason {
    /// The RFC 5280 reason code.
    pub fn code(self) -> u32 {
        self.to_x509() as u32
    }

    fn to_x509(self) -> x509_cert::ext::pkix::CrlReason {
        use x509_cert::ext::pkix::CrlReason as R;
        match self {
            CrlReason::Unspecified => R::Unspecified,
            CrlReason::KeyCompromise => R::KeyCompromise,
            CrlReason::AffiliationChanged => R::AffiliationChanged,
            CrlReason::Superseded => R::Superseded,
            CrlReason::CessationOfOperation => R::CessationOfOperation,
            CrlReason::PrivilegeWithdrawn => R::PrivilegeWithdrawn,
        }
    }
}

/// A certificate's entry on the CRL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevocationState {
    /// Withdrawn: revoked for good, with a reason.
    Withdrawn {
        /// The reason code.
        reason: CrlReason,
        /// The revocation date (whole seconds).
        since: Instant,
    },
    /// Suspended: reason certificateHold (6); it leaves the list when reinstated.
    Suspended {
        /// The revocation date (whole seconds).
        since: Instant,
    },
}

impl RevocationState {
    /// The revocation date.
    pub fn since(&self) -> Instant {
        match self {
            RevocationState::Withdrawn { since, .. } | RevocationState::Suspended { since } => {
                *since
            }
        }
    }
}

/// A CRL's content, its signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlInfo {
    number: u64,
    this_update: Instant,
    next_update: Option<Instant>,
    entries: BTreeMap<Serial, RevocationState>,
}

impl CrlInfo {
    /// The CRL number (RFC 5280 §5.2.3).
    pub fn number(&self) -> u64 {
        self.number
    }
    /// thisUpdate.
    pub fn this_update(&self) -> Instant {
        self.this_update
    }
    /// nextUpdate (always present in ours).
    pub fn next_update(&self) -> Option<Instant> {
        self.next_update
    }
    /// The listed certificates by serial.
    pub fn entries(&self) -> &BTreeMap<Serial, RevocationState> {
        &self.entries
    }
}

/// The CRL (PEM) of the forum CA: version 2, issuer = the CA's subject, AKI = the CA's SKI, CRL
/// number `number`, thisUpdate/nextUpdate, and one entry per listed certificate id (serial
/// [`serial_from_id`], revocation date `since`, reasonCode; certificateHold for suspended).
/// Entries are sorted by serial, so the output does not depend on the order of `revoked`. An
/// empty list gives a valid CRL without entries.
///
/// # Errors
///
/// [`Error::NotEd25519`]; [`Error::KeyMismatch`]; the errors of reading the CA certificate;
/// [`Error::EmptyWindow`] if `next_update` is not after `this_update`;
/// [`Error::InstantOutOfRange`]; [`Error::DuplicateCrlEntry`]; [`Error::Encode`];
/// [`Error::SelfCheck`] (debug builds).
pub fn crl(
    ca_key: &SigningKey,
    ca_pem: &str,
    number: u64,
    this_update: Instant,
    next_update: Instant,
    revoked: &[(&str, RevocationState)],
) -> Result<String, Error> {
    let what = Artifact::Crl;
    let signer = dalek_key(ca_key)?;
    let ca = read_ca(ca_pem)?;
    ca.check_key(&signer.verifying_key())?;
    if whole_seconds(next_update) <= whole_seconds(this_update) {
        return Err(Error::EmptyWindow {
            what,
            start: whole_seconds(this_update),
            end: whole_seconds(next_update),
        });
    }
    let enc = |source| Error::Encode { what, source };

    let mut listed: BTreeMap<Serial, (&str, RevocationState)> = BTreeMap::new();
    for (id, state) in revoked {
        if listed.insert(serial_from_id(id), (id, *state)).is_some() {
            return Err(Error::DuplicateCrlEntry {
                id: (*id).to_owned(),
            });
        }
    }
    let mut entries = Vec::with_capacity(listed.len());
    for (serial, (_, state)) in &listed {
        let reason = match state {
            RevocationState::Withdrawn { reason, .. } => reason.to_x509(),
            RevocationState::Suspended { .. } => x509_cert::ext::pkix::CrlReason::CertificateHold,
        };
        let extensions = if reason == x509_cert::ext::pkix::CrlReason::Unspecified {
            None
        } else {
            Some(vec![ext(ID_CE_CRL_REASONS, &reason).map_err(enc)?])
        };
        entries.push(RevokedCert {
            serial_number: serial.to_x509().map_err(enc)?,
            revocation_date: to_x509_time(state.since())?,
            crl_entry_extensions: extensions,
        });
    }

    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(ca.key_id.clone()),
        ..Default::default()
    };
    let algorithm = AlgorithmIdentifierOwned {
        oid: ED25519,
        parameters: None,
    };
    let tbs = TbsCertList {
        version: Version::V2,
        signature: algorithm.clone(),
        issuer: ca.cert.tbs_certificate().subject().clone(),
        this_update: to_x509_time(this_update)?,
        next_update: Some(to_x509_time(next_update)?),
        // RFC 5280 §5.1.2.6: absent, not empty, when nothing is revoked.
        revoked_certificates: (!entries.is_empty()).then_some(entries),
        crl_extensions: Some(vec![
            ext(ID_CE_AUTHORITY_KEY_IDENTIFIER, &aki).map_err(enc)?,
            ext(ID_CE_CRL_NUMBER, &CrlNumber::try_from(number).map_err(enc)?).map_err(enc)?,
        ]),
    };
    let signature = signer.sign(&tbs.to_der().map_err(enc)?);
    let list = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature.to_bytes()).map_err(enc)?,
    };
    let pem = list.to_pem(LineEnding::LF).map_err(enc)?;

    #[cfg(debug_assertions)]
    {
        let check = parse_crl(ca_pem, &pem).map_err(|e| super::issue::self_check(what, &e))?;
        if check.entries.len() != listed.len() || check.number != number {
            return Err(Error::SelfCheck {
                what,
                reason: "entries or number differ after re-parsing".to_owned(),
            });
        }
    }
    Ok(pem)
}

fn ext<T: der::Encode>(oid: const_oid::ObjectIdentifier, value: &T) -> der::Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical: false,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

/// Reads a CRL of the forum CA and verifies its signature (not its dates).
///
/// # Errors
///
/// [`Error::Malformed`]; [`Error::Profile`] (not v2, not Ed25519, no CRL number, a reason code
/// scs-cert never writes); [`Error::UnhandledCriticalExtension`]; [`Error::IssuerMismatch`];
/// [`Error::BadSignature`]; the errors of reading the CA certificate.
pub fn parse_crl(ca_pem: &str, crl_pem: &str) -> Result<CrlInfo, Error> {
    let what = Artifact::Crl;
    let ca = read_ca(ca_pem)?;
    let der = pem_der(what, crl_pem, "X509 CRL")?;
    let list = CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der)
        .map_err(|source| Error::Malformed { what, source })?;
    let (tbs_bytes, signature) = split_signed(what, &der)?;
    let tbs = &list.tbs_cert_list;
    let profile = |reason| Error::Profile { what, reason };
    if tbs.version != Version::V2 {
        return Err(profile("not a version 2 crl"));
    }
    if tbs.signature.oid != ED25519 {
        return Err(profile("inner and outer signature algorithms differ"));
    }
    if &tbs.issuer != ca.cert.tbs_certificate().subject() {
        return Err(Error::IssuerMismatch { what });
    }
    check_signature(what, &ca.key, &tbs_bytes, &signature)?;

    let malformed = |source| Error::Malformed { what, source };
    let mut number = None;
    for e in tbs.crl_extensions.iter().flatten() {
        if e.extn_id == ID_CE_CRL_NUMBER {
            let n = CrlNumber::from_der(e.extn_value.as_bytes()).map_err(malformed)?;
            let bytes = n.0.as_bytes();
            let mut value: u64 = 0;
            if bytes.len() > 8 {
                return Err(profile("crl number larger than 64 bits"));
            }
            for b in bytes {
                value = (value << 8) | u64::from(*b);
            }
            number = Some(value);
        } else if e.extn_id == ID_CE_AUTHORITY_KEY_IDENTIFIER {
            let aki =
                AuthorityKeyIdentifier::from_der(e.extn_value.as_bytes()).map_err(malformed)?;
            if aki.key_identifier.is_some_and(|k| k != ca.key_id) {
                return Err(Error::IssuerMismatch { what });
            }
        } else if e.critical {
            return Err(Error::UnhandledCriticalExtension {
                what,
                oid: e.extn_id,
            });
        }
    }
    let number = number.ok_or(profile("no crl number"))?;
    let time = |t| from_x509_time(t).ok_or(profile("time out of range"));

    let mut entries = BTreeMap::new();
    for entry in tbs.revoked_certificates.iter().flatten() {
        let since = time(&entry.revocation_date)?;
        let mut state = RevocationState::Withdrawn {
            reason: CrlReason::Unspecified,
            since,
        };
        for e in entry.crl_entry_extensions.iter().flatten() {
            if e.extn_id == ID_CE_CRL_REASONS {
                use x509_cert::ext::pkix::CrlReason as R;
                let code = R::from_der(e.extn_value.as_bytes()).map_err(malformed)?;
                let reason = match code {
                    R::CertificateHold => {
                        state = RevocationState::Suspended { since };
                        continue;
                    }
                    R::Unspecified => CrlReason::Unspecified,
                    R::KeyCompromise => CrlReason::KeyCompromise,
                    R::AffiliationChanged => CrlReason::AffiliationChanged,
                    R::Superseded => CrlReason::Superseded,
                    R::CessationOfOperation => CrlReason::CessationOfOperation,
                    R::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
                    R::CaCompromise | R::AaCompromise | R::RemoveFromCRL => {
                        return Err(profile("a reason code scs-cert does not write"));
                    }
                };
                state = RevocationState::Withdrawn { reason, since };
            } else if e.critical {
                return Err(Error::UnhandledCriticalExtension {
                    what,
                    oid: e.extn_id,
                });
            }
        }
        let serial = Serial::from_be_bytes(entry.serial_number.as_bytes());
        if entries.insert(serial, state).is_some() {
            return Err(profile("a serial listed twice"));
        }
    }
    Ok(CrlInfo {
        number,
        this_update: time(&tbs.this_update)?,
        next_update: tbs.next_update.as_ref().map(time).transpose()?,
        entries,
    })
}

/// Whether the certificate with `serial` is on the forum CA's CRL, as `openssl verify
/// -crl_check` decides: the CRL's signature verifies under the CA key, its thisUpdate is not
/// after `at` and its nextUpdate not before `at`; `None` means not listed (good).
///
/// # Errors
///
/// As [`parse_crl`]; [`Error::NotYetValid`] if thisUpdate lies after `at`; [`Error::Expired`]
/// if nextUpdate lies before `at` (a stale CRL says nothing about now).
pub fn crl_status(
    ca_pem: &str,
    crl_pem: &str,
    serial: &Serial,
    at: Instant,
) -> Result<Option<RevocationState>, Error> {
    let what = Artifact::Crl;
    let info = parse_crl(ca_pem, crl_pem)?;
    if info.this_update > at {
        return Err(Error::NotYetValid {
            what,
            not_before: info.this_update,
            at,
        });
    }
    if let Some(next) = info.next_update
        && next < at
    {
        return Err(Error::Expired {
            what,
            not_after: next,
            at,
        });
    }
    Ok(info.entries.get(serial).copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::ca_certificate;

    fn t(s: &str) -> Instant {
        s.parse().unwrap()
    }

    fn setup() -> (SigningKey, String) {
        let key = SigningKey::generate("forum").unwrap();
        let ca = ca_certificate(
            &key,
            "Forum",
            t("2026-01-01T00:00:00Z"),
            t("2036-01-01T00:00:00Z"),
        )
        .unwrap();
        (key, ca)
    }

    #[test]
    fn states_round_trip() {
        let (key, ca) = setup();
        let since = t("2026-02-01T00:00:00Z");
        let listed = [
            (
                "A",
                RevocationState::Withdrawn {
                    reason: CrlReason::Unspecified,
                    since,
                },
            ),
            (
                "B",
                RevocationState::Withdrawn {
                    reason: CrlReason::CessationOfOperation,
                    since,
                },
            ),
            ("C", RevocationState::Suspended { since }),
        ];
        let pem = crl(&key, &ca, 42, since, t("2026-03-01T00:00:00Z"), &listed).unwrap();
        let info = parse_crl(&ca, &pem).unwrap();
        assert_eq!(info.number(), 42);
        assert_eq!(info.this_update(), since);
        for (id, state) in listed {
            assert_eq!(info.entries().get(&serial_from_id(id)), Some(&state));
        }
        assert_eq!(CrlReason::PrivilegeWithdrawn.code(), 9);
    }

    #[test]
    fn bad_lists_are_refused() {
        let (key, ca) = setup();
        let day = t("2026-02-01T00:00:00Z");
        let held = RevocationState::Suspended { since: day };
        assert_eq!(
            crl(
                &key,
                &ca,
                1,
                day,
                t("2026-03-01T00:00:00Z"),
                &[("A", held), ("A", held)]
            ),
            Err(Error::DuplicateCrlEntry { id: "A".to_owned() })
        );
        assert_eq!(
            crl(&key, &ca, 1, day, day, &[]),
            Err(Error::EmptyWindow {
                what: Artifact::Crl,
                start: day,
                end: day
            })
        );
        let other = SigningKey::generate("other").unwrap();
        assert_eq!(
            crl(&other, &ca, 1, day, t("2026-03-01T00:00:00Z"), &[]),
            Err(Error::KeyMismatch)
        );
    }

    #[test]
    fn status_needs_a_current_crl_of_this_ca() {
        let (key, ca) = setup();
        let day = t("2026-02-01T00:00:00Z");
        let pem = crl(&key, &ca, 1, day, t("2026-03-01T00:00:00Z"), &[]).unwrap();
        let serial = serial_from_id("A");
        let early = t("2026-01-31T00:00:00Z");
        assert_eq!(
            crl_status(&ca, &pem, &serial, early),
            Err(Error::NotYetValid {
                what: Artifact::Crl,
                not_before: day,
                at: early
            })
        );
        // thisUpdate and nextUpdate themselves are inside.
        assert_eq!(crl_status(&ca, &pem, &serial, day), Ok(None));
        assert_eq!(
            crl_status(&ca, &pem, &serial, t("2026-03-01T00:00:00Z")),
            Ok(None)
        );

        // Another key under the same CA name: its CRL does not count.
        let (other_key, other_ca) = setup();
        let foreign = crl(
            &other_key,
            &other_ca,
            1,
            day,
            t("2026-03-01T00:00:00Z"),
            &[],
        )
        .unwrap();
        assert!(matches!(
            crl_status(&ca, &foreign, &serial, day),
            Err(Error::IssuerMismatch {
                what: Artifact::Crl
            } | Error::BadSignature {
                what: Artifact::Crl
            })
        ));
        // A certificate where a CRL belongs.
        assert!(matches!(
            crl_status(&ca, &ca, &serial, day),
            Err(Error::Malformed {
                what: Artifact::Crl,
                ..
            })
        ));
    }
}
