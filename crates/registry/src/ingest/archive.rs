//! Writing the accepted bodies into the archive, byte-exact and content-addressed.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use super::{FileOutcome, IngestError, Submission};
use crate::Registry;
use crate::ledger;

/// Threads writing archive objects: the work is mostly waiting for the disk (each object is
/// synced before it is renamed into place), so more than the cores.
const STORE_WORKERS: usize = 8;

/// Writes the archive objects of the accepted files, several at a time.
pub(super) fn store_objects<'a>(
    registry: &Registry,
    submissions: impl Iterator<Item = &'a Submission>,
    outcomes: &[FileOutcome],
) -> Result<(), IngestError> {
    let accepted: Vec<(&str, &[u8])> = submissions
        .zip(outcomes)
        .filter_map(|(s, o)| match o {
            FileOutcome::Ingested { sha256, .. } => Some((sha256.as_str(), s.body.as_slice())),
            _ => None,
        })
        .collect();
    // Only the folder goes to the threads (a git repository handle is not `Sync`).
    let archive_dir = registry.archive_dir();
    scs_cert::parallel::map(&accepted, STORE_WORKERS, |(sha256, body)| {
        store_object_in(&archive_dir, sha256, body)
    })
    .into_iter()
    .collect()
}

/// Writes one archive object (temp file and rename; an existing object is left as it is).
pub(crate) fn store_object(
    registry: &Registry,
    sha256: &str,
    body: &[u8],
) -> Result<(), IngestError> {
    store_object_in(&registry.archive_dir(), sha256, body)
}

/// [`store_object`] given the archive folder (what worker threads get: a `Registry` is not
/// `Sync`).
fn store_object_in(archive_dir: &Path, sha256: &str, body: &[u8]) -> Result<(), IngestError> {
    let path = ledger::archive_path(archive_dir, sha256);
    if path.exists() {
        return Ok(());
    }
    let err = |e: std::io::Error| IngestError::Archive {
        path: path.display().to_string(),
        kind: e.kind(),
    };
    let dir = path.parent().unwrap_or(&path);
    fs::create_dir_all(dir).map_err(err)?;
    let tmp = dir.join(format!(".{sha256}.tmp{}", std::process::id()));
    let written = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(body).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}
