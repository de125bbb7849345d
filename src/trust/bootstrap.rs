//! Compliance-monitor bootstrap files (`compliance-monitor/bootstrap.yaml`; scs-upstream.md
//! §3.3): accounts with SSH keys and delegations.
//!
//! A document about subject S may be signed by key K if K is a key of account S, or of an
//! account that S lists in `delegates` (upstream `monitor.py` POST /reports, §3.2 step 6;
//! DESIGN §4). Two upstream quirks are not copied:
//!
//! - upstream drops a delegation whose delegate account appears later in the file on the
//!   first import (`sql.py` L270–276); here the order of accounts does not matter;
//! - upstream only uses keys of accounts that can log in (have `api_keys`); here an account's
//!   keys count whether or not it has api keys (the `regio-a` case).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{AuthorizedSigner, Error, Refusal, same_key};
use crate::sig::{Fingerprint, Namespace};
use crate::subject::Subject;
use crate::yaml::{Position, Spanned};

/// A role of a monitor account (`monitor.py` L84 `ROLES`). Roles do not affect who may sign:
/// they are kept so that the file is read completely.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// `admin` (checked by no upstream endpoint).
    Admin,
    /// `append_any`: may post reports for other subjects (if also a delegate).
    AppendAny,
    /// `approve`: may approve results (POST /results).
    Approve,
    /// `read_any`: may read any subject's results.
    ReadAny,
}

/// One SSH key of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountKey {
    name: String,
    key: ssh_key::PublicKey,
}

impl AccountKey {
    /// The `public_key_name` (unique within the account).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key, with the key name as its comment.
    pub fn key(&self) -> &ssh_key::PublicKey {
        &self.key
    }

    /// The key's SHA-256 fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.key)
    }
}

/// One account of a bootstrap file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    subject: Subject,
    position: Position,
    api_keys: Vec<String>,
    keys: Vec<AccountKey>,
    roles: BTreeSet<Role>,
    group: Option<String>,
    delegates: Vec<Subject>,
}

impl Account {
    /// The account's subject (also its login name upstream).
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// Where the account's `subject:` value sits in the file.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The passlib hashes of the account's API keys (argon2id or bcrypt), as written.
    pub fn api_keys(&self) -> &[String] {
        &self.api_keys
    }

    /// The account's SSH keys.
    pub fn keys(&self) -> &[AccountKey] {
        &self.keys
    }

    /// The account's roles.
    pub fn roles(&self) -> &BTreeSet<Role> {
        &self.roles
    }

    /// The account's group, if any (`group-<g>` pseudo-subjects expand to its members).
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// Accounts that may sign (upstream: submit) reports for this subject.
    pub fn delegates(&self) -> &[Subject] {
        &self.delegates
    }

    fn key_matching(&self, key: &ssh_key::PublicKey) -> Option<&AccountKey> {
        self.keys.iter().find(|k| same_key(&k.key, key))
    }
}

