//! Errors of the registry store.

use std::io;
use std::path::{Path, PathBuf};

use git2::{ErrorClass, ErrorCode};

use super::journal::Journal;
use super::lock::LockHolder;
use super::{CommitId, IdentityProblem, MAIN_REF, PathProblem, RegistryPath, SignerRefusal};
use scs_cert::sig::{self, Fingerprint};

/// Errors of the registry store.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Signed by a key that made a good signature, but the allowed-signers file does not
    /// accept it for this commit.
    #[error("commit {commit} is signed by {fingerprint}, but {refusal}")]
    SignerNotAllowed {
        /// The commit.
        commit: CommitId,
        /// The signing key.
        fingerprint: Fingerprint,
        /// Why not.
        refusal: SignerRefusal,
    },
    /// A commit signature that cannot be read or does not verify.
    #[error("commit {commit} has a bad signature: {source}")]
    BadCommitSignature {
        /// The commit.
        commit: CommitId,
        /// What the signature check said.
        #[source]
        source: sig::Error,
    },
    /// The workspace directory for a new registry is not empty.
    #[error("cannot create a registry in {}: the directory is not empty", path.display())]
    DirectoryNotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// The work tree differs from the last commit (edited, added or deleted files).
    #[error(
        "the registry work tree differs from its last commit ({} paths, first {:?}); commit or discard those edits with git first",
        paths.len() + more, paths.first().map_or("", String::as_str)
    )]
    DirtyWorkTree {
        /// Up to 20 differing paths.
        paths: Vec<String>,
        /// How many more there are.
        more: usize,
    },
    /// The change would not alter any file.
    #[error("the change is empty: it would not alter any file")]
    EmptyChange,
    /// A libgit2 operation failed.
    #[error("cannot {operation}: {message}")]
    Git {
        /// What was being done.
        operation: &'static str,
        /// libgit2's error code.
        code: ErrorCode,
        /// libgit2's error class.
        class: ErrorClass,
        /// libgit2's message.
        message: String,
    },
    /// Not a full hexadecimal commit id.
    #[error("not a commit id: {input:?} (expected 40 hexadecimal digits)")]
    InvalidCommitId {
        /// The text read.
        input: String,
    },
    /// A commit name or e-mail that would break or be rewritten in the commit header.
    #[error("invalid commit {field} {value:?}: {problem}")]
    InvalidIdentity {
        /// `name` or `email`.
        field: &'static str,
        /// The value (truncated to 200 characters).
        value: String,
        /// What is wrong.
        problem: IdentityProblem,
    },
    /// An empty commit message, or one with a NUL byte.
    #[error("invalid commit message: it is empty or contains a NUL byte")]
    InvalidMessage,
    /// A path that is not a valid [`RegistryPath`].
    #[error("invalid registry path {path:?}: {problem}")]
    InvalidPath {
        /// The text given (truncated to 200 characters).
        path: String,
        /// What is wrong.
        problem: PathProblem,
    },
    /// File-system I/O failed.
    #[error("cannot {operation} {}: {}", path.display(), io::Error::from(*kind))]
    Io {
        /// What was being done.
        operation: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        kind: io::ErrorKind,
    },
    /// Another writer holds the lock.
    #[error("{}", locked_message(lock, holder))]
    Locked {
        /// The lock file.
        lock: PathBuf,
        /// Who holds it.
        holder: LockHolder,
    },
    /// `HEAD` is not the branch `main`.
    #[error("the registry's HEAD is {head}, not {MAIN_REF}; run `git checkout main` in it first")]
    NotOnMain {
        /// What `HEAD` is (a ref name or a detached commit id).
        head: String,
    },
    /// The directory is not a registry's git work tree.
    #[error("{} is not a registry: {reason}", path.display())]
    NotARegistry {
        /// The directory.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// A staged path runs into a symlink, a directory, or a file used as a directory.
    #[error("cannot write {path}: {at} is in the way (a symlink, a directory or a file)")]
    PathConflict {
        /// The staged path.
        path: RegistryPath,
        /// The path (itself or an ancestor) in the way.
        at: String,
    },
    /// Signing the commit failed.
    #[error("cannot sign the commit: {source}")]
    Sign {
        /// What the signer said.
        #[source]
        source: sig::Error,
    },
    /// A crash left a change half-written.
    #[error(
        "an earlier change to the registry did not finish ({} exists); run `scs-cert registry recover` to reset the work tree to the last commit",
        journal.display()
    )]
    UnfinishedChange {
        /// The journal file.
        journal: PathBuf,
        /// The commit the change was built on.
        base: Option<CommitId>,
        /// The commit it would have made.
        commit: Option<CommitId>,
        /// The files it was writing or removing.
        paths: Vec<RegistryPath>,
    },
    /// The commit has no `gpgsig` header.
    #[error("commit {commit} is not signed")]
    UnsignedCommit {
        /// The commit.
        commit: CommitId,
    },
}

impl Error {
    pub(crate) fn io(operation: &'static str, path: &Path, error: &io::Error) -> Error {
        Error::Io {
            operation,
            path: path.to_owned(),
            kind: error.kind(),
        }
    }

    pub(crate) fn git(operation: &'static str, error: &git2::Error) -> Error {
        Error::Git {
            operation,
            code: error.code(),
            class: error.class(),
            message: error.message().to_owned(),
        }
    }

    pub(crate) fn git_message(operation: &'static str, message: &str) -> Error {
        Error::Git {
            operation,
            code: ErrorCode::GenericError,
            class: ErrorClass::None,
            message: message.to_owned(),
        }
    }

    pub(crate) fn unfinished(journal: PathBuf, record: Journal) -> Error {
        Error::UnfinishedChange {
            journal,
            base: record.base,
            commit: record.commit,
            paths: record.paths,
        }
    }
}

/// What to do about a held lock: wait for a working holder; recover after a dead one.
fn locked_message(lock: &Path, holder: &LockHolder) -> String {
    match holder.alive() {
        Some(false) => format!(
            "the registry is locked by {holder}; run `scs-cert registry recover` to clear the lock ({})",
            lock.display()
        ),
        Some(true) => format!(
            "the registry is locked by {holder}: another scs-cert command is working on it; wait for it to finish ({})",
            lock.display()
        ),
        None => format!(
            "the registry is locked by {holder}; if no scs-cert command is working on it, run `scs-cert registry recover` ({})",
            lock.display()
        ),
    }
}
