//! The evaluation engine against this project's own spec `tests/fixtures/specs/eval-widgets.yaml`
//! (lifetimes day/week/month, a timeline that changes validity) and hand-made evidence, plus a
//! property test comparing the sweep with point-by-point evaluation.

// clippy.toml allows unwrap inside #[test] fns only; the helpers below are test code too.
#![allow(clippy::unwrap_used)]

// Random evidence checked against point evaluation, and the timing test.
mod property;

use chrono::{NaiveDateTime, TimeDelta};
use scs_cert::eval::{
    self, Eligibility, Error, Evidence, Finding, Interval, Reason, Stretch, compliance_intervals,
    eligibility, results_at, status_at,
};
use scs_cert::report::Verdict;
use scs_cert::spec::{Spec, Validity};
use scs_cert::time::{Instant, parse_instant, parse_naive_timestamp};

const SPEC: &str = include_str!("fixtures/specs/eval-widgets.yaml");
const PROBE: &str = "gadget-probe";
const SCAN: &str = "gadget-scan";
const AUDIT: &str = "gadget-audit";
const EXTRA: &str = "gadget-extra";
const MAIN: [&str; 3] = [PROBE, SCAN, AUDIT];

fn spec() -> Spec {
    Spec::load(SPEC, "eval-widgets.yaml").unwrap()
}

fn at(s: &str) -> Instant {
    parse_instant(s).unwrap()
}

fn naive(s: &str) -> NaiveDateTime {
    parse_naive_timestamp(s).unwrap()
}

fn run(seq: u64) -> String {
    format!("00000000-0000-4000-8000-{seq:012}")
}

/// One evidence record, run and digest derived from `seq`.
fn ev(seq: u64, checked: &str, received: &str, results: &[(&str, Verdict)]) -> Evidence {
    Evidence {
        run: run(seq),
        digest: format!("{seq:064x}"),
        checked_at: naive(checked),
        received_at: at(received),
        ingest_seq: seq,
        results: results.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
    }
}

fn all_pass() -> Vec<(&'static str, Verdict)> {
    MAIN.iter().map(|id| (*id, Verdict::Pass)).collect()
}

/// A report every day at 10:00 (received at once) from `first` for `days` days, all main
/// testcases PASS; `seq` continues from `seq0`.
fn daily(first: &str, days: i64, seq0: u64) -> Vec<Evidence> {
    let start = naive(first);
    (0..days)
        .map(|d| {
            let c = (start + TimeDelta::days(d)).to_string();
            ev(seq0 + d.unsigned_abs(), &c, &c, &all_pass())
        })
        .collect()
}

fn verdict_at(spec: &Spec, evidence: &[Evidence], id: &str, t: &str) -> Option<(Verdict, String)> {
    results_at(spec, spec.version("v1"), evidence, at(t))
        .get(id)
        .map(|r| (r.verdict, r.run.clone()))
}

fn compliant_at(spec: &Spec, evidence: &[Evidence], version: &str, t: Instant) -> bool {
    status_at(spec, evidence, t)
        .version(version)
        .is_some_and(|v| v.is_compliant())
}

#[test]
fn newest_result_wins_and_fail_replaces_pass() {
    let spec = spec();
    let evidence = [
        ev(
            1,
            "2026-01-05 10:00",
            "2026-01-05 10:00",
            &[(PROBE, Verdict::Pass)],
        ),
        ev(
            2,
            "2026-01-06 10:00",
            "2026-01-06 10:00",
            &[(PROBE, Verdict::Fail)],
        ),
    ];
    assert_eq!(
        verdict_at(&spec, &evidence, PROBE, "2026-01-06T09:59:59Z"),
        Some((Verdict::Pass, run(1)))
    );
    assert_eq!(
        verdict_at(&spec, &evidence, PROBE, "2026-01-06T10:00:00Z"),
        Some((Verdict::Fail, run(2)))
    );
}

