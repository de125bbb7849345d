//! OpenSSH allowed-signers files (ssh-keygen(1), section ALLOWED SIGNERS; OpenSSH `sshsig.c`
//! `parse_principals_key_and_options`, `sshsigopt_parse`, `check_allowed_keys_line`).
//!
//! ```text
//! # comment
//! principals [options] keytype base64 [comment]
//! regio-a,pco-* namespaces="report",valid-after="20260101Z" ssh-ed25519 AAAA...
//! ```
//!
//! Differences from ssh-keygen, on purpose:
//!
//! - Timestamps without a `Z`/`UTC` suffix are local time for ssh-keygen; we read them as UTC
//!   (the library has no time zone; DESIGN §4 "every instant is UTC").
//! - `valid-before` is inclusive, as ssh-keygen(1) documents it ("valid for use at or before"):
//!   `valid-after <= at <= valid-before`, the same decision `ssh-keygen -Y verify` makes.
//! - Every line is checked when the file is read; ssh-keygen only parses lines whose
//!   principals match the principal it is asked about, so it can miss a broken line.

mod line;

use line::parse_line;

use std::str::FromStr;

use super::pattern::allows;
use super::{AuthorizedSigner, Error, Refusal, same_key};
use crate::sig::{Fingerprint, Namespace};
use crate::subject::Subject;
use crate::time::Instant;

/// A parsed allowed-signers file.
#[derive(Clone, Debug)]
pub struct AllowedSigners {
    origin: String,
    entries: Vec<Entry>,
    unsupported: Vec<(usize, String)>,
}

/// One line of an allowed-signers file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    line: usize,
    principals: String,
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<Instant>,
    valid_before: Option<Instant>,
    key: ssh_key::PublicKey,
}

impl Entry {
    /// 1-based line number in the file.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The principals pattern list, as written (quotes removed).
    pub fn principals(&self) -> &str {
        &self.principals
    }

    /// Whether the line carries `cert-authority`. Such lines name a CA key and never authorize
    /// a plain key, as in ssh-keygen.
    pub fn is_cert_authority(&self) -> bool {
        self.cert_authority
    }

    /// The `namespaces="..."` pattern list, if present.
    pub fn namespaces(&self) -> Option<&str> {
        self.namespaces.as_deref()
    }

    /// The `valid-after` instant, if present (inclusive).
    pub fn valid_after(&self) -> Option<Instant> {
        self.valid_after
    }

    /// The `valid-before` instant, if present (inclusive, as in ssh-keygen).
    pub fn valid_before(&self) -> Option<Instant> {
        self.valid_before
    }

    /// The public key of the line.
    pub fn key(&self) -> &ssh_key::PublicKey {
        &self.key
    }
}

/// What is wrong with one allowed-signers line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineProblem {
    /// An option given twice.
    #[error("option {option:?} given more than once")]
    DuplicateOption {
        /// The option.
        option: &'static str,
    },
    /// `valid-before` is not after `valid-after`.
    #[error("valid-before is not after valid-after")]
    EmptyValidity,
    /// The key could not be read.
    #[error("invalid public key: {source}")]
    InvalidKey {
        /// What ssh-key said.
        // Boxed: ssh-key's error (with RSA support) is large, and it travels in every result.
        #[source]
        source: Box<ssh_key::Error>,
    },
    /// A timestamp that is not `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`.
    #[error("invalid {option} time {value:?} (expected YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z])")]
    InvalidTime {
        /// The option.
        option: &'static str,
        /// The value as written.
        value: String,
    },
    /// The line ends before a key.
    #[error("missing public key")]
    MissingKey,
    /// A key of a type this tool does not verify with (its line is left out; the rest of
    /// the file stands).
    #[error("key type {key_type} is not supported (its line is ignored)")]
    UnsupportedKeyType {
        /// The key type as written.
        key_type: String,
    },
    /// An option ssh-keygen does not know, or junk after an option.
    #[error(
        "unknown option {text:?} (known: cert-authority, namespaces, valid-after, valid-before)"
    )]
    UnknownOption {
        /// The text from the unknown option to the end of the options.
        text: String,
    },
    /// An option value without its double quotes.
    #[error("value of option {option:?} must be in double quotes")]
    UnquotedValue {
        /// The option.
        option: &'static str,
    },
    /// A double quote that is never closed.
    #[error("unterminated double quote")]
    UnterminatedQuote,
}

