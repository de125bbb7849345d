//! Reasons grouped for people: a cloud that stopped reporting has every `main` testcase
//! EXPIRED at the same instant by the same report, one that never reported a scope has every
//! one MISSING from the beginning. Listed one by one that is 54 identical lines; grouped, it is
//! one line with a count and the cause in words ("all 54 results expired on 2026-04-06; last
//! report 2026-03-25", "no IaaS report from cloud-f").
//!
//! Only the human output groups: `--json` keeps every reason, so a program loses nothing.

use std::collections::BTreeMap;

use super::{Error, Evidence, Finding, Reason, ReportRef, Stretch, findings_at};
use crate::spec::Spec;
use crate::time::{Instant, format_instant};

/// At most this many testcase ids are named in a group's line; more are counted.
const NAMED_IDS: usize = 5;

/// One line of a grouped list of [`Reason`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReasonGroup {
    /// A reason about the version itself (not certifiable, empty `main`), as it was.
    Version(Reason),
    /// Testcases that agree on finding, stretch and deciding report.
    Testcases {
        /// What was wrong.
        finding: Finding,
        /// When, the same for all of them.
        during: Stretch,
        /// The report that decided it (`None` for MISSING).
        report: Option<ReportRef>,
        /// The testcase ids, in the order their reasons came (by id).
        testcases: Vec<String>,
    },
}

/// What a group's words need beyond the reasons: whose evidence, for which scope, and how
/// many testcases there were to pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wording<'a> {
    /// The subject (`cloud-f`).
    pub subject: &'a str,
    /// The scope as people say it ([`scope_label`]: `IaaS`).
    pub scope: &'a str,
    /// How many testcases the reasons are about (the version's `main` target): "all 54".
    pub of: usize,
    /// When the subject's first report for this scope counted, among those known at the
    /// instant (`None`: none). Testcases MISSING from the beginning until a time before it are
    /// "no IaaS report", else "never reported".
    pub first_report: Option<Instant>,
}

impl<'a> Wording<'a> {
    /// The wording for reasons about `version`'s `main` target of `spec`, on `subject`'s
    /// `evidence` as known at `at`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVersion`] when the spec has no version `version`.
    pub fn for_main(
        subject: &'a str,
        spec: &'a Spec,
        version: &str,
        evidence: &[Evidence],
        at: Instant,
    ) -> Result<Wording<'a>, Error> {
        let of = super::version(spec, version)?.main().len();
        Ok(Wording {
            subject,
            scope: scope_label(spec.name()),
            of,
            first_report: evidence
                .iter()
                .map(Evidence::visible_from)
                .filter(|&t| t <= at)
                .min(),
        })
    }

    /// `reasons` grouped, one line each ([`group_reasons`], [`ReasonGroup::describe`]).
    pub fn lines(&self, reasons: &[Reason]) -> Vec<String> {
        group_reasons(reasons)
            .iter()
            .map(|g| g.describe(self))
            .collect()
    }
}

/// Why `version`'s `main` target does not pass at `at` on `subject`'s `evidence`, grouped, one
/// line per group (empty when it passes or has no testcases): what `status` and `attention`
/// say after "no".
///
/// # Errors
///
/// [`Error::UnknownVersion`] when the spec has no version `version`.
pub fn main_findings_in_words(
    subject: &str,
    spec: &Spec,
    version: &str,
    evidence: &[Evidence],
    at: Instant,
) -> Result<Vec<String>, Error> {
    let wording = Wording::for_main(subject, spec, version, evidence, at)?;
    let main = super::version(spec, version)?.main();
    let reasons = findings_at(spec, version, main.iter().map(String::as_str), evidence, at)?;
    Ok(wording.lines(&reasons))
}

/// Groups `reasons`: every [`Reason::Testcase`] with the same finding, stretch and deciding
/// report joins one [`ReasonGroup::Testcases`], placed where its first reason was; other
/// reasons stay as they are. `O(n log n)` in the number of reasons.
pub fn group_reasons(reasons: &[Reason]) -> Vec<ReasonGroup> {
    let mut out: Vec<ReasonGroup> = Vec::new();
    let mut index: BTreeMap<(Finding, Stretch, Option<&ReportRef>), usize> = BTreeMap::new();
    for reason in reasons {
        let Reason::Testcase {
            testcase,
            finding,
            during,
            report,
        } = reason
        else {
            out.push(ReasonGroup::Version(reason.clone()));
            continue;
        };
        let key = (*finding, *during, report.as_ref());
        if let Some(ReasonGroup::Testcases { testcases, .. }) =
            index.get(&key).and_then(|&i| out.get_mut(i))
        {
            testcases.push(testcase.clone());
            continue;
        }
        index.insert(key, out.len());
        out.push(ReasonGroup::Testcases {
            finding: *finding,
            during: *during,
            report: report.clone(),
            testcases: vec![testcase.clone()],
        });
    }
    out
}