#[test]
fn equal_checked_at_goes_to_the_later_ingested_whatever_the_slice_order() {
    let spec = spec();
    let a = ev(
        7,
        "2026-01-05 10:00",
        "2026-01-05 11:00",
        &[(PROBE, Verdict::Pass)],
    );
    let b = ev(
        8,
        "2026-01-05 10:00",
        "2026-01-05 10:30",
        &[(PROBE, Verdict::Fail)],
    );
    for evidence in [[a.clone(), b.clone()], [b, a]] {
        assert_eq!(
            verdict_at(&spec, &evidence, PROBE, "2026-01-05T12:00:00Z"),
            Some((Verdict::Fail, run(8)))
        );
        // Before the later-ingested one arrives, only the other one is known.
        assert_eq!(
            verdict_at(&spec, &evidence, PROBE, "2026-01-05T10:45:00Z"),
            Some((Verdict::Fail, run(8)))
        );
        assert_eq!(
            verdict_at(&spec, &evidence, PROBE, "2026-01-05T10:15:00Z"),
            None
        );
    }
}

#[test]
fn a_report_counts_only_once_received() {
    let spec = spec();
    let evidence = [ev(
        1,
        "2026-01-05 10:00",
        "2026-01-05 12:00",
        &[(PROBE, Verdict::Pass)],
    )];
    assert_eq!(
        verdict_at(&spec, &evidence, PROBE, "2026-01-05T11:59:59Z"),
        None
    );
    assert_eq!(
        verdict_at(&spec, &evidence, PROBE, "2026-01-05T12:00:00Z"),
        Some((Verdict::Pass, run(1)))
    );
    // The sweep agrees: the newer report hides nothing before it arrived.
    let older = ev(
        0,
        "2026-01-04 10:00",
        "2026-01-04 10:00",
        &[(PROBE, Verdict::Fail)],
    );
    let evidence = [older, evidence[0].clone()];
    assert_eq!(
        verdict_at(&spec, &evidence, PROBE, "2026-01-05T11:00:00Z"),
        Some((Verdict::Fail, run(0)))
    );
}

#[test]
fn future_checked_at_does_not_count_before_it() {
    let spec = spec();
    let evidence = [ev(
        1,
        "2026-01-07 10:00",
        "2026-01-05 10:00",
        &[(PROBE, Verdict::Pass)],
    )];
    assert_eq!(
        verdict_at(&spec, &evidence, PROBE, "2026-01-06T10:00:00Z"),
        None
    );
    assert_eq!(
        verdict_at(&spec, &evidence, PROBE, "2026-01-07T10:00:00Z"),
        Some((Verdict::Pass, run(1)))
    );
}

/// Expiry is upstream's `add_period` exactly and exclusive: valid iff `t < expiry`.
#[test]
fn expiry_boundaries_are_add_period_instants() {
    let spec = spec();
    // Monday 2026-01-05: day → Jan 7, week → Jan 19, month → Mar 1 (all 00:00).
    let evidence = [ev(
        1,
        "2026-01-05 10:00",
        "2026-01-05 10:00",
        &[
            (PROBE, Verdict::Pass),
            (SCAN, Verdict::Pass),
            (AUDIT, Verdict::Pass),
        ],
    )];
    for (id, expiry) in [
        (PROBE, "2026-01-07T00:00:00Z"),
        (SCAN, "2026-01-19T00:00:00Z"),
        (AUDIT, "2026-03-01T00:00:00Z"),
    ] {
        let expiry = at(expiry);
        let before = results_at(
            &spec,
            spec.version("v1"),
            &evidence,
            expiry - TimeDelta::nanoseconds(1),
        );
        assert_eq!(before.get(id).map(|r| r.expires), Some(expiry), "{id}");
        let after = results_at(&spec, spec.version("v1"), &evidence, expiry);
        assert!(!after.contains_key(id), "{id} still valid at its expiry");
    }
    // Without a version, lifetimes come from the spec as a whole; unknown ids are ignored.
    let mut unknown = evidence[0].clone();
    unknown
        .results
        .insert("no-such-testcase".into(), Verdict::Pass);
    let all = results_at(&spec, None, &[unknown], at("2026-01-06T00:00:00Z"));
    assert_eq!(all.keys().collect::<Vec<_>>(), [AUDIT, PROBE, SCAN]);
}

#[test]
fn intervals_come_from_the_sweep_and_are_merged() {
    let spec = spec();
    // Six daily reports, received five minutes late: one compliant interval, not six.
    let evidence: Vec<Evidence> = (0..6)
        .map(|d| {
            let c = format!("2026-01-{:02} 10:00", 5 + d);
            let r = format!("2026-01-{:02} 10:05", 5 + d);
            ev(d, &c, &r, &all_pass())
        })
        .collect();
    let got =
        compliance_intervals(&spec, "v1", &evidence, at("2026-01-01"), at("2026-01-20")).unwrap();
    let iv = |s: &str, e: &str, c: bool| Interval {
        start: at(s),
        end: at(e),
        compliant: c,
    };
    assert_eq!(
        got,
        [
            iv("2026-01-01", "2026-01-05T10:05:00Z", false),
            // The last probe (Jan 10, lifetime day) expires Jan 12 00:00.
            iv("2026-01-05T10:05:00Z", "2026-01-12", true),
            iv("2026-01-12", "2026-01-20", false),
        ]
    );
    assert_eq!(
        compliance_intervals(&spec, "v1", &evidence, at("2026-01-20"), at("2026-01-20")).unwrap(),
        []
    );
}

