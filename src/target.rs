//! Target verdicts: what one set of testcase verdicts ([`crate::report::Verdict`]) says about
//! the targets of a scope version.
//!
//! Aggregation follows scs-0003-v2: FAIL if any testcase failed, else MISSING if any has no
//! result, else ABORT if any aborted, else PASS. Unlike upstream, an empty target is not a
//! vacuous PASS (DESIGN §4): nothing was shown, so it is MISSING and flagged as empty.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::report::Verdict;

/// The verdict of a target (a set of testcases), worst first.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum TargetVerdict {
    /// Some testcase failed.
    Fail,
    /// Some testcase has no (unexpired) result, or the target is empty.
    Missing,
    /// Some testcase aborted (did not finish).
    Abort,
    /// Every testcase passed.
    Pass,
}

impl fmt::Display for TargetVerdict {
    /// The verdict's name; honours width and alignment (`{:<8}`), so tables line up.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            TargetVerdict::Fail => "FAIL",
            TargetVerdict::Missing => "MISSING",
            TargetVerdict::Abort => "ABORT",
            TargetVerdict::Pass => "PASS",
        })
    }
}

/// A target judged: its verdict and the testcases that kept it from passing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetOutcome {
    /// The verdict.
    pub verdict: TargetVerdict,
    /// Whether the target has no testcases at all (then it can never pass).
    pub empty: bool,
    /// Testcases that failed.
    pub failed: Vec<String>,
    /// Testcases that aborted.
    pub aborted: Vec<String>,
    /// Testcases without an unexpired result.
    pub missing: Vec<String>,
}

/// Judges the testcases `ids` against `results` (testcase id to verdict).
pub fn judge_target(ids: &BTreeSet<String>, results: &BTreeMap<String, Verdict>) -> TargetOutcome {
    let mut out = TargetOutcome {
        verdict: TargetVerdict::Pass,
        empty: ids.is_empty(),
        failed: Vec::new(),
        aborted: Vec::new(),
        missing: Vec::new(),
    };
    for id in ids {
        match results.get(id) {
            Some(Verdict::Fail) => out.failed.push(id.clone()),
            Some(Verdict::Abort) => out.aborted.push(id.clone()),
            Some(Verdict::Pass) => {}
            None => out.missing.push(id.clone()),
        }
    }
    out.verdict = if !out.failed.is_empty() {
        TargetVerdict::Fail
    } else if !out.missing.is_empty() || out.empty {
        TargetVerdict::Missing
    } else if !out.aborted.is_empty() {
        TargetVerdict::Abort
    } else {
        TargetVerdict::Pass
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// Issue 13.3: a verdict in a table column is padded like any string.
    #[test]
    fn verdicts_honour_width() {
        assert_eq!(format!("[{:<8}]", TargetVerdict::Pass), "[PASS    ]");
        assert_eq!(format!("[{:>7}]", TargetVerdict::Fail), "[   FAIL]");
    }

    #[test]
    fn precedence_fail_missing_abort_pass() {
        let results: BTreeMap<String, Verdict> = [
            ("f".to_owned(), Verdict::Fail),
            ("a".to_owned(), Verdict::Abort),
            ("p".to_owned(), Verdict::Pass),
        ]
        .into();
        assert_eq!(
            judge_target(&ids(&["f", "a", "m", "p"]), &results).verdict,
            TargetVerdict::Fail
        );
        assert_eq!(
            judge_target(&ids(&["a", "m", "p"]), &results).verdict,
            TargetVerdict::Missing
        );
        assert_eq!(
            judge_target(&ids(&["a", "p"]), &results).verdict,
            TargetVerdict::Abort
        );
        assert_eq!(
            judge_target(&ids(&["p"]), &results).verdict,
            TargetVerdict::Pass
        );
        let t = judge_target(&ids(&["f", "a", "m"]), &results);
        assert_eq!(
            (t.failed, t.aborted, t.missing),
            (
                ids(&["f"]).into_iter().collect(),
                vec!["a".into()],
                vec!["m".into()]
            )
        );
    }

    /// DESIGN §4: an empty `main` target is not a PASS (upstream's vacuous pass is a bug).
    #[test]
    fn empty_target_is_not_a_pass() {
        let t = judge_target(&BTreeSet::new(), &BTreeMap::new());
        assert_eq!(t.verdict, TargetVerdict::Missing);
        assert!(t.empty);
    }
}
