//! SSHSIG signatures (OpenSSH `PROTOCOL.sshsig`): read, write, make and check.

use ssh_key::encoding::pem::PemLabel;
use ssh_key::encoding::{Decode, DecodePem, Reader};
use ssh_key::{Algorithm, HashAlg, LineEnding, SshSig};

use super::{Error, Fingerprint, Material, Namespace, SigningKey};

/// Largest armored signature accepted. An Ed25519 signature is under 300 bytes and an RSA-4096
/// one under 1.5 KiB; the limit only stops hostile input early.
pub const MAX_ARMORED_LEN: usize = 64 * 1024;

/// A parsed SSH signature (`-----BEGIN SSH SIGNATURE-----`), as `ssh-keygen -Y sign` makes.
///
/// # Security
///
/// Parsing checks the format only. [`Signature::verify`] checks the namespace and the
/// cryptography against the key embedded in the signature; whether that key may sign for a
/// given subject is [`crate::trust::Trust::authorize`]'s question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature(SshSig);

impl Signature {
    /// Reads an armored signature. Surrounding whitespace is allowed, as ssh-keygen allows.
    ///
    /// # Errors
    ///
    /// [`Error::SignatureTooLarge`] above [`MAX_ARMORED_LEN`] bytes; [`Error::Malformed`] when
    /// the armor, base64 or SSHSIG structure is wrong (including versions other than 1).
    pub fn from_armored(bytes: &[u8]) -> Result<Signature, Error> {
        if bytes.len() > MAX_ARMORED_LEN {
            return Err(Error::SignatureTooLarge {
                len: bytes.len(),
                limit: MAX_ARMORED_LEN,
            });
        }
        let trimmed = bytes.trim_ascii();
        SshSig::from_pem(trimmed).map(Signature).map_err(|source| {
            // ssh-key cannot even decode key types it was built without (ECDSA, RSA here):
            // name the algorithm instead of calling a valid ssh-keygen signature malformed.
            if matches!(
                source,
                ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. }
            ) && let Ok(KeyAlgorithm(name)) = KeyAlgorithm::decode_pem(trimmed)
                && let Ok(algorithm) = Algorithm::new(&name)
            {
                return Error::UnsupportedAlgorithm { algorithm };
            }
            Error::Malformed {
                what: Material::Signature,
                source: Box::new(source),
            }
        })
    }

    /// The armored form, byte for byte what `ssh-keygen -Y sign` writes: 70-column base64
    /// lines, LF line ends, a final newline.
    pub fn to_armored(&self) -> String {
        match self.0.to_pem(LineEnding::LF) {
            Ok(mut text) => {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text
            }
            // Encoding a signature we decoded or made ourselves cannot fail: every field
            // already passed through the same encoder's length checks. An empty string would
            // fail any later verification rather than pass it.
            Err(_) => String::new(),
        }
    }

    /// The public key embedded in the signature (the key that claims to have signed). It has no
    /// comment: signatures carry only the key blob.
    pub fn public_key(&self) -> ssh_key::PublicKey {
        ssh_key::PublicKey::new(self.0.public_key().clone(), "")
    }

    /// The namespace the signature was made for.
    pub fn namespace(&self) -> &str {
        self.0.namespace()
    }

    /// The hash algorithm the message was hashed with (ssh-keygen uses SHA-512).
    pub fn hash_alg(&self) -> HashAlg {
        self.0.hash_alg()
    }

    /// The SHA-256 fingerprint of the embedded key.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_key_data(self.0.public_key())
    }

    /// The underlying ssh-key value.
    pub fn as_sshsig(&self) -> &SshSig {
        &self.0
    }

    /// Checks that the signature was made for `namespace` and verifies over `message` under
    /// the embedded key. The namespace is checked first, so a signature made for another
    /// purpose is reported as such even when it would also verify (`PROTOCOL.sshsig`).
    ///
    /// # Errors
    ///
    /// [`Error::NamespaceMismatch`], [`Error::UnsupportedAlgorithm`] for keys other than
    /// Ed25519, [`Error::BadSignature`] when the cryptographic check fails.
    pub fn verify(&self, namespace: &Namespace, message: &[u8]) -> Result<(), Error> {
        if self.0.namespace() != namespace.as_str() {
            return Err(Error::NamespaceMismatch {
                expected: namespace.clone(),
                found: self.0.namespace().to_owned(),
            });
        }
        let key = self.0.public_key();
        check_algorithm(key.algorithm())?;
        // The signature's own algorithm must fit the key's (ssh-keygen refuses mismatches
        // too); an RSA key signs as rsa-sha2-256 or rsa-sha2-512, never SHA-1 `ssh-rsa`,
        // which OpenSSH refuses for SSHSIG.
        let fits = match (self.0.algorithm(), key.algorithm()) {
            (Algorithm::Rsa { hash }, Algorithm::Rsa { .. }) => {
                matches!(hash, Some(HashAlg::Sha256 | HashAlg::Sha512))
            }
            (signature, key) => signature == key,
        };
        if !fits {
            return Err(Error::BadSignature);
        }
        let public = ssh_key::PublicKey::new(key.clone(), "");
        public
            .verify(namespace.as_str(), message, &self.0)
            .map_err(|err| match err {
                ssh_key::Error::AlgorithmUnsupported { algorithm } => {
                    Error::UnsupportedAlgorithm { algorithm }
                }
                _ => Error::BadSignature,
            })
    }
}

