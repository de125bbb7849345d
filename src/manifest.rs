//! An archive manifest (`scs-cert ingest --manifest FILE`): the report files of an archive,
//! each with the instant it was received, so that a forum importing past reports records
//! what it knew when, instead of "received now" for all of them.
//!
//! ```json
//! {"files": [{"path": "2026-03/cloud-a.yaml", "received_at": "2026-03-02T04:10:00Z"}]}
//! ```
//!
//! Paths are read relative to the manifest's folder; instants in any form `--at` takes.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::time::{Instant, InstantError, read_instant};

/// Largest manifest read: 100k entries of a few hundred bytes each fit many times over.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024 * 1024;

/// One report file of the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The path as written (relative to the manifest's folder, or absolute).
    pub path: String,
    /// When the forum received it.
    pub received_at: Instant,
}

/// A manifest that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Not JSON of the expected shape (unknown keys included).
    #[error("not a manifest ({{\"files\": [{{\"path\", \"received_at\"}}]}}): {0}")]
    Shape(#[from] serde_json::Error),
    /// An entry's instant is unreadable.
    #[error("files[{index}] ({path}): received_at: {source}")]
    Instant {
        /// Index of the entry.
        index: usize,
        /// Its path.
        path: String,
        /// What is wrong with the instant.
        #[source]
        source: InstantError,
    },
    /// An entry without a path.
    #[error("files[{index}]: empty path")]
    EmptyPath {
        /// Index of the entry.
        index: usize,
    },
    /// The same file twice: which receipt would count?
    #[error("files[{index}]: {path} is listed twice")]
    Duplicate {
        /// Index of the second entry.
        index: usize,
        /// The path.
        path: String,
    },
    /// Nothing to ingest.
    #[error("the manifest lists no files")]
    Empty,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    files: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    path: String,
    received_at: String,
}

/// Reads a manifest; entries come back in receipt order (stable for equal instants), the order
/// in which they must be ingested: keys are judged at the receipt, and the ledger refuses a
/// receipt earlier than one it holds.
///
/// # Errors
///
/// Not JSON of the shape above, an unreadable instant, an empty or repeated path, no files.
pub fn parse(text: &str) -> Result<Vec<Entry>, ManifestError> {
    let file: File = serde_json::from_str(text)?;
    let mut seen = BTreeSet::new();
    let mut entries = Vec::with_capacity(file.files.len());
    for (index, raw) in file.files.into_iter().enumerate() {
        if raw.path.is_empty() {
            return Err(ManifestError::EmptyPath { index });
        }
        if !seen.insert(raw.path.clone()) {
            return Err(ManifestError::Duplicate {
                index,
                path: raw.path,
            });
        }
        let received_at =
            read_instant(&raw.received_at).map_err(|source| ManifestError::Instant {
                index,
                path: raw.path.clone(),
                source,
            })?;
        entries.push(Entry {
            path: raw.path,
            received_at,
        });
    }
    if entries.is_empty() {
        return Err(ManifestError::Empty);
    }
    entries.sort_by_key(|e| e.received_at);
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_in_receipt_order() {
        let m = parse(
            r#"{"files": [
                {"path": "b.yaml", "received_at": "2026-03-02T00:00:00Z"},
                {"path": "a.yaml", "received_at": "2026-03-01"},
                {"path": "c.yaml", "received_at": "2026-03-01T00:00:00Z"}
            ]}"#,
        )
        .unwrap();
        let paths: Vec<&str> = m.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a.yaml", "c.yaml", "b.yaml"]);
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        let cases = [
            (r#"{"files": []}"#, "lists no files"),
            (r#"{"file": []}"#, "unknown field"),
            (
                r#"{"files": [{"path": "a", "received_at": "2026-03-01", "x": 1}]}"#,
                "unknown field",
            ),
            (
                r#"{"files": [{"path": "a", "received_at": "yesterday"}]}"#,
                "files[0] (a): received_at",
            ),
            (
                r#"{"files": [{"path": "a", "received_at": "99999-01-01"}]}"#,
                "received_at",
            ),
            (
                r#"{"files": [{"path": "", "received_at": "2026-03-01"}]}"#,
                "empty path",
            ),
            (
                r#"{"files": [{"path": "a", "received_at": "2026-03-01"},
                              {"path": "a", "received_at": "2026-03-02"}]}"#,
                "files[1]: a is listed twice",
            ),
            ("[1, 2]", "not a manifest"),
        ];
        for (text, expected) in cases {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(expected), "{text}: {e}");
        }
    }
}
