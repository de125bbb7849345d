//! Manual checks (scs-0004 R3): results the forum records itself. Each becomes a report
//! document signed by the forum key (namespace `scs-manual-check`), archived and entered in the
//! ledger like any report, so the engine treats it like any other result.

use sha2::{Digest as _, Sha256};

use crate::admin::{self, AdminError};
use crate::ingest::IngestError;
use crate::ledger::{self, LedgerLine};
use crate::state::State;
use crate::{CommitId, Registry};
use scs_cert::sig::{self, Namespace, SigningKey};
use scs_cert::subject::Subject;
use scs_cert::time::{Instant, format_instant};

/// The SSHSIG namespace of forum-recorded manual checks.
pub const MANUAL_NAMESPACE: &str = "scs-manual-check";

/// Why a manual check could not be recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManualError {
    /// No such subject or scope.
    #[error(transparent)]
    Unknown(#[from] crate::state::Unknown),
    /// The testcase is not a manual testcase of the scope.
    #[error(
        "{testcase} is not a manual testcase of {scope}{}",
        scs_cert::text::did_you_mean(suggestion.as_deref())
    )]
    NotManual {
        /// The testcase.
        testcase: String,
        /// The scope name.
        scope: String,
        /// A manual testcase of a similar name.
        suggestion: Option<String>,
    },
    /// The check is dated after it is recorded.
    #[error("the check is dated {}, after it is recorded", format_instant(*at))]
    Future {
        /// The date given.
        at: Instant,
    },
    /// Recorded (`--recorded-at`) later than now plus the policy's allowance.
    #[error(
        "recorded at {}, later than now ({}) plus the policy's allowance",
        format_instant(*recorded_at),
        format_instant(*now)
    )]
    RecordedInFuture {
        /// The declared recording instant.
        recorded_at: Instant,
        /// Now.
        now: Instant,
    },
    /// The evidence cannot be displayed (blank, control characters).
    #[error(transparent)]
    Text(#[from] scs_cert::text::TextError),
    /// The same check (subject, scope, testcase, instant) is recorded already.
    #[error("this check is recorded already (run {run})")]
    AlreadyRecorded {
        /// Its run uuid.
        run: String,
    },
    /// The ledger could not be read.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] sig::Error),
    /// A registry change failed.
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// The archive could not be written.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The git store failed.
    #[error(transparent)]
    Store(#[from] crate::Error),
}

/// What the secretary records.
#[derive(Clone, Copy, Debug)]
pub struct ManualCheck<'a> {
    /// The subject.
    pub subject: &'a Subject,
    /// The scope (uuid or alias).
    pub scope: &'a str,
    /// The manual testcase.
    pub testcase: &'a str,
    /// Passed or failed.
    pub pass: bool,
    /// What it was based on (text or URL).
    pub evidence: &'a str,
    /// When the check was made.
    pub at: Instant,
    /// When the forum records it, if declared (importing past checks); `None`: now.
    pub recorded_at: Option<Instant>,
}

/// Records a manual check in one commit; returns the run uuid and the commit.
///
/// # Errors
///
/// Unknown names, a testcase that is not manual, a future date, store errors.
pub fn record(
    registry: &Registry,
    state: &State,
    check: &ManualCheck<'_>,
    key: &SigningKey,
    now: Instant,
) -> Result<(String, CommitId), ManualError> {
    state.subject(check.subject)?;
    let scope = state.adopted(check.scope)?;
    let spec = &scope.spec;
    let manual = spec
        .versions()
        .iter()
        .find_map(|v| v.testcase(check.testcase))
        .is_some_and(|t| t.is_manual());
    if !manual {
        let manual_ids: std::collections::BTreeSet<&str> = spec
            .versions()
            .iter()
            .flat_map(|v| v.testcases())
            .filter(|(_, t)| t.is_manual())
            .map(|(id, _)| id)
            .collect();
        return Err(ManualError::NotManual {
            testcase: check.testcase.to_owned(),
            scope: spec.name().to_owned(),
            suggestion: scs_cert::text::suggest(check.testcase, manual_ids).map(str::to_owned),
        });
    }
    scs_cert::text::check(
        "the evidence",
        check.evidence,
        scs_cert::text::Display::Printed,
    )?;
    let received_at = check.recorded_at.unwrap_or(now);
    let allowance = chrono::Duration::minutes(i64::from(state.forum.policy.max_future_minutes));
    if scs_cert::time::add(now, allowance, "").is_ok_and(|limit| received_at > limit) {
        return Err(ManualError::RecordedInFuture {
            recorded_at: received_at,
            now,
        });
    }
    if check.at > received_at {
        return Err(ManualError::Future { at: check.at });
    }
    // A deterministic run uuid: the same check recorded twice is the same run (a no-op refused
    // by the ledger's uniqueness, not a second result).
    let digest = Sha256::digest(
        format!(
            "scs-cert manual\0{}\0{}\0{}\0{}",
            check.subject,
            spec.uuid(),
            check.testcase,
            format_instant(check.at)
        )
        .as_bytes(),
    );
    let hex = ledger::sha256_hex(&digest);
    let run = format!(
        "{}-{}-4{}-8{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    );
    let value = if check.pass { 1 } else { -1 };
    let fingerprint = key.fingerprint().to_string();
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    // JSON strings are valid YAML scalars: no value can break out of its field.
    let report = format!(
        "---\nspec:\n  uuid: {uuid}\n  name: {name}\nchecked_at: {checked}\nsubject: {subject}\nrun:\n  uuid: {run}\n  invocations:\n    manual:\n      cmd: manual check\n      results:\n        {tc}: {value}\nmanual_check:\n  testcase: {tc}\n  result: {result}\n  evidence: {evidence}\n  recorded_by: {by}\n",
        uuid = quote(spec.uuid()),
        name = quote(spec.name()),
        checked = quote(&format_instant(check.at)),
        subject = check.subject,
        tc = quote(check.testcase),
        result = if check.pass { "pass" } else { "fail" },
        evidence = quote(check.evidence),
        by = quote(&fingerprint),
    );
    let namespace: Namespace = MANUAL_NAMESPACE.parse()?;
    let signature = sig::sign(key, &namespace, report.as_bytes())?;
    let body = sig::upload_body(&signature, report.as_bytes());
    let sha256 = ledger::sha256_hex(&body);
    let line = LedgerLine {
        run: run.clone(),
        subject: check.subject.clone(),
        scope: spec.uuid().to_owned(),
        sha256: sha256.clone(),
        document: 0,
        checked_at: check.at,
        received_at,
        received_at_declared: check.recorded_at.is_some(),
        ingested_at: now,
        signature: ledger::MANUAL_SIGNATURE.into(),
        signer: fingerprint,
        signed_by: "forum".into(),
        results: [(check.testcase.to_owned(), value)].into(),
    };
    let identity = admin::identity(&state.forum, key, now)?;
    let mut change = registry.begin()?;
    // Under the lock: run uuids are unique in the ledger, and this one is derived from the
    // check, so a second recording of the same check is refused rather than counted twice.
    if crate::state::all_known_runs(registry)?.contains_key(&run) {
        return Err(ManualError::AlreadyRecorded { run });
    }
    crate::ingest::store_object(registry, &sha256, &body)?;
    change.append(&line.path(), line.to_line().as_bytes())?;
    let verdict = if check.pass { "pass" } else { "fail" };
    let commit = change.commit(
        &format!(
            "manual check {} of {}: {verdict}",
            check.testcase, check.subject
        ),
        key,
        &identity,
    )?;
    Ok((run, commit))
}