#[test]
fn timeline_transitions_end_compliance_and_warn_is_still_certifiable() {
    let spec = spec();
    let mut evidence = daily("2026-01-20 10:00", 17, 0); // through Feb 5
    evidence.extend(daily("2026-02-20 10:00", 29, 100)); // through Mar 20
    let iv = |s: &str, e: &str, c: bool| Interval {
        start: at(s),
        end: at(e),
        compliant: c,
    };
    let v1 =
        compliance_intervals(&spec, "v1", &evidence, at("2026-02-10"), at("2026-04-01")).unwrap();
    assert_eq!(
        v1,
        [
            iv("2026-02-10", "2026-02-20T10:00:00Z", false),
            // Effective, then warn from Mar 1 (no break), deprecated from Mar 16.
            iv("2026-02-20T10:00:00Z", "2026-03-16", true),
            iv("2026-03-16", "2026-04-01", false),
        ]
    );
    // v0 disappears from the timeline on Feb 1 (unlisted: not certifiable).
    let v0 =
        compliance_intervals(&spec, "v0", &evidence, at("2026-01-15"), at("2026-03-01")).unwrap();
    assert_eq!(
        v0,
        [
            iv("2026-01-15", "2026-01-20T10:00:00Z", false),
            iv("2026-01-20T10:00:00Z", "2026-02-01", true),
            iv("2026-02-01", "2026-03-01", false),
        ]
    );
    // A draft is never compliant, whatever the evidence.
    let next =
        compliance_intervals(&spec, "next", &evidence, at("2026-01-01"), at("2026-04-01")).unwrap();
    assert_eq!(next, [iv("2026-01-01", "2026-04-01", false)]);
    // status_at shows warn as certifiable.
    let status = status_at(&spec, &evidence, at("2026-03-05T12:00:00Z"));
    let v1 = status.version("v1").unwrap();
    assert_eq!(v1.validity, Validity::Warn);
    assert!(v1.is_compliant());
    assert!(
        status.version("v0").is_none(),
        "unlisted versions are not evaluated"
    );
    // The preview target is judged too, and its testcase has no result.
    assert!(v1.targets["preview"].missing == [EXTRA.to_owned()]);
}

#[test]
fn an_empty_main_is_never_compliant() {
    let spec = spec();
    let evidence = daily("2026-02-01 10:00", 10, 0);
    let status = status_at(&spec, &evidence, at("2026-02-05T12:00:00Z"));
    let hollow = status.version("hollow").unwrap();
    assert_eq!(hollow.validity, Validity::Effective);
    assert!(!hollow.is_compliant());
    assert_eq!(
        compliance_intervals(
            &spec,
            "hollow",
            &evidence,
            at("2026-01-01"),
            at("2026-04-01")
        )
        .unwrap()
        .iter()
        .filter(|i| i.compliant)
        .count(),
        0
    );
    let decision = eligibility(
        &spec,
        "hollow",
        &evidence,
        at("2026-02-05"),
        TimeDelta::zero(),
    )
    .unwrap();
    let Eligibility::NotEligible { reasons, .. } = decision else {
        panic!("{decision:?}")
    };
    assert_eq!(reasons, [Reason::EmptyMain]);
}

/// Daily PASS from Feb 1 to Mar 10, except a FAIL of the probe on Feb 20.
fn with_one_fail() -> Vec<Evidence> {
    let mut evidence = daily("2026-02-01 10:00", 38, 0);
    let fail = evidence
        .iter_mut()
        .find(|e| e.checked_at == naive("2026-02-20 10:00"))
        .unwrap();
    fail.results.insert(PROBE.into(), Verdict::Fail);
    evidence
}