/// The scope as people say it: its name without the `SCS-compatible ` prefix (`IaaS`, `KaaS`),
/// or the whole name.
pub fn scope_label(name: &str) -> &str {
    name.strip_prefix("SCS-compatible ")
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
}

impl ReasonGroup {
    /// How many testcases the group holds (0 for a version reason).
    pub fn count(&self) -> usize {
        match self {
            ReasonGroup::Version(_) => 0,
            ReasonGroup::Testcases { testcases, .. } => testcases.len(),
        }
    }

    /// The group as one line, the cause in words. A group of one testcase reads exactly as its
    /// [`Reason`] does.
    pub fn describe(&self, wording: &Wording<'_>) -> String {
        let ReasonGroup::Testcases {
            finding,
            during,
            report,
            testcases,
        } = self
        else {
            return match self {
                ReasonGroup::Version(reason) => reason.to_string(),
                ReasonGroup::Testcases { .. } => String::new(),
            };
        };
        let n = testcases.len();
        if n == 1 {
            let reason = Reason::Testcase {
                testcase: testcases.concat(),
                finding: *finding,
                during: *during,
                report: report.clone(),
            };
            return reason.to_string();
        }
        let all = n >= wording.of;
        let names = if all {
            String::new()
        } else {
            format!(": {}", named(testcases))
        };
        let run = |r: &ReportRef| format!("run {}", r.run);
        match (finding, report) {
            (Finding::Expired, Some(r)) => {
                let how_many = if all {
                    format!("all {n}")
                } else {
                    format!("{n} of {}", wording.of)
                };
                let resumed = during
                    .until
                    .map(|u| format!("; reported again {}", date(u)))
                    .unwrap_or_default();
                format!(
                    "{how_many} results expired on {}; last report {} ({}){resumed}{names}",
                    during.since.map_or_else(|| "?".to_owned(), date),
                    date(r.checked_at.and_utc()),
                    run(r),
                )
            }
            (Finding::Missing, _) | (Finding::Expired, None) => {
                let before = during
                    .until
                    .map(|u| format!(" before {}", date(u)))
                    .unwrap_or_default();
                // No report at all counted before the stretch ended (or ever, if it has not).
                let no_report = match (wording.first_report, during.until) {
                    (None, _) => true,
                    (Some(first), Some(until)) => first >= until,
                    (Some(_), None) => false,
                };
                if all && no_report {
                    format!(
                        "no {} report from {}{before} ({n} testcases {finding})",
                        wording.scope, wording.subject
                    )
                } else if all {
                    format!(
                        "no result from {}{before} for any of the {n} testcases ({finding})",
                        wording.subject
                    )
                } else {
                    format!(
                        "{n} of {} testcases never reported by {}{before}{names}",
                        wording.of, wording.subject
                    )
                }
            }
            (Finding::Fail | Finding::Abort, _) => {
                let how_many = if all {
                    format!("all {n}")
                } else {
                    format!("{n} of {}", wording.of)
                };
                let by = report
                    .as_ref()
                    .map(|r| {
                        format!(
                            " (report {}, checked {})",
                            r.run,
                            format_instant(r.checked_at.and_utc())
                        )
                    })
                    .unwrap_or_default();
                format!("{how_many} testcases {finding} {during}{by}{names}")
            }
        }
    }
}

