//! The writer lock: `.git/scs-cert.lock`, created with `O_CREAT|O_EXCL` (`create_new`), holding
//! the writer's process id. Its modification time, set by the file system, says since when.
//!
//! A lock is never broken silently: a second writer gets [`Error::Locked`] naming the holder,
//! whether that process still runs (where the OS can tell), and the file to remove.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Error;

/// File name of the lock inside `.git`.
pub(crate) const LOCK_FILE: &str = "scs-cert.lock";

/// Who holds the writer lock, as far as the lock file tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockHolder {
    pid: Option<u32>,
    since: Option<DateTime<Utc>>,
    alive: Option<bool>,
}

impl LockHolder {
    /// The process id written into the lock, if the file could be read.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// When the lock was taken (the lock file's modification time).
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.since
    }

    /// Whether a process with that id runs on this machine: `Some(false)` means the lock is
    /// most likely stale (its writer died); `None` when the OS cannot tell (no `/proc`). A
    /// hint only: the id may have been reused, or the writer may run on another machine.
    pub fn alive(&self) -> Option<bool> {
        self.alive
    }

    fn read(path: &Path) -> LockHolder {
        let text = fs::read_to_string(path).unwrap_or_default();
        let pid = text
            .lines()
            .find_map(|l| l.strip_prefix("pid "))
            .and_then(|p| p.trim().parse::<u32>().ok());
        let since = fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .map(DateTime::<Utc>::from);
        LockHolder {
            pid,
            since,
            alive: pid.and_then(process_alive),
        }
    }
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pid {
            Some(pid) => write!(f, "process {pid}")?,
            None => f.write_str("an unknown process")?,
        }
        if let Some(since) = self.since {
            write!(f, " since {}", since.format("%Y-%m-%dT%H:%M:%SZ"))?;
        }
        if self.alive == Some(false) {
            f.write_str(" (that process no longer runs: the lock is stale)")?;
        }
        Ok(())
    }
}

/// Whether `/proc/<pid>` exists; `None` without a `/proc` file system.
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

/// A held writer lock; dropping it removes the lock file.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock at `path`.
    pub(crate) fn acquire(path: PathBuf) -> Result<Lock, Error> {
        let mut file = match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let holder = LockHolder::read(&path);
                return Err(Error::Locked { lock: path, holder });
            }
            Err(e) => return Err(Error::io("create the lock file", &path, &e)),
        };
        let lock = Lock { path };
        // From here on, dropping `lock` removes the file again.
        file.write_all(format!("pid {}\n", std::process::id()).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("write the lock file", &lock.path, &e))?;
        Ok(lock)
    }

    /// Removes a lock file whoever holds it; returns the holder, or `None` if there was none.
    pub(crate) fn force_remove(path: &Path) -> Result<Option<LockHolder>, Error> {
        if !path.exists() {
            return Ok(None);
        }
        let holder = LockHolder::read(path);
        match fs::remove_file(path) {
            Ok(()) => Ok(Some(holder)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("remove the lock file", path, &e)),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Nothing to do about a failure here: the next writer reports the leftover lock.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_acquire_names_the_holder_and_drop_releases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        let lock = Lock::acquire(path.clone()).unwrap();
        match Lock::acquire(path.clone()) {
            Err(Error::Locked { lock: p, holder }) => {
                assert_eq!(p, path);
                assert_eq!(holder.pid(), Some(std::process::id()));
                assert!(holder.since().is_some());
                assert_ne!(holder.alive(), Some(false));
            }
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(lock);
        assert!(!path.exists());
        drop(Lock::acquire(path.clone()).unwrap());
    }

    #[test]
    fn unreadable_holder_and_force_remove() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        fs::write(&path, "garbage").unwrap();
        let holder = Lock::force_remove(&path).unwrap().unwrap();
        assert_eq!(holder.pid(), None);
        assert!(!path.exists());
        assert_eq!(Lock::force_remove(&path).unwrap(), None);
    }
}