impl AllowedSigners {
    /// Reads an allowed-signers file; `origin` (a path or description) goes into errors.
    ///
    /// # Errors
    ///
    /// [`Error::AllowedSigners`] naming `origin` and the line of the first invalid line.
    pub fn parse(text: &str, origin: &str) -> Result<AllowedSigners, Error> {
        let mut entries = Vec::new();
        let mut unsupported = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            match parse_line(raw, line) {
                Ok(Some(entry)) => entries.push(entry),
                Ok(None) => {}
                Err(LineProblem::UnsupportedKeyType { key_type }) => {
                    unsupported.push((line, key_type));
                }
                Err(problem) => {
                    return Err(Error::AllowedSigners {
                        origin: origin.to_owned(),
                        line,
                        problem,
                    });
                }
            }
        }
        Ok(AllowedSigners {
            origin: origin.to_owned(),
            entries,
            unsupported,
        })
    }

    /// Lines left out because their key type is not supported: (1-based line, key type). A
    /// signature by such a key does not verify; every other line stands.
    pub fn unsupported(&self) -> &[(usize, String)] {
        &self.unsupported
    }

    /// Where the file came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The lines that carry a key, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether a non-CA line carries this key.
    pub fn knows_key(&self, key: &ssh_key::PublicKey) -> bool {
        self.entries
            .iter()
            .any(|e| !e.cert_authority && same_key(&e.key, key))
    }

    /// Whether some line of the file (any principal) carries `key`, allows `namespace` and is
    /// valid at `at` (`valid-after <= at <= valid-before`, as in ssh-keygen); otherwise the
    /// refusal of the first line with the key. This is how git judges a commit signer
    /// (`ssh-keygen -Y find-principals` then `-Overify-time`), and how the registry judges the
    /// forum's keys: for commits (`git`), certificate records and manual checks.
    ///
    /// # Errors
    ///
    /// The [`SignerRefusal`] of the first line with the key, or
    /// [`SignerRefusal::UnknownKey`].
    pub fn authorize_key(
        &self,
        key: &ssh_key::PublicKey,
        namespace: &str,
        at: Instant,
    ) -> Result<(), SignerRefusal> {
        let mut refusal = None;
        for entry in &self.entries {
            if entry.cert_authority || !same_key(&entry.key, key) {
                continue;
            }
            match entry.judge(namespace, at) {
                Ok(()) => return Ok(()),
                Err(this) => {
                    refusal.get_or_insert(this);
                }
            }
        }
        Err(refusal.unwrap_or(SignerRefusal::UnknownKey))
    }

    /// See [`super::Trust::authorize`]. A key on several lines is authorized if any line
    /// allows it; otherwise the refusal of the first line that matched the subject is given
    /// (namespace or time), else [`Refusal::NotAllowedForSubject`].
    ///
    /// # Errors
    ///
    /// The [`Refusal`] as above.
    pub fn authorize(
        &self,
        key: &ssh_key::PublicKey,
        subject: &Subject,
        namespace: &Namespace,
        at: Instant,
    ) -> Result<AuthorizedSigner, Refusal> {
        let fingerprint = Fingerprint::of(key);
        let mut known = false;
        let mut refusal = None;
        for entry in &self.entries {
            if entry.cert_authority || !same_key(&entry.key, key) {
                continue;
            }
            known = true;
            if !allows(&entry.principals, subject.as_str()) {
                continue;
            }
            let this = match entry.judge(namespace.as_str(), at) {
                Ok(()) => {
                    return Ok(AuthorizedSigner {
                        principal: subject.clone(),
                        fingerprint: Some(fingerprint),
                        key_name: None,
                        via_delegation: None,
                        sigstore: None,
                    });
                }
                Err(SignerRefusal::NotYetValid { valid_after }) => Refusal::NotYetValid {
                    fingerprint,
                    valid_after,
                },
                Err(SignerRefusal::Expired { valid_before }) => Refusal::Expired {
                    fingerprint,
                    valid_before,
                },
                Err(SignerRefusal::NamespaceNotAllowed | SignerRefusal::UnknownKey) => {
                    Refusal::NamespaceNotAllowed {
                        fingerprint,
                        namespace: namespace.clone(),
                    }
                }
            };
            refusal.get_or_insert(this);
        }
        Err(match (known, refusal) {
            (false, _) => Refusal::KeyUnknown { fingerprint },
            (true, Some(refusal)) => refusal,
            (true, None) => Refusal::NotAllowedForSubject {
                fingerprint,
                subject: subject.clone(),
            },
        })
    }
}

impl Entry {
    /// Whether this line, whose key matched, allows `namespace` at `at`.
    fn judge(&self, namespace: &str, at: Instant) -> Result<(), SignerRefusal> {
        if self
            .namespaces
            .as_deref()
            .is_some_and(|list| !allows(list, namespace))
        {
            Err(SignerRefusal::NamespaceNotAllowed)
        } else if let Some(valid_after) = self.valid_after.filter(|&va| at < va) {
            Err(SignerRefusal::NotYetValid { valid_after })
        } else if let Some(valid_before) = self.valid_before.filter(|&vb| at > vb) {
            Err(SignerRefusal::Expired { valid_before })
        } else {
            Ok(())
        }
    }
}

