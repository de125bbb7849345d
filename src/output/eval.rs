//! `scs-cert status` (`status`) and `scs-cert eligible` (`eligibility`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::Record;
use crate::eval::{self, Eligibility, Evidence, Reason, ReportRef, Stretch};
use crate::report::Verdict;
use crate::spec::Spec;
use crate::subject::Subject;
use crate::target::TargetVerdict;
use crate::time::{Instant, format_instant};

/// Who is compliant at an instant, per (subject, scope) (`scs-cert status --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct StatusRecord {
    /// The subject.
    pub subject: String,
    /// The scope uuid.
    pub scope: String,
    /// The scope's name.
    pub scope_name: String,
    /// The instant judged at.
    pub at: String,
    /// Every version the timeline entry in force lists.
    pub versions: Vec<StatusVersion>,
    /// Every testcase with an unexpired result: testcase id to the result in force.
    pub results: BTreeMap<String, ResultEntry>,
    /// Per listed version, its compliant stretches of the last 18 months.
    pub compliance: BTreeMap<String, Vec<WindowEntry>>,
}

/// A version's status in a [`StatusRecord`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct StatusVersion {
    /// The version.
    pub version: String,
    /// Its validity then.
    pub validity: String,
    /// Whether its `main` target passes.
    pub compliant: bool,
    /// When compliant: the start of the current compliant stretch, from all the evidence (not
    /// only the 18 months of `compliance`); `null` when not compliant.
    pub since: Option<String>,
    /// Whether `since` is only a horizon the stretch began before, not its start.
    pub clipped: bool,
    /// Target name to verdict.
    pub targets: BTreeMap<String, TargetVerdict>,
}

/// A testcase's result in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ResultEntry {
    /// The verdict.
    pub verdict: Verdict,
    /// When the deciding report's checks ran.
    pub checked_at: String,
    /// When the result stops counting.
    pub expires: String,
    /// The deciding report's run uuid.
    pub report: String,
    /// Its archived body's digest.
    pub sha256: String,
}

/// A stretch of time with both ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct WindowEntry {
    /// Its first instant.
    pub start: String,
    /// The first instant after it.
    pub end: String,
}

impl Record for StatusRecord {
    const TYPE: &'static str = "status";
}

impl StatusRecord {
    /// The status of `subject` in scope `spec` at `at`, judged on `evidence`.
    pub fn new(subject: &Subject, spec: &Spec, evidence: &[Evidence], at: Instant) -> StatusRecord {
        let status = eval::status_at(spec, evidence, at);
        let standing = eval::standing(spec, evidence, at);
        let since = |version: &str, compliant: bool| {
            standing
                .get(version)
                .and_then(|h| h.since)
                .filter(|_| compliant)
        };
        StatusRecord {
            subject: subject.to_string(),
            scope: spec.uuid().to_owned(),
            scope_name: spec.name().to_owned(),
            at: format_instant(at),
            versions: status
                .versions
                .iter()
                .map(|v| {
                    let since = since(v.version.name(), v.is_compliant());
                    StatusVersion {
                        version: v.version.name().to_owned(),
                        validity: v.validity.to_string(),
                        compliant: v.is_compliant(),
                        since: since.map(|s| format_instant(s.instant())),
                        clipped: since.is_some_and(eval::Since::is_clipped),
                        targets: v
                            .targets
                            .iter()
                            .map(|(name, t)| (name.clone(), t.verdict))
                            .collect(),
                    }
                })
                .collect(),
            results: eval::results_at(spec, None, evidence, at)
                .into_iter()
                .map(|(id, r)| {
                    let entry = ResultEntry {
                        verdict: r.verdict,
                        checked_at: format_instant(r.checked_at.and_utc()),
                        expires: format_instant(r.expires),
                        report: r.run,
                        sha256: r.digest,
                    };
                    (id, entry)
                })
                .collect(),
            compliance: standing
                .iter()
                .map(|(version, h)| {
                    let compliant = h
                        .intervals
                        .iter()
                        .filter(|i| i.compliant)
                        .map(|i| WindowEntry {
                            start: format_instant(i.start),
                            end: format_instant(i.end),
                        })
                        .collect();
                    (version.clone(), compliant)
                })
                .collect(),
        }
    }
}

