//! Eligibility to issue or renew a certificate (DESIGN §4): compliant at every instant of the
//! closed observation window `[T - W, T]`, answered as a decision with its evidence or its
//! reasons, never a bare `bool`.

use chrono::TimeDelta;

use super::sweep::{self, VersionTrack};
use super::track::{BEGIN, Held, Seg};
use super::{Error, Evidence, ReportRef};
use crate::report::Verdict;
use crate::spec::{Spec, Validity};
use crate::time::Instant;

/// The closed observation window `[start, end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    /// `T - W`.
    pub start: Instant,
    /// `T`, the decision instant.
    pub end: Instant,
}

/// A stretch of time with one state, as known at the decision instant `T`.
///
/// Bounds are the stretch's own, not clipped to the window: a FAIL that began before the
/// window says when it began.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stretch {
    /// Its first instant; `None` since the beginning of time (e.g. no result ever).
    pub since: Option<Instant>,
    /// The first instant after it; `None` if it still holds at `T`. Only ends at or before `T`
    /// are given, so the answer does not depend on anything after `T`.
    pub until: Option<Instant>,
}

/// Why a `main` testcase was not PASS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Finding {
    /// The result in force was ABORT.
    Abort,
    /// It had a result, and that result expired with no newer one in force.
    Expired,
    /// The result in force was FAIL.
    Fail,
    /// It had no result at all yet.
    Missing,
}

/// One reason a version was not compliant at some instant of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The version's `main` target has no testcases, so it can never be certified.
    EmptyMain,
    /// The timeline did not make the version certifiable.
    NotCertifiable {
        /// Its validity then; `None` when the entry in force did not list it (or no entry was
        /// in force yet).
        validity: Option<Validity>,
        /// When.
        during: Stretch,
    },
    /// A `main` testcase was not PASS.
    Testcase {
        /// The testcase id.
        testcase: String,
        /// What was wrong.
        finding: Finding,
        /// When. For FAIL and ABORT, one stretch may span several reports with that verdict.
        during: Stretch,
        /// The report that decided it: the one whose FAIL or ABORT began the stretch, or whose
        /// result expired; `None` for MISSING.
        report: Option<ReportRef>,
    },
}

/// The decision for one (subject, scope, version) at `T`.
/// Exactly two answers: not `non_exhaustive`, so every caller handles both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Eligibility {
    /// Compliant throughout the window.
    Eligible {
        /// The version.
        version: String,
        /// Its validity at `T` (`warn`: show the certificate's version as expiring).
        validity: Validity,
        /// The window.
        window: Window,
        /// The reports whose `main` results were in force during the window, oldest first.
        evidence: Vec<ReportRef>,
    },
    /// Not compliant at some instant of the window.
    NotEligible {
        /// The version.
        version: String,
        /// The window.
        window: Window,
        /// The maximal non-compliant stretches meeting the window, in time order.
        non_compliant: Vec<Stretch>,
        /// Every reason, version-level first, then by testcase id and time.
        reasons: Vec<Reason>,
    },
}

impl Eligibility {
    /// Whether the decision is [`Eligibility::Eligible`].
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Eligible { .. })
    }
}

