//! Ingesting signed reports: verify each file against the subjects' bound keys at the receive
//! instant, keep the signed body byte-exact in the archive, append one ledger line per
//! document, and land everything in one commit (DESIGN §4, §5).
//!
//! A file is accepted or rejected as a whole; a rejected file touches nothing. Re-ingesting a
//! file that is already in the registry is a no-op.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::Path;

use chrono::Duration;

use crate::ledger::{self, LedgerLine};
use crate::state::{LedgerIndex, State};
use crate::{CommitId, CommitIdentity, Error as StoreError, Registry};
use scs_cert::sig::{self, SigningKey};
use scs_cert::subject::Subject;
use scs_cert::subject::record as subjects;
use scs_cert::time::{Instant, format_instant};
use scs_cert::trust::Trust;
use scs_cert::verify::{self, Problem};

/// One report file handed in: the exact report bytes and its SSH signature.
#[derive(Clone, Debug)]
pub struct Submission {
    /// How the user named it (for messages).
    pub name: String,
    /// The body to archive: an upload body (signature, `&`, report) exactly as received, or
    /// one built from a report and its detached signature.
    body: Vec<u8>,
    /// Where the report starts in `body`.
    report_at: usize,
    /// Whether the body carries a signature at all.
    signed: bool,
    /// Whether the signature is a Sigstore bundle (JSON) rather than an SSHSIG.
    sigstore: bool,
}

impl Submission {
    /// A report with its detached signature (`FILE.sig`), or `None` when there is none.
    pub fn detached(name: String, report: &[u8], signature: Option<&[u8]>) -> Submission {
        match signature {
            Some(sig) => {
                // The archive keeps the monitor's upload-body form, so one object carries both.
                let mut body = Vec::with_capacity(sig.len() + 1 + report.len());
                body.extend_from_slice(sig);
                if !body.ends_with(b"\n") {
                    body.push(b'\n');
                }
                body.push(b'&');
                let report_at = body.len();
                body.extend_from_slice(report);
                Submission {
                    name,
                    body,
                    report_at,
                    signed: true,
                    sigstore: false,
                }
            }
            None => Submission {
                name,
                body: report.to_vec(),
                report_at: 0,
                signed: false,
                sigstore: false,
            },
        }
    }

    /// A report with its Sigstore bundle (`FILE.sigstore.json`). The archive keeps the bundle,
    /// a newline, `&`, then the report bytes: JSON never holds a raw newline followed by `&`,
    /// so the first "\n&" separates them.
    pub fn sigstore(name: String, report: &[u8], bundle: &[u8]) -> Submission {
        let mut body = Vec::with_capacity(bundle.len() + 2 + report.len());
        body.extend_from_slice(bundle);
        body.extend_from_slice(b"\n&");
        let report_at = body.len();
        body.extend_from_slice(report);
        Submission {
            name,
            body,
            report_at,
            signed: true,
            sigstore: true,
        }
    }

    /// An upload body as the compliance monitor receives it (signature, `&`, report).
    pub fn upload_body(name: String, body: Vec<u8>) -> Submission {
        match sig::split_upload_body(&body) {
            Ok((signature, _)) => {
                let report_at = signature.len() + 1;
                Submission {
                    name,
                    body,
                    report_at,
                    signed: true,
                    sigstore: false,
                }
            }
            Err(_) => Submission {
                name,
                body,
                report_at: 0,
                signed: false,
                sigstore: false,
            },
        }
    }

    fn signature(&self) -> Option<&[u8]> {
        // The bundle form ends in "\n&", the SSHSIG form in "&" after the armor's newline.
        let end = self.report_at - if self.sigstore { 2 } else { 1 };
        self.signed.then(|| &self.body[..end])
    }

    fn report(&self) -> &[u8] {
        &self.body[self.report_at..]
    }
}

