//! Input at the edges of what the registry can hold: instants outside 0001..9999, durations
//! that overflow, backdated or future receipts, display text the Urkunde refuses, subject
//! names that collide on a case-insensitive file system, blank reasons. Each is refused with
//! one clear message, exit status non-zero, nothing written, and `registry verify` still passes.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::cli;
use scs_testkit::registry;

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
            &report("cloud-a", 10 + u32::try_from(n).unwrap(), checked_at, None),
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

/// A report handed in without any signature is a definite no, with its reason, and nothing is
/// written (it used to overflow a subtraction and panic in a debug build).
#[test]
fn an_unsigned_report_is_rejected_not_a_crash() {
    let (_t, dir) = setup();
    let before = head(&dir);
    std::fs::write(
        dir.join("bare.yaml"),
        report("cloud-a", 7, "2026-03-01 10:00:00", None),
    )
    .unwrap();
    for (args, says) in [
        (
            &["ingest", "bare.yaml"][..],
            "rejected  bare.yaml: no signature",
        ),
        (
            &["ingest", "--json", "bare.yaml"][..],
            r#""code":"unsigned""#,
        ),
    ] {
        let r = cert(&dir, args);
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(r.stdout.contains(says), "{}", r.stdout);
    }
    assert_eq!(head(&dir), before, "nothing is committed");
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
    let now = scs_cli::now();
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
fn a_backdated_receipt_cannot_reach_before_the_ledger() {
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
    // The key is retired (compromised, say) from 2026-03-10.
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
    // Received after the retirement, the key does not count: judged at the receipt.
    let before = head(&dir);
    let r = ingest("r3.yaml", "2026-03-11T11:00:00Z");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("received-before"), "{}", r.stdout);
    // Declared received on 2026-03-01, when the key was still valid, the report would count;
    // but the ledger holds later evidence for cloud-a (2026-03-02): refused, nothing written.
    let r = ingest("r1.yaml", "2026-03-01T11:00:00Z");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("received-before-ledger"), "{}", r.stdout);
    assert_eq!(head(&dir), before);
    // The same instant as the latest receipt is in order.
    let r = ingest("r1.yaml", "2026-03-02T11:00:00Z");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_verifies(&dir);
}

/// `issue` of cloud-a for the seed IaaS scope, overriding eligibility, with extra arguments.
fn issue(dir: &std::path::Path, extra: &[&str]) -> cli::Run {
    let mut args = vec![
        "issue",
        "cloud-a",
        "--scope",
        "scs-compatible-iaas",
        "--version",
        "v5.1",
        "--at",
        "2026-03-01",
    ];
    args.extend_from_slice(extra);
    cert(dir, &args)
}