/// A day as people read it: `2026-04-06`.
fn date(t: Instant) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// The ids, the first [`NAMED_IDS`] of them named and the rest counted.
fn named(ids: &[String]) -> String {
    if ids.len() <= NAMED_IDS {
        return ids.join(", ");
    }
    let shown = ids.get(..NAMED_IDS - 1).unwrap_or_default();
    format!(
        "{}, … and {} more",
        shown.join(", "),
        ids.len() - shown.len()
    )
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(day: u32) -> Instant {
        NaiveDate::from_ymd_opt(2026, 4, day)
            .and_then(|d| d.and_hms_opt(6, 0, 0))
            .unwrap()
            .and_utc()
    }

    fn report(day: u32) -> ReportRef {
        ReportRef {
            run: format!("run-{day}"),
            digest: "ab".repeat(32),
            checked_at: at(day).naive_utc(),
        }
    }

    fn testcase(id: &str, finding: Finding, during: Stretch, report: Option<ReportRef>) -> Reason {
        Reason::Testcase {
            testcase: id.to_owned(),
            finding,
            during,
            report,
        }
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("tc-{i:02}")).collect()
    }

    const WORDING: Wording<'static> = Wording {
        subject: "cloud-f",
        scope: "IaaS",
        of: 54,
        first_report: None,
    };

    const STILL: Stretch = Stretch {
        since: None,
        until: None,
    };

    #[test]
    fn a_scope_never_reported_is_one_line_saying_so() {
        let reasons: Vec<Reason> = ids(54)
            .iter()
            .map(|id| testcase(id, Finding::Missing, STILL, None))
            .collect();
        let groups = group_reasons(&reasons);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].count(), 54);
        assert_eq!(
            groups[0].describe(&WORDING),
            "no IaaS report from cloud-f (54 testcases MISSING)"
        );
        let reported = Wording {
            first_report: Some(at(2)),
            ..WORDING
        };
        assert_eq!(
            groups[0].describe(&reported),
            "no result from cloud-f for any of the 54 testcases (MISSING)"
        );
        // Reporting began later: before it, there was no report at all.
        let until_first = Stretch {
            since: None,
            until: Some(at(2)),
        };
        let reasons: Vec<Reason> = ids(54)
            .iter()
            .map(|id| testcase(id, Finding::Missing, until_first, None))
            .collect();
        assert_eq!(
            group_reasons(&reasons)[0].describe(&reported),
            "no IaaS report from cloud-f before 2026-04-02 (54 testcases MISSING)"
        );
    }

    #[test]
    fn a_cloud_that_stopped_reporting_is_one_line_with_the_dates() {
        let expired = Stretch {
            since: Some(at(6)),
            until: None,
        };
        let reasons: Vec<Reason> = ids(54)
            .iter()
            .map(|id| testcase(id, Finding::Expired, expired, Some(report(1))))
            .collect();
        let groups = group_reasons(&reasons);
        assert_eq!(groups.len(), 1);
        assert_eq!(
            groups[0].describe(&WORDING),
            "all 54 results expired on 2026-04-06; last report 2026-04-01 (run run-1)"
        );
        // Reporting resumed later: said, with the day.
        let ended = Stretch {
            since: Some(at(6)),
            until: Some(at(9)),
        };
        let group = &group_reasons(&[
            testcase("a", Finding::Expired, ended, Some(report(1))),
            testcase("b", Finding::Expired, ended, Some(report(1))),
        ])[0];
        assert_eq!(
            group.describe(&WORDING),
            "2 of 54 results expired on 2026-04-06; last report 2026-04-01 (run run-1); \
             reported again 2026-04-09: a, b"
        );
    }

    #[test]
    fn groups_split_on_finding_stretch_and_report_and_keep_first_order() {
        let expired = Stretch {
            since: Some(at(6)),
            until: None,
        };
        let reasons = vec![
            Reason::EmptyMain,
            testcase("a", Finding::Expired, expired, Some(report(1))),
            testcase("b", Finding::Missing, STILL, None),
            testcase("c", Finding::Expired, expired, Some(report(2))),
            testcase("d", Finding::Expired, expired, Some(report(1))),
            testcase("e", Finding::Fail, expired, Some(report(1))),
        ];
        let groups = group_reasons(&reasons);
        let counts: Vec<usize> = groups.iter().map(ReasonGroup::count).collect();
        assert_eq!(counts, [0, 2, 1, 1, 1]);
        assert_eq!(groups[0], ReasonGroup::Version(Reason::EmptyMain));
        assert!(
            matches!(&groups[1], ReasonGroup::Testcases { testcases, .. } if testcases == &["a", "d"])
        );
        // A group of one reads as its reason did.
        for (group, reason) in groups
            .iter()
            .skip(2)
            .zip([&reasons[2], &reasons[3], &reasons[5]])
        {
            assert_eq!(group.describe(&WORDING), reason.to_string());
        }
    }

    #[test]
    fn part_of_the_testcases_are_counted_and_named() {
        let reasons: Vec<Reason> = ids(7)
            .iter()
            .map(|id| testcase(id, Finding::Missing, STILL, None))
            .collect();
        let reported = Wording {
            first_report: Some(at(1)),
            ..WORDING
        };
        assert_eq!(
            group_reasons(&reasons)[0].describe(&reported),
            "7 of 54 testcases never reported by cloud-f: \
             tc-00, tc-01, tc-02, tc-03, … and 3 more"
        );
        let failed = Stretch {
            since: Some(at(2)),
            until: None,
        };
        let reasons = vec![
            testcase("x", Finding::Fail, failed, Some(report(2))),
            testcase("y", Finding::Fail, failed, Some(report(2))),
        ];
        assert_eq!(
            group_reasons(&reasons)[0].describe(&WORDING),
            "2 of 54 testcases FAIL from 2026-04-02T06:00:00Z on \
             (report run-2, checked 2026-04-02T06:00:00Z): x, y"
        );
    }

    #[test]
    fn scope_labels_drop_the_common_prefix() {
        assert_eq!(scope_label("SCS-compatible IaaS"), "IaaS");
        assert_eq!(scope_label("SCS-compatible KaaS"), "KaaS");
        assert_eq!(scope_label("Example scope"), "Example scope");
        assert_eq!(scope_label("SCS-compatible "), "SCS-compatible ");
    }
}
