//! The evaluation engine: what the evidence in a ledger says about a subject's scope at an
//! instant, over a span of time, and for a certificate decision (DESIGN §4).
//!
//! Everything is a pure function of its inputs: the scope [`Spec`], the [`Evidence`] records of
//! one (subject, scope) and the instants asked about. Nothing here reads a clock or a file.
//!
//! The rules, from DESIGN §4:
//!
//! - **Results.** At instant `t` a testcase has the value of the newest result (greatest
//!   `checked_at`; on a tie the later-ingested, [`Evidence::ingest_seq`]) among those whose
//!   report was received by `t` and with `checked_at <= t < expiry(checked_at, lifetime)`, else
//!   none (MISSING). Expired results are dropped *before* the newest is chosen, so an older
//!   result that is still valid shows again once a newer short-lived one expires. A result is
//!   thus in force on the half-open interval `[max(checked_at, received_at), expiry)`.
//! - **Version status** comes from the timeline entry in force on `t`'s UTC date; only
//!   `effective` and `warn` versions are certifiable.
//! - **Compliance.** `compliant(v, t)` = certifiable and `main` verdict PASS. An empty `main` is
//!   never compliant (upstream's vacuous pass is a bug, reference §8.3).
//!
//! [`results_at`] and [`status_at`] answer for one instant directly from the evidence.
//! [`compliance_intervals`] and [`eligibility`] build, per testcase, the piecewise-constant
//! timeline of the result in force (a sweep over visibility and expiry instants), and merge them
//! with the timeline dates: no sampling, and `O(n log n)` in the number of results.

mod eligibility;
mod group;
mod history;
mod sweep;
mod track;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDateTime, TimeDelta};

pub use self::eligibility::{
    Eligibility, Finding, Reason, Stretch, Window, eligibility, findings_at,
};
pub use self::group::{ReasonGroup, Wording, group_reasons, main_findings_in_words, scope_label};
pub use self::history::{HISTORY_DAYS, Since, VersionHistory, history, standing};
pub use self::sweep::{Interval, compliance_intervals};
use crate::report::Verdict;
use crate::spec::{Lifetime, Spec, Validity, Version};
use crate::target::{TargetOutcome, TargetVerdict, judge_target};
use crate::time::Instant;

/// One ingested report document, as the registry ledger holds it (DESIGN §5: one ledger line).
///
/// Only evidence whose signature verified against a key bound to the subject at ingestion may
/// be passed in; the engine trusts these records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The run UUID (`run.uuid`).
    pub run: String,
    /// SHA-256 (hex) of the signed body, naming the report in reasons and decisions.
    pub digest: String,
    /// When the checks ran, as the report claims; read as UTC.
    pub checked_at: NaiveDateTime,
    /// When the registry received (ingested) the report.
    pub received_at: Instant,
    /// Global ingestion order; on equal `checked_at` the greater `ingest_seq` wins.
    pub ingest_seq: u64,
    /// Testcase id → verdict, per-version reports already merged worst-wins.
    pub results: BTreeMap<String, Verdict>,
}

impl Evidence {
    /// `checked_at` as a UTC instant.
    pub fn checked_instant(&self) -> Instant {
        self.checked_at.and_utc()
    }

    /// The first instant at which this report's results count: when it was both checked and
    /// received (`max(checked_at, received_at)`).
    pub fn visible_from(&self) -> Instant {
        self.checked_instant().max(self.received_at)
    }

    /// A reference to this report, for reasons and decisions.
    pub fn reference(&self) -> ReportRef {
        ReportRef {
            run: self.run.clone(),
            digest: self.digest.clone(),
            checked_at: self.checked_at,
        }
    }

    /// The ordering key "newest wins": `checked_at`, then ingestion order.
    fn key(&self) -> (NaiveDateTime, u64) {
        (self.checked_at, self.ingest_seq)
    }
}

/// Names one report in an answer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReportRef {
    /// The run UUID.
    pub run: String,
    /// SHA-256 (hex) of the signed body.
    pub digest: String,
    /// When its checks ran (UTC).
    pub checked_at: NaiveDateTime,
}

/// The result of one testcase in force at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultAt {
    /// The verdict.
    pub verdict: Verdict,
    /// When the deciding report's checks ran.
    pub checked_at: NaiveDateTime,
    /// The deciding report's run UUID.
    pub run: String,
    /// The deciding report's digest.
    pub digest: String,
    /// When this result stops counting (exclusive): `add_period(checked_at, lifetime)`.
    pub expires: Instant,
}

