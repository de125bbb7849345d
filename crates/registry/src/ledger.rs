//! The ledger: one JSON line per ingested report document, in
//! `ledger/<subject>/<scope uuid>/<YYYY-MM>.jsonl` (month of `checked_at`), and the archive of
//! the exact signed bodies, `archive/sha256/<ab>/<hex>`, outside git history (DESIGN §5).
//!
//! Ledger files are only ever appended to; `registry verify` checks that over the history.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use scs_cert::report::Verdict;
use scs_cert::subject::Subject;
use scs_cert::time::Instant;

/// The folder all ledgers live in.
pub const LEDGER_DIR: &str = "ledger";

/// The `signature` of a ledger line the forum recorded itself (a manual check).
pub const MANUAL_SIGNATURE: &str = "forum";

/// One ingested report document.
///
/// Field order is the serialisation order; lines are written compact, one per document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerLine {
    /// The report's run uuid (`run.uuid`), unique in the registry.
    pub run: String,
    /// The subject the document is about.
    pub subject: Subject,
    /// The scope uuid.
    pub scope: String,
    /// SHA-256 (hex) of the archived signed body; the archive object's name.
    pub sha256: String,
    /// Which document of the body this line is (0-based).
    pub document: usize,
    /// When the test ran, as the report says (read as UTC); RFC 3339 in the file.
    #[serde(with = "scs_cert::time::rfc3339")]
    pub checked_at: Instant,
    /// When the forum received the report; RFC 3339 in the file.
    #[serde(with = "scs_cert::time::rfc3339")]
    pub received_at: Instant,
    /// True when `received_at` was declared by the secretary (`ingest --received-at`, for
    /// importing archives of past reports) rather than the moment of ingestion.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub received_at_declared: bool,
    /// When the registry ingested it (orders ties: the later-ingested wins); RFC 3339 in the
    /// file.
    #[serde(with = "scs_cert::time::rfc3339")]
    pub ingested_at: Instant,
    /// How it was signed: `sshsig` or `sigstore`.
    pub signature: String,
    /// The signing key (`SHA256:…`) or Sigstore identity.
    pub signer: String,
    /// The subject or delegate whose key signed.
    pub signed_by: String,
    /// Testcase id to verdict (-1, 0, 1), merged worst-wins within the document.
    pub results: BTreeMap<String, i8>,
}

impl LedgerLine {
    /// The ledger file this line belongs in.
    pub fn path(&self) -> String {
        let month = self.checked_at.format("%Y-%m");
        format!("{LEDGER_DIR}/{}/{}/{month}.jsonl", self.subject, self.scope)
    }

    /// The line as written (compact JSON and a newline).
    pub fn to_line(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The verdicts as [`Verdict`]s (values outside -1..1 are dropped; `parse` refuses them).
    pub fn verdicts(&self) -> BTreeMap<String, Verdict> {
        self.results
            .iter()
            .filter_map(|(id, v)| Verdict::from_value(i64::from(*v)).map(|v| (id.clone(), v)))
            .collect()
    }
}

/// A ledger file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct LedgerError {
    /// The ledger file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// Reads every line of a ledger file.
///
/// # Errors
///
/// The first line that is not a valid ledger line.
pub fn parse(path: &str, bytes: &[u8]) -> Result<Vec<LedgerLine>, LedgerError> {
    let mut out = Vec::new();
    each_line(path, bytes, |l, bad| {
        let line: LedgerLine = serde_json::from_str(l).map_err(|e| bad(e.to_string()))?;
        if line.results.values().any(|v| !(-1..=1).contains(v)) {
            return Err(bad("a result is not -1, 0 or 1".into()));
        }
        out.push(line);
        Ok(())
    })?;
    Ok(out)
}

/// Calls `f` with each non-blank line of a ledger file and a maker of errors naming that line.
fn each_line(
    path: &str,
    bytes: &[u8],
    mut f: impl FnMut(&str, &dyn Fn(String) -> LedgerError) -> Result<(), LedgerError>,
) -> Result<(), LedgerError> {
    let text = std::str::from_utf8(bytes).map_err(|e| LedgerError {
        path: path.to_owned(),
        line: 0,
        message: e.to_string(),
    })?;
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let bad = |message: String| LedgerError {
            path: path.to_owned(),
            line: i + 1,
            message,
        };
        f(l, &bad)?;
    }
    Ok(())
}

/// The run uuid, body digest and receipt of one ledger line, read without the rest.
#[derive(Deserialize)]
struct RunDigest<'a> {
    #[serde(borrow)]
    run: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    sha256: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    received_at: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    signature: std::borrow::Cow<'a, str>,
}