/// Why a file was not ingested.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A run uuid is already in the registry (or earlier in this batch) with other bytes.
    DuplicateRun {
        /// Document index (0-based).
        document: usize,
        /// The run uuid.
        run: String,
    },
    /// `checked_at` lies too far after the receive instant: future-dated evidence would
    /// extend validity.
    FutureDated {
        /// Document index (0-based).
        document: usize,
        /// The report's `checked_at`.
        checked_at: Instant,
        /// When it was received.
        received_at: Instant,
    },
    /// Signed with a Sigstore bundle, but the registry has no Sigstore trusted root (or this
    /// build no Sigstore support).
    NoSigstoreTrust,
    /// Declared received before evidence the ledger already holds for the subject: the
    /// ledger is in receive order, and keys are judged at the receipt, so a receipt backdated
    /// below it could make a key retired since count again.
    ReceivedBeforeLedger {
        /// The subject.
        subject: String,
        /// The declared receipt.
        received_at: Instant,
        /// The subject's latest receipt in the ledger.
        latest: Instant,
    },
    /// The signature or the signer's binding failed.
    Signature {
        /// Why.
        problem: Problem,
        /// Per refused document: index and reason.
        refused: Vec<(usize, String)>,
    },
    /// A document's scope is not adopted by the registry.
    UnknownScope {
        /// Document index (0-based).
        document: usize,
        /// The scope uuid in the report.
        scope: String,
    },
    /// A document's subject is not in the registry.
    UnknownSubject {
        /// Document index (0-based).
        document: usize,
        /// The subject in the report.
        subject: String,
    },
}

impl Rejection {
    /// A stable kebab-case code for machines.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::DuplicateRun { .. } => "duplicate-run",
            Rejection::FutureDated { .. } => "future-dated",
            Rejection::NoSigstoreTrust => "no-sigstore-trust",
            Rejection::ReceivedBeforeLedger { .. } => "received-before-ledger",
            Rejection::Signature { problem, .. } => problem.code(),
            Rejection::UnknownScope { .. } => "unknown-scope",
            Rejection::UnknownSubject { .. } => "unknown-subject",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::DuplicateRun { document, run } => write!(
                f,
                "document {}: run {run} is already in the registry with other content",
                document + 1
            ),
            Rejection::FutureDated {
                document,
                checked_at,
                received_at,
            } => write!(
                f,
                "document {}: checked_at {} is more than allowed after its receipt at {}",
                document + 1,
                format_instant(*checked_at),
                format_instant(*received_at)
            ),
            Rejection::NoSigstoreTrust => f.write_str(
                "signed with a Sigstore bundle, but the registry has no Sigstore trusted root (scs-cert trusted-root FILE)",
            ),
            Rejection::ReceivedBeforeLedger {
                subject,
                received_at,
                latest,
            } => write!(
                f,
                "received at {} but the ledger already holds evidence for {subject} received at {}; \
                 receipts go in the order of the ledger",
                format_instant(*received_at),
                format_instant(*latest)
            ),
            Rejection::Signature { problem, refused } => {
                write!(f, "{problem}")?;
                for (d, why) in refused {
                    write!(f, "; document {}: {why}", d + 1)?;
                }
                Ok(())
            }
            Rejection::UnknownScope { document, scope } => write!(
                f,
                "document {}: scope {scope} is not adopted by the registry (scs-cert scope add)",
                document + 1
            ),
            Rejection::UnknownSubject { document, subject } => write!(
                f,
                "document {}: subject {subject} is not in the registry (scs-cert subject add)",
                document + 1
            ),
        }
    }
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileOutcome {
    /// Already in the registry, byte for byte: nothing to do.
    AlreadyPresent {
        /// The archived body's digest.
        sha256: String,
    },
    /// Accepted: these ledger lines are added.
    Ingested {
        /// The archived body's digest.
        sha256: String,
        /// One line per document.
        lines: Vec<LedgerLine>,
    },
    /// Refused, with the reason.
    Rejected(Rejection),
}

/// When and how the reports were received.
#[derive(Clone, Copy, Debug)]
pub struct Receipt {
    /// The receive instant (now, or declared for imports).
    pub received_at: Instant,
    /// Whether `received_at` was declared by the user (`--received-at`).
    pub declared: bool,
    /// The moment of ingestion (orders ties).
    pub ingested_at: Instant,
}

