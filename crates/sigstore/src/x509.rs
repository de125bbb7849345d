//! X.509 checks for Fulcio signing certificates (RFC 5280) and their embedded signed
//! certificate timestamps (RFC 6962 §3.3), plus the small DER helpers they need.

use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, Utf8StringRef};
use der::{Decode as _, Encode as _};
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
};

use super::keys::{Hash, Key};
use super::tsa::Walker;
use super::{CertRole, Error};
use crate::Instant;

const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
/// id-kp-codeSigning (RFC 5280 §4.2.1.12).
pub(crate) const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
/// id-kp-timeStamping (RFC 5280 §4.2.1.12, RFC 3161 §2.3).
pub(crate) const TIME_STAMPING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
/// Embedded SCT list (RFC 6962 §3.3).
const SCT_LIST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");
/// Fulcio OIDC issuer, DER UTF8String (sigstore/fulcio docs/oid-info.md, 1.3.6.1.4.1.57264.1.8).
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
/// Fulcio OIDC issuer, raw string (deprecated, 1.3.6.1.4.1.57264.1.1).
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");

/// A parsed certificate with its exact encoding and the raw TBS bytes its signature covers.
#[derive(Debug, Clone)]
pub(crate) struct Cert {
    pub(crate) der: Vec<u8>,
    pub(crate) cert: Certificate,
    pub(crate) tbs_raw: Vec<u8>,
    pub(crate) not_before: Instant,
    pub(crate) not_after: Instant,
}

