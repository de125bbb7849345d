//! Putting a site in place: written whole into a temporary folder beside the target, then
//! swapped in, so a crash leaves either the previous site or the new one, never half of one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::paths::MARKER;
use crate::{Error, Site};

/// Every file (and anything that is not a folder) under `dir`, as paths relative to it with
/// `/`, sorted.
fn files_under(dir: &Path) -> Result<Vec<String>, Error> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
        for entry in fs::read_dir(dir).map_err(|e| Error::io("read", dir, &e))? {
            let entry = entry.map_err(|e| Error::io("read", dir, &e))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| Error::io("inspect", &path, &e))?;
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// The marker: a header line, then every file the site holds (so a later publish can tell
/// its own files from anything somebody added).
fn marker_text(header: &str, files: &[String]) -> String {
    let mut text = format!("{}\n", header.trim_end());
    for f in files.iter().filter(|f| f.as_str() != MARKER) {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// Whether `dir` may be replaced: missing, empty, or a previous publish output holding only
/// the files its marker lists. Anything else (a `.git` of a pages checkout, a `CNAME`, notes)
/// is somebody's, and replacing the folder would delete it.
fn check_target(dir: &Path) -> Result<bool, Error> {
    let refuse = |why: String| Error::NotPublishOutput {
        path: dir.to_owned(),
        why,
    };
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io("inspect", dir, &e)),
        Ok(m) if !m.is_dir() => Err(refuse("it is not a directory".into())),
        Ok(_) => {
            let present = files_under(dir)?;
            if present.is_empty()
                && fs::read_dir(dir)
                    .map_err(|e| Error::io("read", dir, &e))?
                    .next()
                    .is_none()
            {
                return Ok(true);
            }
            let marker = dir.join(MARKER);
            if !fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file()) {
                return Err(refuse(format!(
                    "it has files but no {MARKER}, so it is not a previous publish output"
                )));
            }
            let text = fs::read_to_string(&marker).map_err(|e| Error::io("read", &marker, &e))?;
            let ours: std::collections::BTreeSet<&str> = text.lines().skip(1).collect();
            let foreign: Vec<&String> = present
                .iter()
                .filter(|f| f.as_str() != MARKER && !ours.contains(f.as_str()))
                .collect();
            if let Some(first) = foreign.first() {
                return Err(refuse(format!(
                    "it holds {} file(s) a publish did not write, first {first} (replacing the site would delete them; publish elsewhere or move them)",
                    foreign.len()
                )));
            }
            Ok(true)
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
    // `.` and `..` have no parent to stage beside: name the folder itself.
    let dir = &match fs::canonicalize(dir) {
        Ok(real) if fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) => real,
        _ => dir.to_owned(),
    };
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
    more(tmp.path(), exists.then_some(dir.as_path()))?;
    let files = files_under(tmp.path())?;
    let header = site
        .files
        .get(MARKER)
        .map_or_else(String::new, |b| String::from_utf8_lossy(b).into_owned());
    let marker = tmp.path().join(MARKER);
    fs::write(&marker, marker_text(&header, &files))
        .map_err(|e| Error::io("write", &marker, &e))?;
    // The finished folder is a readable site like any other, not a private temporary.
    set_mode(tmp.path())?;
    let staged = tmp.keep();
    if exists {
        if let Err(e) = swap(&staged, dir) {
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
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