/// Why a line of an allowed-signers file does not allow a key, whatever principal it names.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignerRefusal {
    /// No (non-`cert-authority`) line carries the key.
    UnknownKey,
    /// The lines with the key restrict `namespaces=` to a list without the namespace asked.
    NamespaceNotAllowed,
    /// The key's line becomes valid only after the instant asked about.
    NotYetValid {
        /// The line's `valid-after`.
        valid_after: Instant,
    },
    /// The key's line expired before the instant asked about.
    Expired {
        /// The line's `valid-before`.
        valid_before: Instant,
    },
}

impl std::fmt::Display for SignerRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let iso = |t: &Instant| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        match self {
            SignerRefusal::UnknownKey => f.write_str("the key is not in the allowed signers"),
            SignerRefusal::NamespaceNotAllowed => {
                f.write_str("the key is not allowed to sign in this namespace")
            }
            SignerRefusal::NotYetValid { valid_after } => {
                write!(f, "the key is valid only after {}", iso(valid_after))
            }
            SignerRefusal::Expired { valid_before } => {
                write!(f, "the key expired at {}", iso(valid_before))
            }
        }
    }
}

impl FromStr for AllowedSigners {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AllowedSigners::parse(s, "<allowed signers>")
    }
}

#[cfg(test)]
mod tests {
    use super::line::parse_time;
    use super::*;

    const ALICE: &str = include_str!("../../tests/fixtures/keys/alice.pub");

    fn t(s: &str) -> Instant {
        parse_time(s).unwrap()
    }

    #[test]
    fn times() {
        assert_eq!(t("20260101"), t("20260101Z"));
        assert_eq!(t("202601011230"), t("20260101123000UTC"));
        assert_eq!(parse_time("2026010"), None);
        assert_eq!(parse_time("20261301"), None);
        assert_eq!(parse_time("2026-01-01"), None);
        assert_eq!(parse_time("+0260101"), None);
    }

    #[test]
    fn lines_and_options() {
        let key = ALICE.trim_end();
        let text = format!(
            "# comment\n\n  \t\nregio-a {key}\n\"a,b\" Cert-Authority,namespaces=\"report,git\",valid-after=\"20260101\",valid-before=\"20270101Z\" {key}\n"
        );
        let a = AllowedSigners::parse(&text, "f").unwrap();
        assert_eq!(a.entries().len(), 2);
        assert_eq!(a.entries()[0].line(), 4);
        let e = &a.entries()[1];
        assert_eq!(e.principals(), "a,b");
        assert!(e.is_cert_authority());
        assert_eq!(e.namespaces(), Some("report,git"));
        assert_eq!(e.valid_after(), Some(t("20260101")));
        assert_eq!(e.valid_before(), Some(t("20270101")));
    }

    #[test]
    fn invalid_lines_name_their_line() {
        let key = ALICE.trim_end();
        let cases: Vec<(String, LineProblem)> = vec![
            ("x".into(), LineProblem::MissingKey),
            ("x namespaces=\"a\"".into(), LineProblem::MissingKey),
            (
                format!("x foo {key}"),
                LineProblem::UnknownOption { text: "foo".into() },
            ),
            (
                format!("x namespaces=report {key}"),
                LineProblem::UnquotedValue {
                    option: "namespaces",
                },
            ),
            (
                format!("x valid-after=\"2026\" {key}"),
                LineProblem::InvalidTime {
                    option: "valid-after",
                    value: "2026".into(),
                },
            ),
            (
                format!("x valid-after=\"20270101\",valid-before=\"20260101\" {key}"),
                LineProblem::EmptyValidity,
            ),
            (
                format!("x namespaces=\"a\",namespaces=\"b\" {key}"),
                LineProblem::DuplicateOption {
                    option: "namespaces",
                },
            ),
            (
                format!("x cert-authority, {key}"),
                LineProblem::UnknownOption { text: ",".into() },
            ),
            (
                format!("x namespaces=\"a {key}"),
                LineProblem::UnterminatedQuote,
            ),
        ];
        for (line, problem) in cases {
            let text = format!("# first\n{line}\n");
            assert_eq!(
                AllowedSigners::parse(&text, "allowed").unwrap_err(),
                Error::AllowedSigners {
                    origin: "allowed".into(),
                    line: 2,
                    problem
                },
                "{line}"
            );
        }
        let bad_key = AllowedSigners::parse("x ssh-ed25519 AAAAnotbase64!", "f").unwrap_err();
        assert!(matches!(
            bad_key,
            Error::AllowedSigners {
                line: 1,
                problem: LineProblem::InvalidKey { .. },
                ..
            }
        ));
    }
}
