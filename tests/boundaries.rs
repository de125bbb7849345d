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
