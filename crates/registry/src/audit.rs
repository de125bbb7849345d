//! `scs-cert registry verify`: the whole history replayed, so that any clone or mirror can be
//! checked on its own (DESIGN §5).
//!
//! What [`verify_history`] checks, commit by commit along the first-parent chain, oldest first:
//!
//! - the history is linear (a merge commit is a finding);
//! - every commit is signed (SSHSIG, namespace `git`) by a key that `keys/allowed_signers`
//!   allowed **before** the change, i.e. as of the parent commit, at the committer time (the
//!   root commit is judged by its own file): a commit cannot admit its own signer;
//! - files under `ledger/` and `certificates/*.yaml` are only appended to (the new bytes start
//!   with the old bytes) and never deleted; other files under `certificates/` never change once
//!   written; everything else (scopes, subjects, keys) may change;
//! - every appended ledger line parses, sits in the file [`LedgerLine::path`] names, has a run
//!   uuid no live line has, names a subject and a scope the registry has at that commit, and
//!   (SSH-signed lines) a signer key bound to that subject, or a delegate of it, at its
//!   `received_at` in the subject records of that commit;
//! - wherever `crl.pem`, the CA or a certificate changes, the CRL verifies under the CA of
//!   that commit, its number grows and its thisUpdate does not go back from one CRL to the
//!   next, and it lists exactly the certificates the events make withdrawn, suspended or
//!   superseded at its thisUpdate (so a forum-signed rollback to an older CRL is caught);
//! - wherever `forum.toml` or `keys/allowed_signers` changes, both name the same keys.
//!
//! Then, for every ledger line at `HEAD`, the archived body (outside git) is checked: it
//! exists, its SHA-256 is its name, it is an upload body whose signature (namespace `report`)
//! verifies over the report bytes by the key the line names, and the line's document agrees
//! with the report (run, subject, scope, `checked_at`, results). A clone without the archive
//! folder is reported as "archive not checked" ([`ArchiveCoverage::Absent`]), not as broken.
//!
//! Only the differences between consecutive commits are read (`git diff-tree`), so the cost
//! grows with what changed, not with the size of each commit; archive objects are checked in
//! parallel.

mod archive;
mod forum;
mod rules;
mod walk;

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

use crate::ledger::LedgerLine;
use crate::{CommitId, Error as StoreError, Registry};
use scs_cert::sig::Fingerprint;

/// What [`verify_history`] should insist on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// A missing archive folder is a finding ([`FindingKind::ArchiveMissing`]) instead of a
    /// note: for the forum's own copy, where the bodies must be.
    pub require_archive: bool,
    /// Check the history only, not the archived bodies ([`ArchiveCoverage::NotChecked`]): for
    /// readers that check each body's digest where they use it (`publish`).
    pub skip_archive: bool,
}

/// What is wrong, as a stable kebab-case [`code`](FindingKind::code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FindingKind {
    /// A commit with more than one parent: registry history is linear.
    MergeCommit,
    /// A commit without a signature.
    UnsignedCommit,
    /// A commit signature that cannot be read or does not verify.
    BadCommitSignature,
    /// A good commit signature by a key the forum's allowed signers did not allow then.
    SignerNotAllowed,
    /// `keys/allowed_signers` is missing or unreadable where a commit is judged by it.
    AllowedSignersUnreadable,
    /// An append-only file (ledger, certificate record) changed other than by appending.
    NotAppendOnly,
    /// An append-only or write-once file was deleted.
    FileDeleted,
    /// A write-once file under `certificates/` (signature, X.509 certificate) changed.
    ImmutableFileChanged,
    /// A ledger line that does not parse or has an unreadable field.
    MalformedLedgerLine,
    /// A ledger line in another file than its subject, scope and month say.
    MisplacedLedgerLine,
    /// A ledger line whose run uuid another live ledger line has.
    DuplicateRun,
    /// A ledger line naming a subject the registry did not have at that commit.
    UnknownSubject,
    /// A ledger line naming a scope the registry had not adopted at that commit.
    UnknownScope,
    /// A ledger line whose signer key was not bound to its subject at its receipt.
    SignerNotBound,
    /// A subject record or scope spec that could not be read at some commit.
    RecordUnreadable,
    /// The archive folder is absent and [`VerifyOptions::require_archive`] is set.
    ArchiveMissing,
    /// A ledger line's archive object is absent from an archive that exists.
    ArchiveObjectMissing,
    /// An archive object whose SHA-256 is not its name.
    DigestMismatch,
    /// An archive object that is not an upload body (no signature before the report).
    ArchiveObjectUnsigned,
    /// An archive object whose signature cannot be read or does not verify.
    ArchiveBadSignature,
    /// An archive object signed by another key than the ledger line names.
    ArchiveSignerMismatch,
    /// An archive object whose report cannot be read.
    ArchiveReportMalformed,
    /// A ledger line that disagrees with its document in the archived report.
    ArchiveDocumentMismatch,
    /// `crl.pem` is removed, unreadable, or not signed by the forum CA of its commit.
    CrlInvalid,
    /// A CRL whose number does not grow, or whose thisUpdate goes back: an older list put
    /// back in place of a newer one.
    CrlRollback,
    /// A CRL that lists other certificates, or in another state, than the certificate events
    /// imply at its thisUpdate.
    CrlMismatch,
    /// A key in `keys/allowed_signers` that is no signer's in `forum.toml`, or the reverse.
    ForumSignersMismatch,
}