impl Cert {
    pub(crate) fn from_der(der: &[u8], role: CertRole) -> Result<Cert, Error> {
        let bad = || Error::MalformedCertificate { role };
        let cert = Certificate::from_der(der).map_err(|_| bad())?;
        // The signature covers the TBS exactly as encoded: take its TLV from the outer SEQUENCE.
        let outer = Walker(der).expect(0x30).map_err(|_| bad())?;
        let tbs_raw = Walker(outer.value)
            .expect(0x30)
            .map_err(|_| bad())?
            .raw
            .to_vec();
        let validity = cert.tbs_certificate().validity();
        let secs = |t: &x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs())
                .ok()
                .and_then(|s| Instant::from_timestamp(s, 0))
        };
        // RFC 5280 §4.2: at most one instance of an extension. `extension()` reads the first;
        // a certificate with two (e.g. two OIDC issuers) could say different things to
        // different readers, so it is malformed.
        let exts = cert
            .tbs_certificate()
            .extensions()
            .map(|e| e.as_slice())
            .unwrap_or(&[]);
        for (i, e) in exts.iter().enumerate() {
            if exts[..i].iter().any(|p| p.extn_id == e.extn_id) {
                return Err(bad());
            }
        }
        // RFC 5280 §4.1.1.2: the unsigned outer algorithm must be the signed TBS one.
        if cert.signature_algorithm() != cert.tbs_certificate().signature() {
            return Err(bad());
        }
        let not_before = secs(&validity.not_before).ok_or_else(bad)?;
        let not_after = secs(&validity.not_after).ok_or_else(bad)?;
        Ok(Cert {
            der: der.to_vec(),
            cert,
            tbs_raw,
            not_before,
            not_after,
        })
    }

    pub(crate) fn key(&self) -> Result<Key, Error> {
        let spki_der = self
            .cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|_| Error::UnsupportedKey)?;
        Key::from_spki_der(&spki_der).map_err(|_| Error::UnsupportedKey)
    }

    pub(crate) fn spki_der(&self) -> Result<Vec<u8>, Error> {
        self.cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|_| Error::UnsupportedKey)
    }

    pub(crate) fn valid_at(&self, t: Instant) -> bool {
        self.not_before <= t && t <= self.not_after
    }

    fn extension(&self, oid: ObjectIdentifier) -> Option<(bool, &[u8])> {
        self.cert
            .tbs_certificate()
            .extensions()?
            .iter()
            .find(|e| e.extn_id == oid)
            .map(|e| (e.critical, e.extn_value.as_bytes()))
    }

    /// Checks that `issuer` signed this certificate and is named as its issuer.
    pub(crate) fn check_issued_by(&self, issuer: &Cert, role: CertRole) -> Result<(), Error> {
        if self.cert.tbs_certificate().issuer() != issuer.cert.tbs_certificate().subject() {
            return Err(Error::ChainBroken { role });
        }
        let alg = &self.cert.signature_algorithm().oid;
        let hash = Hash::of_ecdsa_algorithm(alg).ok_or(Error::UnsupportedKey)?;
        let sig = self
            .cert
            .signature()
            .as_bytes()
            .ok_or(Error::ChainBroken { role })?;
        issuer
            .key()?
            .verify(hash, &self.tbs_raw, sig)
            .map_err(|_| Error::ChainBroken { role })
    }

    fn is_ca(&self) -> Result<bool, Error> {
        match self.extension(BASIC_CONSTRAINTS) {
            None => Ok(false),
            Some((_, v)) => BasicConstraints::from_der(v).map(|b| b.ca).map_err(|_| {
                Error::MalformedCertificate {
                    role: CertRole::Leaf,
                }
            }),
        }
    }

    /// Checks a CA certificate from the trusted root: CA:TRUE, and keyCertSign if KU present.
    pub(crate) fn check_ca(&self, role: CertRole) -> Result<(), Error> {
        if !self.is_ca()? {
            return Err(Error::ChainBroken { role });
        }
        if let Some((_, v)) = self.extension(KEY_USAGE) {
            let ku = KeyUsage::from_der(v).map_err(|_| Error::MalformedCertificate { role })?;
            if !ku.0.contains(KeyUsages::KeyCertSign) {
                return Err(Error::ChainBroken { role });
            }
        }
        Ok(())
    }

    /// Checks an end-entity certificate for `purpose` (codeSigning for Fulcio leaves,
    /// timeStamping for TSA leaves): not a CA, digitalSignature, the EKU present, and no
    /// critical extension we do not understand (RFC 5280 §4.2).
    pub(crate) fn check_leaf(
        &self,
        purpose: ObjectIdentifier,
        role: CertRole,
    ) -> Result<(), Error> {
        let bad = Error::LeafUnfit { role };
        if self.cert.tbs_certificate().version() != x509_cert::certificate::Version::V3 {
            return Err(bad);
        }
        if self.is_ca()? {
            return Err(bad);
        }
        let (_, ku) = self.extension(KEY_USAGE).ok_or(bad.clone())?;
        let ku = KeyUsage::from_der(ku).map_err(|_| bad.clone())?;
        if !ku.0.contains(KeyUsages::DigitalSignature) {
            return Err(bad);
        }
        let (_, eku) = self.extension(EXT_KEY_USAGE).ok_or(bad.clone())?;
        let eku = ExtendedKeyUsage::from_der(eku).map_err(|_| bad.clone())?;
        if !eku.0.contains(&purpose) {
            return Err(bad);
        }
        let known = [
            BASIC_CONSTRAINTS,
            KEY_USAGE,
            EXT_KEY_USAGE,
            SUBJECT_ALT_NAME,
        ];
        let exts = self
            .cert
            .tbs_certificate()
            .extensions()
            .map(|e| e.as_slice())
            .unwrap_or(&[]);
        if exts
            .iter()
            .any(|e| e.critical && !known.contains(&e.extn_id))
        {
            return Err(bad);
        }
        Ok(())
    }

    /// The identities in the SAN (URIs and e-mail addresses), in certificate order.
    pub(crate) fn san_identities(&self) -> Result<Vec<String>, Error> {
        let (_, v) = self.extension(SUBJECT_ALT_NAME).ok_or(Error::NoIdentity)?;
        let san = SubjectAltName::from_der(v).map_err(|_| Error::NoIdentity)?;
        Ok(san
            .0
            .iter()
            .filter_map(|n| match n {
                GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
                GeneralName::Rfc822Name(m) => Some(m.to_string()),
                _ => None,
            })
            .collect())
    }

    /// The OIDC issuer Fulcio recorded (the `.1.8` extension and/or the legacy `.1.1`). When
    /// both are present they must agree: a reader of either must see the same issuer.
    pub(crate) fn oidc_issuer(&self) -> Result<String, Error> {
        let v2 = match self.extension(FULCIO_ISSUER_V2) {
            Some((_, v)) => Some(
                Utf8StringRef::from_der(v)
                    .map(|s| s.as_str().to_owned())
                    .map_err(|_| Error::NoIdentity)?,
            ),
            None => None,
        };
        let v1 = match self.extension(FULCIO_ISSUER_V1) {
            Some((_, v)) => Some(String::from_utf8(v.to_vec()).map_err(|_| Error::NoIdentity)?),
            None => None,
        };
        match (v1, v2) {
            (Some(v1), Some(v2)) if v1 != v2 => Err(Error::IssuerConflict { v1, v2 }),
            (_, Some(i)) | (Some(i), None) => Ok(i),
            (None, None) => Err(Error::NoIdentity),
        }
    }

    /// Verifies the embedded SCTs (RFC 6962 §3.2, precert entry): at least one must be signed by
    /// a CT log of the trusted root whose key was valid at the SCT's time.
    pub(crate) fn check_embedded_sct(
        &self,
        issuer: &Cert,
        ctlogs: &[super::LogKey],
    ) -> Result<(), Error> {
        let (_, v) = self.extension(SCT_LIST).ok_or(Error::SctInvalid)?;
        let list = OctetString::from_der(v).map_err(|_| Error::SctInvalid)?;
        let list = list.as_bytes();
        let scts = parse_sct_list(list).ok_or(Error::SctInvalid)?;
        let precert_tbs = self.tbs_without_sct().ok_or(Error::SctInvalid)?;
        let issuer_key_hash = Sha256::digest(issuer.spki_der()?);
        for sct in scts {
            let Some(log) = ctlogs.iter().find(|l| l.key_id == sct.log_id) else {
                continue;
            };
            let Some(ts) = i64::try_from(sct.timestamp_ms)
                .ok()
                .and_then(Instant::from_timestamp_millis)
            else {
                continue;
            };
            if !log.valid_at(ts) || sct.hash_alg != 4 {
                continue; // 4 = sha256 (RFC 5246 §7.4.1.4.1)
            }
            let Ok(tbs_len) = u32::try_from(precert_tbs.len()) else {
                continue;
            };
            let mut msg = vec![0u8, 0u8]; // v1, certificate_timestamp
            msg.extend_from_slice(&sct.timestamp_ms.to_be_bytes());
            msg.extend_from_slice(&1u16.to_be_bytes()); // precert_entry
            msg.extend_from_slice(&issuer_key_hash);
            msg.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
            msg.extend_from_slice(&precert_tbs);
            let Ok(ext_len) = u16::try_from(sct.extensions.len()) else {
                continue;
            };
            msg.extend_from_slice(&ext_len.to_be_bytes());
            msg.extend_from_slice(sct.extensions);
            if log.key.verify(Hash::Sha256, &msg, sct.signature).is_ok() {
                return Ok(());
            }
        }
        Err(Error::SctInvalid)
    }

    /// The TBS with the SCT list extension removed, as the CT log signed it (RFC 6962 §3.2).
    fn tbs_without_sct(&self) -> Option<Vec<u8>> {
        let mut items = Walker(Walker(&self.tbs_raw).expect(0x30).ok()?.value);
        let mut body = Vec::new();
        while !items.done() {
            let item = items.next().ok()?;
            if item.tag == 0xa3 {
                let mut exts = Walker(Walker(item.value).expect(0x30).ok()?.value);
                let mut kept = Vec::new();
                while !exts.done() {
                    let e = exts.expect(0x30).ok()?;
                    let id =
                        ObjectIdentifier::from_der(Walker(e.value).expect(0x06).ok()?.raw).ok()?;
                    if id != SCT_LIST {
                        kept.extend_from_slice(e.raw);
                    }
                }
                body.extend_from_slice(&tlv(0xa3, &tlv(0x30, &kept)));
            } else {
                body.extend_from_slice(item.raw);
            }
        }
        Some(tlv(0x30, &body))
    }
}

