//! A change: files staged in memory, then landed as one signed commit or not at all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use git2::{IndexEntry, IndexTime, Oid};

use super::journal::Journal;
use super::lock::Lock;
use super::path::RegistryPath;
use super::recover::recover_locked;
use super::signing::{CommitIdentity, write_signed_commit};
use super::{CommitId, Error, Registry, readme, worktree};
use scs_cert::layout::{FORUM_ALLOWED_SIGNERS, FORUM_TOML};
use scs_cert::sig::SigningKey;

/// git's mode for a regular, non-executable file.
const FILE_MODE: u32 = 0o100_644;

/// One staged operation on a path.
#[derive(Clone, Debug)]
enum Staged {
    Write(Vec<u8>),
    Remove,
}

/// A change being prepared while holding the registry's writer lock.
///
/// Nothing touches the disk until [`Change::commit`]; dropping a change without committing
/// discards it and releases the lock. Read the registry's state through [`Change::read`] after
/// [`Registry::begin`], so decisions rest on the state the lock protects.
#[derive(Debug)]
pub struct Change<'r> {
    registry: &'r Registry,
    // Held for the life of the change; dropping it removes the lock file.
    _lock: Lock,
    base: Option<Oid>,
    staged: BTreeMap<RegistryPath, Staged>,
}

fn parse_path(rel_path: &str) -> Result<RegistryPath, Error> {
    rel_path.parse().map_err(|problem| Error::InvalidPath {
        path: rel_path.chars().take(200).collect(),
        problem,
    })
}

