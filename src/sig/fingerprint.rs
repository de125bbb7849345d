//! SHA-256 key fingerprints, as `ssh-keygen -l` prints them.

use std::fmt;
use std::str::FromStr;

use ssh_key::HashAlg;

use super::Error;

/// The SHA-256 fingerprint of a public key: `SHA256:<base64 without padding>`, the form
/// `ssh-keygen -l` and `ssh-keygen -Y verify` print. It hashes the key blob only, so the key's
/// comment does not change it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of `key`.
    pub fn of(key: &ssh_key::PublicKey) -> Fingerprint {
        Fingerprint::of_key_data(key.key_data())
    }

    /// The fingerprint of a bare key blob.
    pub fn of_key_data(key: &ssh_key::public::KeyData) -> Fingerprint {
        match ssh_key::Fingerprint::new(HashAlg::Sha256, key) {
            ssh_key::Fingerprint::Sha256(bytes) => Fingerprint(bytes),
            // `new(HashAlg::Sha256, ..)` always returns the Sha256 variant; hash again
            // ourselves rather than panic should that ever change.
            _ => Fingerprint(sha256_of_blob(key)),
        }
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

fn sha256_of_blob(key: &ssh_key::public::KeyData) -> [u8; 32] {
    use sha2::Digest;
    use ssh_key::encoding::Encode;
    // Encoding a decoded key into a Vec cannot fail short of allocation failure; an empty
    // blob would only yield a fingerprint matching no real key.
    let blob = key.encode_vec().unwrap_or_default();
    sha2::Sha256::digest(&blob).into()
}

impl From<&ssh_key::PublicKey> for Fingerprint {
    fn from(key: &ssh_key::PublicKey) -> Self {
        Fingerprint::of(key)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&ssh_key::Fingerprint::Sha256(self.0), f)
    }
}

impl FromStr for Fingerprint {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || Error::InvalidFingerprint {
            input: s.chars().take(200).collect(),
        };
        if !s.starts_with("SHA256:") {
            return Err(invalid());
        }
        match s.parse::<ssh_key::Fingerprint>() {
            Ok(ssh_key::Fingerprint::Sha256(bytes)) => {
                let fp = Fingerprint(bytes);
                // Base64 with non-zero trailing bits decodes too; insist on the one canonical
                // spelling so that Display/FromStr round-trip exactly.
                if fp.to_string() == s {
                    Ok(fp)
                } else {
                    Err(invalid())
                }
            }
            _ => Err(invalid()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = include_str!("../../tests/fixtures/keys/alice.pub");

    #[test]
    fn matches_ssh_keygen_and_round_trips() {
        let key = ssh_key::PublicKey::from_openssh(ALICE).unwrap();
        let fp = Fingerprint::of(&key);
        // `ssh-keygen -l -f tests/fixtures/keys/alice.pub`
        assert_eq!(
            fp.to_string(),
            "SHA256:l+B95QwIPGYu0w9xdCxvAY3265MPMs5Y6bA/TzQl7DE"
        );
        assert_eq!(fp.to_string().parse::<Fingerprint>().unwrap(), fp);
        for bad in [
            "",
            "MD5:aa",
            "SHA512:abc",
            "SHA256:",
            "SHA256:2B6M9sXW4ivTd2Pg=",
        ] {
            assert!(
                matches!(
                    bad.parse::<Fingerprint>(),
                    Err(Error::InvalidFingerprint { .. })
                ),
                "{bad}"
            );
        }
    }
}
