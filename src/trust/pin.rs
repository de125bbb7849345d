//! Forum keys pinned out of band. A registry, a clone or a record file carries its own
//! `keys/allowed_signers`: everything in it verifies against those keys, so a copy re-made
//! from scratch with another key verifies just as well. Only keys learned elsewhere (the
//! forum's web site, an announcement) tell the two apart; the verifier passes them as
//! `--expect-key` and [`check`] holds the keys an answer rested on against them.

use std::collections::BTreeSet;
use std::fmt;

use crate::sig::Fingerprint;

/// Why the keys an answer rested on are not the expected ones.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinMismatch {
    /// Keys were trusted that the verifier did not expect: someone else could have signed.
    Unexpected {
        /// The trusted keys not expected.
        unexpected: Vec<Fingerprint>,
    },
    /// No key was trusted at all, so nothing the verifier expects vouches for the answer.
    NoneTrusted,
}

impl fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinMismatch::Unexpected { unexpected } => {
                let list: Vec<String> = unexpected.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "the forum keys trusted here include {} not among the expected keys (--expect-key)",
                    list.join(", ")
                )
            }
            PinMismatch::NoneTrusted => f.write_str(
                "no forum key is trusted here, so none of the expected keys (--expect-key) vouches for it",
            ),
        }
    }
}

impl std::error::Error for PinMismatch {}

/// Holds the keys an answer rested on (`trusted`) against the `expected` ones. Every trusted
/// key must be expected; expected keys that are not trusted are fine (a key the forum
/// announced before this copy saw it, or one retired long before its history began), so a
/// verifier can pin the old and the new key across a rotation.
///
/// # Errors
///
/// [`PinMismatch`] when a trusted key is not expected, or no key is trusted.
pub fn check(
    trusted: &BTreeSet<Fingerprint>,
    expected: &BTreeSet<Fingerprint>,
) -> Result<(), PinMismatch> {
    if trusted.is_empty() {
        return Err(PinMismatch::NoneTrusted);
    }
    let unexpected: Vec<Fingerprint> = trusted.difference(expected).copied().collect();
    if unexpected.is_empty() {
        Ok(())
    } else {
        Err(PinMismatch::Unexpected { unexpected })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(byte: u8) -> Fingerprint {
        let key = ssh_key::public::Ed25519PublicKey([byte; 32]);
        Fingerprint::of_key_data(&ssh_key::public::KeyData::Ed25519(key))
    }

    #[test]
    fn every_trusted_key_must_be_expected() {
        let set = |b: &[u8]| b.iter().map(|&b| fp(b)).collect::<BTreeSet<_>>();
        assert_eq!(check(&set(&[1]), &set(&[1])), Ok(()));
        assert_eq!(
            check(&set(&[1]), &set(&[1, 2])),
            Ok(()),
            "a rotation pinned"
        );
        assert_eq!(
            check(&set(&[1, 3]), &set(&[1, 2])),
            Err(PinMismatch::Unexpected {
                unexpected: vec![fp(3)]
            })
        );
        assert_eq!(check(&set(&[]), &set(&[1])), Err(PinMismatch::NoneTrusted));
    }
}
