//! The registry's content at its last commit, read and checked: forum, scopes, subjects,
//! ledgers.

use std::collections::BTreeMap;

use crate::forum::ForumConfig;
use crate::ledger::{self, LEDGER_DIR, LedgerLine};
use crate::{Error as StoreError, Registry};
use scs_cert::spec::Spec;
use scs_cert::subject::Subject;
use scs_cert::subject::record::SubjectRecord;
use scs_cert::text::{did_you_mean, suggest};

pub use scs_cert::layout::{
    CRL, FORUM_ALLOWED_SIGNERS, FORUM_CA, FORUM_TOML, SCOPES_DIR, SIGSTORE_TRUSTED_ROOT,
    SUBJECTS_DIR,
};

/// A subject or scope the registry does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unknown {
    /// No record for the subject.
    #[error("no subject {subject} in the registry{}", did_you_mean(suggestion.as_deref()))]
    Subject {
        /// The name asked for.
        subject: Subject,
        /// A known subject of a similar name.
        suggestion: Option<String>,
    },
    /// No adopted scope by that uuid or alias.
    #[error(
        "no scope {scope} adopted{} (see scs-cert scope list)",
        did_you_mean(suggestion.as_deref())
    )]
    Scope {
        /// The name asked for.
        scope: String,
        /// An adopted scope's alias of a similar name.
        suggestion: Option<String>,
    },
}

/// A scope spec the registry has adopted.
#[derive(Debug)]
pub struct AdoptedScope {
    /// File name stem under `scopes/`, also the scope's alias (`scs-compatible-iaas`).
    pub slug: String,
    /// The spec, loaded from the exact bytes.
    pub spec: Spec,
}

