//! Putting a site in place: written whole into a temporary folder beside the target, then
//! swapped in, so a crash leaves either the previous site or the new one, never half of one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::paths::MARKER;
use crate::{Error, Site};

/// Whether `dir` may be replaced: missing, empty, or a previous publish output (it holds the
/// marker file). Anything else might be somebody's files.
fn check_target(dir: &Path) -> Result<bool, Error> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io("inspect", dir, &e)),
        Ok(m) if !m.is_dir() => Err(Error::NotPublishOutput {
            path: dir.to_owned(),
            why: "it is not a directory".into(),
        }),
        Ok(_) => {
            let mut entries = fs::read_dir(dir).map_err(|e| Error::io("read", dir, &e))?;
            if entries.next().is_none() {
                return Ok(true);
            }
            if fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file()) {
                Ok(true)
            } else {
                Err(Error::NotPublishOutput {
                    path: dir.to_owned(),
                    why: format!(
                        "it has files but no {MARKER}, so it is not a previous publish output"
                    ),
                })
            }
        }
    }
}

/// Writes `site` to `dir`; `more(staging, previous)` adds what is written straight to disk (the
/// report pages), with the site being replaced to reuse from.
///
/// # Errors
///
/// [`Error::NotPublishOutput`] for a target that is not ours; I/O errors (the target is left
/// as it was).
pub fn write(
    site: &Site,
    dir: &Path,
    more: impl FnOnce(&Path, Option<&Path>) -> Result<(), Error>,
) -> Result<(), Error> {
    let exists = check_target(dir)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, &e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".scs-publish-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a temporary folder in", &parent, &e))?;
    let mut made: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    for (path, bytes) in &site.files {
        let target = tmp.path().join(path);
        if let Some(folder) = target.parent()
            && made.insert(folder.to_owned())
        {
            fs::create_dir_all(folder).map_err(|e| Error::io("create", folder, &e))?;
        }
        fs::write(&target, bytes).map_err(|e| Error::io("write", &target, &e))?;
    }
    more(tmp.path(), exists.then_some(dir))?;
    // The finished folder is a readable site like any other, not a private temporary.
    set_mode(tmp.path())?;
    let staged = tmp.keep();
    if exists {
        swap(&staged, dir)?;
        fs::remove_dir_all(&staged)
            .map_err(|e| Error::io("remove the previous site", &staged, &e))?;
    } else {
        fs::rename(&staged, dir).map_err(|e| {
            let _ = fs::remove_dir_all(&staged);
            Error::io("move the site to", dir, &e)
        })?;
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(dir: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io("set the mode of", dir, &e))
}

#[cfg(not(unix))]
fn set_mode(_: &Path) -> Result<(), Error> {
    Ok(())
}

/// Puts `staged` in the place of `dir` by two renames (the old site moves aside first, under
/// a temporary name beside it, and is put back if the second rename fails). Afterwards
/// `staged` holds the previous site. A crash between the two leaves both sites whole.
fn swap(staged: &Path, dir: &Path) -> Result<(), Error> {
    let old = staged.with_extension("old");
    fs::rename(dir, &old).map_err(|e| Error::io("move the previous site from", dir, &e))?;
    if let Err(e) = fs::rename(staged, dir) {
        let _ = fs::rename(&old, dir);
        return Err(Error::io("move the site to", dir, &e));
    }
    fs::rename(&old, staged).map_err(|e| Error::io("move the previous site to", staged, &e))
}
