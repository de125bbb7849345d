//! The journal of a change being committed: `.git/scs-cert-journal`.
//!
//! Written (atomically, synced) after the signed commit object exists and before the first
//! file of the work tree is touched; removed after `refs/heads/main` points at the commit.
//! While it exists, the work tree may hold part of a change, so [`super::Registry::open`]
//! refuses and [`super::Registry::recover`] puts the work tree back to `HEAD`.
//!
//! ```text
//! scs-cert-journal 1
//! base <commit id, or - before the first commit>
//! commit <the new commit id>
//! path <registry path>          one line per written or removed file
//! ```

use std::fs;
use std::io;
use std::path::Path;

use git2::Oid;

use super::path::RegistryPath;
use super::{CommitId, Error, worktree};

/// File name of the journal inside `.git`.
pub(crate) const JOURNAL_FILE: &str = "scs-cert-journal";

const MAGIC: &str = "scs-cert-journal 1";

/// What a journal says. Unreadable lines are skipped, so a hand-edited journal still leads to
/// a recovery (a reset to `HEAD`), just without removing new files it no longer names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Journal {
    pub(crate) base: Option<CommitId>,
    pub(crate) commit: Option<CommitId>,
    pub(crate) paths: Vec<RegistryPath>,
}

impl Journal {
    pub(crate) fn to_text(&self) -> String {
        let mut text = format!("{MAGIC}\n");
        match self.base {
            Some(base) => text.push_str(&format!("base {base}\n")),
            None => text.push_str("base -\n"),
        }
        if let Some(commit) = self.commit {
            text.push_str(&format!("commit {commit}\n"));
        }
        for path in &self.paths {
            // Registry paths have no control characters: one line each.
            text.push_str(&format!("path {path}\n"));
        }
        text
    }

    pub(crate) fn parse(text: &str) -> Journal {
        let mut journal = Journal::default();
        let id = |s: &str| Oid::from_str(s.trim()).ok().map(CommitId);
        for line in text.lines() {
            if let Some(base) = line.strip_prefix("base ") {
                journal.base = id(base);
            } else if let Some(commit) = line.strip_prefix("commit ") {
                journal.commit = id(commit);
            } else if let Some(Ok(path)) = line.strip_prefix("path ").map(str::parse) {
                journal.paths.push(path);
            }
        }
        journal
    }

    /// Reads the journal at `path`; `None` if there is none.
    pub(crate) fn read(path: &Path) -> Result<Option<Journal>, Error> {
        match super::read_regular(path) {
            Ok(bytes) => Ok(Some(Journal::parse(&String::from_utf8_lossy(&bytes)))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read the journal", path, &e)),
        }
    }

    /// Writes the journal at `path` through a temporary file, synced, then renamed, and syncs
    /// the directory: after this returns, a crash leaves a complete journal.
    pub(crate) fn write(&self, path: &Path) -> Result<(), Error> {
        let temp = path.with_extension("tmp");
        let written = (|| -> io::Result<()> {
            let mut file = fs::File::create(&temp)?;
            io::Write::write_all(&mut file, self.to_text().as_bytes())?;
            file.sync_all()?;
            drop(file);
            fs::rename(&temp, path)
        })();
        written.map_err(|e| {
            let _ = fs::remove_file(&temp);
            Error::io("write the journal", path, &e)
        })?;
        match path.parent() {
            Some(dir) => worktree::sync_dir(dir),
            None => Ok(()),
        }
    }

    /// Removes the journal and syncs its directory: the change is complete.
    pub(crate) fn remove(path: &Path) -> Result<(), Error> {
        match fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove the journal", path, &e)),
        }
        match path.parent() {
            Some(dir) => worktree::sync_dir(dir),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_lenient_parse() {
        let journal = Journal {
            base: Some(CommitId(
                Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap(),
            )),
            commit: Some(CommitId(
                Oid::from_str("89abcdef0123456789abcdef0123456789abcdef").unwrap(),
            )),
            paths: vec!["a/b".parse().unwrap(), "c".parse().unwrap()],
        };
        assert_eq!(Journal::parse(&journal.to_text()), journal);
        let first = Journal {
            base: None,
            ..journal.clone()
        };
        assert_eq!(Journal::parse(&first.to_text()), first);
        let junk = Journal::parse("garbage\npath ../x\npath ok\nbase zz\n");
        assert_eq!(junk.paths, vec!["ok".parse().unwrap()]);
        assert_eq!(junk.base, None);
    }

    #[test]
    fn write_read_remove() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        assert_eq!(Journal::read(&path).unwrap(), None);
        let journal = Journal::default();
        journal.write(&path).unwrap();
        assert_eq!(Journal::read(&path).unwrap(), Some(journal));
        Journal::remove(&path).unwrap();
        assert_eq!(Journal::read(&path).unwrap(), None);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