/// May a subject be certified (`scs-cert eligible --json`)?
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EligibilityRecord {
    /// The subject.
    pub subject: String,
    /// The scope uuid.
    pub scope: String,
    /// The decision instant.
    pub at: String,
    /// The answer.
    pub eligible: bool,
    /// The version decided on.
    pub version: String,
    /// Its validity at `at`, when eligible.
    pub validity: Option<String>,
    /// The observation window.
    pub window: WindowEntry,
    /// When eligible: the reports whose results were in force during the window.
    pub evidence: Vec<EvidenceEntry>,
    /// When not: the maximal non-compliant stretches meeting the window.
    pub non_compliant: Vec<StretchEntry>,
    /// When not: every reason.
    pub reasons: Vec<ReasonEntry>,
}

/// A report that made a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EvidenceEntry {
    /// Its run uuid.
    pub run: String,
    /// Its archived body's digest.
    pub sha256: String,
    /// When its checks ran.
    pub checked_at: String,
}

/// A stretch that may be open at either end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct StretchEntry {
    /// Its first instant (`null`: since the beginning).
    pub since: Option<String>,
    /// The first instant after it (`null`: still holds).
    pub until: Option<String>,
}

/// A report named by a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReportEntry {
    /// Its run uuid.
    pub run: String,
    /// Its archived body's digest.
    pub sha256: String,
}

/// One reason for "not eligible".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReasonEntry {
    /// `testcase` (a main testcase not PASS), `version` (not certifiable then) or `other`.
    pub kind: &'static str,
    /// The testcase, for `testcase`.
    pub testcase: Option<String>,
    /// `FAIL`, `ABORT`, `MISSING` or `EXPIRED`, for `testcase`.
    pub finding: Option<String>,
    /// The version's validity then, for `version` (`null` when not listed).
    pub validity: Option<String>,
    /// When.
    pub during: Option<StretchEntry>,
    /// The report that decided it, for a FAIL, ABORT or expiry.
    pub report: Option<ReportEntry>,
    /// The reason in words.
    pub message: String,
}

impl Record for EligibilityRecord {
    const TYPE: &'static str = "eligibility";
}

impl From<&Stretch> for StretchEntry {
    fn from(s: &Stretch) -> StretchEntry {
        StretchEntry {
            since: s.since.map(format_instant),
            until: s.until.map(format_instant),
        }
    }
}

impl From<&ReportRef> for ReportEntry {
    fn from(r: &ReportRef) -> ReportEntry {
        ReportEntry {
            run: r.run.clone(),
            sha256: r.digest.clone(),
        }
    }
}

impl From<&Reason> for ReasonEntry {
    fn from(r: &Reason) -> ReasonEntry {
        let message = r.to_string();
        let mut entry = ReasonEntry {
            kind: "other",
            testcase: None,
            finding: None,
            validity: None,
            during: None,
            report: None,
            message,
        };
        match r {
            Reason::Testcase {
                testcase,
                finding,
                during,
                report,
            } => {
                entry.kind = "testcase";
                entry.testcase = Some(testcase.clone());
                entry.finding = Some(finding.to_string());
                entry.during = Some(during.into());
                entry.report = report.as_ref().map(Into::into);
            }
            Reason::NotCertifiable { validity, during } => {
                entry.kind = "version";
                entry.validity = validity.map(|v| v.to_string());
                entry.during = Some(during.into());
            }
            Reason::EmptyMain => {}
        }
        entry
    }
}

impl EligibilityRecord {
    /// The record of `decision` for `subject` in `scope` at `at`.
    pub fn new(subject: &Subject, scope: &str, at: Instant, decision: &Eligibility) -> Self {
        let window = |w: &eval::Window| WindowEntry {
            start: format_instant(w.start),
            end: format_instant(w.end),
        };
        let base = |version: &str, w: &eval::Window| EligibilityRecord {
            subject: subject.to_string(),
            scope: scope.to_owned(),
            at: format_instant(at),
            eligible: false,
            version: version.to_owned(),
            validity: None,
            window: window(w),
            evidence: Vec::new(),
            non_compliant: Vec::new(),
            reasons: Vec::new(),
        };
        match decision {
            Eligibility::Eligible {
                version,
                validity,
                window,
                evidence,
            } => EligibilityRecord {
                eligible: true,
                validity: Some(validity.to_string()),
                evidence: evidence
                    .iter()
                    .map(|r| EvidenceEntry {
                        run: r.run.clone(),
                        sha256: r.digest.clone(),
                        checked_at: format_instant(r.checked_at.and_utc()),
                    })
                    .collect(),
                ..base(version, window)
            },
            Eligibility::NotEligible {
                version,
                window,
                non_compliant,
                reasons,
            } => EligibilityRecord {
                non_compliant: non_compliant.iter().map(Into::into).collect(),
                reasons: reasons.iter().map(Into::into).collect(),
                ..base(version, window)
            },
        }
    }
}
