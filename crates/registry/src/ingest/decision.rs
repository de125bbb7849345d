//! The pure decision on a batch of files: verified against the subjects' keys at the receipt,
//! run uuids settled against the ledger and the batch. No I/O: the server calls it before it
//! takes the registry's lock.

use std::collections::BTreeMap;
use std::fmt;

use chrono::Duration;

use super::{IngestError, Submission};
use crate::ledger::{self, LedgerLine};
use crate::state::{LedgerIndex, State};
use scs_cert::subject::Subject;
use scs_cert::subject::record as subjects;
use scs_cert::time::{Instant, format_instant};
use scs_cert::trust::Trust;
use scs_cert::verify::{self, Problem};

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
        refused: Vec<(usize, scs_cert::trust::Refusal)>,
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

    /// Whether a document was refused only because its key was bound later than the receipt:
    /// the trap of history imported before its keys were dated back.
    pub fn key_not_yet_valid(&self) -> bool {
        matches!(self, Rejection::Signature { refused, .. }
            if refused.iter().any(|(_, r)| r.code() == "key-not-yet-valid"))
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
pub(super) struct Checker<'s> {
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
    pub(super) fn new(
        state: &'s State,
        receipt: Receipt,
        latest_receipt: &BTreeMap<String, Instant>,
    ) -> Result<Checker<'s>, IngestError> {
        let allowance = allowance(state);
        check_receipt(state, receipt)?;
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
    pub(super) fn check(&self, submissions: &[Submission]) -> Vec<FileOutcome> {
        scs_cert::parallel::map(submissions, scs_cert::parallel::workers(), |s| {
            decide_one(self, s, self.receipt)
        })
    }

    /// Verifies the files in parallel, each at its own receipt (`ingest --manifest`); outcomes
    /// in order.
    ///
    /// # Errors
    ///
    /// A receipt later than now plus the allowance: nothing is decided then.
    pub(super) fn check_received(
        &self,
        submissions: &[(Submission, Receipt)],
    ) -> Result<Vec<FileOutcome>, IngestError> {
        for (_, receipt) in submissions {
            check_receipt(self.state, *receipt)?;
        }
        Ok(scs_cert::parallel::map(
            submissions,
            scs_cert::parallel::workers(),
            |(s, receipt)| decide_one(self, s, *receipt),
        ))
    }
}

fn allowance(state: &State) -> Duration {
    Duration::minutes(i64::from(state.forum.policy.max_future_minutes))
}

/// A receipt from the future would carry future-dated evidence past the rule (DESIGN §4).
fn check_receipt(state: &State, receipt: Receipt) -> Result<(), IngestError> {
    if scs_cert::time::add(receipt.ingested_at, allowance(state), "")
        .is_ok_and(|limit| receipt.received_at > limit)
    {
        return Err(IngestError::ReceivedInFuture {
            received_at: receipt.received_at,
            now: receipt.ingested_at,
            allowance_minutes: state.forum.policy.max_future_minutes,
        });
    }
    Ok(())
}

/// Run uuids: against the registry (`known`), then against earlier accepted files of this
/// ingest (`seen`, which grows). A file whose every run is there with its digest is already
/// present; one whose run is there with another digest is a duplicate.
pub(super) fn settle_runs(
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

impl fmt::Debug for Checker<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checker")
            .field("receipt", &self.receipt)
            .finish_non_exhaustive()
    }
}

fn decide_one(checker: &Checker<'_>, s: &Submission, receipt: Receipt) -> FileOutcome {
    let (state, allowance) = (checker.state, checker.allowance);
    let check = if s.is_sigstore() {
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
        if let Some(r) = receipt_out_of_order(checker, d.report.subject(), receipt) {
            return FileOutcome::Rejected(r);
        }
    }
    if let Err(problem) = check.result {
        let refused = check
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.decision.as_ref().err().map(|r| (i, r.clone())))
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
            checked_at,
            received_at: receipt.received_at,
            received_at_declared: receipt.declared,
            ingested_at: receipt.ingested_at,
            signature: if s.is_sigstore() {
                "sigstore"
            } else {
                "sshsig"
            }
            .into(),
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
fn receipt_out_of_order(
    checker: &Checker<'_>,
    subject: &Subject,
    receipt: Receipt,
) -> Option<Rejection> {
    let received_at = receipt.received_at;
    let latest = *checker.latest_receipt.get(subject.as_str())?;
    (received_at < latest).then(|| Rejection::ReceivedBeforeLedger {
        subject: subject.to_string(),
        received_at,
        latest,
    })
}