/// Anything that stops an ingest as a whole (not one file's rejection).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The subjects' keys do not form a valid trust.
    #[error(transparent)]
    Subjects(#[from] subjects::RecordError),
    /// The registry's content could not be read.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// The git store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The declared receipt lies in the future.
    #[error(
        "received at {} is later than now ({}) plus the policy's allowance of {allowance_minutes} minute(s)",
        format_instant(*received_at),
        format_instant(*now)
    )]
    ReceivedInFuture {
        /// The declared receipt.
        received_at: Instant,
        /// The moment of ingestion.
        now: Instant,
        /// `policy.max_future_minutes`.
        allowance_minutes: u32,
    },
    /// The archive could not be written.
    #[error("while writing the archive object {path}: {kind}")]
    Archive {
        /// The object.
        path: String,
        /// What failed.
        kind: std::io::ErrorKind,
    },
}

/// Decides every file: verified against the subjects' keys bound at the receive instant,
/// subject and scope known, run uuids new, `checked_at` not after receipt plus the policy's
/// allowance. Files are checked in parallel; outcomes come back in order.
///
/// # Errors
///
/// Broken subject records (no trust can be built).
pub fn decide(
    state: &State,
    known: &LedgerIndex,
    submissions: &[Submission],
    receipt: Receipt,
) -> Result<Vec<FileOutcome>, IngestError> {
    let checker = Checker::new(state, receipt, &known.latest_receipt)?;
    let mut outcomes = checker.check(submissions);
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    settle_runs(&mut outcomes, &known.runs, &mut seen);
    Ok(outcomes)
}

/// What every file of an ingest is checked against: the trust built once from the subject
/// records, and the policy's allowance for `checked_at` after receipt.
struct Checker<'s> {
    state: &'s State,
    trust: Trust,
    #[cfg(feature = "sigstore")]
    sigstore: Option<verify::sigstore::SigstoreTrust>,
    allowance: Duration,
    receipt: Receipt,
    /// Per subject, the latest receipt the ledger holds.
    latest_receipt: BTreeMap<String, Instant>,
}

impl<'s> Checker<'s> {
    /// # Errors
    ///
    /// Broken subject records; a receipt later than now plus the allowance (DESIGN §4: a
    /// receipt from the future would carry future-dated evidence past the rule).
    fn new(
        state: &'s State,
        receipt: Receipt,
        latest_receipt: &BTreeMap<String, Instant>,
    ) -> Result<Checker<'s>, IngestError> {
        let allowance_minutes = state.forum.policy.max_future_minutes;
        let allowance = Duration::minutes(i64::from(allowance_minutes));
        if scs_cert::time::add(receipt.ingested_at, allowance, "")
            .is_ok_and(|limit| receipt.received_at > limit)
        {
            return Err(IngestError::ReceivedInFuture {
                received_at: receipt.received_at,
                now: receipt.ingested_at,
                allowance_minutes,
            });
        }
        #[cfg(feature = "sigstore")]
        let sigstore = match &state.sigstore_trusted_root {
            Some(root) => scs_cert::sigstore::TrustedRoot::from_json(root)
                .ok()
                .map(|root| {
                    verify::sigstore::SigstoreTrust::from_records(root, &state.subject_records())
                })
                .transpose()?,
            None => None,
        };
        Ok(Checker {
            state,
            trust: Trust::AllowedSigners(subjects::trust(&state.subject_records())?),
            #[cfg(feature = "sigstore")]
            sigstore,
            allowance,
            receipt,
            latest_receipt: latest_receipt.clone(),
        })
    }

    /// Verifies the files in parallel; outcomes in order.
    fn check(&self, submissions: &[Submission]) -> Vec<FileOutcome> {
        scs_cert::parallel::map(submissions, scs_cert::parallel::workers(), |s| {
            decide_one(self, s)
        })
    }
}