/// Anything wrong with the registry's content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// A required file is missing.
    #[error("the registry has no {path} (is it a registry made by `scs-cert init`?)")]
    Missing {
        /// The file.
        path: &'static str,
    },
    /// The git store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `forum.toml` is broken.
    #[error(transparent)]
    Forum(#[from] crate::forum::ConfigError),
    /// A scope spec is broken.
    #[error("{path}: {source}")]
    Scope {
        /// The file.
        path: String,
        /// Why.
        source: scs_cert::spec::Error,
    },
    /// A subject record is broken.
    #[error(transparent)]
    Subject(#[from] scs_cert::subject::record::RecordError),
    /// A ledger file is broken.
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    /// A file is not UTF-8 text.
    #[error("{path} is not UTF-8 text")]
    NotText {
        /// The file.
        path: String,
    },
}

/// The registry's content at its last commit.
#[derive(Debug)]
pub struct State {
    /// `forum.toml`.
    pub forum: ForumConfig,
    /// Adopted scopes by uuid.
    pub scopes: BTreeMap<String, AdoptedScope>,
    /// Subject records by subject.
    pub subjects: BTreeMap<Subject, SubjectRecord>,
    /// The Sigstore trusted root (`keys/sigstore-trusted-root.json`), if set.
    pub sigstore_trusted_root: Option<Vec<u8>>,
}

fn text(path: &str, bytes: Vec<u8>) -> Result<String, StateError> {
    String::from_utf8(bytes).map_err(|_| StateError::NotText {
        path: path.to_owned(),
    })
}

impl State {
    /// Reads the registry's content at its last commit.
    ///
    /// # Errors
    ///
    /// Missing or broken files.
    pub fn load(registry: &Registry) -> Result<State, StateError> {
        let forum = registry
            .read(FORUM_TOML)?
            .ok_or(StateError::Missing { path: FORUM_TOML })?;
        let forum = ForumConfig::parse(&text(FORUM_TOML, forum)?)?;
        let mut scopes = BTreeMap::new();
        for path in registry.list(SCOPES_DIR)? {
            let Some(slug) = path
                .strip_prefix("scopes/")
                .and_then(|p| p.strip_suffix(".yaml"))
                .filter(|p| !p.contains('/'))
            else {
                continue;
            };
            let bytes = registry.read(&path)?.unwrap_or_default();
            let spec =
                Spec::load(&text(&path, bytes)?, &path).map_err(|source| StateError::Scope {
                    path: path.clone(),
                    source,
                })?;
            scopes.insert(
                spec.uuid().to_owned(),
                AdoptedScope {
                    slug: slug.to_owned(),
                    spec,
                },
            );
        }
        let mut subjects = BTreeMap::new();
        for path in registry.list(SUBJECTS_DIR)? {
            let Some(name) = path
                .strip_prefix("subjects/")
                .and_then(|p| p.strip_suffix(".yaml"))
                .filter(|p| !p.contains('/'))
            else {
                continue;
            };
            let bytes = registry.read(&path)?.unwrap_or_default();
            let record = SubjectRecord::parse(&text(&path, bytes)?, name)?;
            subjects.insert(record.subject.clone(), record);
        }
        let sigstore_trusted_root = registry.read(SIGSTORE_TRUSTED_ROOT)?;
        Ok(State {
            forum,
            scopes,
            subjects,
            sigstore_trusted_root,
        })
    }

    /// The adopted scope named by uuid, alias (file stem, e.g. `scs-compatible-iaas`), the
    /// alias without its `scs-compatible-` prefix (`iaas`, `kaas`), or its name
    /// (`SCS-compatible IaaS`); the last two ignore letter case.
    pub fn scope(&self, name: &str) -> Option<&AdoptedScope> {
        self.scopes.get(name).or_else(|| {
            self.scopes.values().find(|s| {
                s.slug == name
                    || s.slug
                        .strip_prefix("scs-compatible-")
                        .is_some_and(|short| short.eq_ignore_ascii_case(name))
                    || s.spec.name().eq_ignore_ascii_case(name)
            })
        })
    }

    /// The scope named `name` ([`State::scope`]), or why not.
    ///
    /// # Errors
    ///
    /// [`Unknown::Scope`].
    pub fn adopted(&self, name: &str) -> Result<&AdoptedScope, Unknown> {
        self.scope(name).ok_or_else(|| Unknown::Scope {
            scope: name.to_owned(),
            suggestion: suggest(name, self.scopes.values().map(|s| s.slug.as_str()))
                .map(str::to_owned),
        })
    }

    /// The record of `subject`, or why not.
    ///
    /// # Errors
    ///
    /// [`Unknown::Subject`].
    pub fn subject(&self, subject: &Subject) -> Result<&SubjectRecord, Unknown> {
        self.subjects.get(subject).ok_or_else(|| Unknown::Subject {
            subject: subject.clone(),
            suggestion: self.similar_subject(subject.as_str()),
        })
    }

    /// A known subject whose name is close to `name` (for "did you mean").
    pub fn similar_subject(&self, name: &str) -> Option<String> {
        suggest(name, self.subjects.keys().map(Subject::as_str)).map(str::to_owned)
    }

    /// Every subject record, in subject order.
    pub fn subject_records(&self) -> Vec<SubjectRecord> {
        self.subjects.values().cloned().collect()
    }
}

/// Every ledger line of one subject and scope, in file and line order (oldest month first).
///
/// # Errors
///
/// Store errors and broken ledger files.
pub fn ledger_lines(
    registry: &Registry,
    subject: &Subject,
    scope_uuid: &str,
) -> Result<Vec<LedgerLine>, StateError> {
    lines_under(registry, &format!("{LEDGER_DIR}/{subject}/{scope_uuid}"))
}

/// Every ledger line of the registry.
///
/// # Errors
///
/// Store errors and broken ledger files.
pub fn all_ledger_lines(registry: &Registry) -> Result<Vec<LedgerLine>, StateError> {
    lines_under(registry, LEDGER_DIR)
}

/// The ledger lines of every file under `dir`, in file and line order.
fn lines_under(registry: &Registry, dir: &str) -> Result<Vec<LedgerLine>, StateError> {
    let mut out = Vec::new();
    for path in registry.list(dir)? {
        let bytes = registry.read(&path)?.unwrap_or_default();
        out.extend(ledger::parse(&path, &bytes)?);
    }
    Ok(out)
}

/// What a new report is checked against before it enters the ledger: every run uuid with
/// the digest of the body it came in, and per subject its latest receipt (the ledger is in
/// receive order, DESIGN §4).
#[derive(Clone, Debug, Default)]
pub struct LedgerIndex {
    /// Run uuid to body digest.
    pub runs: BTreeMap<String, String>,
    /// Subject to the latest `received_at` of its ledger lines.
    pub latest_receipt: BTreeMap<String, scs_cert::time::Instant>,
}

/// Reads the [`LedgerIndex`] (only three fields of each ledger line).
///
/// # Errors
///
/// Store errors and ledger lines without those fields.
pub fn ledger_index(registry: &Registry) -> Result<LedgerIndex, StateError> {
    let mut out = LedgerIndex::default();
    for path in registry.list(LEDGER_DIR)? {
        let bytes = registry.read(&path)?.unwrap_or_default();
        let file = ledger::runs(&path, &bytes)?;
        out.runs.extend(file.runs);
        // ledger/<subject>/<scope uuid>/<month>.jsonl
        if let (Some(subject), Some(latest)) = (path.split('/').nth(1), file.latest_receipt) {
            let entry = out
                .latest_receipt
                .entry(subject.to_owned())
                .or_insert(latest);
            *entry = (*entry).max(latest);
        }
    }
    Ok(out)
}

/// Every run uuid of the registry with the digest of the body it came in.
///
/// # Errors
///
/// As [`ledger_index`].
pub fn all_known_runs(registry: &Registry) -> Result<BTreeMap<String, String>, StateError> {
    Ok(ledger_index(registry)?.runs)
}