impl<'r> Change<'r> {
    pub(crate) fn new(registry: &'r Registry, lock: Lock, base: Option<Oid>) -> Change<'r> {
        Change {
            registry,
            _lock: lock,
            base,
            staged: BTreeMap::new(),
        }
    }

    /// The commit this change builds on (`None` before the first commit).
    pub fn base(&self) -> Option<CommitId> {
        self.base.map(CommitId)
    }

    /// Stages a whole-file write of `bytes` to `rel_path` (replacing any earlier staging).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`] for a path that is not a [`RegistryPath`].
    pub fn write(&mut self, rel_path: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = parse_path(rel_path)?;
        self.staged.insert(path, Staged::Write(bytes.to_vec()));
        Ok(())
    }

    /// Stages appending `bytes` to `rel_path`: to what this change staged for it, else to the
    /// file as committed at the base (or to nothing if it does not exist yet). The file is
    /// still written whole at commit, so a crash never leaves half a line.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`], or a git error reading the committed file.
    pub fn append(&mut self, rel_path: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = parse_path(rel_path)?;
        let mut content = match self.staged.remove(&path) {
            Some(Staged::Write(content)) => content,
            Some(Staged::Remove) => Vec::new(),
            None => self.committed(&path)?.unwrap_or_default(),
        };
        content.extend_from_slice(bytes);
        self.staged.insert(path, Staged::Write(content));
        Ok(())
    }

    /// Stages removing `rel_path`. Removing a file that does not exist changes nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`].
    pub fn remove(&mut self, rel_path: &str) -> Result<(), Error> {
        let path = parse_path(rel_path)?;
        self.staged.insert(path, Staged::Remove);
        Ok(())
    }

    /// The content of `rel_path` as this change would leave it: staged, else committed at the
    /// base; `None` if it does not (or would no longer) exist.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`], or a git error reading the committed file.
    pub fn read(&self, rel_path: &str) -> Result<Option<Vec<u8>>, Error> {
        let path = parse_path(rel_path)?;
        match self.staged.get(&path) {
            Some(Staged::Write(content)) => Ok(Some(content.clone())),
            Some(Staged::Remove) => Ok(None),
            None => self.committed(&path),
        }
    }

    /// The paths this change writes or removes, in order.
    pub fn paths(&self) -> impl Iterator<Item = &RegistryPath> {
        self.staged.keys()
    }

    fn committed(&self, path: &RegistryPath) -> Result<Option<Vec<u8>>, Error> {
        match self.base {
            Some(base) => self.registry.read_at(CommitId(base), path.as_str()),
            None => Ok(None),
        }
    }

    /// Lands the change as one commit on `refs/heads/main`, signed by `signer` (SSHSIG,
    /// namespace `git`), with `identity` as author and committer; returns the commit id.
    ///
    /// The order, so that a crash at any point leaves the last commit intact:
    ///
    /// 1. the tree is built in an in-memory index from the exact staged bytes (no filters),
    ///    with the registry's `README.md` re-written when what it states changed
    ///    ([`crate::readme`]), and the signed commit object is written; it is unreachable
    ///    until step 5;
    /// 2. the journal `.git/scs-cert-journal` is written, naming base, commit and paths;
    /// 3. files are removed and written (temporary file, sync, rename) and directories synced;
    /// 4. the index, with the written files' stat data, replaces `.git/index` (atomically);
    /// 5. `refs/heads/main` is moved from the base to the commit (compare-and-swap);
    /// 6. the journal is removed.
    ///
    /// A failure in steps 2 to 5 is rolled back at once ([`Registry::recover`]); if even that
    /// fails, the journal stays and the next [`Registry::open`] reports
    /// [`Error::UnfinishedChange`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMessage`], [`Error::EmptyChange`], [`Error::PathConflict`] (a staged
    /// path runs into a symlink, a directory or a file), [`Error::Sign`], and I/O or git
    /// errors.
    pub fn commit(
        mut self,
        message: &str,
        signer: &SigningKey,
        identity: &CommitIdentity,
    ) -> Result<CommitId, Error> {
        if message.trim().is_empty() || message.contains('\0') {
            return Err(Error::InvalidMessage);
        }
        let message = if message.ends_with('\n') {
            message.to_owned()
        } else {
            format!("{message}\n")
        };
        let registry = self.registry;
        let root = registry.root();
        let repo = &registry.repo;
        let git = |operation| move |e: git2::Error| Error::git(operation, &e);

        // 1. Tree and signed commit, from the on-disk index (equal to HEAD: begin() checked
        // the work tree is clean, and the lock has kept writers out since).
        let mut index = repo.index().map_err(git("read the index"))?;
        index.read(true).map_err(git("read the index"))?;
        for (path, staged) in &self.staged {
            match staged {
                Staged::Write(bytes) => {
                    let id = repo.blob(bytes).map_err(git("write a blob"))?;
                    index
                        .add(&entry(path, id, None))
                        .map_err(git("stage a file"))?;
                }
                Staged::Remove => {
                    // Absent entries are fine: removing a missing file changes nothing.
                    let _ = index.remove_path(Path::new(path.as_str()));
                }
            }
        }
        let mut tree_id = index.write_tree().map_err(git("write the tree"))?;
        let parent = match self.base {
            Some(base) => Some(
                repo.find_commit(base)
                    .map_err(git("read the base commit"))?,
            ),
            None => None,
        };
        let unchanged = match &parent {
            Some(parent) => parent.tree_id() == tree_id,
            None => repo
                .find_tree(tree_id)
                .map_err(git("read the tree"))?
                .is_empty(),
        };
        if unchanged {
            return Err(Error::EmptyChange);
        }
        // The README states the forum's keys: it changes with them, in the same commit. Only a
        // change that changes something else brings it (an empty change stays empty).
        if let Some(bytes) = self.readme()? {
            let id = repo.blob(&bytes).map_err(git("write a blob"))?;
            let path = parse_path(readme::README)?;
            index
                .add(&entry(&path, id, None))
                .map_err(git("stage a file"))?;
            self.staged.insert(path, Staged::Write(bytes));
            tree_id = index.write_tree().map_err(git("write the tree"))?;
        }
        let writes: BTreeSet<&RegistryPath> = self.staged_where(true);
        let removes: BTreeSet<&RegistryPath> = self.staged_where(false);
        worktree::check_plan(root, &writes, &removes)?;
        let tree = repo.find_tree(tree_id).map_err(git("read the tree"))?;
        let who = identity.to_git()?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let buffer = repo
            .commit_create_buffer(&who, &who, &message, &tree, &parents)
            .map_err(git("build the commit"))?;
        let commit = write_signed_commit(repo, &buffer, signer)?;

        // 2. to 5.
        let journal_path = registry.journal_path();
        let journal = Journal {
            base: self.base.map(CommitId),
            commit: Some(commit),
            paths: self.staged.keys().cloned().collect(),
        };
        journal.write(&journal_path)?;
        if let Err(error) = self.apply(&mut index, commit) {
            // Roll back now, while the lock is still held; if that fails too, the journal
            // stays and open() sends the user to `registry recover`.
            let _ = recover_locked(registry);
            return Err(error);
        }
        // 6.
        Journal::remove(&journal_path)?;
        Ok(commit)
    }

    /// The README this change should write, when the one it would leave differs from what
    /// forum.toml and keys/allowed_signers, as the change leaves them, say (`None` also when
    /// either cannot be read: nothing to state then).
    fn readme(&self) -> Result<Option<Vec<u8>>, Error> {
        let forum = self.read(FORUM_TOML)?;
        let keys = self.read(FORUM_ALLOWED_SIGNERS)?;
        let Some(text) = readme::for_files(forum.as_deref(), keys.as_deref()) else {
            return Ok(None);
        };
        let current = self.read(readme::README)?;
        Ok((current.as_deref() != Some(text.as_bytes())).then(|| text.into_bytes()))
    }

    fn staged_where(&self, write: bool) -> BTreeSet<&RegistryPath> {
        self.staged
            .iter()
            .filter(|(_, s)| matches!(s, Staged::Write(_)) == write)
            .map(|(p, _)| p)
            .collect()
    }

    /// Steps 3 to 5 of [`Change::commit`].
    fn apply(&self, index: &mut git2::Index, commit: CommitId) -> Result<(), Error> {
        let registry = self.registry;
        let root = registry.root();
        let git = |operation| move |e: git2::Error| Error::git(operation, &e);
        for (path, staged) in &self.staged {
            if let Staged::Remove = staged {
                worktree::remove_file(root, path)?;
            }
        }
        for (path, staged) in &self.staged {
            if let Staged::Write(bytes) = staged {
                let meta = worktree::write_atomic(root, path, bytes)?;
                let id = index
                    .get_path(Path::new(path.as_str()), 0)
                    .map(|e| e.id)
                    .ok_or_else(|| Error::git_message("stage a file", "entry vanished"))?;
                // The stat data lets git see the file as clean without hashing it again.
                index
                    .add(&entry(path, id, Some(&meta)))
                    .map_err(git("stage a file"))?;
            }
        }
        worktree::sync_dirs(root, self.staged.keys())?;
        worktree::sync_dir(root)?;
        index.write().map_err(git("write the index"))?;
        let log = format!("scs-cert: commit {commit}");
        match self.base {
            Some(base) => registry
                .repo
                .reference_matching(super::MAIN_REF, commit.0, true, base, &log)
                .map_err(git("move refs/heads/main"))?,
            None => registry
                .repo
                .reference(super::MAIN_REF, commit.0, false, &log)
                .map_err(git("create refs/heads/main"))?,
        };
        Ok(())
    }
}

/// An index entry for a regular file; stat data from `meta` where the file exists on disk.
fn entry(path: &RegistryPath, id: Oid, meta: Option<&std::fs::Metadata>) -> IndexEntry {
    let mut entry = IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: FILE_MODE,
        uid: 0,
        gid: 0,
        file_size: 0,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_str().as_bytes().to_vec(),
    };
    #[cfg(unix)]
    if let Some(meta) = meta {
        use std::os::unix::fs::MetadataExt;
        // The index stores these as 32-bit fields, truncated as git truncates them
        // (read-cache.c `fill_stat_data`).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        {
            entry.ctime = IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32);
            entry.mtime = IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32);
            entry.dev = meta.dev() as u32;
            entry.ino = meta.ino() as u32;
            entry.uid = meta.uid();
            entry.gid = meta.gid();
            entry.file_size = meta.size() as u32;
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    entry
}
