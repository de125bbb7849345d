//! Issue 13 (items 2 and 3): how refusals and status read over weeks of evidence. A cloud that
//! stopped reporting, one that never reported a scope and one compliant since before the
//! 18-month history horizon: identical findings are one line with the cause in words (JSON keeps
//! every reason), status has one aligned row per subject and scope and says since when.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::fs;
use std::path::Path;

use scs_testkit::cli::{Run, cert};
use scs_testkit::registry::{report, setup, write_signed};
use scs_testkit::schema::json_lines;

/// The instant every question is asked at: cloud-y's first report (2025-01-10) lies before the
/// history's horizon (549 days back: 2025-01-29).
const AT: &str = "2026-08-01";

/// How many testcases the seed IaaS scope's v5.1 `main` target has.
fn main_testcases() -> usize {
    let spec = scs_cert::spec::Spec::load(scs_cert::seed::IAAS_SPEC, "seed").unwrap();
    spec.version("v5.1").unwrap().main().len()
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

fn ingest(dir: &Path, file: &str, received: &str) {
    ok(&cert(dir, &["ingest", "--received-at", received, file]));
}

/// `setup()`'s registry with cloud-a (reported IaaS in March 2026, then stopped), cloud-f (no
/// report ever), cloud-y (a yearly audit passed in January 2025 and January 2026), and a
/// certificate for cloud-a issued while it still reported.
fn registry() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = setup();
    let key = fs::read_to_string(dir.join("a.pub")).unwrap();
    for subject in ["cloud-f", "cloud-y"] {
        ok(&cert(
            &dir,
            &[
                "subject",
                "add",
                subject,
                "--ssh-key",
                key.trim(),
                "--at",
                "2024-12-01",
            ],
        ));
    }
    let yearly = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/yearly-audit.yaml"
    );
    ok(&cert(&dir, &["scope", "add", yearly]));
    for (n, day) in [(1, "2025-01-10"), (2, "2026-01-05")] {
        let text = format!(
            "---\nspec:\n  uuid: 7a0c5e1e-3f4b-4c2d-9e8f-1a2b3c4d5e6f\n  name: Example Yearly Audit\n\
             checked_at: {day} 06:00:00\nsubject: cloud-y\nrun:\n  uuid: 13000000-0000-4000-8000-00000000000{n}\n  \
             invocations:\n    a0000000-0000-4000-8000-000000000000:\n      results:\n        yearly-audit: 1\n"
        );
        let name = format!("y{n}.yaml");
        write_signed(&dir, &name, &text, "a");
        ingest(&dir, &name, &format!("{day}T07:00:00Z"));
    }
    for (n, day) in [(318, "2026-03-18"), (325, "2026-03-25")] {
        let name = format!("a{n}.yaml");
        write_signed(
            &dir,
            &name,
            &report("cloud-a", n, &format!("{day} 06:00:00"), None),
            "a",
        );
        ingest(&dir, &name, &format!("{day}T07:00:00Z"));
    }
    ok(&cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--at",
            "2026-03-26",
            "--override",
            "continuity shown by the operator's archive",
        ],
    ));
    (tmp, dir)
}

/// The lines of a human answer that list reasons (`  - …`).
fn reason_lines(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("  - ")).collect()
}

/// Issue 13.2: a refusal names each distinct finding once, with its cause in words; `--json`
/// keeps every reason.
#[test]
fn refusals_group_identical_findings_and_say_the_cause() {
    let (_t, dir) = registry();
    let n = main_testcases();
    let iaas = ["--scope", "scs-compatible-iaas", "--at", AT];

    // Stopped reporting: every result expired at once.
    let stopped = cert(&dir, &[&["eligible", "cloud-a"][..], &iaas].concat());
    assert_eq!(stopped.code, 1, "{}{}", stopped.stdout, stopped.stderr);
    assert_eq!(
        reason_lines(&stopped.stdout),
        [format!(
            "  - all {n} results expired on 2026-04-06; last report 2026-03-25 \
             (run 11111111-2222-4333-8444-000000000325)"
        )]
    );
    let json = cert(
        &dir,
        &[&["eligible", "cloud-a", "--json"][..], &iaas].concat(),
    );
    let record = &json_lines(&json.stdout)[0];
    let reasons = record["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), n, "{}", json.stdout);
    assert!(reasons.iter().all(|r| r["finding"] == "EXPIRED"));

    // Never reported the scope.
    let never = cert(&dir, &[&["eligible", "cloud-f"][..], &iaas].concat());
    assert_eq!(never.code, 1, "{}{}", never.stdout, never.stderr);
    assert_eq!(
        reason_lines(&never.stdout),
        [format!(
            "  - no IaaS report from cloud-f ({n} testcases MISSING)"
        )]
    );
    let json = cert(
        &dir,
        &[&["eligible", "cloud-f", "--json"][..], &iaas].concat(),
    );
    let reasons = json_lines(&json.stdout)[0]["reasons"].clone();
    assert_eq!(reasons.as_array().unwrap().len(), n);

    // `issue` refuses with the same single line.
    let refused = cert(&dir, &[&["issue", "cloud-f"][..], &iaas].concat());
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stdout.starts_with("REFUSED cloud-f"),
        "{}",
        refused.stdout
    );
    assert_eq!(
        reason_lines(&refused.stdout),
        reason_lines(&never.stdout),
        "{}",
        refused.stdout
    );

    // `attention`: the certificate's findings in one line, the cause in words.
    let attention = cert(&dir, &["attention", "--at", AT]);
    ok(&attention);
    let findings: Vec<&str> = attention
        .stdout
        .lines()
        .filter(|l| l.starts_with("FINDINGS"))
        .collect();
    assert_eq!(findings.len(), 1, "{}", attention.stdout);
    assert!(
        findings[0].ends_with(&format!(
            "not compliant since 2026-04-06T00:00:00Z: all {n} results expired on 2026-04-06; \
             last report 2026-03-25 (run 11111111-2222-4333-8444-000000000325)"
        )),
        "{}",
        findings[0]
    );
    let json = cert(&dir, &["attention", "--json", "--at", AT]);
    let items = json_lines(&json.stdout);
    assert_eq!(
        items[0]["testcases"].as_array().map(Vec::len),
        Some(n),
        "{}",
        json.stdout
    );
}

