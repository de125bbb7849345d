//! Ingesting signed reports: verify each file against the subjects' bound keys at the receive
//! instant, keep the signed body byte-exact in the archive, append one ledger line per
//! document, and land everything in one commit (DESIGN §4, §5).
//!
//! A file is accepted or rejected as a whole; a rejected file touches nothing. Re-ingesting a
//! file that is already in the registry is a no-op.

mod archive;
mod decision;
mod submission;

pub(crate) use archive::store_object;
use archive::store_objects;
use decision::{Checker, settle_runs};
pub use decision::{FileOutcome, Receipt, Rejection, decide};
pub use submission::Submission;

use std::collections::BTreeMap;

use crate::state::State;
use crate::{CommitId, CommitIdentity, Error as StoreError, Registry};
use scs_cert::sig::SigningKey;
use scs_cert::subject::record as subjects;
use scs_cert::time::{Instant, format_instant};

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
        let outcomes = self.checker.check(submissions);
        self.stage(submissions.iter(), outcomes)
    }

    /// As [`Ingest::add`], each file judged at its own receipt: an archive imported with
    /// `ingest --manifest`. The batches must come in receipt order (the ledger refuses a
    /// receipt earlier than one it holds for the subject).
    ///
    /// # Errors
    ///
    /// A receipt later than now plus the policy's allowance (nothing of the batch is
    /// decided); archive and store errors.
    pub fn add_received(
        &mut self,
        submissions: &[(Submission, Receipt)],
    ) -> Result<Vec<FileOutcome>, IngestError> {
        let outcomes = self.checker.check_received(submissions)?;
        self.stage(submissions.iter().map(|(s, _)| s), outcomes)
    }

    fn stage<'a>(
        &mut self,
        submissions: impl Iterator<Item = &'a Submission>,
        mut outcomes: Vec<FileOutcome>,
    ) -> Result<Vec<FileOutcome>, IngestError> {
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
