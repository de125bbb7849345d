//! OpenSSH keys and SSHSIG signatures (OpenSSH `PROTOCOL.sshsig`), and the compliance monitor's
//! upload body.
//!
//! Everything here is byte-compatible with `ssh-keygen -Y sign` / `-Y verify`: the armored form
//! we write is exactly what ssh-keygen writes, Ed25519 signatures are deterministic and equal
//! ssh-keygen's for the same key and message, and our key files are read by ssh-keygen.
//!
//! # Security
//!
//! [`Signature::verify`] only proves that the key *embedded in the signature* signed the
//! message in the given namespace. It says nothing about whether that key may speak for
//! anyone: the caller must still ask [`crate::trust::Trust::authorize`] about the key of
//! [`Signature::public_key`], the document's subject, the namespace and the instant.

mod body;
mod fingerprint;
mod key;
mod namespace;
mod signature;

use std::io;
use std::path::PathBuf;

pub use body::{BODY_SEPARATOR, split_upload_body, upload_body};
pub use fingerprint::Fingerprint;
pub use key::{SigningKey, write_key_pair};
pub use namespace::Namespace;
pub(crate) use signature::check_algorithm;
pub use signature::{MAX_ARMORED_LEN, Signature, sign};

/// What a [`Error::Malformed`] could not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Material {
    /// An OpenSSH private key file (`-----BEGIN OPENSSH PRIVATE KEY-----`).
    PrivateKey,
    /// An OpenSSH public key line (`ssh-ed25519 AAAA... comment`).
    PublicKey,
    /// An armored SSH signature (`-----BEGIN SSH SIGNATURE-----`).
    Signature,
}

impl std::fmt::Display for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Material::PrivateKey => "openssh private key",
            Material::PublicKey => "openssh public key",
            Material::Signature => "ssh signature",
        })
    }
}

/// What a file given as a private key holds instead (see [`Error::NotAPrivateKey`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFileContent {
    /// PEM armour of another kind: `label` is what follows `-----BEGIN ` (`RSA PRIVATE KEY`,
    /// `PRIVATE KEY`, `CERTIFICATE`, …).
    OtherPem {
        /// The armour's label.
        label: String,
    },
    /// An OpenSSH public key line (a `.pub` file, or an `allowed_signers` line).
    PublicKey,
    /// An armored SSH signature.
    Signature,
    /// Something else: no PEM armour at all.
    Unknown,
}

impl std::fmt::Display for KeyFileContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyFileContent::OtherPem { label } => write!(f, "PEM {label:?}"),
            KeyFileContent::PublicKey => f.write_str("an openssh public key"),
            KeyFileContent::Signature => f.write_str("an ssh signature"),
            KeyFileContent::Unknown => f.write_str("no PEM armour"),
        }
    }
}

/// Errors of keys, signatures and upload bodies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The signature is well formed, but the message (or its namespace binding) does not
    /// verify under the key embedded in it: the bytes were changed or the signature forged.
    #[error("signature does not verify: the message was altered or not signed by this key")]
    BadSignature,
    /// Randomness or a cryptographic primitive failed while making a key or signature.
    #[error("cannot {operation}: {source}")]
    Crypto {
        /// What was being done ("generate a key", "sign", "encrypt the key").
        operation: &'static str,
        /// What ssh-key said.
        // Boxed: ssh-key's error (with RSA support) is large, and it travels in every result.
        #[source]
        source: Box<ssh_key::Error>,
    },
    /// A string that is not an SSH key fingerprint `SHA256:<base64>`.
    #[error(
        "not a SHA256 key fingerprint: {input:?} (expected SHA256:<base64>, as ssh-keygen -l prints)"
    )]
    InvalidFingerprint {
        /// The text read (truncated to 200 characters).
        input: String,
    },
    /// A string that is not a usable SSHSIG namespace.
    #[error(
        "not a valid signature namespace: {input:?} (printable ASCII without spaces or commas)"
    )]
    InvalidNamespace {
        /// The text read (truncated to 200 characters).
        input: String,
    },
    /// Writing a key file failed.
    #[error("cannot write key file {}: {}", path.display(), io::Error::from(*kind))]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        kind: io::ErrorKind,
    },
    /// A key file already exists; key files are never overwritten.
    #[error("key file {} already exists; key files are never overwritten", path.display())]
    KeyFileExists {
        /// The existing file.
        path: PathBuf,
    },
    /// Key or signature bytes that could not be decoded.
    #[error("malformed {what}: {source}")]
    Malformed {
        /// What was being read.
        what: Material,
        /// What the decoder said.
        // Boxed: ssh-key's error (with RSA support) is large, and it travels in every result.
        #[source]
        source: Box<ssh_key::Error>,
    },
    /// An upload body without the `-----END SSH SIGNATURE-----\n&` separator.
    #[error(
        "upload body has no signature: separator \"-----END SSH SIGNATURE-----\\n&\" not found"
    )]
    MissingSignature,
    /// Text given as a private key that is no OpenSSH private key at all (not even a broken
    /// one): a public key, a signature, another PEM document, anything else.
    #[error("not an openssh private key: found {found}")]
    NotAPrivateKey {
        /// What the text holds instead.
        found: KeyFileContent,
    },
    /// The signature was made for another namespace than the one the caller expects.
    #[error("signature namespace is {found:?}, expected {expected:?}")]
    NamespaceMismatch {
        /// The namespace the caller asked for.
        expected: Namespace,
        /// The namespace in the signature.
        found: String,
    },
    /// The private key is encrypted and no passphrase was given.
    #[error("private key is encrypted; a passphrase is required")]
    PassphraseRequired,
    /// The armored signature is larger than [`MAX_ARMORED_LEN`].
    #[error("armored signature is {len} bytes, more than the limit of {limit}")]
    SignatureTooLarge {
        /// Length of the input.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A key or signature algorithm this build does not verify or sign with (only Ed25519 and
    /// its FIDO variant `sk-ssh-ed25519@openssh.com` are).
    #[error(
        "unsupported key algorithm {algorithm} (supported: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa with rsa-sha2-256/512 signatures)"
    )]
    UnsupportedAlgorithm {
        /// The algorithm met.
        algorithm: ssh_key::Algorithm,
    },
    /// The passphrase does not decrypt the private key.
    #[error("wrong passphrase for the private key")]
    WrongPassphrase,
}