/// Where a column starts in a table row: the byte offset of its `index`-th cell, cells being
/// separated by two or more spaces.
fn column_starts(row: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = row.as_bytes();
    let mut i = 0;
    while i + 2 < bytes.len() {
        if bytes[i] == b' ' && bytes[i + 1] == b' ' {
            let mut j = i;
            while bytes.get(j) == Some(&b' ') {
                j += 1;
            }
            starts.push(j);
            i = j;
        } else {
            i += 1;
        }
    }
    starts
}

/// Issue 13.3: status says since when a cloud has been compliant, from all the evidence, not
/// from the history's horizon; one aligned row per subject and scope with its best version; a
/// footer counts the compliant ones.
#[test]
fn status_reads_as_a_table_with_the_true_start() {
    let (_t, dir) = registry();
    let r = cert(&dir, &["status", "--at", AT]);
    ok(&r);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        rows.len(),
        3,
        "a header and one row per (subject, scope): {}",
        r.stdout
    );
    assert!(rows[0].starts_with("SUBJECT  SCOPE"), "{}", rows[0]);
    // Every row's cells start where the header's do (the last, free text, may hold spaces).
    let header = column_starts(rows[0]);
    for row in &rows[1..] {
        assert_eq!(&column_starts(row)[..header.len()], &header[..], "{row}");
    }
    let yearly = rows.iter().find(|l| l.starts_with("cloud-y ")).unwrap();
    assert!(
        yearly.ends_with("PASS     yes, since 2025-01-10T07:00:00Z"),
        "{yearly}"
    );
    let iaas = rows.iter().find(|l| l.starts_with("cloud-a ")).unwrap();
    assert!(iaas.contains(" v5.1 "), "the best version: {iaas}");
    assert!(iaas.contains("no: all "), "{iaas}");
    assert!(r.stderr.contains("1 of 2 compliant"), "{}", r.stderr);

    // Every listed version on request: IaaS lists v5.1 and the draft `next`.
    let all = cert(&dir, &["status", "--at", AT, "--all-versions"]);
    ok(&all);
    assert_eq!(all.stdout.lines().count(), 4, "{}", all.stdout);
    assert!(all.stdout.contains(" next "), "{}", all.stdout);
    assert!(all.stderr.contains("1 of 2 compliant"), "{}", all.stderr);

    // A scope never reported shows when asked for, with the cause.
    let n = main_testcases();
    let never = cert(
        &dir,
        &[
            "status",
            "--at",
            AT,
            "--scope",
            "scs-compatible-iaas",
            "cloud-f",
        ],
    );
    ok(&never);
    assert!(
        never.stdout.contains(&format!(
            "no: no IaaS report from cloud-f ({n} testcases MISSING)"
        )),
        "{}",
        never.stdout
    );
    assert!(
        never.stderr.contains("0 of 1 compliant"),
        "{}",
        never.stderr
    );

    // JSON: the true start, not clipped; the 18-month history itself still starts at the
    // horizon.
    let json = cert(&dir, &["status", "--json", "--at", AT, "cloud-y"]);
    ok(&json);
    let record = &json_lines(&json.stdout)[0];
    let v1 = &record["versions"][0];
    assert_eq!(
        (
            v1["compliant"].as_bool(),
            v1["since"].as_str(),
            v1["clipped"].as_bool()
        ),
        (Some(true), Some("2025-01-10T07:00:00Z"), Some(false)),
        "{record}"
    );
    assert_eq!(
        record["compliance"]["v1"][0]["start"], "2025-01-29T00:00:00Z",
        "{record}"
    );
    let json = cert(&dir, &["status", "--json", "--at", AT, "cloud-a"]);
    let v51 = &json_lines(&json.stdout)[0]["versions"][0];
    assert_eq!(
        (
            v51["compliant"].as_bool(),
            v51["since"].as_str(),
            v51["clipped"].as_bool()
        ),
        (Some(false), None, Some(false))
    );
}
