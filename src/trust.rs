//! Who may sign for which subject: OpenSSH allowed-signers files and compliance-monitor
//! bootstrap files.
//!
//! A verified signature ([`crate::sig::Signature::verify`]) only says which key signed. The
//! [`Trust`] in force says whether that key may sign documents about a given subject, in a
//! given namespace, at a given instant, and names the [`AuthorizedSigner`] if so.
//!
//! Upstream ties a report signature to the *uploading account* (scs-upstream.md §3.2 step 4,
//! §8 item 11). Here the binding is to the document's subject: the subject's own keys, or
//! (bootstrap files) the keys of accounts the subject lists as `delegates`.

mod allowed_signers;
mod bootstrap;
mod pattern;
pub mod pin;

use crate::sig::{Fingerprint, Namespace};
use crate::subject::Subject;
use crate::time::{Instant, format_instant};
use crate::yaml::Position;

pub use allowed_signers::{AllowedSigners, Entry, LineProblem, SignerRefusal};
pub use bootstrap::{Account, AccountKey, Bootstrap, BootstrapProblem, Role};

/// The trust in force: one allowed-signers file or one bootstrap file.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Trust {
    /// An OpenSSH allowed-signers file; principals are subjects.
    AllowedSigners(AllowedSigners),
    /// A compliance-monitor `bootstrap.yaml`.
    Bootstrap(Bootstrap),
}

impl Trust {
    /// May the key that made a signature sign documents about `subject` in `namespace` at
    /// `at`? Returns who signed, or why not.
    ///
    /// # Errors
    ///
    /// A [`Refusal`] saying why the key may not sign.
    pub fn authorize(
        &self,
        key: &ssh_key::PublicKey,
        subject: &Subject,
        namespace: &Namespace,
        at: Instant,
    ) -> Result<AuthorizedSigner, Refusal> {
        match self {
            Trust::AllowedSigners(a) => a.authorize(key, subject, namespace, at),
            Trust::Bootstrap(b) => b.authorize(key, subject, namespace),
        }
    }

    /// Whether the key occurs at all (for any subject); certificate-authority lines do not
    /// count, since they never authorize a plain key.
    pub fn knows_key(&self, key: &ssh_key::PublicKey) -> bool {
        match self {
            Trust::AllowedSigners(a) => a.knows_key(key),
            Trust::Bootstrap(b) => b.knows_key(key),
        }
    }

    /// The keys that may sign for `subject` here, and its delegates: what a refused signer is
    /// told to compare its key with. An allowed-signers file names keys, not their owners: its
    /// keys for `subject` are every key on a line whose principals match it, and it knows no
    /// delegates.
    pub fn known_signers(&self, subject: &Subject) -> KnownSigners {
        let mut known = KnownSigners {
            subject: subject.clone(),
            keys: Vec::new(),
            delegates: Vec::new(),
        };
        match self {
            Trust::AllowedSigners(a) => {
                for e in a.entries() {
                    if !e.is_cert_authority() && pattern::allows(e.principals(), subject.as_str()) {
                        known.add_key(Fingerprint::of(e.key()));
                    }
                }
            }
            Trust::Bootstrap(b) => {
                if let Some(account) = b.account(subject) {
                    for k in account.keys() {
                        known.add_key(k.fingerprint());
                    }
                    known.delegates = account.delegates().to_vec();
                }
            }
        }
        known
    }
}

/// Who may sign for a subject: its keys (fingerprints, in the order the trust lists them) and
/// the delegates whose keys may sign for it too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownSigners {
    /// The subject.
    pub subject: Subject,
    /// Its own keys.
    pub keys: Vec<Fingerprint>,
    /// The accounts it lets sign for it.
    pub delegates: Vec<Subject>,
}

impl KnownSigners {
    /// Adds `key` unless it is listed already.
    pub fn add_key(&mut self, key: Fingerprint) {
        if !self.keys.contains(&key) {
            self.keys.push(key);
        }
    }
}

impl std::fmt::Display for KnownSigners {
    /// `cloud-c's keys: SHA256:…, SHA256:… (delegates: ci-runner)`, or `cloud-c has no key
    /// here`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<String> = self.keys.iter().map(ToString::to_string).collect();
        if keys.is_empty() {
            write!(f, "{} has no key here", self.subject)?;
        } else {
            write!(f, "{}'s keys: {}", self.subject, keys.join(", "))?;
        }
        if !self.delegates.is_empty() {
            let delegates: Vec<&str> = self.delegates.iter().map(Subject::as_str).collect();
            write!(f, " (delegates: {})", delegates.join(", "))?;
        }
        Ok(())
    }
}

/// Who signed: the principal (allowed-signers) or account (bootstrap) the key belongs to, the
/// key's fingerprint, and, for a delegated signature, the delegate account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizedSigner {
    principal: Subject,
    fingerprint: Option<Fingerprint>,
    key_name: Option<String>,
    via_delegation: Option<Subject>,
    sigstore: Option<String>,
}

impl AuthorizedSigner {
    /// The principal or account whose key signed. For allowed-signers files this is the
    /// subject asked about (the line's pattern list matched it); for bootstrap files the
    /// account owning the key, which is the delegate for a delegated signature.
    pub fn principal(&self) -> &Subject {
        &self.principal
    }

    /// A Sigstore signer bound to `principal`: `label` names the identity or managed key;
    /// `via` is the subject's delegate account when the binding is not the subject's own.
    #[cfg(feature = "sigstore")]
    pub(crate) fn sigstore(
        principal: Subject,
        label: String,
        via: Option<Subject>,
    ) -> AuthorizedSigner {
        AuthorizedSigner {
            principal,
            fingerprint: None,
            key_name: None,
            via_delegation: via,
            sigstore: Some(label),
        }
    }

