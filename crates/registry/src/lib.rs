//! The registry's git store: a work tree whose every change lands as one SSH-signed commit on
//! `refs/heads/main`, or not at all (DESIGN §5).
//!
//! - [`Registry::create`] makes an empty repository (branch `main`) with a `.gitignore` that
//!   keeps the [archive](Registry::archive_dir) out of git; the first commit includes it.
//! - [`Registry::begin`] takes the writer lock (`.git/scs-cert.lock`) and checks that the work
//!   tree equals `HEAD`; the [`Change`] it returns stages writes in memory and
//!   [`Change::commit`] lands them (the steps are documented there); dropping it discards them.
//! - A crash in the middle of a commit leaves the journal `.git/scs-cert-journal`; until
//!   [`Registry::recover`] has run, [`Registry::open`] refuses with
//!   [`Error::UnfinishedChange`]. The last commit is intact in every case.
//! - Commits are signed as `git commit -S` with `gpg.format=ssh` signs them, so
//!   `git verify-commit` with `gpg.ssh.allowedSignersFile=keys/allowed_signers` accepts them
//!   (DESIGN §3); [`Registry::verify_commit_signature`] makes the same decision.
//!
//! The repository is opened by its explicit path, never through `GIT_DIR` and friends, and the
//! library writes nothing outside the registry root. (libgit2 still reads the user's and the
//! system's git configuration; nothing here depends on it: author, committer and time are
//! passed in, and trees are built from the exact bytes, without filters.)

pub mod admin;
pub mod audit;
pub mod certificates;
mod change;
mod error;
pub mod forum;
pub mod ingest;
mod journal;
pub mod ledger;
mod lock;
pub mod manual;
mod path;
pub mod readme;
mod recover;
mod signing;
pub mod state;
mod worktree;
pub(crate) use scs_cert::file::read_regular;

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use git2::{ErrorCode, Oid, Repository, RepositoryInitOptions, RepositoryOpenFlags};

pub use change::Change;
pub use error::Error;
pub use lock::LockHolder;
pub use path::{MAX_PATH_LEN, PathProblem, RegistryPath};
pub use recover::{Recovered, Recovery};
pub use scs_cert::trust::SignerRefusal;
pub use signing::{CommitIdentity, IdentityProblem};

use journal::{JOURNAL_FILE, Journal};
use lock::{LOCK_FILE, Lock};
use scs_cert::sig::Fingerprint;
use scs_cert::trust::AllowedSigners;

/// The branch every registry change lands on.
pub const MAIN_REF: &str = "refs/heads/main";

/// What `.gitignore` holds at creation: the archive stays out of git history (DESIGN §5).
pub const GITIGNORE: &str = "/archive/\n";

/// Most paths named in [`Error::DirtyWorkTree`].
const DIRTY_LIST_LIMIT: usize = 20;

/// A git commit id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommitId(pub(crate) Oid);

impl CommitId {
    /// The raw id, for callers that use git2 themselves.
    pub fn oid(self) -> Oid {
        self.0
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for CommitId {
    type Err = Error;

    /// Reads a full 40-digit hexadecimal commit id.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 40 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidCommitId {
                input: s.chars().take(200).collect(),
            });
        }
        Oid::from_str(s)
            .map(CommitId)
            .map_err(|_| Error::InvalidCommitId {
                input: s.to_owned(),
            })
    }
}

/// An open registry: its work tree root and its git repository.
pub struct Registry {
    root: PathBuf,
    repo: Repository,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("root", &self.root)
            .finish()
    }
}

fn canonical(dir: &Path) -> Result<PathBuf, Error> {
    dir.canonicalize().map_err(|e| Error::io("open", dir, &e))
}

