//! Private signing keys in the OpenSSH key format, and writing key pairs to disk.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ssh_key::{Algorithm, LineEnding, PrivateKey};
use zeroize::Zeroizing;

use super::{Error, Fingerprint, KeyFileContent, Material};

/// A decrypted private key that can sign. Only Ed25519 keys sign (see [`super::sign`]).
///
/// `Debug` shows the algorithm, fingerprint and comment, never key material; the key bytes
/// are zeroed on drop by ssh-key's key types.
#[derive(Clone)]
pub struct SigningKey(PrivateKey);

impl SigningKey {
    /// Makes a new Ed25519 key from the operating system's random source.
    ///
    /// # Errors
    ///
    /// [`Error::Crypto`] if the key cannot be made.
    pub fn generate(comment: &str) -> Result<SigningKey, Error> {
        let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
        let mut key =
            PrivateKey::random(&mut rng, Algorithm::Ed25519).map_err(|source| Error::Crypto {
                operation: "generate a key",
                source: Box::new(source),
            })?;
        key.set_comment(comment);
        Ok(SigningKey(key))
    }

    /// Reads an OpenSSH private key file (`-----BEGIN OPENSSH PRIVATE KEY-----`), decrypting it
    /// with `passphrase` if it is encrypted. A passphrase given for an unencrypted key is
    /// ignored, as ssh-keygen ignores it.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] if the text is not such a key; [`Error::PassphraseRequired`] if it
    /// is encrypted and `passphrase` is `None`; [`Error::WrongPassphrase`] if the passphrase
    /// does not decrypt it.
    pub fn from_openssh(text: &str, passphrase: Option<&[u8]>) -> Result<SigningKey, Error> {
        let key = parse_private(text)?;
        if !key.is_encrypted() {
            return Ok(SigningKey(key));
        }
        let Some(passphrase) = passphrase else {
            return Err(Error::PassphraseRequired);
        };
        match key.decrypt(passphrase) {
            Ok(key) => Ok(SigningKey(key)),
            // The decrypted "checkint" pair does not match: the passphrase is wrong
            // (OpenSSH PROTOCOL.key). Anything else is a broken file.
            Err(ssh_key::Error::Crypto) => Err(Error::WrongPassphrase),
            Err(source) => Err(Error::Malformed {
                what: Material::PrivateKey,
                source: Box::new(source),
            }),
        }
    }

    /// Whether an OpenSSH private key file is passphrase-protected, so that a caller knows to
    /// ask for a passphrase before [`SigningKey::from_openssh`].
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] if the text is not an OpenSSH private key.
    pub fn is_encrypted_openssh(text: &str) -> Result<bool, Error> {
        Ok(parse_private(text)?.is_encrypted())
    }

    /// The public half, with the key's comment.
    pub fn public_key(&self) -> ssh_key::PublicKey {
        self.0.public_key().clone()
    }

    /// The public key as one OpenSSH line, `ssh-ed25519 AAAA... comment`, without a newline.
    pub fn public_line(&self) -> String {
        // Encoding a public key taken from a valid private key cannot fail; an empty line
        // (which no reader accepts) is the fallback rather than a panic.
        self.0
            .public_key()
            .to_openssh()
            .unwrap_or_else(|_| String::new())
    }

    /// The SHA-256 fingerprint of the public half.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.0.public_key())
    }

    /// The key's comment.
    pub fn comment(&self) -> &str {
        self.0.comment().as_str_lossy()
    }

    /// The OpenSSH private key file text. With a non-empty passphrase the key is encrypted
    /// like `ssh-keygen -N` does (aes256-ctr, bcrypt-pbkdf); `None` or an empty passphrase
    /// writes it unencrypted, as `ssh-keygen -N ''` does.
    ///
    /// # Errors
    ///
    /// [`Error::Crypto`] if encryption or encoding fails.
    pub fn to_openssh(&self, passphrase: Option<&[u8]>) -> Result<Zeroizing<String>, Error> {
        let encode = |key: &PrivateKey| {
            key.to_openssh(LineEnding::LF)
                .map_err(|source| Error::Crypto {
                    operation: "encode the key",
                    source: Box::new(source),
                })
        };
        match passphrase {
            Some(pass) if !pass.is_empty() => {
                let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
                let encrypted = self
                    .0
                    .encrypt(&mut rng, pass)
                    .map_err(|source| Error::Crypto {
                        operation: "encrypt the key",
                        source: Box::new(source),
                    })?;
                encode(&encrypted)
            }
            _ => encode(&self.0),
        }
    }

    /// The underlying ssh-key value.
    pub fn as_private_key(&self) -> &PrivateKey {
        &self.0
    }
}