/// Decides whether `version` was compliant at every instant of `[at - window, at]`
/// (`window` zero: at `at` alone, upstream's point-in-time rule).
///
/// Only evidence received by each instant counts at that instant, so reports received after
/// `at` never change the answer.
///
/// # Errors
///
/// [`Error::UnknownVersion`] when the spec has no version `version` (the question cannot be
/// decided); [`Error::NegativeWindow`] for a negative window; [`Error::WindowOutOfRange`] when
/// `at - window` is not a representable instant.
pub fn eligibility(
    spec: &Spec,
    version: &str,
    evidence: &[Evidence],
    at: Instant,
    window: TimeDelta,
) -> Result<Eligibility, Error> {
    if window < TimeDelta::zero() {
        return Err(Error::NegativeWindow { window });
    }
    let start = at
        .checked_sub_signed(window)
        .ok_or(Error::WindowOutOfRange { at, window })?;
    let window = Window { start, end: at };
    let track = sweep::version_track(spec, version, evidence)?;

    let non_compliant: Vec<Stretch> = track
        .compliance
        .iter()
        .filter(|s| !s.state && s.meets(start, at))
        .map(|s| stretch(s, at))
        .collect();
    let validity_at = track
        .validity
        .iter()
        .find(|s| s.start <= at && at < s.end)
        .and_then(|s| s.state);
    if let (true, Some(validity)) = (non_compliant.is_empty(), validity_at) {
        return Ok(Eligibility::Eligible {
            version: version.to_owned(),
            validity,
            window,
            evidence: evidence_in(&track, evidence, window),
        });
    }
    Ok(Eligibility::NotEligible {
        version: version.to_owned(),
        window,
        non_compliant,
        reasons: reasons(&track, evidence, window),
    })
}

/// Why each of `ids` (testcases of `version`; any target's, not only `main`) is not PASS at the
/// instant `at`: the [`Reason::Testcase`] in force then, one per testcase that is not PASS, in
/// id order, each with its whole stretch as known at `at` and the report that decided it.
///
/// This is [`eligibility`]'s reasoning at one instant, for any set of testcases: `status`,
/// `attention` and `scs-report show` say why with it. Cost: the tracks of `ids` (linear in the
/// results of those testcases, up to the sort).
///
/// # Errors
///
/// [`Error::UnknownVersion`] when the spec has no version `version`.
pub fn findings_at<'i>(
    spec: &Spec,
    version: &str,
    ids: impl IntoIterator<Item = &'i str>,
    evidence: &[Evidence],
    at: Instant,
) -> Result<Vec<Reason>, Error> {
    let version = super::version(spec, version)?;
    let mut ids: Vec<&str> = ids.into_iter().collect();
    // The tracks are matched against each report's results by one merge pass: sorted, distinct.
    ids.sort_unstable();
    ids.dedup();
    let tracks = super::track::testcase_tracks(version, &ids, evidence);
    Ok(reasons_at(
        ids.iter().copied().zip(tracks.iter().map(Vec::as_slice)),
        evidence,
        at,
    ))
}

/// The [`Reason::Testcase`] in force at `at` on each testcase track that is not PASS then, in
/// the order given.
pub(super) fn reasons_at<'t>(
    tracks: impl Iterator<Item = (&'t str, &'t [Seg<Option<Held>>])>,
    evidence: &[Evidence],
    at: Instant,
) -> Vec<Reason> {
    let mut out = Vec::new();
    for (id, segs) in tracks {
        let Some(m) = marks(segs).into_iter().find(|m| m.meets(at, at)) else {
            continue;
        };
        out.extend(testcase_reason(id, &m, at, evidence));
    }
    out
}

/// The reason a testcase's mark gives, known at `at` (`None`: it passed).
fn testcase_reason(id: &str, m: &Seg<Mark>, at: Instant, evidence: &[Evidence]) -> Option<Reason> {
    Some(Reason::Testcase {
        testcase: id.to_owned(),
        finding: m.state.finding?,
        during: stretch(m, at),
        report: m
            .state
            .report
            .and_then(|i| evidence.get(i))
            .map(Evidence::reference),
    })
}

/// The stretch of `seg` as known at `at`.
fn stretch<S>(seg: &Seg<S>, at: Instant) -> Stretch {
    Stretch {
        since: (seg.start != BEGIN).then_some(seg.start),
        until: (seg.end <= at).then_some(seg.end),
    }
}