/// A question the engine cannot answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The observation window is negative.
    #[error("observation window {window} is negative")]
    NegativeWindow {
        /// The window asked for.
        window: TimeDelta,
    },
    /// The spec has no version of that name.
    #[error(
        "scope {scope} has no version {version:?}{}",
        crate::text::did_you_mean(suggestion.as_deref())
    )]
    UnknownVersion {
        /// The scope's UUID.
        scope: String,
        /// The version asked for.
        version: String,
        /// A version of a similar name.
        suggestion: Option<String>,
    },
    /// No version of the scope is certifiable (effective or warn) at the instant.
    #[error("no version of {scope} is certifiable at {}", crate::time::format_instant(*at))]
    NoCertifiableVersion {
        /// The scope's name.
        scope: String,
        /// The instant.
        at: Instant,
    },
    /// `at - window` is outside the representable range of instants.
    #[error("observation window {window} before {at} is out of range")]
    WindowOutOfRange {
        /// The end of the window.
        at: Instant,
        /// The window asked for.
        window: TimeDelta,
    },
}

/// The lifetime of testcase `id`: as `version` defines it, or, without a version, as the first
/// version (spec order) that holds it defines it. `None`: the spec does not know the testcase,
/// and its results are ignored (as upstream's monitor does, reference §4.2).
fn lifetime_of(spec: &Spec, version: Option<&Version>, id: &str) -> Option<Lifetime> {
    match version {
        Some(v) => v.testcase(id).map(|t| t.lifetime()),
        None => spec
            .versions()
            .iter()
            .find_map(|v| v.testcase(id))
            .map(|t| t.lifetime()),
    }
}

/// The result in force at `t` for every testcase that has one (DESIGN §4 "Results").
///
/// Lifetimes come from `version`'s testcases, or with `None` from the spec as a whole (the first
/// version in spec order holding the testcase; Gen 2 testcases are global, so they agree).
/// Results for testcases the spec (or the version) does not know are ignored. A testcase
/// without an entry is MISSING at `t`.
pub fn results_at(
    spec: &Spec,
    version: Option<&Version>,
    evidence: &[Evidence],
    t: Instant,
) -> BTreeMap<String, ResultAt> {
    let mut best: BTreeMap<&str, (&Evidence, Verdict, Instant)> = BTreeMap::new();
    let mut lifetimes: BTreeMap<&str, Option<Lifetime>> = BTreeMap::new();
    for ev in evidence {
        if ev.visible_from() > t {
            continue;
        }
        for (id, &verdict) in &ev.results {
            let lifetime = *lifetimes
                .entry(id.as_str())
                .or_insert_with(|| lifetime_of(spec, version, id));
            let Some(lifetime) = lifetime else { continue };
            let expires = lifetime.expiry(ev.checked_at).and_utc();
            if t >= expires {
                continue;
            }
            match best.get(id.as_str()) {
                // On a full tie (same `checked_at` and `ingest_seq`, which the registry never
                // writes) the later record in the slice wins, as in the sweep.
                Some((cur, _, _)) if cur.key() > ev.key() => {}
                _ => {
                    best.insert(id, (ev, verdict, expires));
                }
            }
        }
    }
    best.into_iter()
        .map(|(id, (ev, verdict, expires))| {
            let result = ResultAt {
                verdict,
                checked_at: ev.checked_at,
                run: ev.run.clone(),
                digest: ev.digest.clone(),
                expires,
            };
            (id.to_owned(), result)
        })
        .collect()
}

/// One listed version of a scope evaluated at an instant.
#[derive(Clone, Debug)]
pub struct VersionStatus<'s> {
    /// The version.
    pub version: &'s Version,
    /// Its validity in the timeline entry in force.
    pub validity: Validity,
    /// Each target of the version; `main` is always present.
    pub targets: BTreeMap<String, TargetOutcome>,
    /// The results in force for the version's testcases.
    pub results: BTreeMap<String, ResultAt>,
}