impl FindingKind {
    /// A stable kebab-case code for machines.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::MergeCommit => "merge-commit",
            FindingKind::UnsignedCommit => "unsigned-commit",
            FindingKind::BadCommitSignature => "bad-commit-signature",
            FindingKind::SignerNotAllowed => "signer-not-allowed",
            FindingKind::AllowedSignersUnreadable => "allowed-signers-unreadable",
            FindingKind::NotAppendOnly => "not-append-only",
            FindingKind::FileDeleted => "file-deleted",
            FindingKind::ImmutableFileChanged => "immutable-file-changed",
            FindingKind::MalformedLedgerLine => "malformed-ledger-line",
            FindingKind::MisplacedLedgerLine => "misplaced-ledger-line",
            FindingKind::DuplicateRun => "duplicate-run",
            FindingKind::UnknownSubject => "unknown-subject",
            FindingKind::UnknownScope => "unknown-scope",
            FindingKind::SignerNotBound => "signer-not-bound",
            FindingKind::RecordUnreadable => "record-unreadable",
            FindingKind::ArchiveMissing => "archive-missing",
            FindingKind::ArchiveObjectMissing => "archive-object-missing",
            FindingKind::DigestMismatch => "digest-mismatch",
            FindingKind::ArchiveObjectUnsigned => "archive-object-unsigned",
            FindingKind::ArchiveBadSignature => "archive-bad-signature",
            FindingKind::ArchiveSignerMismatch => "archive-signer-mismatch",
            FindingKind::ArchiveReportMalformed => "archive-report-malformed",
            FindingKind::ArchiveDocumentMismatch => "archive-document-mismatch",
            FindingKind::CrlInvalid => "crl-invalid",
            FindingKind::CrlRollback => "crl-rollback",
            FindingKind::CrlMismatch => "crl-mismatch",
            FindingKind::ForumSignersMismatch => "forum-signers-mismatch",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One thing wrong with the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    commit: Option<CommitId>,
    position: Option<usize>,
    path: Option<String>,
    kind: FindingKind,
    message: String,
}

impl Finding {
    /// The commit where it went wrong: the bad commit, or the one that added the ledger line
    /// an archive finding is about. `None` only for [`FindingKind::ArchiveMissing`].
    pub fn commit(&self) -> Option<CommitId> {
        self.commit
    }

    /// The commit's place in the history (0: the first commit).
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// The registry path concerned (a ledger file, `archive/sha256/…`), if one is.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// What is wrong.
    pub fn kind(&self) -> FindingKind {
        self.kind
    }

    /// The details, one line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.commit {
            Some(c) => write!(f, "commit {c}: {}", self.kind)?,
            None => write!(f, "{}", self.kind)?,
        }
        if let Some(p) = &self.path {
            write!(f, ": {p}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// How far the archive of signed bodies was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveCoverage {
    /// The archive folder exists; every object the ledger names was checked.
    Checked {
        /// Distinct objects checked.
        objects: usize,
    },
    /// This clone has no archive folder (it is outside git, so a plain clone has none): the
    /// ledger was checked, the bodies were not.
    Absent,
    /// The bodies were not asked for ([`VerifyOptions::skip_archive`]).
    NotChecked,
}

/// The outcome of [`verify_history`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditReport {
    commits: usize,
    ledger_lines: usize,
    archive: ArchiveCoverage,
    findings: Vec<Finding>,
    forum_keys: BTreeSet<Fingerprint>,
}