/// A bootstrap file that is YAML of the right shape but not consistent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BootstrapProblem {
    /// Two accounts with the same subject.
    #[error("account {subject} is defined twice")]
    DuplicateAccount {
        /// The subject.
        subject: Subject,
    },
    /// Two keys of one account with the same `public_key_name`.
    #[error("account {subject} has two keys named {key_name:?}")]
    DuplicateKeyName {
        /// The account.
        subject: Subject,
        /// The key name.
        key_name: String,
    },
    /// A key that cannot be read from `public_key_type` and `public_key`.
    #[error("key {key_name:?} of account {subject} is invalid: {source}")]
    InvalidKey {
        /// The account.
        subject: Subject,
        /// The key name.
        key_name: String,
        /// What ssh-key said (a type that does not match the key blob included).
        // Boxed: ssh-key's error (with RSA support) is large, and it travels in every result.
        #[source]
        source: Box<ssh_key::Error>,
    },
    /// A delegate that names no account of the file.
    #[error("account {subject} names delegate {delegate}, which is not an account")]
    UnknownDelegate {
        /// The delegating account.
        subject: Subject,
        /// The missing delegate.
        delegate: Subject,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBootstrap {
    accounts: Vec<RawAccount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    subject: Spanned<Subject>,
    #[serde(default)]
    api_keys: Vec<String>,
    #[serde(default)]
    keys: Vec<RawKey>,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    delegates: Vec<Spanned<Subject>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    public_key: Spanned<String>,
    public_key_type: String,
    public_key_name: String,
}

/// A parsed bootstrap file.
#[derive(Clone, Debug)]
pub struct Bootstrap {
    origin: String,
    accounts: BTreeMap<Subject, Account>,
}

impl Bootstrap {
    /// Reads a bootstrap file; `origin` (a path or description) goes into errors. Unknown keys
    /// are errors.
    ///
    /// # Errors
    ///
    /// [`Error::Yaml`] for YAML or shape problems (unknown keys, invalid subjects, unknown
    /// roles); [`Error::Bootstrap`] for duplicate accounts or key names, invalid keys, and
    /// delegates that name no account.
    pub fn parse(text: &str, origin: &str) -> Result<Bootstrap, Error> {
        let raw: RawBootstrap = crate::yaml::from_str(text).map_err(|source| Error::Yaml {
            origin: origin.to_owned(),
            source,
        })?;
        let fail = |position, problem| Error::Bootstrap {
            origin: origin.to_owned(),
            position,
            problem,
        };
        let mut accounts = BTreeMap::new();
        let mut delegations = Vec::new();
        for raw_account in raw.accounts {
            let position = Position::of(&raw_account.subject);
            let subject = raw_account.subject.value;
            let mut keys: Vec<AccountKey> = Vec::new();
            for raw_key in raw_account.keys {
                let key_position = Position::of(&raw_key.public_key);
                if keys.iter().any(|k| k.name == raw_key.public_key_name) {
                    return Err(fail(
                        key_position,
                        BootstrapProblem::DuplicateKeyName {
                            subject,
                            key_name: raw_key.public_key_name,
                        },
                    ));
                }
                // Upstream builds the allowed-signers line `<type> <base64>` (monitor.py
                // `ssh_validate`); ssh-key also checks the type against the blob.
                let line = format!(
                    "{} {} {}",
                    raw_key.public_key_type.trim(),
                    raw_key.public_key.value.trim(),
                    raw_key.public_key_name
                );
                match ssh_key::PublicKey::from_openssh(&line) {
                    Ok(key) => keys.push(AccountKey {
                        name: raw_key.public_key_name,
                        key,
                    }),
                    Err(source) => {
                        return Err(fail(
                            key_position,
                            BootstrapProblem::InvalidKey {
                                subject,
                                key_name: raw_key.public_key_name,
                                source: Box::new(source),
                            },
                        ));
                    }
                }
            }
            for delegate in &raw_account.delegates {
                delegations.push((
                    subject.clone(),
                    delegate.value.clone(),
                    Position::of(delegate),
                ));
            }
            let account = Account {
                subject: subject.clone(),
                position,
                api_keys: raw_account.api_keys,
                keys,
                roles: raw_account.roles.into_iter().collect(),
                group: raw_account.group,
                delegates: raw_account.delegates.into_iter().map(|d| d.value).collect(),
            };
            if accounts.insert(subject.clone(), account).is_some() {
                return Err(fail(
                    position,
                    BootstrapProblem::DuplicateAccount { subject },
                ));
            }
        }
        // Delegations are checked after all accounts are known, so order does not matter.
        for (subject, delegate, position) in delegations {
            if !accounts.contains_key(&delegate) {
                return Err(fail(
                    position,
                    BootstrapProblem::UnknownDelegate { subject, delegate },
                ));
            }
        }
        Ok(Bootstrap {
            origin: origin.to_owned(),
            accounts,
        })
    }

    /// Where the file came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// All accounts, ordered by subject.
    pub fn accounts(&self) -> impl ExactSizeIterator<Item = &Account> {
        self.accounts.values()
    }

    /// The account of `subject`, if any.
    pub fn account(&self, subject: &Subject) -> Option<&Account> {
        self.accounts.get(subject)
    }

    /// Whether any account has this key.
    pub fn knows_key(&self, key: &ssh_key::PublicKey) -> bool {
        self.accounts().any(|a| a.key_matching(key).is_some())
    }

    /// See [`super::Trust::authorize`]. Only the `report` namespace is allowed: a bootstrap
    /// file is about report uploads. Keys carry no validity period, so the instant does not
    /// matter. The subject's own key is preferred over a delegate's when both match.
    pub(crate) fn authorize(
        &self,
        key: &ssh_key::PublicKey,
        subject: &Subject,
        namespace: &Namespace,
    ) -> Result<AuthorizedSigner, Refusal> {
        let fingerprint = Fingerprint::of(key);
        if !self.knows_key(key) {
            return Err(Refusal::KeyUnknown { fingerprint });
        }
        if *namespace != Namespace::report() {
            return Err(Refusal::NamespaceNotAllowed {
                fingerprint,
                namespace: namespace.clone(),
            });
        }
        let refused = || Refusal::NotAllowedForSubject {
            fingerprint,
            subject: subject.clone(),
        };
        let account = self.account(subject).ok_or_else(refused)?;
        if let Some(own) = account.key_matching(key) {
            return Ok(AuthorizedSigner {
                principal: subject.clone(),
                fingerprint: Some(fingerprint),
                key_name: Some(own.name.clone()),
                via_delegation: None,
                sigstore: None,
            });
        }
        account
            .delegates
            .iter()
            .filter_map(|d| self.account(d))
            .find_map(|delegate| {
                delegate.key_matching(key).map(|k| AuthorizedSigner {
                    principal: delegate.subject.clone(),
                    fingerprint: Some(fingerprint),
                    key_name: Some(k.name.clone()),
                    via_delegation: Some(delegate.subject.clone()),
                    sigstore: None,
                })
            })
            .ok_or_else(refused)
    }
}
