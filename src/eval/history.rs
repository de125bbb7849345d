//! The compliance history a status page shows: 18 months back from an instant (scs-0004 R4),
//! per version the scope lists then.

use std::collections::BTreeMap;

use super::{Evidence, Interval, compliance_intervals};
use crate::spec::Spec;
use crate::time::{self, Instant};

/// How far back the compliance history reaches: 18 months (scs-0004 R4), as 549 days.
pub const HISTORY_DAYS: i64 = 549;

/// Per version listed at `at` (by name), its compliance intervals from [`HISTORY_DAYS`] before
/// `at` (or the first instant of the calendar) to `at`.
pub fn history(spec: &Spec, evidence: &[Evidence], at: Instant) -> BTreeMap<String, Vec<Interval>> {
    let from = time::sub(
        at,
        chrono::Duration::days(HISTORY_DAYS),
        "the history's start",
    )
    .unwrap_or_else(|_| time::earliest());
    let mut out = BTreeMap::new();
    for (version, _) in spec.listed_versions_at(at.date_naive()) {
        if let Ok(intervals) = compliance_intervals(spec, version.name(), evidence, from, at) {
            out.insert(version.name().to_owned(), intervals);
        }
    }
    out
}