impl VersionStatus<'_> {
    /// The `main` target's outcome.
    pub fn main(&self) -> Option<&TargetOutcome> {
        self.targets.get("main")
    }

    /// Whether the version is compliant: certifiable (`effective` or `warn`) and `main` PASS.
    /// An empty `main` is never PASS ([`judge_target`]), so never compliant.
    pub fn is_compliant(&self) -> bool {
        self.validity.is_certifiable()
            && self
                .main()
                .is_some_and(|m| m.verdict == TargetVerdict::Pass && !m.empty)
    }

    /// The `main` testcases that keep the version from passing: failed, aborted, then missing.
    pub fn not_passing(&self) -> Vec<String> {
        self.main()
            .map(|t| {
                t.failed
                    .iter()
                    .chain(&t.aborted)
                    .chain(&t.missing)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A scope evaluated at an instant: every version the timeline entry in force lists.
#[derive(Clone, Debug)]
pub struct ScopeStatus<'s> {
    /// The instant.
    pub at: Instant,
    /// The listed versions, in [`Spec::listed_versions_at`] order (certifiable first).
    pub versions: Vec<VersionStatus<'s>>,
}

impl<'s> ScopeStatus<'s> {
    /// The status of version `name`, if the timeline lists it at this instant.
    pub fn version(&self, name: &str) -> Option<&VersionStatus<'s>> {
        self.versions.iter().find(|v| v.version.name() == name)
    }

    /// The compliant versions, best first.
    pub fn compliant(&self) -> impl Iterator<Item = &VersionStatus<'s>> {
        self.versions.iter().filter(|v| v.is_compliant())
    }

    /// The version that speaks for the scope in a one-line summary: the best compliant one,
    /// else the best certifiable one (whose findings say why not), else the first listed
    /// (`None` when the timeline lists none). Versions are in [`Spec::listed_versions_at`]
    /// order, so "best" is the first that qualifies.
    pub fn best(&self) -> Option<&VersionStatus<'s>> {
        self.compliant()
            .next()
            .or_else(|| self.versions.iter().find(|v| v.validity.is_certifiable()))
            .or_else(|| self.versions.first())
    }
}

/// Evaluates every version listed at `t` (timeline entry in force on `t`'s UTC date): validity,
/// target verdicts and the results in force. Versions not listed are not evaluated (reference
/// §1.3); ask [`compliance_intervals`] about a specific version to learn it is not certifiable.
pub fn status_at<'s>(spec: &'s Spec, evidence: &[Evidence], t: Instant) -> ScopeStatus<'s> {
    let versions = spec
        .listed_versions_at(t.date_naive())
        .into_iter()
        .map(|(version, validity)| {
            let results = results_at(spec, Some(version), evidence, t);
            let verdicts: BTreeMap<String, Verdict> = results
                .iter()
                .map(|(id, r)| (id.clone(), r.verdict))
                .collect();
            let mut targets: BTreeMap<String, TargetOutcome> = version
                .targets()
                .iter()
                .map(|(name, ids)| (name.clone(), judge_target(ids, &verdicts)))
                .collect();
            targets
                .entry("main".to_owned())
                .or_insert_with(|| judge_target(version.main(), &verdicts));
            VersionStatus {
                version,
                validity,
                targets,
                results,
            }
        })
        .collect();
    ScopeStatus { at: t, versions }
}

/// The version `name`, or [`Error::UnknownVersion`].
fn version<'s>(spec: &'s Spec, name: &str) -> Result<&'s Version, Error> {
    spec.version(name).ok_or_else(|| Error::UnknownVersion {
        scope: spec.uuid().to_owned(),
        version: name.to_owned(),
        suggestion: crate::text::suggest(name, spec.versions().iter().map(|v| v.name()))
            .map(str::to_owned),
    })
}

impl fmt::Display for ReportRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "run {} (checked {}, sha256 {})",
            self.run, self.checked_at, self.digest
        )
    }
}

/// The decision for `version`, or, without one, for the first version certifiable at `at`
/// (effective before warn, newest first) that is eligible; if none is, the first one's refusal.
///
/// # Errors
///
/// An unknown version; [`Error::NoCertifiableVersion`] when none is certifiable at `at`.
pub fn decide(
    spec: &Spec,
    version: Option<&str>,
    evidence: &[Evidence],
    at: Instant,
    window: TimeDelta,
) -> Result<Eligibility, Error> {
    if let Some(v) = version {
        return eligibility(spec, v, evidence, at, window);
    }
    let mut first = None;
    for (v, validity) in spec.listed_versions_at(at.date_naive()) {
        if !validity.is_certifiable() {
            continue;
        }
        let d = eligibility(spec, v.name(), evidence, at, window)?;
        if d.is_eligible() {
            return Ok(d);
        }
        first.get_or_insert(d);
    }
    first.ok_or_else(|| Error::NoCertifiableVersion {
        scope: spec.name().to_owned(),
        at,
    })
}
