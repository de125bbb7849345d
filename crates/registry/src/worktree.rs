//! Writing files in the work tree without ever leaving it.
//!
//! Every path is a validated [`RegistryPath`], and before anything is written each existing
//! ancestor is checked to be a real directory (not a symlink) and the file itself to be absent
//! or a regular file: a symlink committed into the registry (`ledger -> /etc`) cannot redirect a
//! write outside the root. Whole files go through a temporary file next to the target, synced,
//! then renamed (POSIX `rename(2)` replaces atomically), and the directory is synced after.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::Error;
use super::path::RegistryPath;

/// What is on disk at a path, not following symlinks.
enum Kind {
    Absent,
    File,
    Dir,
    Other,
}

fn kind(path: &Path) -> Result<Kind, Error> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Ok(Kind::File),
        Ok(m) if m.file_type().is_dir() => Ok(Kind::Dir),
        Ok(_) => Ok(Kind::Other),
        // NotADirectory: an ancestor is a file (that check_plan allows only when removed).
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(Kind::Absent)
        }
        Err(e) => Err(Error::io("inspect", path, &e)),
    }
}

/// The prefixes of `path` naming its ancestors: `a`, `a/b` for `a/b/c`.
fn ancestors(path: &RegistryPath) -> Vec<String> {
    let parts: Vec<&str> = path.components().collect();
    (1..parts.len()).map(|n| parts[..n].join("/")).collect()
}

/// Checks, without changing anything, that writing `writes` and removing `removes` stays
/// inside `root`: ancestors are real directories or absent (or a file this change removes),
/// targets are regular files or absent, and no written path is an ancestor of another.
pub(crate) fn check_plan(
    root: &Path,
    writes: &BTreeSet<&RegistryPath>,
    removes: &BTreeSet<&RegistryPath>,
) -> Result<(), Error> {
    let written: BTreeSet<&str> = writes.iter().map(|p| p.as_str()).collect();
    let removed: BTreeSet<&str> = removes.iter().map(|p| p.as_str()).collect();
    for path in writes.iter().chain(removes.iter()) {
        for ancestor in ancestors(path) {
            let conflict = written.contains(ancestor.as_str())
                || match kind(&root.join(&ancestor))? {
                    Kind::Absent | Kind::Dir => false,
                    Kind::File => !removed.contains(ancestor.as_str()),
                    Kind::Other => true,
                };
            if conflict {
                return Err(Error::PathConflict {
                    path: (*path).clone(),
                    at: ancestor,
                });
            }
        }
        match kind(&root.join(path.as_str()))? {
            Kind::Absent | Kind::File => {}
            Kind::Dir | Kind::Other => {
                return Err(Error::PathConflict {
                    path: (*path).clone(),
                    at: path.as_str().to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// Creates the missing ancestors of `path` (after [`check_plan`]).
fn create_parents(root: &Path, path: &RegistryPath) -> Result<(), Error> {
    for ancestor in ancestors(path) {
        let dir = root.join(&ancestor);
        match kind(&dir)? {
            Kind::Dir => {}
            Kind::Absent => fs::create_dir(&dir).map_err(|e| Error::io("create", &dir, &e))?,
            Kind::File | Kind::Other => {
                return Err(Error::PathConflict {
                    path: path.clone(),
                    at: ancestor,
                });
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to `root/path` through `root/<temp name>`, synced, then renamed.
/// Returns the metadata of the written file (for the index's stat cache).
pub(crate) fn write_atomic(
    root: &Path,
    path: &RegistryPath,
    bytes: &[u8],
) -> Result<fs::Metadata, Error> {
    create_parents(root, path)?;
    let target = root.join(path.as_str());
    let temp = root.join(path.temp_name());
    // A temporary file left by a crashed writer is ours to replace (the name is reserved).
    remove_if_present(&temp)?;
    let written = (|| -> io::Result<fs::Metadata> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, &target)?;
        fs::symlink_metadata(&target)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        Error::io("write", &target, &e)
    })
}

/// Removes `root/path` if it is a regular file, then its ancestors that became empty.
pub(crate) fn remove_file(root: &Path, path: &RegistryPath) -> Result<(), Error> {
    let target = root.join(path.as_str());
    if let Kind::File = kind(&target)? {
        fs::remove_file(&target).map_err(|e| Error::io("remove", &target, &e))?;
    }
    prune_empty_parents(root, path);
    Ok(())
}

/// Removes a reserved temporary file if it exists (regular files only).
pub(crate) fn remove_if_present(path: &Path) -> Result<(), Error> {
    match kind(path)? {
        Kind::File => fs::remove_file(path).map_err(|e| Error::io("remove", path, &e)),
        _ => Ok(()),
    }
}

/// Removes the now-empty ancestor directories of `path`, deepest first; stops at the first
/// that is not empty. Failure only leaves an empty directory, which git ignores.
pub(crate) fn prune_empty_parents(root: &Path, path: &RegistryPath) {
    for ancestor in ancestors(path).iter().rev() {
        if fs::remove_dir(root.join(ancestor)).is_err() {
            break;
        }
    }
}

/// Syncs the directories holding `paths`, so renames and removals survive a power cut.
pub(crate) fn sync_dirs<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a RegistryPath>,
) -> Result<(), Error> {
    let dirs: BTreeSet<PathBuf> = paths
        .into_iter()
        .map(|p| {
            let full = root.join(p.as_str());
            full.parent()
                .map_or_else(|| root.to_owned(), Path::to_owned)
        })
        .collect();
    for dir in dirs {
        sync_dir(&dir)?;
    }
    Ok(())
}

/// Syncs one directory; a directory removed meanwhile (pruned) needs no sync.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), Error> {
    match File::open(dir) {
        Ok(d) => d.sync_all().map_err(|e| Error::io("sync", dir, &e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("open", dir, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> RegistryPath {
        s.parse().unwrap()
    }

    #[test]
    fn writes_create_parents_and_leave_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), &p("a/b/c.txt"), b"one").unwrap();
        write_atomic(dir.path(), &p("a/b/c.txt"), b"two").unwrap();
        assert_eq!(fs::read(dir.path().join("a/b/c.txt")).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path().join("a/b")).unwrap().count(), 1);
        remove_file(dir.path(), &p("a/b/c.txt")).unwrap();
        assert!(!dir.path().join("a").exists());
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_ancestor_is_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("ledger")).unwrap();
        let target = p("ledger/x.jsonl");
        let writes = BTreeSet::from([&target]);
        let err = check_plan(dir.path(), &writes, &BTreeSet::new()).unwrap_err();
        assert_eq!(
            err,
            Error::PathConflict {
                path: target.clone(),
                at: "ledger".into()
            }
        );
        assert!(write_atomic(dir.path(), &target, b"x").is_err());
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn file_as_ancestor_unless_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), b"file").unwrap();
        let (a, ab) = (p("a"), p("a/b"));
        let writes = BTreeSet::from([&ab]);
        assert!(check_plan(dir.path(), &writes, &BTreeSet::new()).is_err());
        check_plan(dir.path(), &writes, &BTreeSet::from([&a])).unwrap();
        let both = BTreeSet::from([&a, &ab]);
        assert!(check_plan(dir.path(), &both, &BTreeSet::new()).is_err());
    }
}
