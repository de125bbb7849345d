//! SSHSIG signatures (OpenSSH `PROTOCOL.sshsig`): read, write, make and check.

use ssh_key::encoding::{Decode, Reader};
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
    /// Reads an armored signature exactly as strictly as `ssh-keygen -Y verify` does (see
    /// `dearmor`): the header first, no whitespace before it; the data up to the first footer.
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
        let blob = dearmor(bytes).map_err(|source| Error::Malformed {
            what: Material::Signature,
            source: Box::new(source.into()),
        })?;
        let mut reader = blob.as_slice();
        let decoded = SshSig::decode(&mut reader).and_then(|sig| {
            if reader.is_empty() {
                Ok(sig)
            } else {
                Err(ssh_key::encoding::Error::TrailingData {
                    remaining: reader.len(),
                }
                .into())
            }
        });
        decoded.map(Signature).map_err(|source| {
            // ssh-key cannot even decode key types it was built without: name the algorithm
            // instead of calling a valid ssh-keygen signature malformed.
            if matches!(
                source,
                ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. }
            ) && let Ok(KeyAlgorithm(name)) = KeyAlgorithm::decode(&mut blob.as_slice())
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

/// The armor's first line, including its line end: ssh-keygen compares these bytes at offset 0,
/// so leading whitespace or a CRLF header is refused.
const BEGIN: &[u8] = b"-----BEGIN SSH SIGNATURE-----\n";
/// The footer as ssh-keygen looks for it: at the start of a line, anything after it ignored.
const END: &[u8] = b"\n-----END SSH SIGNATURE-----";

/// The SSHSIG blob inside the armor, with OpenSSH's rules (`sshsig_dearmor`, `b64_pton`): the
/// header at offset 0, the data up to the first `\n-----END SSH SIGNATURE-----` (whatever
/// follows is ignored), a NUL only as the very last data byte, whitespace anywhere in the base64
/// skipped, padding required and exact, no bits set beyond the last byte.
fn dearmor(bytes: &[u8]) -> Result<Vec<u8>, ssh_key::encoding::Error> {
    use ssh_key::encoding::pem::Error as Pem;
    let rest = bytes
        .strip_prefix(BEGIN)
        .ok_or(Pem::PreEncapsulationBoundary)?;
    let end = rest
        .windows(END.len())
        .position(|w| w == END)
        .ok_or(Pem::PostEncapsulationBoundary)?;
    let mut text = &rest[..end];
    match text.iter().position(|&b| b == 0) {
        None => {}
        Some(i) if i + 1 == text.len() => text = &text[..i],
        Some(_) => return Err(ssh_key::encoding::Error::CharacterEncoding),
    }
    b64_pton(text).ok_or(Pem::Base64(ssh_key::encoding::base64::Error::InvalidEncoding).into())
}

/// Base64 decoding as OpenBSD's `b64_pton`, which ssh-keygen uses.
fn b64_pton(text: &[u8]) -> Option<Vec<u8>> {
    // C isspace() in the "C" locale.
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let value = |b: u8| match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut nbits, mut count) = (0u32, 0u32, 0usize);
    let mut iter = text.iter().copied();
    while let Some(b) = iter.next() {
        if space(b) {
            continue;
        }
        if b == b'=' {
            // One '=' after three symbols, two after two; then only whitespace.
            let pads_needed = match count % 4 {
                3 => 1,
                2 => 2,
                _ => return None,
            };
            let mut pads = 1;
            for b in iter.by_ref() {
                if space(b) {
                    continue;
                }
                if b == b'=' && pads < pads_needed {
                    pads += 1;
                } else {
                    return None;
                }
            }
            // Leftover bits that do not make a byte must be zero.
            if pads < pads_needed || bits & ((1 << nbits) - 1) != 0 {
                return None;
            }
            return Some(out);
        }
        bits = (bits << 6) | u32::from(value(b)?);
        nbits += 6;
        count += 1;
        if nbits >= 8 {
            nbits -= 8;
            out.push(u8::try_from((bits >> nbits) & 0xff).ok()?);
            bits &= (1 << nbits) - 1;
        }
    }
    (count % 4 == 0).then_some(out)
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
