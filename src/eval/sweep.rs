//! Compliance of one version over time, by a sweep over change points (DESIGN §4 "Compliance
//! intervals").
//!
//! `compliant(v, t)` changes only where some `main` testcase's result in force changes
//! (a report becomes visible, a result expires) or the timeline entry in force changes. The
//! per-testcase [tracks](super::track) already hold those instants; the sweep walks all their
//! boundaries once in time order, keeping a count of `main` testcases that are not PASS.

use super::track::{self, BEGIN, END, Held, Seg};
use super::{Error, Evidence, version};
use crate::report::Verdict;
use crate::spec::{Spec, Validity, Version};
use crate::time::Instant;

/// A half-open interval `[start, end)` of constant compliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// First instant of the interval.
    pub start: Instant,
    /// First instant after the interval.
    pub end: Instant,
    /// Whether the version is compliant throughout.
    pub compliant: bool,
}

/// Everything known about one version over all of time.
#[derive(Debug)]
pub(super) struct VersionTrack<'s> {
    /// The version.
    pub(super) version: &'s Version,
    /// `main` testcase ids with their tracks, sorted by id.
    pub(super) main: Vec<(&'s str, Vec<Seg<Option<Held>>>)>,
    /// The version's validity over time (`None`: not listed).
    pub(super) validity: Vec<Seg<Option<Validity>>>,
    /// Compliance over time, neighbours differing.
    pub(super) compliance: Vec<Seg<bool>>,
}

/// A change at one instant, in sweep order.
#[derive(Clone, Copy, Debug)]
enum Change {
    /// Main testcase `slot` becomes PASS (`true`) or not.
    Testcase { slot: usize, pass: bool },
    /// The version's validity becomes this.
    Validity(Option<Validity>),
}

fn is_pass(state: &Option<Held>) -> bool {
    matches!(state, Some(h) if h.verdict == Verdict::Pass)
}

fn certifiable(validity: Option<Validity>) -> bool {
    validity.is_some_and(Validity::is_certifiable)
}

/// Builds the tracks of `version` and sweeps them into its compliance track.
///
/// Cost: `O(R log R)` for `R` results of `main` testcases in `evidence` (track building), then
/// `O(C log C)` for the `C` change points (the sort) and `O(C)` for the sweep itself.
pub(super) fn version_track<'s>(
    spec: &'s Spec,
    name: &str,
    evidence: &[Evidence],
) -> Result<VersionTrack<'s>, Error> {
    let version = version(spec, name)?;
    let ids: Vec<&'s str> = version.main().iter().map(String::as_str).collect();
    let tracks = track::testcase_tracks(version, &ids, evidence);
    let main: Vec<(&'s str, Vec<Seg<Option<Held>>>)> = ids.into_iter().zip(tracks).collect();
    let validity = track::validity_track(spec, name);

    let mut changes: Vec<(Instant, Change)> = Vec::new();
    // Whether each main testcase is PASS at the sweep's current instant. A track's neighbours
    // differ in state but often agree on PASS-ness (PASS from one report, then PASS from a
    // newer one): only the flips are changes.
    let mut passing: Vec<bool> = Vec::with_capacity(main.len());
    for (slot, (_, segs)) in main.iter().enumerate() {
        let mut segs = segs.iter();
        let mut pass = segs.next().is_some_and(|first| is_pass(&first.state));
        passing.push(pass);
        for s in segs {
            if is_pass(&s.state) != pass {
                pass = !pass;
                changes.push((s.start, Change::Testcase { slot, pass }));
            }
        }
    }
    let mut failing = passing.iter().filter(|p| !**p).count();
    let mut valid = validity.first().is_some_and(|s| certifiable(s.state));
    changes.extend(
        validity
            .iter()
            .skip(1)
            .map(|s| (s.start, Change::Validity(s.state))),
    );
    changes.sort_unstable_by_key(|&(at, _)| at);

    // Without any `main` testcase a version is never compliant (DESIGN §4, empty main).
    let has_main = !main.is_empty();
    let mut compliance = Vec::new();
    let (mut start, mut state) = (BEGIN, has_main && valid && failing == 0);
    let mut i = 0;
    while let Some(&(at, _)) = changes.get(i) {
        // Apply every change at this instant before judging it.
        while let Some(&(when, change)) = changes.get(i)
            && when == at
        {
            match change {
                Change::Testcase { slot, pass } => {
                    if let Some(was) = passing.get_mut(slot) {
                        match (*was, pass) {
                            (true, false) => failing += 1,
                            (false, true) => failing -= 1,
                            _ => {}
                        }
                        *was = pass;
                    }
                }
                Change::Validity(v) => valid = certifiable(v),
            }
            i += 1;
        }
        let now = has_main && valid && failing == 0;
        if now != state {
            compliance.push(Seg {
                start,
                end: at,
                state,
            });
            (start, state) = (at, now);
        }
    }
    compliance.push(Seg {
        start,
        end: END,
        state,
    });
    Ok(VersionTrack {
        version,
        main,
        validity,
        compliance,
    })
}

/// The compliance of `version` over `[from, to)`, as consecutive half-open intervals that cover
/// it exactly, neighbours differing in `compliant` (empty when `from >= to`).
///
/// At each instant `t` the evidence counts as the registry knew it at `t` (reports received by
/// `t`), so the history does not change when late reports arrive, except from their arrival on.
///
/// # Errors
///
/// [`Error::UnknownVersion`] when the spec has no version `version`.
pub fn compliance_intervals(
    spec: &Spec,
    version: &str,
    evidence: &[Evidence],
    from: Instant,
    to: Instant,
) -> Result<Vec<Interval>, Error> {
    let track = version_track(spec, version, evidence)?;
    Ok(clip(&track.compliance, from, to))
}

/// The segments of `segs` within `[from, to)`, clipped.
pub(super) fn clip(segs: &[Seg<bool>], from: Instant, to: Instant) -> Vec<Interval> {
    if from >= to {
        return Vec::new();
    }
    let first = segs.partition_point(|s| s.end <= from);
    segs.iter()
        .skip(first)
        .take_while(|s| s.start < to)
        .map(|s| Interval {
            start: s.start.max(from),
            end: s.end.min(to),
            compliant: s.state,
        })
        .collect()
}
