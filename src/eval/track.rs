//! Piecewise-constant timelines ("tracks") over all of time: which result is in force for a
//! testcase, and what the timeline says about a version.
//!
//! A track is a list of half-open segments `[start, end)` that covers
//! `[DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)` without gaps, neighbours differing in
//! state. Every later step (compliance sweep, eligibility reasons) reads tracks only.

use std::collections::BinaryHeap;

use chrono::{DateTime, Utc};

use super::Evidence;
use crate::report::Verdict;
use crate::spec::{Lifetime, Spec, Validity, Version};
use crate::time::Instant;

/// The earliest instant a track covers ("since the beginning of time").
pub(super) const BEGIN: Instant = DateTime::<Utc>::MIN_UTC;
/// The instant a track ends ("for ever").
pub(super) const END: Instant = DateTime::<Utc>::MAX_UTC;

/// One stretch of constant state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Seg<S> {
    pub(super) start: Instant,
    pub(super) end: Instant,
    pub(super) state: S,
}

impl<S> Seg<S> {
    /// Whether the segment meets the closed interval `[a, b]`.
    pub(super) fn meets(&self, a: Instant, b: Instant) -> bool {
        self.start <= b && self.end > a
    }
}

/// The result in force: index into the evidence slice and its verdict for the testcase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Held {
    pub(super) evidence: usize,
    pub(super) verdict: Verdict,
}

/// A result and the interval `[start, end)` in which it may count.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    start: Instant,
    end: Instant,
    /// Position of its report in "newest wins" order (see [`ranks`]); unique.
    rank: usize,
    evidence: usize,
    verdict: Verdict,
}

/// The rank of each evidence record in "newest wins" order: by `checked_at`, then ingestion
/// order, then (for records that agree on both, which the registry never writes) slice
/// position, so later wins, as in [`results_at`](super::results_at).
fn ranks(evidence: &[Evidence]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..evidence.len()).collect();
    order.sort_by_key(|&i| evidence.get(i).map(|e| (e.checked_at, e.ingest_seq, i)));
    let mut rank = vec![0; evidence.len()];
    for (r, &i) in order.iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = r;
        }
    }
    rank
}

/// Appends `[start, end)` with `state` to `segs`, extending the last segment if it has the same
/// state. Empty intervals are skipped.
fn push<S: PartialEq>(segs: &mut Vec<Seg<S>>, start: Instant, end: Instant, state: S) {
    if start >= end {
        return;
    }
    if let Some(last) = segs.last_mut()
        && last.state == state
        && last.end == start
    {
        last.end = end;
        return;
    }
    segs.push(Seg { start, end, state });
}

/// Tracks of the testcases `ids` under `version`'s lifetimes, one per id in the order given.
/// `ids` must be sorted and distinct (a `BTreeSet`'s order), so each report's results (a
/// `BTreeMap`) are matched against them by one merge pass.
///
/// Cost: one linear pass over every result of every evidence record, then per testcase
/// `O(n log n)` in its number of results (almost linear when the evidence comes in time order).
pub(super) fn testcase_tracks(
    version: &Version,
    ids: &[&str],
    evidence: &[Evidence],
) -> Vec<Vec<Seg<Option<Held>>>> {
    // Every target id resolves in a validated `Spec`; an unknown one gets the default
    // lifetime rather than a panic.
    let lifetimes: Vec<Lifetime> = ids
        .iter()
        .map(|id| {
            version
                .testcase(id)
                .map(|t| t.lifetime())
                .unwrap_or_default()
        })
        .collect();
    let rank = ranks(evidence);
    let mut candidates: Vec<Vec<Candidate>> = vec![Vec::with_capacity(evidence.len()); ids.len()];
    for ((i, ev), &rank) in evidence.iter().enumerate().zip(&rank) {
        let visible = ev.visible_from();
        // One report has one `checked_at`: compute each lifetime's expiry once.
        let mut expiry: [Option<Instant>; 5] = [None; 5];
        let mut slot = 0;
        for (id, &verdict) in &ev.results {
            while ids.get(slot).is_some_and(|want| *want < id.as_str()) {
                slot += 1;
            }
            if ids.get(slot) != Some(&id.as_str()) {
                continue;
            }
            let (Some(&lifetime), Some(list)) = (lifetimes.get(slot), candidates.get_mut(slot))
            else {
                continue;
            };
            let compute = || lifetime.expiry(ev.checked_at).and_utc();
            let end = match expiry.get_mut(lifetime as usize) {
                Some(cached) => *cached.get_or_insert_with(compute),
                None => compute(),
            };
            if visible < end {
                list.push(Candidate {
                    start: visible,
                    end,
                    rank,
                    evidence: i,
                    verdict,
                });
            }
        }
    }
    candidates.into_iter().map(track_of).collect()
}