    /// Fingerprint of the signing SSH key; `None` for a Sigstore signer.
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        self.fingerprint
    }

    /// The Sigstore identity (`issuer identity`) or managed key that signed, if Sigstore.
    pub fn sigstore_identity(&self) -> Option<&str> {
        self.sigstore.as_deref()
    }

    /// The bootstrap `public_key_name` of the key, if it came from a bootstrap file.
    pub fn key_name(&self) -> Option<&str> {
        self.key_name.as_deref()
    }

    /// The account that signed on the subject's behalf, when the key is not the subject's own
    /// but a delegate's (bootstrap files, and subject records through [`Self::held_by`]).
    pub fn via_delegation(&self) -> Option<&Subject> {
        self.via_delegation.as_ref()
    }

    /// The same signer named after `holder`, the subject whose key signed for `subject`: a
    /// delegate when it is not `subject` itself. For trust that knows whose keys are whose
    /// (subject records) where an allowed-signers file, which does not, made the decision.
    #[must_use]
    pub fn held_by(mut self, holder: &Subject, subject: &Subject) -> AuthorizedSigner {
        self.via_delegation = (holder != subject).then(|| holder.clone());
        self.principal = holder.clone();
        self
    }
}

impl std::fmt::Display for AuthorizedSigner {
    /// `principal (SHA256:…)`, the way verify output names who signed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.fingerprint, &self.sigstore) {
            (Some(fp), _) => write!(f, "{} ({fp})", self.principal),
            (None, Some(label)) => write!(f, "{} ({label})", self.principal),
            (None, None) => write!(f, "{}", self.principal),
        }
    }
}

/// Why a key may not sign for a subject. Not an error of the trust file: a definite "no".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The key was valid for the subject and namespace only before `valid_before`.
    #[error("key {fingerprint} expired at {}", format_instant(*valid_before))]
    Expired {
        /// The key.
        fingerprint: Fingerprint,
        /// End of its validity (inclusive, as in ssh-keygen).
        valid_before: Instant,
    },
    /// The key is not in the trust file at all.
    #[error("key {fingerprint} is not known to the trust file")]
    KeyUnknown {
        /// The key.
        fingerprint: Fingerprint,
    },
    /// The key is known but may not sign in this namespace.
    #[error("key {fingerprint} may not sign in namespace {namespace:?}")]
    NamespaceNotAllowed {
        /// The key.
        fingerprint: Fingerprint,
        /// The namespace asked about.
        namespace: Namespace,
    },
    /// The key is known but may not sign for this subject.
    #[error("key {fingerprint} may not sign for subject {subject}")]
    NotAllowedForSubject {
        /// The key.
        fingerprint: Fingerprint,
        /// The subject asked about.
        subject: Subject,
    },
    /// A Sigstore signer bound to no subject that may sign for this one.
    #[error("sigstore signer {identity} may not sign for subject {subject}")]
    SigstoreNotAllowed {
        /// The signer (`issuer identity` or managed key).
        identity: String,
        /// The subject asked about.
        subject: Subject,
    },
    /// The Sigstore signer's binding starts later.
    #[error("sigstore signer {identity} is bound for {subject} only from {}", format_instant(*added))]
    SigstoreNotYetBound {
        /// The signer.
        identity: String,
        /// The subject asked about.
        subject: Subject,
        /// Start of the binding.
        added: Instant,
    },
    /// The Sigstore signer's binding was retired.
    #[error("sigstore signer {identity} was retired for {subject} at {}", format_instant(*retired))]
    SigstoreRetired {
        /// The signer.
        identity: String,
        /// The subject asked about.
        subject: Subject,
        /// End of the binding.
        retired: Instant,
    },
    /// The key is valid for the subject and namespace but only from `valid_after` on.
    #[error("key {fingerprint} is not valid before {}", format_instant(*valid_after))]
    NotYetValid {
        /// The key.
        fingerprint: Fingerprint,
        /// Start of its validity.
        valid_after: Instant,
    },
}

impl Refusal {
    /// A stable kebab-case code for machines.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Expired { .. } => "key-expired",
            Refusal::KeyUnknown { .. } => "key-unknown",
            Refusal::NamespaceNotAllowed { .. } => "namespace-not-allowed",
            Refusal::NotAllowedForSubject { .. } => "not-allowed-for-subject",
            Refusal::NotYetValid { .. } => "key-not-yet-valid",
            Refusal::SigstoreNotAllowed { .. } => "not-allowed-for-subject",
            Refusal::SigstoreNotYetBound { .. } => "key-not-yet-valid",
            Refusal::SigstoreRetired { .. } => "key-expired",
        }
    }
}

/// A trust file that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of an allowed-signers file is invalid.
    #[error("{origin}:{line}: {problem}")]
    AllowedSigners {
        /// Where the file came from (a path, or a description).
        origin: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        #[source]
        problem: LineProblem,
    },
    /// A bootstrap file is well-formed YAML of the right shape but inconsistent.
    #[error("{origin}:{position}: {problem}")]
    Bootstrap {
        /// Where the file came from.
        origin: String,
        /// Where in the file.
        position: Position,
        /// What is wrong.
        #[source]
        problem: BootstrapProblem,
    },
    /// A bootstrap file that is not YAML of the expected shape (unknown keys included).
    #[error("{origin}:{source}")]
    Yaml {
        /// Where the file came from.
        origin: String,
        /// What the YAML reader said, with its position.
        #[source]
        source: crate::yaml::Error,
    },
}

fn same_key(a: &ssh_key::PublicKey, b: &ssh_key::PublicKey) -> bool {
    // Compare the key blobs only: comments differ between files and do not change the key.
    a.key_data() == b.key_data()
}