impl Registry {
    /// Creates a registry in `dir` (created if missing; an existing one must be empty): a
    /// git repository on the unborn branch `main`, without templates or hooks, and a
    /// `.gitignore` ignoring `archive/`. Nothing is committed.
    ///
    /// # Errors
    ///
    /// [`Error::DirectoryNotEmpty`], I/O and git errors.
    pub fn create(dir: &Path) -> Result<Registry, Error> {
        match fs::read_dir(dir) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(Error::DirectoryNotEmpty {
                        path: dir.to_owned(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, &e))?;
            }
            Err(e) => return Err(Error::io("read", dir, &e)),
        }
        let root = canonical(dir)?;
        let mut options = RepositoryInitOptions::new();
        options
            .initial_head("main")
            .no_reinit(true)
            .mkdir(false)
            .external_template(false);
        let repo = Repository::init_opts(&root, &options)
            .map_err(|e| Error::git("initialise the git repository", &e))?;
        worktree::write_atomic(&root, &gitignore_path()?, GITIGNORE.as_bytes())?;
        Ok(Registry { root, repo })
    }

    /// Opens the registry whose work tree is `dir` (exactly; no search upwards, no `GIT_DIR`).
    ///
    /// # Errors
    ///
    /// [`Error::NotARegistry`], [`Error::NotOnMain`], and [`Error::UnfinishedChange`] when a
    /// crash interrupted a change (run [`Registry::recover`]).
    pub fn open(dir: &Path) -> Result<Registry, Error> {
        let registry = Registry::open_unchecked(dir)?;
        if let Some(record) = Journal::read(&registry.journal_path())? {
            return Err(Error::unfinished(registry.journal_path(), record));
        }
        registry.check_on_main()?;
        Ok(registry)
    }

    fn open_unchecked(dir: &Path) -> Result<Registry, Error> {
        let root = canonical(dir)?;
        let not = |reason: String| Error::NotARegistry {
            path: root.clone(),
            reason,
        };
        let repo = Repository::open_ext(&root, RepositoryOpenFlags::NO_SEARCH, [] as [&OsStr; 0])
            .map_err(|e| not(e.message().to_owned()))?;
        let workdir = repo
            .workdir()
            .map(canonical)
            .transpose()?
            .ok_or_else(|| not("it is a bare git repository".into()))?;
        if workdir != root {
            return Err(not(format!("its git work tree is {}", workdir.display())));
        }
        Ok(Registry { root, repo })
    }

    /// The work tree root (absolute, symlinks resolved).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<root>/archive`: the content-addressed store of raw signed bodies, ignored by git.
    pub fn archive_dir(&self) -> PathBuf {
        self.root.join(path::ARCHIVE_DIR)
    }

    /// The underlying git repository, for reading history.
    pub fn repository(&self) -> &Repository {
        &self.repo
    }

    fn journal_path(&self) -> PathBuf {
        self.repo.path().join(JOURNAL_FILE)
    }

    fn lock_path(&self) -> PathBuf {
        self.repo.path().join(LOCK_FILE)
    }

    fn check_on_main(&self) -> Result<(), Error> {
        let head = self
            .repo
            .find_reference("HEAD")
            .map_err(|e| Error::git("read HEAD", &e))?;
        let target = head
            .symbolic_target()
            .map_err(|e| Error::git("read HEAD", &e))?;
        match target {
            Some(MAIN_REF) => Ok(()),
            Some(other) => Err(Error::NotOnMain {
                head: other.to_owned(),
            }),
            None => Err(Error::NotOnMain {
                head: head
                    .target()
                    .map_or_else(|| "unreadable".to_owned(), |id| id.to_string()),
            }),
        }
    }

    /// The commit `refs/heads/main` points at; `None` before the first commit.
    ///
    /// # Errors
    ///
    /// Git errors other than a missing branch.
    pub fn head(&self) -> Result<Option<CommitId>, Error> {
        match self.repo.find_reference(MAIN_REF) {
            Ok(r) => r
                .peel_to_commit()
                .map(|c| Some(CommitId(c.id())))
                .map_err(|e| Error::git("read refs/heads/main", &e)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(Error::git("read refs/heads/main", &e)),
        }
    }

    /// The commits on `main`, oldest first (first parents only: registry history is linear).
    ///
    /// # Errors
    ///
    /// Git errors.
    pub fn history(&self) -> Result<Vec<CommitId>, Error> {
        let mut ids = Vec::new();
        let mut next = self.head()?;
        while let Some(id) = next {
            ids.push(id);
            let commit = self
                .repo
                .find_commit(id.0)
                .map_err(|e| Error::git("read a commit", &e))?;
            next = commit.parent_id(0).ok().map(CommitId);
        }
        ids.reverse();
        Ok(ids)
    }

    /// The exact bytes of `rel_path` as committed at the last commit; `None` if absent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`], git errors.
    pub fn read(&self, rel_path: &str) -> Result<Option<Vec<u8>>, Error> {
        match self.head()? {
            Some(head) => self.read_at(head, rel_path),
            None => Ok(None),
        }
    }

    /// A setting of this clone only (`.git/config`, never committed): where the forum key
    /// lives, for example.
    ///
    /// # Errors
    ///
    /// Git errors reading the configuration.
    pub fn local_setting(&self, name: &str) -> Result<Option<String>, Error> {
        let config = self
            .repo
            .config()
            .and_then(|c| c.open_level(git2::ConfigLevel::Local))
            .map_err(|e| Error::git("read the local git configuration", &e))?;
        match config.get_string(name) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(Error::git("read a local setting", &e)),
        }
    }

    /// Sets a setting of this clone only (`.git/config`).
    ///
    /// # Errors
    ///
    /// Git errors writing the configuration.
    pub fn set_local_setting(&self, name: &str, value: &str) -> Result<(), Error> {
        self.repo
            .config()
            .and_then(|c| c.open_level(git2::ConfigLevel::Local))
            .and_then(|mut c| c.set_str(name, value))
            .map_err(|e| Error::git("write a local setting", &e))
    }

    /// The files under folder `dir` (recursively) at the last commit, as registry paths in
    /// git's order (sorted); empty when the folder or the history does not exist.
    ///
    /// # Errors
    ///
    /// Git errors.
    pub fn list(&self, dir: &str) -> Result<Vec<String>, Error> {
        let Some(head) = self.head()? else {
            return Ok(Vec::new());
        };
        let git = |operation| move |e: git2::Error| Error::git(operation, &e);
        let tree = self
            .repo
            .find_commit(head.0)
            .and_then(|c| c.tree())
            .map_err(git("read the commit tree"))?;
        let sub = match tree.get_path(Path::new(dir)) {
            Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => entry
                .to_object(&self.repo)
                .and_then(|o| o.peel_to_tree())
                .map_err(git("read a folder"))?,
            Ok(_) => return Ok(Vec::new()),
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::git("look the folder up", &e)),
        };
        let mut out = Vec::new();
        sub.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob)
                && let Ok(name) = entry.name()
            {
                out.push(format!("{dir}/{parent}{name}"));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(git("walk a folder"))?;
        Ok(out)
    }

    /// The exact bytes of `rel_path` at `commit`; `None` if it is not a file there.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`], git errors (such as an unknown commit).
    pub fn read_at(&self, commit: CommitId, rel_path: &str) -> Result<Option<Vec<u8>>, Error> {
        let path: RegistryPath = rel_path.parse().map_err(|problem| Error::InvalidPath {
            path: rel_path.chars().take(200).collect(),
            problem,
        })?;
        let git = |operation| move |e: git2::Error| Error::git(operation, &e);
        let tree = self
            .repo
            .find_commit(commit.0)
            .and_then(|c| c.tree())
            .map_err(git("read the commit tree"))?;
        let entry = match tree.get_path(Path::new(path.as_str())) {
            Ok(entry) => entry,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(Error::git("look the file up", &e)),
        };
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(git("read the file"))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// Checks a commit's signature as `git verify-commit` does with
    /// `gpg.ssh.allowedSignersFile` set to `allowed` (which the caller reads as it was in
    /// force: for replaying history, `keys/allowed_signers` of the commit's parent). Returns
    /// the fingerprint of the signing key.
    ///
    /// # Errors
    ///
    /// [`Error::UnsignedCommit`], [`Error::BadCommitSignature`] (unreadable, wrong namespace,
    /// altered), [`Error::SignerNotAllowed`], git errors.
    pub fn verify_commit_signature(
        &self,
        commit: CommitId,
        allowed: &AllowedSigners,
    ) -> Result<Fingerprint, Error> {
        signing::verify_commit(&self.repo, commit, allowed)
    }

    /// Starts a change: takes the writer lock and checks that no unfinished change is left
    /// and that the work tree equals the last commit.
    ///
    /// # Errors
    ///
    /// [`Error::Locked`] while another writer works, [`Error::UnfinishedChange`],
    /// [`Error::NotOnMain`], [`Error::DirtyWorkTree`], I/O and git errors.
    pub fn begin(&self) -> Result<Change<'_>, Error> {
        let lock = Lock::acquire(self.lock_path())?;
        if let Some(record) = Journal::read(&self.journal_path())? {
            return Err(Error::unfinished(self.journal_path(), record));
        }
        self.check_on_main()?;
        let base = self.head()?;
        self.check_clean(base.is_none())?;
        let mut change = Change::new(self, lock, base.map(|b| b.0));
        if base.is_none() {
            // The first commit carries the .gitignore written by create().
            change.write(".gitignore", GITIGNORE.as_bytes())?;
        }
        Ok(change)
    }

    /// [`Error::DirtyWorkTree`] unless work tree and index equal `HEAD` (ignored files aside).
    /// Before the first commit, the `.gitignore` written by [`Registry::create`] is expected.
    fn check_clean(&self, unborn: bool) -> Result<(), Error> {
        let mut options = git2::StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(false);
        let statuses = self
            .repo
            .statuses(Some(&mut options))
            .map_err(|e| Error::git("compare the work tree with HEAD", &e))?;
        let mut paths = Vec::new();
        for entry in statuses.iter() {
            let status = entry.status();
            if status.is_empty() || status.contains(git2::Status::IGNORED) {
                continue;
            }
            let path = String::from_utf8_lossy(entry.path_bytes()).into_owned();
            if unborn && path == ".gitignore" && status == git2::Status::WT_NEW {
                let on_disk = fs::read(self.root.join(".gitignore")).unwrap_or_default();
                if on_disk == GITIGNORE.as_bytes() {
                    continue;
                }
            }
            paths.push(path);
        }
        if paths.is_empty() {
            return Ok(());
        }
        let more = paths.len().saturating_sub(DIRTY_LIST_LIMIT);
        paths.truncate(DIRTY_LIST_LIMIT);
        Err(Error::DirtyWorkTree { paths, more })
    }
}

pub(crate) fn gitignore_path() -> Result<RegistryPath, Error> {
    ".gitignore".parse().map_err(|problem| Error::InvalidPath {
        path: ".gitignore".into(),
        problem,
    })
}