/// The distinct reports whose `main` results were in force during `window`, oldest first.
fn evidence_in(track: &VersionTrack<'_>, evidence: &[Evidence], window: Window) -> Vec<ReportRef> {
    let mut used: Vec<usize> = track
        .main
        .iter()
        .flat_map(|(_, segs)| segs.iter())
        .filter(|s| s.meets(window.start, window.end))
        .filter_map(|s| s.state.map(|h| h.evidence))
        .collect();
    used.sort_unstable();
    used.dedup();
    let mut refs: Vec<&Evidence> = used.into_iter().filter_map(|i| evidence.get(i)).collect();
    refs.sort_by_key(|e| e.key());
    refs.into_iter().map(Evidence::reference).collect()
}

/// A testcase's state for reasons: `None` is PASS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    finding: Option<Finding>,
    /// The deciding report (evidence index).
    report: Option<usize>,
}

/// Every reason for non-compliance meeting `window`.
fn reasons(track: &VersionTrack<'_>, evidence: &[Evidence], window: Window) -> Vec<Reason> {
    let (a, b) = (window.start, window.end);
    let mut out = Vec::new();
    if track.version.main().is_empty() {
        out.push(Reason::EmptyMain);
    }
    for s in &track.validity {
        if !s.state.is_some_and(Validity::is_certifiable) && s.meets(a, b) {
            out.push(Reason::NotCertifiable {
                validity: s.state,
                during: stretch(s, b),
            });
        }
    }
    for (id, segs) in &track.main {
        for m in marks(segs) {
            if m.meets(a, b) {
                out.extend(testcase_reason(id, &m, b, evidence));
            }
        }
    }
    out
}

/// A testcase's track as findings: FAIL and ABORT stretches merged across reports (keeping
/// the first report), a gap after a result is EXPIRED (naming the result that expired), a gap
/// before any result is MISSING.
fn marks(segs: &[Seg<Option<Held>>]) -> Vec<Seg<Mark>> {
    let mut out: Vec<Seg<Mark>> = Vec::new();
    let mut prev: Option<Held> = None;
    for s in segs {
        let mark = match s.state {
            Some(h) => Mark {
                finding: match h.verdict {
                    Verdict::Pass => None,
                    Verdict::Abort => Some(Finding::Abort),
                    Verdict::Fail => Some(Finding::Fail),
                },
                report: Some(h.evidence),
            },
            // A track only loses its result when that result's interval ends, i.e. at expiry.
            None => match prev {
                Some(p) => Mark {
                    finding: Some(Finding::Expired),
                    report: Some(p.evidence),
                },
                None => Mark {
                    finding: Some(Finding::Missing),
                    report: None,
                },
            },
        };
        prev = s.state;
        match out.last_mut() {
            Some(last) if last.state.finding == mark.finding && last.end == s.start => {
                last.end = s.end;
            }
            _ => out.push(Seg {
                start: s.start,
                end: s.end,
                state: mark,
            }),
        }
    }
    out
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Finding::Abort => "ABORT",
            Finding::Expired => "EXPIRED",
            Finding::Fail => "FAIL",
            Finding::Missing => "MISSING",
        })
    }
}

impl std::fmt::Display for Stretch {
    /// `since A until B`, open ends as "the beginning" / "now".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::time::format_instant;
        match self.since {
            Some(s) => write!(f, "from {}", format_instant(s))?,
            None => f.write_str("from the beginning")?,
        }
        match self.until {
            Some(u) => write!(f, " until {}", format_instant(u)),
            None => f.write_str(" on"),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::EmptyMain => {
                f.write_str("the version's main target has no testcases: it can never pass")
            }
            Reason::NotCertifiable { validity, during } => match validity {
                Some(v) => write!(f, "the version is {v}, not certifiable, {during}"),
                None => write!(f, "the version is not listed in the timeline, {during}"),
            },
            Reason::Testcase {
                testcase,
                finding,
                during,
                report,
            } => {
                write!(f, "{testcase}: {finding} {during}")?;
                if let Some(r) = report {
                    write!(
                        f,
                        " (report {}, checked {})",
                        r.run,
                        r.checked_at.and_utc().format("%Y-%m-%dT%H:%M:%SZ")
                    )?;
                }
                Ok(())
            }
        }
    }
}
