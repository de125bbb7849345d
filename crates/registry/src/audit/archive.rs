//! The archive check of [`super::verify_history`]: every body the ledger names, by digest,
//! signature and content. Objects are checked in parallel.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr as _;

use super::rules::is_sha256_hex;
use super::{AuditError, Finding, FindingKind, Live, finding};
use crate::ledger::{self, LedgerLine};
use scs_cert::report::{self, Report};
use scs_cert::sig::{self, Namespace, Signature};

/// Checks every object the live lines name; returns how many distinct objects were checked
/// and what was wrong.
pub(super) fn check(
    archive_dir: &Path,
    live: &[Live],
) -> Result<(usize, Vec<Finding>), AuditError> {
    let mut by_object: BTreeMap<&str, Vec<&Live>> = BTreeMap::new();
    for l in live {
        // The walk reported malformed digests; they name no object (and must not become paths).
        if is_sha256_hex(&l.line.sha256) {
            by_object.entry(&l.line.sha256).or_default().push(l);
        }
    }
    let objects: Vec<(&str, Vec<&Live>)> = by_object.into_iter().collect();
    let results =
        scs_cert::parallel::map(&objects, scs_cert::parallel::workers(), |(sha, lines)| {
            check_object(archive_dir, sha, lines)
        });
    let mut findings = Vec::new();
    for r in results {
        findings.extend(r?);
    }
    Ok((objects.len(), findings))
}

/// The registry path of an object, for messages.
fn object_path(sha256: &str) -> String {
    format!("archive/sha256/{}/{sha256}", &sha256[..2])
}

fn check_object(dir: &Path, sha256: &str, lines: &[&Live]) -> Result<Vec<Finding>, AuditError> {
    let path = object_path(sha256);
    // Object-level findings belong to the first commit that named the object.
    let first = lines.iter().map(|l| l.position).min().unwrap_or(0);
    let runs = || {
        let runs: Vec<&str> = lines.iter().map(|l| l.line.run.as_str()).collect();
        runs.join(", ")
    };
    let object = |kind, msg: String| {
        Ok(vec![finding(
            first,
            Some(&path),
            kind,
            format!("{msg} (run {})", runs()),
        )])
    };
    let file = ledger::archive_path(dir, sha256);
    let body = match crate::read_regular(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return object(
                FindingKind::ArchiveObjectMissing,
                "the archive has no object with this digest".into(),
            );
        }
        Err(e) => {
            return Err(AuditError::Archive {
                path: file,
                kind: e.kind(),
            });
        }
    };
    let actual = ledger::sha256_hex(&body);
    if actual != sha256 {
        return object(
            FindingKind::DigestMismatch,
            format!("the object's SHA-256 is {actual}"),
        );
    }
    // Only SSH-signed bodies can be checked further here; a Sigstore body is proven by its
    // digest (its bundle is checked at ingest).
    let ssh: Vec<&Live> = lines
        .iter()
        .copied()
        .filter(|l| matches!(l.line.signature.as_str(), "sshsig" | "forum"))
        .collect();
    // Manual checks are signed by the forum in their own namespace; reports by operators.
    let namespace = if ssh.iter().all(|l| l.line.signature == "forum") {
        Namespace::from_str(crate::manual::MANUAL_NAMESPACE).unwrap_or_else(|_| Namespace::report())
    } else {
        Namespace::report()
    };
    if ssh.is_empty() {
        return Ok(Vec::new());
    }
    let Ok((armored, report_bytes)) = sig::split_upload_body(&body) else {
        return object(
            FindingKind::ArchiveObjectUnsigned,
            "the object is not an upload body (signature, '&', report)".into(),
        );
    };
    let verified = Signature::from_armored(armored)
        .and_then(|s| s.verify(&namespace, report_bytes).map(|()| s));
    let signature = match verified {
        Ok(s) => s,
        Err(e) => {
            return object(
                FindingKind::ArchiveBadSignature,
                format!("the signature does not hold: {e}"),
            );
        }
    };
    let signer = signature.fingerprint().to_string();
    let reports = match report::parse(report_bytes) {
        Ok(r) => r,
        Err(e) => {
            return object(
                FindingKind::ArchiveReportMalformed,
                format!("the report cannot be read: {e}"),
            );
        }
    };
    let mut out = Vec::new();
    for l in ssh {
        let line = &l.line;
        let problem = if line.signer != signer {
            Some((
                FindingKind::ArchiveSignerMismatch,
                format!("signed by {signer}, the ledger says {}", line.signer),
            ))
        } else {
            match reports.get(line.document) {
                None => Some((
                    FindingKind::ArchiveDocumentMismatch,
                    format!(
                        "the report has {} document(s), the ledger names document {}",
                        reports.len(),
                        line.document + 1
                    ),
                )),
                Some(doc) => disagreement(line, doc).map(|field| {
                    (
                        FindingKind::ArchiveDocumentMismatch,
                        format!(
                            "the ledger line's {field} does not match document {} of the report",
                            line.document + 1
                        ),
                    )
                }),
            }
        };
        if let Some((kind, msg)) = problem {
            let msg = format!("{msg} (run {}, {})", line.run, l.path);
            out.push(finding(l.position, Some(&path), kind, msg));
        }
    }
    Ok(out)
}

/// The first ledger field that does not say what the report says.
fn disagreement(line: &LedgerLine, doc: &Report) -> Option<&'static str> {
    if line.run != doc.run_uuid().to_string() {
        return Some("run");
    }
    if line.subject != *doc.subject() {
        return Some("subject");
    }
    if line.scope != doc.scope_uuid() {
        return Some("scope");
    }
    if line.checked_at != doc.checked_at().and_utc() {
        return Some("checked_at");
    }
    let results: BTreeMap<String, i8> = doc
        .results()
        .iter()
        .map(|(k, v)| (k.clone(), v.value()))
        .collect();
    if line.results != results {
        return Some("results");
    }
    None
}
