//! Crash recovery: an unfinished change undone or completed, a stale lock cleared, archive
//! temporaries removed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use git2::build::CheckoutBuilder;

use super::journal::Journal;
use super::lock::Lock;
use super::{
    CommitId, Error, GITIGNORE, LockHolder, Registry, RegistryPath, gitignore_path, worktree,
};

/// What [`Registry::recover`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recovery {
    /// There was no unfinished change.
    NothingToDo,
    /// The unfinished change had not landed; the work tree is back at `head` (`None`: before
    /// the first commit) and the files it had created are removed.
    Discarded {
        /// The commit the registry is at.
        head: Option<CommitId>,
        /// Files of the change that were removed because `head` does not have them.
        removed: Vec<RegistryPath>,
    },
    /// The change had landed (`refs/heads/main` already pointed at it); only the journal was
    /// left, and the work tree is checked out at it.
    Completed {
        /// The commit.
        commit: CommitId,
    },
}

/// Everything [`Registry::recover`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recovered {
    /// What became of an unfinished change.
    pub change: Recovery,
    /// The holder of a lock left by a writer that is gone (killed, crashed), now cleared.
    pub stale_lock: Option<LockHolder>,
    /// Temporary files a crashed ingest left in the archive, now removed.
    pub orphans: Vec<PathBuf>,
}

impl Registry {
    /// Undoes an unfinished change left by a crash: removes the files it created, checks the
    /// work tree and index out at `HEAD` (`git reset --hard`; other uncommitted edits to
    /// tracked files are discarded too), and removes the journal. Takes the writer lock,
    /// taking over (and reporting) a lock whose holder is gone.
    ///
    /// # Errors
    ///
    /// [`Error::Locked`] if a writer that still runs holds the lock, [`Error::NotARegistry`],
    /// I/O and git errors.
    pub fn recover(dir: &Path) -> Result<Recovered, Error> {
        let registry = Registry::open_unchecked(dir)?;
        let (_lock, stale_lock) = Lock::acquire_recovering(registry.lock_path())?;
        let change = recover_locked(&registry)?;
        Ok(Recovered {
            change,
            stale_lock,
            orphans: remove_archive_orphans(&registry.archive_dir())?,
        })
    }

    /// Removes the writer lock whoever holds it, and says who did (`None`: it was not held).
    /// Only for a lock left by a writer that died; never while a command is working.
    ///
    /// # Errors
    ///
    /// [`Error::NotARegistry`], I/O errors.
    pub fn break_lock(dir: &Path) -> Result<Option<LockHolder>, Error> {
        let registry = Registry::open_unchecked(dir)?;
        Lock::force_remove(&registry.lock_path())
    }
}

/// Removes the temporary files of archive writes (`archive/sha256/xx/.<sha256>.tmp<pid>`)
/// that a crash left; with the lock held no writer is making one. Returns what it removed.
fn remove_archive_orphans(archive: &Path) -> Result<Vec<PathBuf>, Error> {
    let list = |dir: &Path| -> Result<Vec<PathBuf>, Error> {
        match fs::read_dir(dir) {
            Ok(entries) => entries
                .map(|e| e.map(|e| e.path()).map_err(|e| Error::io("list", dir, &e)))
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Error::io("list", dir, &e)),
        }
    };
    let mut removed = Vec::new();
    for bucket in list(&archive.join("sha256"))? {
        if !fs::symlink_metadata(&bucket).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        for file in list(&bucket)? {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let temporary = name.is_some_and(|n| n.starts_with('.') && n.contains(".tmp"));
            if temporary && fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) {
                fs::remove_file(&file).map_err(|e| Error::io("remove", &file, &e))?;
                removed.push(file);
            }
        }
    }
    Ok(removed)
}

/// [`Registry::recover`] with the lock already held (also used by a failing commit).
/// The lock files git (and libgit2) take while writing; a writer killed in the middle leaves
/// them, and every later write of the ref, index or config fails on them.
const GIT_LOCK_FILES: [&str; 5] = [
    "index.lock",
    "HEAD.lock",
    "refs/heads/main.lock",
    "packed-refs.lock",
    "config.lock",
];

pub(crate) fn recover_locked(registry: &Registry) -> Result<Recovery, Error> {
    // We hold the writer lock, and every writer of a registry takes it first: a git lock file
    // now is a dead writer's. What it guarded was not renamed into place, so it is dropped.
    for name in GIT_LOCK_FILES {
        worktree::remove_if_present(&registry.repo.path().join(name))?;
    }
    let journal_path = registry.journal_path();
    let Some(record) = Journal::read(&journal_path)? else {
        return Ok(Recovery::NothingToDo);
    };
    let root = registry.root();
    let repo = &registry.repo;
    let git = |operation| move |e: git2::Error| Error::git(operation, &e);
    for path in &record.paths {
        worktree::remove_if_present(&root.join(path.temp_name()))?;
        // Directories the change created and left empty (git does not track directories).
        worktree::prune_empty_parents(root, path);
    }
    let head = registry.head()?;
    let completed = head.is_some() && head == record.commit;
    let mut removed = Vec::new();
    if !completed {
        for path in &record.paths {
            let in_head = match head {
                Some(head) => registry.read_at(head, path.as_str())?.is_some(),
                None => false,
            };
            if !in_head && fs::symlink_metadata(root.join(path.as_str())).is_ok() {
                worktree::remove_file(root, path)?;
                removed.push(path.clone());
            }
        }
        if head.is_none() {
            // Back to what create() left: the .gitignore the first commit will carry.
            let gitignore = gitignore_path()?;
            worktree::write_atomic(root, &gitignore, GITIGNORE.as_bytes())?;
            removed.retain(|p| *p != gitignore);
        }
    }
    match head {
        Some(head) => {
            let target = repo
                .find_object(head.0, Some(git2::ObjectType::Commit))
                .map_err(git("read HEAD"))?;
            let mut checkout = CheckoutBuilder::new();
            checkout.force();
            repo.reset(&target, git2::ResetType::Hard, Some(&mut checkout))
                .map_err(git("reset the work tree to HEAD"))?;
        }
        None => {
            let mut index = repo.index().map_err(git("read the index"))?;
            index.clear().map_err(git("clear the index"))?;
            index.write().map_err(git("write the index"))?;
        }
    }
    worktree::sync_dirs(root, &record.paths)?;
    Journal::remove(&journal_path)?;
    Ok(match (completed, head) {
        (true, Some(commit)) => Recovery::Completed { commit },
        _ => Recovery::Discarded { head, removed },
    })
}