fn parse_private(text: &str) -> Result<PrivateKey, Error> {
    PrivateKey::from_openssh(text.trim_start()).map_err(|source| match content(text) {
        Some(found) => Error::NotAPrivateKey { found },
        None => Error::Malformed {
            what: Material::PrivateKey,
            source: Box::new(source),
        },
    })
}

/// What `text`, which is no readable OpenSSH private key, holds instead; `None` when it is a
/// broken one (it has the armour). The common mistake is the `.pub` file beside the key: the
/// decoder would only say that its PEM preamble is invalid.
fn content(text: &str) -> Option<KeyFileContent> {
    const BEGIN: &str = "-----BEGIN ";
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix(BEGIN) {
        let label = rest.split("-----").next().unwrap_or_default();
        return match label {
            "OPENSSH PRIVATE KEY" => None,
            "SSH SIGNATURE" => Some(KeyFileContent::Signature),
            other => Some(KeyFileContent::OtherPem {
                label: other.chars().take(40).collect(),
            }),
        };
    }
    // A `.pub` file is one key line; an allowed_signers line has principals (and options)
    // before the key type.
    let first = text.lines().next().unwrap_or_default();
    let words: Vec<&str> = first.split_whitespace().collect();
    let is_key = |i: usize| {
        words
            .get(i..)
            .is_some_and(|w| ssh_key::PublicKey::from_openssh(&w.join(" ")).is_ok())
    };
    if (0..words.len().min(3)).any(is_key) {
        Some(KeyFileContent::PublicKey)
    } else {
        Some(KeyFileContent::Unknown)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.0.algorithm().as_str())
            .field("fingerprint", &self.fingerprint().to_string())
            .field("comment", &self.comment())
            .finish_non_exhaustive()
    }
}

/// Writes a key pair like `ssh-keygen -f path`: the private key at `path` (mode 0600) and the
/// public line at `path.pub` (mode 0644).
///
/// Neither file may exist beforehand: key files are never overwritten (both are created with
/// `create_new`, so a race with another writer fails too). If anything fails after the first
/// file was created, the files this call created are removed again, so nothing half-written
/// remains.
///
/// # Errors
///
/// [`Error::KeyFileExists`] if either file exists; [`Error::Io`] with the path and error kind
/// if creating or writing fails; [`Error::Crypto`] if the key cannot be encoded.
pub fn write_key_pair(
    path: &Path,
    key: &SigningKey,
    passphrase: Option<&[u8]>,
) -> Result<(), Error> {
    let pub_path = public_path(path);
    let private_text = key.to_openssh(passphrase)?;
    let public_text = format!("{}\n", key.public_line());

    // Refuse early when either file exists (naming the private one first, as the user named
    // it), so we do not create and then remove the private one; `create_new` below still
    // guards against a race.
    for existing in [path, pub_path.as_path()] {
        if fs::symlink_metadata(existing).is_ok() {
            return Err(Error::KeyFileExists {
                path: existing.to_owned(),
            });
        }
    }
    let private = create_new(path, 0o600)?;
    let result = write_all(private, path, private_text.as_bytes()).and_then(|()| {
        let public = create_new(&pub_path, 0o644)?;
        write_all(public, &pub_path, public_text.as_bytes()).inspect_err(|_| {
            let _ = fs::remove_file(&pub_path);
        })
    });
    if result.is_err() {
        let _ = fs::remove_file(path);
    }
    result
}

