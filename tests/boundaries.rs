//! Input at the edges of what the registry can hold: instants outside 0001..9999, durations
//! that overflow, backdated or future receipts, display text the Urkunde refuses, subject
//! names that collide on a case-insensitive file system, blank reasons. Each is refused with
//! one clear message, exit status non-zero, nothing written, and `registry verify` still passes.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

#[path = "support/cli.rs"]
mod cli;
#[path = "support/registry.rs"]
mod registry;

use cli::cert;
use registry::{assert_verifies, head, report, setup, write_signed};

#[test]
fn a_report_checked_outside_years_0001_to_9999_is_rejected_and_nothing_is_written() {
    let (_t, dir) = setup();
    let before = head(&dir);
    for (n, checked_at) in [
        "-0001-01-01T00:00:00",
        "-0001-01-01 00:00:00",
        "0000-12-31 23:59:59",
        "+10000-01-01T00:00:00",
        "10000-01-01 00:00:00",
        "-262143-01-01 00:00:00",
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("r{n}.yaml");
        write_signed(
            &dir,
            &name,
            &report("cloud-a", 10 + n as u32, checked_at, None),
            "a",
        );
        let r = cert(&dir, &["ingest", &name]);
        assert_eq!(r.code, 1, "{checked_at}: {}{}", r.stdout, r.stderr);
        // chrono cannot even read an unsigned five-digit year: "not a timestamp" then.
        let clear = if checked_at.starts_with("10000") {
            "is not a timestamp"
        } else {
            "outside the years 0001 to 9999"
        };
        assert!(
            r.stdout.contains(clear) || r.stderr.contains(clear),
            "{checked_at}: one clear message: {}{}",
            r.stdout,
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    assert_eq!(head(&dir), before, "nothing was committed");
    assert!(!dir.join("reg/ledger").exists());
    assert_verifies(&dir);
}

#[test]
fn instants_on_the_command_line_outside_years_0001_to_9999_are_refused() {
    let (_t, dir) = setup();
    let before = head(&dir);
    for at in [
        "-0001-01-01",
        "0000-01-01",
        "+10000-01-01T00:00:00Z",
        "10000-01-01",
    ] {
        for args in [
            vec!["status", "cloud-a", "--at", at],
            vec!["ingest", "--received-at", at, "x.yaml"],
            vec!["subject", "add", "cloud-b", "--at", at],
            vec!["crl", "--at", at],
        ] {
            let r = cert(&dir, &args);
            assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
            assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
        }
    }
    assert_eq!(head(&dir), before);
    assert_verifies(&dir);
}

#[test]
fn durations_and_instants_that_overflow_are_refused_with_a_message() {
    let (_t, dir) = setup();
    let before = head(&dir);
    for next in ["100000000d", "9999999999999w", "400000000000s"] {
        let r = cert(&dir, &["crl", "--next-update", next]);
        assert_eq!(r.code, 2, "{next}: {}{}", r.stdout, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(
            r.stderr.contains("outside the years 0001 to 9999")
                || r.stderr.contains("not a positive duration"),
            "{next}: {}",
            r.stderr
        );
    }
    // One year after 9999-12-31 is not an instant the registry (or X.509) can hold.
    let r = cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--version",
            "v5.1",
            "--override",
            "testing the calendar's end",
            "--at",
            "9999-12-31",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the certificate's end is outside the years 0001 to 9999"),
        "{}",
        r.stderr
    );
    assert_eq!(head(&dir), before);
    assert_verifies(&dir);
}

/// The fingerprint of `dir/a.pub` (as `SHA256:…`), from the tool's own keygen output.
fn fingerprint(dir: &std::path::Path) -> String {
    let line = std::fs::read_to_string(dir.join("a.pub")).unwrap();
    let key = ssh_key::PublicKey::from_openssh(line.trim()).unwrap();
    scs_cert::sig::Fingerprint::of(&key).to_string()
}

#[test]
fn a_receipt_or_record_in_the_future_is_refused() {
    let (_t, dir) = setup();
    let before = head(&dir);
    let now = scs_cert::cli::now();
    let ahead = scs_cert::time::format_instant(now + chrono::Duration::days(1));
    write_signed(
        &dir,
        "r.yaml",
        &report("cloud-a", 1, "2026-03-01 10:00:00", None),
        "a",
    );
    let r = cert(&dir, &["ingest", "--received-at", &ahead, "r.yaml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("is later than now"), "{}", r.stderr);
    // Inside the policy's allowance (15 minutes by default) a clock skew is fine.
    let skew = scs_cert::time::format_instant(now + chrono::Duration::minutes(5));
    let r = cert(&dir, &["ingest", "--received-at", &skew, "r.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_ne!(head(&dir), before);
    // A manual check recorded tomorrow.
    let scope = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/example-manual.yaml"
    );
    assert_eq!(cert(&dir, &["scope", "add", scope]).code, 0);
    let before = head(&dir);
    let r = cert(
        &dir,
        &[
            "manual",
            "record",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "ex-zone-docs",
            "pass",
            "--evidence",
            "reviewed",
            "--at",
            "2026-03-01",
            "--recorded-at",
            &ahead,
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("later than now"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
    assert_verifies(&dir);
}

#[test]
fn a_backdated_receipt_cannot_reach_before_the_ledger_or_a_key_retirement() {
    let (_t, dir) = setup();
    for (n, day) in [(1, "2026-03-01"), (2, "2026-03-02"), (3, "2026-03-03")] {
        write_signed(
            &dir,
            &format!("r{n}.yaml"),
            &report("cloud-a", n, &format!("{day} 10:00:00"), None),
            "a",
        );
    }
    let ingest =
        |file: &str, at: &str| cert(&dir, &["ingest", "--json", "--received-at", at, file]);
    assert_eq!(ingest("r2.yaml", "2026-03-02T11:00:00Z").code, 0);
    // Earlier than the ledger's latest receipt for cloud-a: refused, nothing written.
    let before = head(&dir);
    let r = ingest("r1.yaml", "2026-03-01T11:00:00Z");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("received-before-ledger"), "{}", r.stdout);
    assert_eq!(head(&dir), before);

    // The key is retired (compromised, say) from 2026-03-10; a report signed with it and
    // declared received 2026-03-05 would count: refused. Without the rule it is accepted,
    // as the key was valid on 2026-03-05.
    let r = cert(
        &dir,
        &[
            "subject",
            "key",
            "retire",
            "cloud-a",
            &fingerprint(&dir),
            "--at",
            "2026-03-10",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let before = head(&dir);
    let r = ingest("r3.yaml", "2026-03-05T11:00:00Z");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("received-before-retirement"),
        "{}",
        r.stdout
    );
    // And received after the retirement, the key does not count: judged at the receipt.
    let r = ingest("r3.yaml", "2026-03-11T11:00:00Z");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("received-before"), "{}", r.stdout);
    assert_eq!(head(&dir), before);
    assert_verifies(&dir);
}