#[test]
fn eligibility_point_in_time_and_over_a_window() {
    let spec = spec();
    let evidence = with_one_fail();
    let t = at("2026-03-05T12:00:00Z");

    let now = eligibility(&spec, "v1", &evidence, t, TimeDelta::zero()).unwrap();
    let mar5 = evidence
        .iter()
        .find(|e| e.checked_at == naive("2026-03-05 10:00"))
        .unwrap();
    assert_eq!(
        now,
        Eligibility::Eligible {
            version: "v1".into(),
            validity: Validity::Warn,
            window: eval::Window { start: t, end: t },
            evidence: vec![mar5.reference()],
        }
    );

    let window = eligibility(&spec, "v1", &evidence, t, TimeDelta::days(28)).unwrap();
    let fail = evidence
        .iter()
        .find(|e| e.checked_at == naive("2026-02-20 10:00"))
        .unwrap();
    let during = Stretch {
        since: Some(at("2026-02-20T10:00:00Z")),
        until: Some(at("2026-02-21T10:00:00Z")),
    };
    assert_eq!(
        window,
        Eligibility::NotEligible {
            version: "v1".into(),
            window: eval::Window {
                start: at("2026-02-05T12:00:00Z"),
                end: t
            },
            non_compliant: vec![during],
            reasons: vec![Reason::Testcase {
                testcase: PROBE.into(),
                finding: Finding::Fail,
                during,
                report: Some(fail.reference()),
            }],
        }
    );

    // Starting on Feb 26 the window misses the FAIL; the evidence is every report in force.
    let ok = eligibility(&spec, "v1", &evidence, t, TimeDelta::days(7)).unwrap();
    let Eligibility::Eligible { evidence: used, .. } = ok else {
        panic!("{ok:?}")
    };
    // Every daily report carries all three testcases, so at Feb 26 12:00 the Feb 26 report
    // decides each of them: Feb 26 .. Mar 5, 8 reports, oldest first.
    let days: Vec<NaiveDateTime> = used.iter().map(|r| r.checked_at).collect();
    let want: Vec<NaiveDateTime> = (0..8)
        .map(|d| naive("2026-02-26 10:00") + TimeDelta::days(d))
        .collect();
    assert_eq!(days, want);
}

