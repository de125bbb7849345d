//! The writer lock: `.git/scs-cert.lock`, locked with an OS lock (`flock`,
//! [`File::try_lock`]) for as long as the writer runs, and holding the writer's process id and
//! boot id. The OS lock dies with the process, so a writer killed with `kill -9` leaves a file
//! whose lock nobody holds: that is how a dead holder is told from a working one.
//!
//! A lock is never broken silently: a second writer gets [`Error::Locked`] naming the holder
//! and whether it still runs; only `registry recover` ([`Lock::acquire_recovering`]) takes over
//! a lock whose holder is gone.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Seek as _, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Error;

/// File name of the lock inside `.git`.
pub(crate) const LOCK_FILE: &str = "scs-cert.lock";

/// How often a lock file removed under us (by its releasing holder) is opened again.
const ATTEMPTS: usize = 8;

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

    /// Whether the holder still runs: `Some(true)` when it holds the OS lock, `Some(false)`
    /// when the lock is stale (the OS lock is free, or the process is gone or from an earlier
    /// boot), `None` when that cannot be told.
    pub fn alive(&self) -> Option<bool> {
        self.alive
    }

    /// The holder named in `text`, the content of the lock file at `path`; `os_locked` says
    /// whether someone holds the OS lock on it (`None`: not known).
    fn parse(text: &str, path: &Path, os_locked: Option<bool>) -> LockHolder {
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        let pid = field("pid ").and_then(|p| p.parse::<u32>().ok());
        let boot = field("boot ");
        let since = fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .map(DateTime::<Utc>::from);
        let alive = match os_locked {
            Some(true) => Some(true),
            // Nobody holds the OS lock: alive only if a writer without the OS lock (an older
            // scs-cert) still runs under that id in this boot.
            Some(false) | None => {
                let same_boot = match (boot, boot_id()) {
                    (Some(theirs), Some(ours)) => Some(theirs == ours),
                    _ => None,
                };
                match (same_boot, pid.and_then(process_alive)) {
                    (Some(false), _) => Some(false),
                    (_, Some(running)) => Some(running),
                    (_, None) => os_locked.map(|_| false),
                }
            }
        };
        LockHolder { pid, since, alive }
    }

    fn read(path: &Path, os_locked: Option<bool>) -> LockHolder {
        let text = fs::read_to_string(path).unwrap_or_default();
        LockHolder::parse(&text, path, os_locked)
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

/// This boot's id (Linux), so that a process id from before a reboot is not taken for a
/// running process.
fn boot_id() -> Option<String> {
    fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// A held writer lock; dropping it removes the lock file and releases the OS lock.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
    // Holds the OS lock until dropped (after the file is removed).
    _file: File,
}

impl Lock {
    /// Takes the lock at `path`; a lock file left by a dead writer is reported, not taken over.
    pub(crate) fn acquire(path: PathBuf) -> Result<Lock, Error> {
        Lock::take(path, false).map(|(lock, _)| lock)
    }

    /// Takes the lock at `path` for `registry recover`: a lock file whose holder is gone is
    /// taken over, and that holder returned.
    pub(crate) fn acquire_recovering(path: PathBuf) -> Result<(Lock, Option<LockHolder>), Error> {
        Lock::take(path, true)
    }

    fn take(path: PathBuf, recovering: bool) -> Result<(Lock, Option<LockHolder>), Error> {
        let failed = |what, e: &io::Error| Error::io(what, &path, e);
        for _ in 0..ATTEMPTS {
            // A symlink planted at the lock's path is not followed (and never matches
            // `same_file` below, which looks at the path itself).
            if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
                return Err(failed(
                    "use the lock file (not a regular file)",
                    &io::Error::from(io::ErrorKind::InvalidInput),
                ));
            }
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| failed("open the lock file", &e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = LockHolder::read(&path, Some(true));
                    return Err(Error::Locked { lock: path, holder });
                }
                Err(fs::TryLockError::Error(e)) => return Err(failed("lock the lock file", &e)),
            }
            // The releasing holder removes the file before it lets go of the OS lock: if the
            // path names another file now, the lock taken is on a removed file. Try again.
            if !same_file(&file, &path) {
                continue;
            }
            let mut text = String::new();
            // An unreadable content counts as no holder: the OS lock is ours.
            let _ = file.read_to_string(&mut text);
            let mut stale = None;
            if !text.trim().is_empty() {
                let holder = LockHolder::parse(&text, &path, Some(false));
                if !recovering || holder.alive != Some(false) {
                    return Err(Error::Locked { lock: path, holder });
                }
                stale = Some(holder);
            }
            let lock = Lock { path, _file: file };
            // From here on, dropping `lock` removes the file again.
            let mut f = &lock._file;
            let boot = boot_id().map(|b| format!("boot {b}\n")).unwrap_or_default();
            f.set_len(0)
                .and_then(|()| f.rewind())
                .and_then(|()| {
                    f.write_all(format!("pid {}\n{boot}", std::process::id()).as_bytes())
                })
                .and_then(|()| f.sync_all())
                .map_err(|e| Error::io("write the lock file", &lock.path, &e))?;
            return Ok((lock, stale));
        }
        Err(Error::io(
            "take the lock file (it kept being replaced)",
            &path,
            &io::Error::from(io::ErrorKind::WouldBlock),
        ))
    }

    /// Removes a lock file whoever holds it; returns the holder, or `None` if there was none.
    pub(crate) fn force_remove(path: &Path) -> Result<Option<LockHolder>, Error> {
        if !path.exists() {
            return Ok(None);
        }
        let holder = LockHolder::read(path, None);
        match fs::remove_file(path) {
            Ok(()) => Ok(Some(holder)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("remove the lock file", path, &e)),
        }
    }
}

/// Whether the open `file` is the file at `path` now.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        path.exists()
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Nothing to do about a failure here: the next writer reports the leftover lock. The
        // OS lock is released after the removal, when the file handle closes.
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
