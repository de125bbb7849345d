//! The compliance history a status page shows: 18 months back from an instant (scs-0004 R4),
//! per version the scope lists then, and since when a compliant version has been compliant.

use std::collections::BTreeMap;

use super::eligibility::reasons_at;
use super::sweep::{clip, version_track};
use super::track::BEGIN;
use super::{Evidence, Interval, Reason};
use crate::spec::Spec;
use crate::time::{self, Instant};

/// How far back the compliance history reaches: 18 months (scs-0004 R4), as 549 days.
pub const HISTORY_DAYS: i64 = 549;

/// Since when a version compliant at an instant has been so without a break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Since {
    /// The current compliant stretch began at this instant.
    At(Instant),
    /// It began before this instant, where the sweep's knowledge ends (the first instant of
    /// the calendar): the start is not known.
    Before(Instant),
}

impl Since {
    /// The instant shown: the start, or the horizon it began before.
    pub fn instant(self) -> Instant {
        match self {
            Since::At(t) | Since::Before(t) => t,
        }
    }

    /// Whether the start was clipped at a horizon ([`Since::Before`]).
    pub fn is_clipped(self) -> bool {
        matches!(self, Since::Before(_))
    }
}

/// One version's history at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionHistory {
    /// Its compliance from [`HISTORY_DAYS`] before the instant (or the first instant of the
    /// calendar) to the instant, as consecutive intervals.
    pub intervals: Vec<Interval>,
    /// When compliant at the instant: since when, from the sweep over all the evidence, not
    /// clipped at the history's start (a cloud compliant for two years says so).
    pub since: Option<Since>,
    /// When not compliant at the instant: why each `main` testcase that is not PASS is not, as
    /// [`findings_at`](super::findings_at) says (empty when compliant). Taken from the same
    /// sweep, so `status` judges each version once.
    pub findings: Vec<Reason>,
}

/// Per version listed at `at` (by name), its compliance intervals from [`HISTORY_DAYS`] before
/// `at` (or the first instant of the calendar) to `at`.
pub fn history(spec: &Spec, evidence: &[Evidence], at: Instant) -> BTreeMap<String, Vec<Interval>> {
    standing(spec, evidence, at)
        .into_iter()
        .map(|(version, h)| (version, h.intervals))
        .collect()
}

/// Per version listed at `at` (by name), its [`VersionHistory`]: the 18-month history and, when
/// compliant at `at`, since when. One sweep per version serves both (`O(n log n)` in its
/// results).
pub fn standing(
    spec: &Spec,
    evidence: &[Evidence],
    at: Instant,
) -> BTreeMap<String, VersionHistory> {
    let from = time::sub(
        at,
        chrono::Duration::days(HISTORY_DAYS),
        "the history's start",
    )
    .unwrap_or_else(|_| time::earliest());
    let mut out = BTreeMap::new();
    for (version, _) in spec.listed_versions_at(at.date_naive()) {
        let Ok(track) = version_track(spec, version.name(), evidence) else {
            continue;
        };
        let since = track
            .compliance
            .iter()
            .find(|s| s.start <= at && at < s.end)
            .filter(|s| s.state)
            .map(|s| {
                if s.start == BEGIN {
                    Since::Before(time::earliest())
                } else {
                    Since::At(s.start)
                }
            });
        let findings = if since.is_some() {
            Vec::new()
        } else {
            let tracks = track.main.iter().map(|(id, segs)| (*id, segs.as_slice()));
            reasons_at(tracks, evidence, at)
        };
        let intervals = clip(&track.compliance, from, at);
        out.insert(
            version.name().to_owned(),
            VersionHistory {
                intervals,
                since,
                findings,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{NaiveDate, TimeDelta};

    use super::*;
    use crate::report::Verdict;

    const SPEC: &str = "\
name: Example
uuid: 00000000-0000-4000-8000-000000000001
scripts:
  - executable: ./check.py
    testcases:
      - id: tc-a
        lifetime: week
modules:
  - id: m1
    name: Module one
    targets:
      main:
        - tc-a
timeline:
  - date: 2020-01-01
    versions:
      v1: effective
versions:
  - version: v1
    stabilized_at: 2020-01-01
    include:
      - m1
";

    fn day(y: i32, m: u32, d: u32) -> Instant {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(6, 0, 0))
            .unwrap()
            .and_utc()
    }

    /// Weekly PASS reports from `start` for `weeks` weeks.
    fn weekly(start: Instant, weeks: i64) -> Vec<Evidence> {
        (0..weeks)
            .map(|w| {
                let t = start + TimeDelta::weeks(w);
                Evidence {
                    run: format!("run-{w}"),
                    digest: String::new(),
                    checked_at: t.naive_utc(),
                    received_at: t,
                    ingest_seq: u64::try_from(w).unwrap(),
                    results: BTreeMap::from([("tc-a".to_owned(), Verdict::Pass)]),
                }
            })
            .collect()
    }

    /// Issue 13.3: a cloud compliant for two years is compliant since it began, not since the
    /// history's 18-month horizon.
    #[test]
    fn since_is_the_true_start_beyond_the_history_horizon() {
        let spec = Spec::load(SPEC, "example").unwrap();
        let start = day(2024, 6, 1);
        let evidence = weekly(start, 110);
        let at = day(2026, 6, 1);
        let h = &standing(&spec, &evidence, at)["v1"];
        assert_eq!(h.since, Some(Since::At(start)));
        assert!(!h.since.unwrap().is_clipped());
        // The history itself stays 18 months long.
        assert_eq!(
            h.intervals.first().map(|i| i.start),
            Some(at - TimeDelta::days(HISTORY_DAYS))
        );
        assert_eq!(history(&spec, &evidence, at)["v1"], h.intervals);
        assert!(h.findings.is_empty());
        // After the last result expires: not compliant, no "since", and why, as findings_at
        // says.
        let later = day(2026, 9, 1);
        let h = &standing(&spec, &evidence, later)["v1"];
        assert_eq!(h.since, None);
        assert_eq!(
            h.findings,
            super::super::findings_at(&spec, "v1", ["tc-a"], &evidence, later).unwrap()
        );
        assert_eq!(h.findings.len(), 1);
    }
}