impl AuditReport {
    /// Commits replayed.
    pub fn commits(&self) -> usize {
        self.commits
    }

    /// Ledger lines at `HEAD`.
    pub fn ledger_lines(&self) -> usize {
        self.ledger_lines
    }

    /// How far the archive was checked.
    pub fn archive(&self) -> ArchiveCoverage {
        self.archive
    }

    /// Everything wrong, in history order (the first is the earliest commit that is wrong).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The earliest finding, if any.
    pub fn first(&self) -> Option<&Finding> {
        self.findings.first()
    }

    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// The forum keys the answer rests on: every key of every version of
    /// `keys/allowed_signers` that judged a commit, and of the current one. A verifier compares
    /// them with the keys the forum announced elsewhere ([`scs_cert::trust::pin`]): a history
    /// re-made with another key verifies just as well on its own.
    pub fn forum_keys(&self) -> &BTreeSet<Fingerprint> {
        &self.forum_keys
    }
}

/// Why the registry could not be checked (as opposed to a [`Finding`]: checked, and wrong).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Reading the git history failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An archive object exists but could not be read.
    #[error("cannot read the archive object {}: {}", path.display(), std::io::Error::from(*kind))]
    Archive {
        /// The object.
        path: PathBuf,
        /// What went wrong.
        kind: std::io::ErrorKind,
    },
}

impl AuditError {
    fn git(operation: &'static str, e: &git2::Error) -> AuditError {
        AuditError::Store(StoreError::git(operation, e))
    }
}

/// A ledger line alive at the current commit of the walk, with the commit that added it.
#[derive(Clone, Debug)]
struct Live {
    line: LedgerLine,
    /// Index into the history of the commit that added it.
    position: usize,
    /// The ledger file it is in.
    path: String,
}

/// Replays the registry's history and checks its archive (see the module documentation).
///
/// # Errors
///
/// [`AuditError`] when something could not be read at all (git objects, an unreadable
/// archive object); everything found wrong is a [`Finding`] in the report instead.
pub fn verify_history(
    registry: &Registry,
    options: &VerifyOptions,
) -> Result<AuditReport, AuditError> {
    verify_history_reporting(registry, options, &mut |_, _| {})
}

/// [`verify_history`], telling `progress(done, total)` after each commit walked (the library
/// prints nothing; the binary shows a bar).
///
/// # Errors
///
/// As [`verify_history`].
pub fn verify_history_reporting(
    registry: &Registry,
    options: &VerifyOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<AuditReport, AuditError> {
    let history = registry.history()?;
    let mut walker = walk::Walker::new(registry);
    for (position, &commit) in history.iter().enumerate() {
        walker.commit(position, commit)?;
        progress(position + 1, history.len());
    }
    let forum_keys = walker.forum_keys(history.last().copied())?;
    let (live, mut findings) = walker.finish();
    let archive_dir = registry.archive_dir();
    let archive = if options.skip_archive {
        ArchiveCoverage::NotChecked
    } else if archive_dir.is_dir() {
        let (objects, found) = archive::check(&archive_dir, &live)?;
        findings.extend(found);
        ArchiveCoverage::Checked { objects }
    } else {
        if options.require_archive && !live.is_empty() {
            findings.push(Finding {
                commit: None,
                position: None,
                path: Some(crate::path::ARCHIVE_DIR.to_owned()),
                kind: FindingKind::ArchiveMissing,
                message: format!(
                    "there is no archive folder, so the {} ledger line(s) cannot be proven by their signed bodies",
                    live.len()
                ),
            });
        }
        ArchiveCoverage::Absent
    };
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .map(|mut f| {
            f.commit = f.position.and_then(|p| history.get(p).copied());
            f
        })
        .collect();
    // Stable: within a commit, the order in which the checks found them.
    findings.sort_by_key(|f| f.position.unwrap_or(usize::MAX));
    Ok(AuditReport {
        commits: history.len(),
        ledger_lines: live.len(),
        archive,
        findings,
        forum_keys,
    })
}

/// A finding at a history position; the commit id is filled in by [`verify_history`].
fn finding(
    position: usize,
    path: Option<&str>,
    kind: FindingKind,
    message: impl Into<String>,
) -> Finding {
    Finding {
        commit: None,
        position: Some(position),
        path: path.map(str::to_owned),
        kind,
        message: message.into(),
    }
}
