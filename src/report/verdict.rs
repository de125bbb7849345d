//! Testcase verdicts as reports encode them (upstream `TESTCASE_VERDICTS`, `scs_cert_lib.py` L25–28).

use std::fmt;

/// The verdict of one testcase: FAIL = -1, ABORT = 0, PASS = 1 (scs-0003-v2 L49–56).
///
/// The order is the numeric order of the upstream encoding, so `Fail < Abort < Pass`, and the
/// worse of two verdicts is the smaller one. "Missing" is not a verdict a report can carry; it is
/// the absence of a result and is modelled by the evaluating code.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    /// The testcase failed (-1).
    Fail,
    /// The testcase could not be completed (0); upstream shows it as DNF or "inconclusive".
    Abort,
    /// The testcase passed (1).
    Pass,
}

impl Verdict {
    /// The upstream encoding: -1, 0 or 1.
    pub fn value(self) -> i8 {
        match self {
            Verdict::Fail => -1,
            Verdict::Abort => 0,
            Verdict::Pass => 1,
        }
    }

    /// The verdict encoded as `value`, or `None` outside -1, 0, 1.
    pub fn from_value(value: i64) -> Option<Verdict> {
        match value {
            -1 => Some(Verdict::Fail),
            0 => Some(Verdict::Abort),
            1 => Some(Verdict::Pass),
            _ => None,
        }
    }

    /// The worse of the two: FAIL beats ABORT beats PASS. This is how upstream's
    /// `ResultBuilder.finalize` picked among several results for one testcase and how
    /// DESIGN §4 merges a per-version report by testcase id.
    #[must_use]
    pub fn worse(self, other: Verdict) -> Verdict {
        self.min(other)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Fail => "FAIL",
            Verdict::Abort => "ABORT",
            Verdict::Pass => "PASS",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Verdict; 3] = [Verdict::Fail, Verdict::Abort, Verdict::Pass];

    #[test]
    fn values_round_trip_and_nothing_else_is_a_verdict() {
        for v in ALL {
            assert_eq!(Verdict::from_value(i64::from(v.value())), Some(v));
        }
        for bad in [-2, 2, 3, i64::MIN, i64::MAX] {
            assert_eq!(Verdict::from_value(bad), None);
        }
    }

    #[test]
    fn order_follows_the_numbers() {
        assert!(Verdict::Fail < Verdict::Abort);
        assert!(Verdict::Abort < Verdict::Pass);
        for a in ALL {
            for b in ALL {
                assert_eq!(a.cmp(&b), a.value().cmp(&b.value()));
            }
        }
    }

    #[test]
    fn worse_is_commutative_and_fail_dominates() {
        for a in ALL {
            assert_eq!(a.worse(Verdict::Fail), Verdict::Fail);
            assert_eq!(a.worse(Verdict::Pass), a);
            assert_eq!(a.worse(a), a);
            for b in ALL {
                assert_eq!(a.worse(b), b.worse(a));
            }
        }
        assert_eq!(Verdict::Pass.worse(Verdict::Abort), Verdict::Abort);
    }

    #[test]
    fn display_and_serialize_use_upstream_words() {
        let shown: Vec<String> = ALL.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["FAIL", "ABORT", "PASS"]);
        assert_eq!(
            serde_json::to_string(&ALL).unwrap(),
            r#"["FAIL","ABORT","PASS"]"#
        );
    }
}
