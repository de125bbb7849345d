//! Public keys found in Sigstore material (Fulcio, Rekor, CT logs, TSAs, managed keys) and
//! signature checks with them. Supported: ECDSA P-256 and P-384 (DER signatures, RFC 3279
//! §2.2.3) and Ed25519 (RFC 8032). Anything else is refused, never skipped.

use const_oid::ObjectIdentifier;
use der::Decode as _;
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use spki::SubjectPublicKeyInfoRef;

/// id-ecPublicKey (RFC 5480 §2.1.1).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 (RFC 5480 §2.1.1.1).
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1 (RFC 5480 §2.1.1.1).
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// id-Ed25519 (RFC 8410 §3).
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// ecdsa-with-SHA256 (RFC 5758 §3.2).
pub(crate) const ECDSA_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384 (RFC 5758 §3.2).
pub(crate) const ECDSA_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512 (RFC 5758 §3.2).
pub(crate) const ECDSA_SHA512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");

/// The hash an ECDSA signature was made over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub(crate) fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(msg).to_vec(),
            Hash::Sha384 => Sha384::digest(msg).to_vec(),
            Hash::Sha512 => Sha512::digest(msg).to_vec(),
        }
    }

    /// The hash of an X.509 / CMS signature algorithm, if it is an ECDSA one we support.
    pub(crate) fn of_ecdsa_algorithm(oid: &ObjectIdentifier) -> Option<Hash> {
        match *oid {
            ECDSA_SHA256 => Some(Hash::Sha256),
            ECDSA_SHA384 => Some(Hash::Sha384),
            ECDSA_SHA512 => Some(Hash::Sha512),
            _ => None,
        }
    }
}

/// A verifying key.
#[derive(Debug, Clone)]
pub(crate) enum Key {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Why a key or signature was refused (mapped to the public error by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyError {
    /// Not a SubjectPublicKeyInfo we can read.
    Malformed,
    /// A key type or curve we do not support.
    Unsupported,
    /// The signature does not verify.
    BadSignature,
}

impl Key {
    /// Reads a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Key, KeyError> {
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| KeyError::Malformed)?;
        Key::from_spki(&spki)
    }

    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<Key, KeyError> {
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(KeyError::Malformed)?;
        match spki.algorithm.oid {
            EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters_oid()
                    .map_err(|_| KeyError::Malformed)?;
                match curve {
                    SECP256R1 => p256::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .map(Key::P256)
                        .map_err(|_| KeyError::Malformed),
                    SECP384R1 => p384::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .map(Key::P384)
                        .map_err(|_| KeyError::Malformed),
                    _ => Err(KeyError::Unsupported),
                }
            }
            ED25519 => {
                let raw: [u8; 32] = bits.try_into().map_err(|_| KeyError::Malformed)?;
                ed25519_dalek::VerifyingKey::from_bytes(&raw)
                    .map(Key::Ed25519)
                    .map_err(|_| KeyError::Malformed)
            }
            _ => Err(KeyError::Unsupported),
        }
    }

    /// Reads a PEM `PUBLIC KEY` (RFC 7468 §13).
    pub(crate) fn from_spki_pem(pem: &str) -> Result<(Key, Vec<u8>), KeyError> {
        let (label, der) =
            der::pem::decode_vec(pem.trim().as_bytes()).map_err(|_| KeyError::Malformed)?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::Malformed);
        }
        Key::from_spki_der(&der).map(|k| (k, der))
    }

    /// Checks `sig` over `msg`. ECDSA signatures are DER and hashed with `hash`; Ed25519 signs
    /// the message itself (`hash` ignored).
    pub(crate) fn verify(&self, hash: Hash, msg: &[u8], sig: &[u8]) -> Result<(), KeyError> {
        match self {
            Key::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_slice(sig)
                    .map_err(|_| KeyError::BadSignature)?;
                k.verify_strict(msg, &sig)
                    .map_err(|_| KeyError::BadSignature)
            }
            _ => self.verify_prehash(&hash.digest(msg), sig),
        }
    }

    /// Checks a DER ECDSA signature over an already computed digest. Ed25519 has no prehash
    /// form here and is refused.
    pub(crate) fn verify_prehash(&self, digest: &[u8], sig: &[u8]) -> Result<(), KeyError> {
        match self {
            Key::P256(k) => {
                let sig =
                    p256::ecdsa::Signature::from_der(sig).map_err(|_| KeyError::BadSignature)?;
                k.verify_prehash(digest, &sig)
                    .map_err(|_| KeyError::BadSignature)
            }
            Key::P384(k) => {
                let sig =
                    p384::ecdsa::Signature::from_der(sig).map_err(|_| KeyError::BadSignature)?;
                k.verify_prehash(digest, &sig)
                    .map_err(|_| KeyError::BadSignature)
            }
            Key::Ed25519(_) => Err(KeyError::Unsupported),
        }
    }
}