#[test]
fn reasons_name_missing_expired_and_timeline() {
    let spec = spec();
    let evidence = with_one_fail();

    // Before any report: every main testcase MISSING since the beginning of time.
    let early = eligibility(
        &spec,
        "v1",
        &evidence,
        at("2026-02-10"),
        TimeDelta::days(28),
    )
    .unwrap();
    let Eligibility::NotEligible {
        non_compliant,
        reasons,
        ..
    } = early
    else {
        panic!("{early:?}")
    };
    let first_report = Stretch {
        since: None,
        until: Some(at("2026-02-01T10:00:00Z")),
    };
    assert_eq!(non_compliant, [first_report]);
    let missing: Vec<_> = reasons
        .iter()
        .map(|r| match r {
            Reason::Testcase {
                testcase,
                finding,
                during,
                report,
            } => (testcase.as_str(), *finding, *during, report.is_none()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        missing,
        [
            (AUDIT, Finding::Missing, first_report, true),
            (PROBE, Finding::Missing, first_report, true),
            (SCAN, Finding::Missing, first_report, true),
        ]
    );

    // Reports stop on Mar 10: the probe (day) expires Mar 12 00:00, scan and audit hold.
    let late = eligibility(
        &spec,
        "v1",
        &evidence,
        at("2026-03-14T12:00:00Z"),
        TimeDelta::zero(),
    )
    .unwrap();
    let last = evidence
        .iter()
        .find(|e| e.checked_at == naive("2026-03-10 10:00"))
        .unwrap();
    let expired = Reason::Testcase {
        testcase: PROBE.into(),
        finding: Finding::Expired,
        during: Stretch {
            since: Some(at("2026-03-12")),
            until: None,
        },
        report: Some(last.reference()),
    };
    let Eligibility::NotEligible { reasons, .. } = late else {
        panic!("{late:?}")
    };
    assert_eq!(reasons, std::slice::from_ref(&expired));

    // Deprecated from Mar 16; v0 unlisted from Feb 1.
    let dep = eligibility(&spec, "v1", &evidence, at("2026-03-17"), TimeDelta::zero()).unwrap();
    let Eligibility::NotEligible { reasons, .. } = dep else {
        panic!("{dep:?}")
    };
    assert_eq!(
        reasons,
        [
            Reason::NotCertifiable {
                validity: Some(Validity::Deprecated),
                during: Stretch {
                    since: Some(at("2026-03-16")),
                    until: None
                },
            },
            expired,
        ]
    );
    let v0 = eligibility(&spec, "v0", &evidence, at("2026-03-05"), TimeDelta::zero()).unwrap();
    let Eligibility::NotEligible { reasons, .. } = v0 else {
        panic!("{v0:?}")
    };
    assert_eq!(
        reasons,
        [Reason::NotCertifiable {
            validity: None,
            during: Stretch {
                since: Some(at("2026-02-01")),
                until: None
            },
        }]
    );
}

#[test]
fn errors_are_values() {
    let spec = spec();
    assert_eq!(
        eligibility(&spec, "v9", &[], at("2026-03-05"), TimeDelta::zero()),
        Err(Error::UnknownVersion {
            scope: spec.uuid().to_owned(),
            version: "v9".into(),
            // v1 is one edit away.
            suggestion: Some("v1".into()),
        })
    );
    assert_eq!(
        eligibility(&spec, "v1", &[], at("2026-03-05"), TimeDelta::days(-1)),
        Err(Error::NegativeWindow {
            window: TimeDelta::days(-1)
        })
    );
    assert!(matches!(
        compliance_intervals(&spec, "v9", &[], at("2026-01-01"), at("2026-02-01")),
        Err(Error::UnknownVersion { .. })
    ));
}

/// Issue 13.2: `findings_at` says why each asked-for testcase is not PASS at one instant, as
/// `eligibility` would over a zero window, for any target's testcases; the grouped words come
/// from the same reasons.
#[test]
fn findings_at_one_instant_agree_with_a_zero_window_and_group() {
    let spec = spec();
    // Daily reports from 2026-02-01 for five days, then none: probe (day) expires first.
    let evidence = daily("2026-02-01 10:00:00", 5, 1);
    let t = at("2026-02-20T12:00:00Z");
    let found = eval::findings_at(&spec, "v1", MAIN, &evidence, t).unwrap();
    let Eligibility::NotEligible { reasons, .. } =
        eligibility(&spec, "v1", &evidence, t, TimeDelta::zero()).unwrap()
    else {
        panic!("eligible")
    };
    assert_eq!(found, reasons);
    let expired: Vec<&str> = found
        .iter()
        .filter_map(|r| match r {
            Reason::Testcase {
                testcase,
                finding: Finding::Expired,
                ..
            } => Some(testcase.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(expired, [PROBE, SCAN]);
    // A testcase outside `main` is answered too; one never reported is MISSING.
    let extra = eval::findings_at(&spec, "v1", [EXTRA], &evidence, t).unwrap();
    assert!(
        matches!(
            &extra[..],
            [Reason::Testcase {
                finding: Finding::Missing,
                ..
            }]
        ),
        "{extra:?}"
    );
    // Words: probe and scan expired at different instants (lifetimes day and week), so they
    // are two lines, each read as its reason.
    let lines = eval::main_findings_in_words("cloud-w", &spec, "v1", &evidence, t).unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], found[0].to_string());
    assert_eq!(
        eval::findings_at(&spec, "v9", MAIN, &evidence, t),
        Err(Error::UnknownVersion {
            scope: spec.uuid().to_owned(),
            version: "v9".to_owned(),
            suggestion: Some("v1".to_owned()),
        })
    );
}

/// Issue 13.3: the version a one-line status shows is the best compliant one, else the best
/// certifiable one, else the first listed.
#[test]
fn the_best_version_is_compliant_then_certifiable_then_listed() {
    let spec = spec();
    let evidence = daily("2026-02-01 10:00:00", 60, 1);
    // In February v1 is effective and compliant (v0 is no longer listed, `next` is a draft).
    let status = status_at(&spec, &evidence, at("2026-02-20T12:00:00Z"));
    assert_eq!(status.best().map(|v| v.version.name()), Some("v1"));
    // Without evidence nothing is compliant: the best certifiable version speaks.
    let status = status_at(&spec, &[], at("2026-02-20T12:00:00Z"));
    let best = status.best().unwrap();
    assert!(best.validity.is_certifiable() && !best.is_compliant());
    // After v1 is deprecated only `hollow` (no main) is certifiable: it is shown, not compliant.
    let status = status_at(&spec, &evidence, at("2026-03-20T12:00:00Z"));
    assert_eq!(status.best().map(|v| v.version.name()), Some("hollow"));
}