/// Just the key algorithm name of an armored SSHSIG blob (`PROTOCOL.sshsig`: "SSHSIG",
/// uint32 version, string publickey whose first field is the key type), the rest skipped.
struct KeyAlgorithm(String);

impl Decode for KeyAlgorithm {
    type Error = ssh_key::encoding::Error;

    fn decode(reader: &mut impl Reader) -> Result<Self, Self::Error> {
        let mut magic = [0u8; 6];
        reader.read(&mut magic)?;
        if &magic != b"SSHSIG" {
            return Err(ssh_key::encoding::Error::CharacterEncoding);
        }
        let _version = u32::decode(reader)?;
        let name = reader.read_prefixed(|key: &mut _| {
            let name = String::decode(key)?;
            key.drain(key.remaining_len())?;
            Ok::<_, ssh_key::encoding::Error>(name)
        })?;
        reader.drain(reader.remaining_len())?;
        Ok(KeyAlgorithm(name))
    }
}

impl PemLabel for KeyAlgorithm {
    const PEM_LABEL: &'static str = "SSH SIGNATURE";
}

/// The keys a signature is verified with: Ed25519 (and its FIDO form), ECDSA on P-256 (FIPS
/// 186-5, RFC 5656) and RSA (RFC 8332 signatures). Operators' CI keys are often ECDSA or RSA;
/// the project itself signs with Ed25519 only (DESIGN §9).
pub(crate) fn check_algorithm(algorithm: Algorithm) -> Result<(), Error> {
    match algorithm {
        Algorithm::Ed25519
        | Algorithm::SkEd25519
        | Algorithm::Ecdsa {
            curve: ssh_key::EcdsaCurve::NistP256,
        }
        | Algorithm::Rsa { .. } => Ok(()),
        other => Err(Error::UnsupportedAlgorithm { algorithm: other }),
    }
}

/// Signs `message` for `namespace` with SHA-512, as `ssh-keygen -Y sign` does; for Ed25519 the
/// result is byte-identical to ssh-keygen's.
///
/// # Errors
///
/// [`Error::UnsupportedAlgorithm`] for keys other than Ed25519, [`Error::Crypto`] if the
/// signer fails.
pub fn sign(key: &SigningKey, namespace: &Namespace, message: &[u8]) -> Result<Signature, Error> {
    let private = key.as_private_key();
    if private.algorithm() != Algorithm::Ed25519 {
        return Err(Error::UnsupportedAlgorithm {
            algorithm: private.algorithm(),
        });
    }
    private
        .sign(namespace.as_str(), HashAlg::Sha512, message)
        .map(Signature)
        .map_err(|source| Error::Crypto {
            operation: "sign",
            source: Box::new(source),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE_SIG: &[u8] = include_bytes!("../../tests/fixtures/keys/message.txt.alice.sig");
    const MESSAGE: &[u8] = include_bytes!("../../tests/fixtures/keys/message.txt");
    const ALICE: &str = include_str!("../../tests/fixtures/keys/alice");

    #[test]
    fn ssh_keygen_signature_round_trips_and_verifies() {
        let sig = Signature::from_armored(ALICE_SIG).unwrap();
        assert_eq!(sig.to_armored().as_bytes(), ALICE_SIG);
        assert_eq!(sig.namespace(), "report");
        assert_eq!(sig.hash_alg(), HashAlg::Sha512);
        sig.verify(&Namespace::report(), MESSAGE).unwrap();
        assert_eq!(
            sig.verify(&Namespace::report(), b"other"),
            Err(Error::BadSignature)
        );
        assert_eq!(
            sig.verify(&Namespace::git(), MESSAGE),
            Err(Error::NamespaceMismatch {
                expected: Namespace::git(),
                found: "report".into()
            })
        );
    }

    #[test]
    fn our_signature_is_ssh_keygens() {
        let key = SigningKey::from_openssh(ALICE, None).unwrap();
        let sig = sign(&key, &Namespace::report(), MESSAGE).unwrap();
        assert_eq!(sig.to_armored().as_bytes(), ALICE_SIG);
        assert_eq!(sig.fingerprint(), Fingerprint::of(&key.public_key()));
    }

    #[test]
    fn malformed_and_oversized_input() {
        assert!(matches!(
            Signature::from_armored(b"not a signature"),
            Err(Error::Malformed {
                what: Material::Signature,
                ..
            })
        ));
        let big = vec![b'A'; MAX_ARMORED_LEN + 1];
        assert_eq!(
            Signature::from_armored(&big),
            Err(Error::SignatureTooLarge {
                len: MAX_ARMORED_LEN + 1,
                limit: MAX_ARMORED_LEN
            })
        );
    }
}