/// Run uuids: against the registry (`known`), then against earlier accepted files of this
/// ingest (`seen`, which grows). A file whose every run is there with its digest is already
/// present; one whose run is there with another digest is a duplicate.
fn settle_runs(
    outcomes: &mut [FileOutcome],
    known: &BTreeMap<String, String>,
    seen: &mut BTreeMap<String, String>,
) {
    for outcome in outcomes.iter_mut() {
        let FileOutcome::Ingested { sha256, lines } = outcome else {
            continue;
        };
        let mut all_present = true;
        let mut conflict = None;
        for line in lines.iter() {
            match known.get(&line.run).or_else(|| seen.get(&line.run)) {
                Some(d) if d == sha256 => {}
                Some(_) => {
                    conflict = Some(Rejection::DuplicateRun {
                        document: line.document,
                        run: line.run.clone(),
                    });
                    break;
                }
                None => all_present = false,
            }
        }
        if let Some(r) = conflict {
            *outcome = FileOutcome::Rejected(r);
        } else if all_present {
            *outcome = FileOutcome::AlreadyPresent {
                sha256: sha256.clone(),
            };
        } else {
            for line in lines.iter() {
                seen.insert(line.run.clone(), sha256.clone());
            }
        }
    }
}

/// An ingest that takes its files batch by batch, so memory stays bounded whatever their
/// number: each batch is verified, its accepted bodies go to the archive at once, and only
/// their ledger lines (as text) are kept until the one commit of [`Ingest::commit`].
///
/// Holds the registry's write lock from [`Ingest::new`] until it is committed or dropped;
/// dropping it commits nothing (archive objects already written stay as harmless orphans).
#[derive(Debug)]
pub struct Ingest<'r, 's> {
    registry: &'r Registry,
    change: crate::Change<'r>,
    checker: Checker<'s>,
    known: BTreeMap<String, String>,
    seen: BTreeMap<String, String>,
    files: usize,
    documents: usize,
}

impl fmt::Debug for Checker<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checker")
            .field("receipt", &self.receipt)
            .finish_non_exhaustive()
    }
}

impl<'r, 's> Ingest<'r, 's> {
    /// Starts an ingest: takes the registry's lock and reads the run uuids it holds.
    ///
    /// # Errors
    ///
    /// Broken subject records, unreadable ledgers, store errors (such as the lock being held).
    pub fn new(
        registry: &'r Registry,
        state: &'s State,
        receipt: Receipt,
    ) -> Result<Ingest<'r, 's>, IngestError> {
        let change = registry.begin()?;
        let known = crate::state::ledger_index(registry)?;
        let checker = Checker::new(state, receipt, &known.latest_receipt)?;
        let known = known.runs;
        Ok(Ingest {
            registry,
            change,
            checker,
            known,
            seen: BTreeMap::new(),
            files: 0,
            documents: 0,
        })
    }

    /// Decides a batch of files (as [`decide`], and against the earlier batches), writes the
    /// accepted bodies to the archive and stages their ledger lines. Outcomes in order.
    ///
    /// # Errors
    ///
    /// Archive and store errors; the ingest should then be dropped.
    pub fn add(&mut self, submissions: &[Submission]) -> Result<Vec<FileOutcome>, IngestError> {
        let mut outcomes = self.checker.check(submissions);
        settle_runs(&mut outcomes, &self.known, &mut self.seen);
        store_objects(self.registry, submissions, &outcomes)?;
        let mut by_path: BTreeMap<String, String> = BTreeMap::new();
        for o in &outcomes {
            let FileOutcome::Ingested { lines, .. } = o else {
                continue;
            };
            self.files += 1;
            for line in lines {
                self.documents += 1;
                by_path
                    .entry(line.path())
                    .or_default()
                    .push_str(&line.to_line());
            }
        }
        for (path, text) in &by_path {
            self.change.append(path, text.as_bytes())?;
        }
        Ok(outcomes)
    }

    /// Lands every staged ledger line in one commit; `None` when nothing was accepted.
    ///
    /// # Errors
    ///
    /// Store errors; nothing is committed then.
    pub fn commit(
        self,
        signer: &SigningKey,
        identity: &CommitIdentity,
    ) -> Result<Option<CommitId>, IngestError> {
        if self.files == 0 {
            return Ok(None);
        }
        let message = format!(
            "ingest {} report file(s), {} document(s)",
            self.files, self.documents
        );
        Ok(Some(self.change.commit(&message, signer, identity)?))
    }
}