/// What ingest needs of one ledger file, read far cheaper than with [`parse`]: the run uuid
/// and archived body digest of every line, and the latest `received_at` of the reports the
/// subject signed (`None` when there is none; the forum's own manual-check records do not
/// count: they are not judged by the subject's keys).
#[derive(Debug, Default)]
pub struct RunIndex {
    /// (run uuid, body digest) per line.
    pub runs: Vec<(String, String)>,
    /// The latest receipt of the file's lines.
    pub latest_receipt: Option<Instant>,
}

/// Reads the [`RunIndex`] of a ledger file.
///
/// # Errors
///
/// The first line that is not a JSON object with `run`, `sha256` and an RFC 3339
/// `received_at`.
pub fn runs(path: &str, bytes: &[u8]) -> Result<RunIndex, LedgerError> {
    let mut index = RunIndex::default();
    each_line(path, bytes, |l, bad| {
        let r: RunDigest<'_> = serde_json::from_str(l).map_err(|e| bad(e.to_string()))?;
        let received = scs_cert::time::parse_rfc3339(&r.received_at)
            .ok_or_else(|| bad(format!("received_at {:?} is not an instant", r.received_at)))?;
        if r.signature != MANUAL_SIGNATURE {
            index.latest_receipt = index.latest_receipt.max(Some(received));
        }
        index.runs.push((r.run.into_owned(), r.sha256.into_owned()));
        Ok(())
    })?;
    Ok(index)
}

pub use scs_cert::digest::sha256_hex;

/// Where the archive keeps the object with this digest, under the archive folder.
pub fn archive_path(archive_dir: &Path, sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("xx");
    archive_dir.join("sha256").join(prefix).join(sha256)
}

/// The engine's evidence from ledger lines of one subject and scope. Ingestion order (for
/// ties on `checked_at`) is `ingested_at`, then the order the lines are given in.
pub fn evidence(lines: &[LedgerLine]) -> Vec<scs_cert::eval::Evidence> {
    let mut order: Vec<(Instant, usize)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.ingested_at, i))
        .collect();
    order.sort();
    let mut seq = vec![0u64; lines.len()];
    for (n, (_, i)) in order.into_iter().enumerate() {
        seq[i] = n as u64;
    }
    lines
        .iter()
        .zip(seq)
        .map(|(l, ingest_seq)| scs_cert::eval::Evidence {
            run: l.run.clone(),
            digest: l.sha256.clone(),
            checked_at: l.checked_at.naive_utc(),
            received_at: l.received_at,
            ingest_seq,
            results: l.verdicts(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        scs_cert::time::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn line_round_trip_and_path() {
        let line = LedgerLine {
            run: "6f1c2e9d-4b7a-4e3c-8d21-0a9b8c7d6e5f".into(),
            subject: "regio-a".parse().unwrap(),
            scope: "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f".into(),
            sha256: sha256_hex(b"x"),
            document: 0,
            checked_at: at("2026-08-21T15:04:05.123456Z"),
            received_at: at("2026-08-21T15:10:00Z"),
            received_at_declared: false,
            ingested_at: at("2026-08-21T15:10:00Z"),
            signature: "sshsig".into(),
            signer: "SHA256:abc".into(),
            signed_by: "zuul_ci".into(),
            results: [("a".to_owned(), 1), ("b".to_owned(), -1)].into(),
        };
        assert_eq!(
            line.path(),
            "ledger/regio-a/50393e6f-2ae1-4c5c-a62c-3b75f2abef3f/2026-08.jsonl"
        );
        let text = line.to_line();
        assert!(!text.contains("received_at_declared"));
        assert!(
            text.contains(r#""checked_at":"2026-08-21T15:04:05.123456Z""#),
            "{text}"
        );
        let back = parse("p", text.as_bytes()).unwrap();
        assert_eq!(back, vec![line.clone()]);
        assert_eq!(
            back[0].to_line(),
            text,
            "decode then encode gives the same bytes"
        );
        assert!(parse("p", text.replace("\"b\":-1", "\"b\":7").as_bytes()).is_err());
        // An instant that is not one is an error, never a fallback to 1970.
        let bad = text.replace("2026-08-21T15:10:00Z", "yesterday");
        let err = parse("p", bad.as_bytes()).unwrap_err();
        assert!(
            err.message
                .contains("\"yesterday\" is not an RFC 3339 instant"),
            "{err}"
        );
        let far = text.replace("2026-08-21T15:10:00Z", "+10000-01-01T00:00:00Z");
        assert!(parse("p", far.as_bytes()).is_err());
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