/// The result in force over time among `candidates`: at each instant, the candidate with the
/// greatest rank among those whose interval contains it.
///
/// Event-driven: the state can change only when a candidate starts or when the current winner
/// ends, so the sweep jumps from one such instant to the next. Active candidates sit in a
/// max-heap by rank; those that ended are dropped lazily when they reach the top (only the
/// top is ever read).
///
/// Dominated candidates are never kept: one that ranks below the top and ends no later can
/// never win, and a new top that ends no earlier than everything in the heap makes the whole
/// heap obsolete. Both rules are exact, not assumptions; with one lifetime per testcase
/// (`add_period` is monotone in `checked_at`) they always apply, so the heap holds at most one
/// entry and a track costs a sort plus a linear pass.
fn track_of(mut candidates: Vec<Candidate>) -> Vec<Seg<Option<Held>>> {
    candidates.sort_unstable_by_key(|c| c.start);
    // (rank, index into `candidates`): ranks are unique, so the max is the newest.
    let mut heap: BinaryHeap<(usize, usize)> = BinaryHeap::new();
    // An upper bound of the ends of everything in `heap`.
    let mut heap_end = BEGIN;
    let top = |heap: &BinaryHeap<(usize, usize)>| heap.peek().and_then(|&(_, c)| candidates.get(c));
    let mut segs = Vec::new();
    let (mut start, mut state) = (BEGIN, None);
    let mut next = candidates.iter().enumerate().peekable();
    let mut t = BEGIN;
    loop {
        while top(&heap).is_some_and(|c| c.end <= t) {
            heap.pop();
        }
        while let Some((i, c)) = next.next_if(|(_, c)| c.start <= t) {
            match top(&heap) {
                Some(best) if best.rank > c.rank && best.end >= c.end => continue,
                Some(best) if best.rank < c.rank && heap_end <= c.end => heap.clear(),
                _ => {}
            }
            if heap.is_empty() {
                heap_end = BEGIN;
            }
            heap.push((c.rank, i));
            heap_end = heap_end.max(c.end);
        }
        let now = top(&heap).map(|c| Held {
            evidence: c.evidence,
            verdict: c.verdict,
        });
        if now != state {
            push(&mut segs, start, t, state);
            (start, state) = (t, now);
        }
        // Both are strictly after `t` here, so `t` strictly increases and the loop ends.
        let next_start = next.peek().map(|(_, c)| c.start);
        let top_end = top(&heap).map(|c| c.end);
        t = match (next_start, top_end) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
    }
    push(&mut segs, start, END, state);
    segs
}

/// What the timeline says about `version` over time: its validity in the entry in force, `None`
/// where no entry lists it (before the first entry, or unlisted). Entries take effect at
/// 00:00 UTC of their date (DESIGN §4: every instant is UTC).
pub(super) fn validity_track(spec: &Spec, version: &str) -> Vec<Seg<Option<Validity>>> {
    let mut segs = Vec::new();
    let (mut start, mut state) = (BEGIN, None);
    for entry in spec.timeline() {
        let at = entry.date().and_time(chrono::NaiveTime::MIN).and_utc();
        let now = entry.versions().get(version).copied();
        if now != state {
            push(&mut segs, start, at, state);
            (start, state) = (at, now);
        }
    }
    push(&mut segs, start, END, state);
    segs
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> Instant {
        Utc.with_ymd_and_hms(2026, 1, 1, h, 0, 0).unwrap()
    }

    fn cand(start: u32, end: u32, checked: u32, i: usize, verdict: Verdict) -> Candidate {
        Candidate {
            start: t(start),
            end: t(end),
            rank: checked as usize,
            evidence: i,
            verdict,
        }
    }

    #[test]
    fn newest_unexpired_wins_and_older_shows_again() {
        // 0: checked 1, valid [1, 20); 1: checked 5, valid [5, 8).
        let segs = track_of(vec![
            cand(1, 20, 1, 0, Verdict::Pass),
            cand(5, 8, 5, 1, Verdict::Fail),
        ]);
        let states: Vec<_> = segs
            .iter()
            .map(|s| (s.start, s.state.map(|h| h.evidence)))
            .collect();
        assert_eq!(
            states,
            vec![
                (BEGIN, None),
                (t(1), Some(0)),
                (t(5), Some(1)),
                (t(8), Some(0)),
                (t(20), None)
            ]
        );
        assert_eq!(segs.last().unwrap().end, END);
    }

    /// An older result that outlives the newer one must not be pruned when it arrives under
    /// the newer one. One lifetime per testcase never produces this, but the sweep must not
    /// depend on that.
    #[test]
    fn an_older_result_outliving_the_top_is_kept() {
        let segs = track_of(vec![
            cand(1, 20, 1, 0, Verdict::Pass),
            cand(5, 22, 0, 1, Verdict::Fail),
        ]);
        let states: Vec<_> = segs
            .iter()
            .map(|s| (s.start, s.state.map(|h| h.evidence)))
            .collect();
        assert_eq!(
            states,
            vec![
                (BEGIN, None),
                (t(1), Some(0)),
                (t(20), Some(1)),
                (t(22), None)
            ]
        );
    }

    #[test]
    fn no_candidates_is_one_missing_segment() {
        assert_eq!(
            track_of(Vec::new()),
            vec![Seg {
                start: BEGIN,
                end: END,
                state: None
            }]
        );
    }
}