/// One SCT (RFC 6962 §3.2), borrowed from the list.
struct Sct<'a> {
    log_id: [u8; 32],
    timestamp_ms: u64,
    extensions: &'a [u8],
    hash_alg: u8,
    signature: &'a [u8],
}

/// A TLS-style reader over a byte slice.
struct Tls<'a>(&'a [u8]);

impl<'a> Tls<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u16(&mut self) -> Option<usize> {
        let b = self.take(2)?;
        Some(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(n)
    }
}

fn parse_sct_list(list: &[u8]) -> Option<Vec<Sct<'_>>> {
    let mut outer = Tls(list);
    let mut all = Tls(outer.vec16()?);
    if !outer.0.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    while !all.0.is_empty() {
        let mut s = Tls(all.vec16()?);
        if s.take(1)? != [0] {
            continue; // only v1 SCTs are defined
        }
        let log_id = s.take(32)?.try_into().ok()?;
        let ts: [u8; 8] = s.take(8)?.try_into().ok()?;
        let extensions = s.vec16()?;
        let alg = s.take(2)?;
        let signature = s.vec16()?;
        if alg[1] != 3 || !s.0.is_empty() {
            continue; // 3 = ecdsa; others unsupported
        }
        out.push(Sct {
            log_id,
            timestamp_ms: u64::from_be_bytes(ts),
            extensions,
            hash_alg: alg[0],
            signature,
        });
    }
    Some(out)
}