fn decide_one(checker: &Checker<'_>, s: &Submission) -> FileOutcome {
    let (state, receipt, allowance) = (checker.state, checker.receipt, checker.allowance);
    let check = if s.sigstore {
        #[cfg(feature = "sigstore")]
        match (&checker.sigstore, s.signature()) {
            (Some(t), Some(bundle)) => {
                verify::sigstore::check_file(s.report(), bundle, t, receipt.received_at)
            }
            _ => return FileOutcome::Rejected(Rejection::NoSigstoreTrust),
        }
        #[cfg(not(feature = "sigstore"))]
        return FileOutcome::Rejected(Rejection::NoSigstoreTrust);
    } else {
        verify::check_file(
            s.report(),
            s.signature(),
            &checker.trust,
            receipt.received_at,
        )
    };
    // Name unknown subjects and scopes first: clearer than "key not allowed".
    for (i, d) in check.documents.iter().enumerate() {
        if !state.subjects.contains_key(d.report.subject()) {
            return FileOutcome::Rejected(Rejection::UnknownSubject {
                document: i,
                subject: d.report.subject().to_string(),
            });
        }
        if !state.scopes.contains_key(d.report.scope_uuid()) {
            return FileOutcome::Rejected(Rejection::UnknownScope {
                document: i,
                scope: d.report.scope_uuid().to_owned(),
            });
        }
    }
    for d in &check.documents {
        if let Some(r) = receipt_out_of_order(checker, d.report.subject()) {
            return FileOutcome::Rejected(r);
        }
    }
    if let Err(problem) = check.result {
        let refused = check
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.decision.as_ref().err().map(|r| (i, r.to_string())))
            .collect();
        return FileOutcome::Rejected(Rejection::Signature { problem, refused });
    }
    let sha256 = ledger::sha256_hex(&s.body);
    let signer = check
        .fingerprint
        .map(|f| f.to_string())
        .or_else(|| check.signer.clone())
        .unwrap_or_default();
    let mut lines = Vec::with_capacity(check.documents.len());
    for (i, d) in check.documents.iter().enumerate() {
        let checked_at = d.report.checked_at().and_utc();
        // No limit past 9999: nothing that was read can be later.
        let limit = scs_cert::time::add(receipt.received_at, allowance, "the allowance");
        if limit.is_ok_and(|limit| checked_at > limit) {
            return FileOutcome::Rejected(Rejection::FutureDated {
                document: i,
                checked_at,
                received_at: receipt.received_at,
            });
        }
        let signed_by = d
            .decision
            .as_ref()
            .map(|s| s.principal().to_string())
            .unwrap_or_default();
        lines.push(LedgerLine {
            run: d.report.run_uuid().to_string(),
            subject: d.report.subject().clone(),
            scope: d.report.scope_uuid().to_owned(),
            sha256: sha256.clone(),
            document: i,
            checked_at: format_instant(checked_at),
            received_at: format_instant(receipt.received_at),
            received_at_declared: receipt.declared,
            ingested_at: format_instant(receipt.ingested_at),
            signature: if s.sigstore { "sigstore" } else { "sshsig" }.into(),
            signer: signer.clone(),
            signed_by,
            results: d
                .report
                .results()
                .iter()
                .map(|(k, v)| (k.clone(), v.value()))
                .collect(),
        });
    }
    FileOutcome::Ingested { sha256, lines }
}

/// A declared receipt may not reach back before evidence the ledger already holds for the
/// subject: keys are judged at the receipt, so a receipt slipped in before later evidence could
/// make a key count that was retired in between.
fn receipt_out_of_order(checker: &Checker<'_>, subject: &Subject) -> Option<Rejection> {
    let received_at = checker.receipt.received_at;
    let latest = *checker.latest_receipt.get(subject.as_str())?;
    (received_at < latest).then(|| Rejection::ReceivedBeforeLedger {
        subject: subject.to_string(),
        received_at,
        latest,
    })
}

/// Threads writing archive objects: the work is mostly waiting for the disk (each object is
/// synced before it is renamed into place), so more than the cores.
const STORE_WORKERS: usize = 8;

/// Writes the archive objects of the accepted files, several at a time.
fn store_objects(
    registry: &Registry,
    submissions: &[Submission],
    outcomes: &[FileOutcome],
) -> Result<(), IngestError> {
    let accepted: Vec<(&str, &[u8])> = submissions
        .iter()
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
