//! SSHSIG namespaces: the purpose a signature was made for (`PROTOCOL.sshsig`: "namespace").

use std::fmt;
use std::str::FromStr;

use super::Error;

/// An SSHSIG namespace. A signature made for one namespace never verifies for another, so a
/// report signature cannot be replayed as a certificate signature (`PROTOCOL.sshsig`).
///
/// Valid namespaces are non-empty printable ASCII without spaces or commas: the comma is the
/// separator of `namespaces="a,b"` in an allowed-signers file, and ssh-keygen takes the
/// namespace as one command-line word.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Namespace(String);

/// Longest namespace accepted; OpenSSH sets no limit, ours keeps error messages bounded.
const MAX_NAMESPACE_LEN: usize = 256;

impl Namespace {
    /// `report`: compliance reports, as upstream's runner signs them (`scs-test-runner.py`).
    pub fn report() -> Namespace {
        Namespace("report".to_owned())
    }

    /// `scs-certificate`: certificate records signed by the forum key.
    pub fn certificate() -> Namespace {
        Namespace("scs-certificate".to_owned())
    }

    /// `git`: signed commits, as git's `gpg.format=ssh` makes them.
    pub fn git() -> Namespace {
        Namespace("git".to_owned())
    }

    /// The namespace as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Namespace {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = !s.is_empty()
            && s.len() <= MAX_NAMESPACE_LEN
            && s.bytes().all(|b| b.is_ascii_graphic() && b != b',');
        if ok {
            Ok(Namespace(s.to_owned()))
        } else {
            Err(Error::InvalidNamespace {
                input: s.chars().take(200).collect(),
            })
        }
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_and_parsing() {
        assert_eq!(Namespace::report().as_str(), "report");
        assert_eq!(Namespace::certificate().to_string(), "scs-certificate");
        assert_eq!("git".parse::<Namespace>().unwrap(), Namespace::git());
        assert_eq!(
            "file@example.org".parse::<Namespace>().unwrap().as_str(),
            "file@example.org"
        );
        for bad in ["", "a b", "a,b", "tab\t", "ä"] {
            assert!(
                matches!(
                    bad.parse::<Namespace>(),
                    Err(Error::InvalidNamespace { .. })
                ),
                "{bad:?}"
            );
        }
    }
}