/// A DER TLV with a single-byte tag and a definite length (X.690 §8.1.3).
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if let Some(short) = u8::try_from(len).ok().filter(|&l| l < 0x80) {
        out.push(short);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        // At most 8 length octets (a usize), so the count fits the low 7 bits.
        let count = u8::try_from(bytes.len() - skip).unwrap_or(8);
        out.push(0x80 | count);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

    use base64::Engine as _;
    use der::Encode as _;
    use der::asn1::{OctetString, Utf8StringRef};
    use x509_cert::ext::Extension;

    use super::*;

    /// The Fulcio leaf of a conformance case (read only), or `None` with a skip note.
    fn fulcio_leaf() -> Option<Vec<u8>> {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            // This crate is crates/sigstore of the workspace, which lies beside ../shared.
            "/../../../shared/fixtures/sigstore-conformance/cases/happy-path-v0.2/bundle.sigstore.json"
        );
        let Ok(text) = std::fs::read(p) else {
            assert!(std::env::var_os("CI").is_none(), "CI: fixture missing: {p}");
            eprintln!("SKIP: sigstore conformance fixture not found at {p}");
            return None;
        };
        let v: serde_json::Value = serde_json::from_slice(&text).unwrap();
        let b64 = v["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"]
            .as_str()
            .unwrap();
        Some(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        )
    }

    /// Re-encodes `der` with its extension list edited by `f` (the signature no longer
    /// verifies; these tests are about what the parser reads).
    fn edit_extensions(der: &[u8], f: &mut dyn FnMut(&mut Vec<Vec<u8>>)) -> Vec<u8> {
        let outer = Walker(der).expect(0x30).unwrap();
        let mut parts = Walker(outer.value);
        let tbs = parts.expect(0x30).unwrap();
        let rest = parts.0;
        let mut items = Walker(tbs.value);
        let mut body = Vec::new();
        while !items.done() {
            let item = items.next().unwrap();
            if item.tag == 0xa3 {
                let mut exts = Walker(Walker(item.value).expect(0x30).unwrap().value);
                let mut list = Vec::new();
                while !exts.done() {
                    list.push(exts.next().unwrap().raw.to_vec());
                }
                f(&mut list);
                body.extend_from_slice(&tlv(0xa3, &tlv(0x30, &list.concat())));
            } else {
                body.extend_from_slice(item.raw);
            }
        }
        let mut cert = tlv(0x30, &body);
        cert.extend_from_slice(rest);
        tlv(0x30, &cert)
    }

    fn ext(oid: ObjectIdentifier, value: Vec<u8>) -> Vec<u8> {
        Extension {
            extn_id: oid,
            critical: false,
            extn_value: OctetString::new(value).unwrap(),
        }
        .to_der()
        .unwrap()
    }

    fn with_issuers(der: &[u8], v1: &str, v2: &str) -> Vec<u8> {
        let v2 = Utf8StringRef::new(v2).unwrap().to_der().unwrap();
        edit_extensions(der, &mut |list| {
            list.retain(|e| {
                let e = Extension::from_der(e).unwrap();
                e.extn_id != FULCIO_ISSUER_V1 && e.extn_id != FULCIO_ISSUER_V2
            });
            list.push(ext(FULCIO_ISSUER_V1, v1.as_bytes().to_vec()));
            list.push(ext(FULCIO_ISSUER_V2, v2.clone()));
        })
    }

    const GH: &str = "https://token.actions.githubusercontent.com";

    #[test]
    fn oidc_issuer_extensions_must_agree() {
        let Some(der) = fulcio_leaf() else { return };
        let same = Cert::from_der(&with_issuers(&der, GH, GH), CertRole::Leaf).unwrap();
        assert_eq!(same.oidc_issuer().unwrap(), GH);
        // Before the fix the `.1.8` value won silently over a disagreeing `.1.1`.
        let evil = "https://issuer.evil.test";
        let split = Cert::from_der(&with_issuers(&der, evil, GH), CertRole::Leaf).unwrap();
        assert_eq!(
            split.oidc_issuer(),
            Err(Error::IssuerConflict {
                v1: evil.into(),
                v2: GH.into()
            })
        );
    }

    #[test]
    fn duplicated_extensions_are_malformed() {
        let Some(der) = fulcio_leaf() else { return };
        let orig = Cert::from_der(&der, CertRole::Leaf).unwrap();
        assert!(orig.extension(FULCIO_ISSUER_V2).is_some());
        let v2 = Utf8StringRef::new("https://issuer.evil.test")
            .unwrap()
            .to_der()
            .unwrap();
        // A second `.1.8` issuer after the real one: `extension()` would read only the first.
        let dup = edit_extensions(&der, &mut |list| {
            list.push(ext(FULCIO_ISSUER_V2, v2.clone()));
        });
        assert_eq!(
            Cert::from_der(&dup, CertRole::Leaf).unwrap_err(),
            Error::MalformedCertificate {
                role: CertRole::Leaf
            }
        );
    }
}