fn public_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

fn create_new(path: &Path, mode: u32) -> Result<File, Error> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path).map_err(|err| match err.kind() {
        io::ErrorKind::AlreadyExists => Error::KeyFileExists {
            path: path.to_owned(),
        },
        kind => Error::Io {
            path: path.to_owned(),
            kind,
        },
    })
}

fn write_all(mut file: File, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|err| Error::Io {
            path: path.to_owned(),
            kind: err.kind(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROTECTED: &str = include_str!("../../tests/fixtures/keys/protected");
    const PASSPHRASE: &[u8] = include_bytes!("../../tests/fixtures/keys/protected.passphrase");
    const PROTECTED_PUB: &str = include_str!("../../tests/fixtures/keys/protected.pub");

    #[test]
    fn passphrase_protected_key() {
        assert!(SigningKey::is_encrypted_openssh(PROTECTED).unwrap());
        assert_eq!(
            SigningKey::from_openssh(PROTECTED, None).unwrap_err(),
            Error::PassphraseRequired
        );
        assert_eq!(
            SigningKey::from_openssh(PROTECTED, Some(b"wrong")).unwrap_err(),
            Error::WrongPassphrase
        );
        let key = SigningKey::from_openssh(PROTECTED, Some(PASSPHRASE)).unwrap();
        assert_eq!(key.public_line(), PROTECTED_PUB.trim_end());
    }

    #[test]
    fn generated_key_round_trips_and_hides_secrets() {
        let key = SigningKey::generate("someone@test").unwrap();
        let text = key.to_openssh(None).unwrap();
        assert!(!SigningKey::is_encrypted_openssh(&text).unwrap());
        let again = SigningKey::from_openssh(&text, None).unwrap();
        assert_eq!(again.public_line(), key.public_line());
        assert!(key.public_line().starts_with("ssh-ed25519 AAAA"));
        assert!(key.public_line().ends_with(" someone@test"));

        let locked = key.to_openssh(Some(b"pw")).unwrap();
        assert!(SigningKey::is_encrypted_openssh(&locked).unwrap());
        let unlocked = SigningKey::from_openssh(&locked, Some(b"pw")).unwrap();
        assert_eq!(unlocked.public_key(), key.public_key());

        let debug = format!("{key:?}");
        assert!(debug.contains("SHA256:"), "{debug}");
        assert!(!debug.contains("private"), "{debug}");
        // Issue 13: text that is no private key at all says what it is instead; a broken
        // private key is malformed.
        assert_eq!(
            SigningKey::from_openssh("garbage", None).unwrap_err(),
            Error::NotAPrivateKey {
                found: KeyFileContent::Unknown
            }
        );
        let broken =
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
        assert_eq!(
            SigningKey::from_openssh(broken, None).unwrap_err(),
            Error::Malformed {
                what: Material::PrivateKey,
                source: Box::new(PrivateKey::from_openssh(broken).unwrap_err())
            }
        );
    }

    #[test]
    fn public_keys_signatures_and_other_pem_are_named_not_malformed() {
        let not = |text: &str| match SigningKey::is_encrypted_openssh(text) {
            Err(Error::NotAPrivateKey { found }) => found,
            other => panic!("{other:?}"),
        };
        assert_eq!(not(PROTECTED_PUB), KeyFileContent::PublicKey);
        let line = format!("cloud-a namespaces=\"report\" {PROTECTED_PUB}");
        assert_eq!(not(&line), KeyFileContent::PublicKey);
        let signature = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n";
        assert_eq!(not(signature), KeyFileContent::Signature);
        assert_eq!(
            not("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"),
            KeyFileContent::OtherPem {
                label: "RSA PRIVATE KEY".into()
            }
        );
        assert_eq!(not("---\nsubject: a\n"), KeyFileContent::Unknown);
        assert_eq!(not(""), KeyFileContent::Unknown);
    }
}