#[test]
fn text_the_urkunde_or_a_terminal_would_show_wrongly_is_refused_where_it_enters() {
    let (_t, dir) = setup();
    let before = head(&dir);
    let refused = |args: &[&str], says: &str| {
        let r = cert(&dir, args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    };
    for holder in [
        "Evil\u{202E}Corp",
        "Line\nBreak",
        "Zero\u{200B}Width",
        "Tab\there",
    ] {
        refused(
            &[
                "issue",
                "cloud-a",
                "--scope",
                "scs-compatible-iaas",
                "--version",
                "v5.1",
                "--holder",
                holder,
                "--override",
                "testing",
                "--at",
                "2026-03-01",
            ],
            "invisible or control character",
        );
    }
    refused(
        &[
            "issue",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--version",
            "v5.1",
            "--holder",
            "数据中心",
            "--override",
            "testing",
            "--at",
            "2026-03-01",
        ],
        "which the Urkunde cannot show",
    );
    for (flag, value) in [
        ("--name", "Cloud\u{202E}B"),
        ("--operator", "Op\u{2066}erator"),
        ("--description", "two\nlines"),
        ("--group", "\u{1B}[31mred"),
    ] {
        refused(&["subject", "add", "cloud-b", flag, value], "cloud-b: the");
    }
    refused(
        &["subject", "add", "cloud-b", "--name", "Ωmega Cloud"],
        "Urkunde cannot show",
    );
    assert_eq!(head(&dir), before, "nothing was committed");
    // The forum's own names are set on every Urkunde too.
    let r = cli::run(
        registry::CERT,
        &dir,
        &["init", "reg2", "--name", "Forum\u{202E}"],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(!dir.join("reg2/.git").exists() || !dir.join("reg2/forum.toml").exists());
    assert_verifies(&dir);
}

#[test]
fn an_override_or_a_reason_needs_substance() {
    let (_t, dir) = setup();
    let before = head(&dir);
    for blank in ["", "   ", "\t"] {
        let r = issue(&dir, &["--override", blank]);
        assert_eq!(r.code, 2, "{blank:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("the override's reason is blank")
                || r.stderr.contains("invisible or control"),
            "{blank:?}: {}",
            r.stderr
        );
    }
    assert_eq!(head(&dir), before);
    let r = issue(&dir, &["--override", "decided by the board on 2026-02-27"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let id = r.stdout.trim().to_owned();
    let before = head(&dir);
    for verb in ["suspend", "withdraw"] {
        for blank in ["", "  "] {
            let r = cert(&dir, &[verb, &id, "--reason", blank]);
            assert_eq!(r.code, 2, "{verb} {blank:?}: {}{}", r.stdout, r.stderr);
            assert!(r.stderr.contains("the reason is blank"), "{}", r.stderr);
        }
    }
    let scope = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/example-manual.yaml"
    );
    assert_eq!(cert(&dir, &["scope", "add", scope]).code, 0);
    let before_manual = head(&dir);
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
            " ",
            "--at",
            "2026-03-01",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("the evidence is blank"), "{}", r.stderr);
    assert_eq!(head(&dir), before_manual);
    assert_ne!(before, before_manual);
    assert_verifies(&dir);
}

#[test]
fn subjects_that_differ_only_in_case_are_refused() {
    let (_t, dir) = setup();
    let before = head(&dir);
    for name in ["Cloud-A", "CLOUD-A", "cloud-A"] {
        let r = cert(&dir, &["subject", "add", name]);
        assert_eq!(r.code, 2, "{name}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .contains("differs from the existing subject cloud-a only in letter case"),
            "{}",
            r.stderr
        );
    }
    // From a bootstrap file: against the registry, and within the file.
    std::fs::write(
        dir.join("b1.yaml"),
        "accounts:\n  - subject: Cloud-a\n    keys: []\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b2.yaml"),
        "accounts:\n  - subject: ops-x\n    keys: []\n  - subject: OPS-X\n    keys: []\n",
    )
    .unwrap();
    for file in ["b1.yaml", "b2.yaml"] {
        let r = cert(&dir, &["subject", "import", file]);
        assert_eq!(r.code, 2, "{file}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("only in letter case"),
            "{file}: {}",
            r.stderr
        );
    }
    assert_eq!(head(&dir), before);
    assert!(!dir.join("reg/subjects/Cloud-A.yaml").exists());
    assert_verifies(&dir);
}

#[test]
fn the_same_manual_check_recorded_twice_is_refused_the_second_time() {
    let (_t, dir) = setup();
    let scope = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/example-manual.yaml"
    );
    assert_eq!(cert(&dir, &["scope", "add", scope]).code, 0);
    let args = [
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
    ];
    assert_eq!(cert(&dir, &args).code, 0);
    let before = head(&dir);
    let r = cert(&dir, &args);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("recorded already"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
    assert_verifies(&dir);
}

#[test]
fn a_key_cannot_be_retired_at_or_before_its_binding() {
    let (_t, dir) = setup();
    assert_eq!(
        cli::run(registry::REPORT, &dir, &["keygen", "-o", "b"]).code,
        0
    );
    let b = std::fs::read_to_string(dir.join("b.pub")).unwrap();
    let fp = scs_cert::sig::Fingerprint::of(&ssh_key::PublicKey::from_openssh(b.trim()).unwrap())
        .to_string();
    // Bound now, retired now (the same second): never valid. It used to be accepted, and the
    // allowed_signers line it yielded stopped every later ingest.
    let r = cert(&dir, &["subject", "key", "add", "cloud-a", "b.pub"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let before = head(&dir);
    let r = cert(&dir, &["subject", "key", "retire", "cloud-a", &fp]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("can only be retired after that"),
        "{}",
        r.stderr
    );
    let r = cert(
        &dir,
        &[
            "subject",
            "key",
            "retire",
            "cloud-a",
            &fp,
            "--at",
            "2026-01-01",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(head(&dir), before);
    write_signed(
        &dir,
        "r.yaml",
        &report("cloud-a", 1, "2026-03-01 10:00:00", None),
        "a",
    );
    let r = cert(
        &dir,
        &["ingest", "--received-at", "2026-03-01T11:00:00Z", "r.yaml"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_verifies(&dir);
}

/// Runs `scs-cert --registry reg ARGS` with stdout and stderr pipes whose reading ends are
/// closed before it writes (`| true`); its exit status.
fn with_closed_pipes(dir: &std::path::Path, args: &[&str], close_stderr: bool) -> i32 {
    use std::process::{Command, Stdio};
    let mut child = Command::new(registry::CERT)
        .args(["--registry", "reg"])
        .args(args)
        .current_dir(dir)
        .env_remove("SCS_REGISTRY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if close_stderr {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    child.wait().unwrap().code().unwrap_or(-1)
}

#[test]
fn the_exit_status_does_not_depend_on_whether_output_could_be_written() {
    let (_t, dir) = setup();
    let no = ["eligible", "cloud-a", "--scope", "scs-compatible-iaas"];
    let no_json = [
        "eligible",
        "--json",
        "cloud-a",
        "--scope",
        "scs-compatible-iaas",
    ];
    let yes = ["subject", "list"];
    let error = ["status", "no-such-subject"];
    for close_stderr in [false, true] {
        for _ in 0..3 {
            assert_eq!(
                with_closed_pipes(&dir, &no, close_stderr),
                1,
                "a no stays a no"
            );
            assert_eq!(with_closed_pipes(&dir, &no_json, close_stderr), 1);
            assert_eq!(with_closed_pipes(&dir, &yes, close_stderr), 0);
            assert_eq!(
                with_closed_pipes(&dir, &error, close_stderr),
                2,
                "no panic (101)"
            );
        }
    }
}

#[test]
fn a_file_name_cannot_forge_an_output_line() {
    let (_t, dir) = setup();
    let forged = "r.yaml\ningested  forged.yaml (1 document";
    write_signed(
        &dir,
        forged,
        &report("cloud-a", 1, "2026-03-01 10:00:00", None),
        "a",
    );
    let r = cert(
        &dir,
        &["ingest", "--received-at", "2026-03-01T11:00:00Z", forged],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains(r#""r.yaml\ningested  forged.yaml (1 document""#),
        "the name is quoted and escaped: {all}"
    );
    assert!(
        !all.lines().any(|l| l.starts_with("ingested  forged")),
        "{all}"
    );
    // scs-report prints file names the same way.
    let allowed = dir.join("allowed");
    let line = std::fs::read_to_string(dir.join("a.pub")).unwrap();
    std::fs::write(&allowed, format!("cloud-a {}\n", line.trim())).unwrap();
    let r = cli::run(
        registry::REPORT,
        &dir,
        &["verify", "--allowed-signers", "allowed", forged],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("ingested  forged")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(r"r.yaml\ningested"), "{}", r.stdout);
}
