//! Daily use, as the secretary meets it: importing history (key validity, receipts,
//! manifests, nested folders), repeating a change that changes nothing.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::fs;
use std::path::Path;

use scs_testkit::cli::{cert, run};
use scs_testkit::registry::{CERT, REPORT, assert_verifies, head, report, write_signed};

/// A registry `reg` whose subjects come from a bootstrap file (cloud-b, key `b`) imported
/// with no `--keys-valid-from`, as a secretary does the first time.
fn imported() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    assert_eq!(run(CERT, &dir, &["init", "reg"]).code, 0);
    assert_eq!(run(REPORT, &dir, &["keygen", "-o", "b"]).code, 0);
    let public = fs::read_to_string(dir.join("b.pub")).unwrap();
    let blob = public.split_whitespace().nth(1).unwrap();
    fs::write(
        dir.join("bootstrap.yaml"),
        format!(
            "accounts:\n  - subject: cloud-b\n    keys:\n      - public_key: \"{blob}\"\n        public_key_type: \"ssh-ed25519\"\n        public_key_name: \"ci\"\n"
        ),
    )
    .unwrap();
    let r = cert(&dir, &["subject", "import", "bootstrap.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (tmp, dir)
}

/// Re-imports the bootstrap file with its keys dated from 2026-01-01, as a secretary repairs a
/// first import made without key dates.
fn dated_from_january(dir: &Path) -> scs_testkit::cli::Run {
    let r = cert(
        dir,
        &[
            "subject",
            "import",
            "bootstrap.yaml",
            "--keys-valid-from",
            "2026-01-01",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn past_report(dir: &Path, name: &str, run_no: u32, checked_at: &str) {
    write_signed(dir, name, &report("cloud-b", run_no, checked_at, None), "b");
}

#[test]
fn a_first_import_without_key_dates_is_repaired_by_a_re_import_with_them() {
    let (_t, dir) = imported();
    past_report(&dir, "old.yaml", 1, "2026-03-01 10:00:00");
    // The key was bound "now": the old report is refused, and the refusal says what to do.
    let r = cert(
        &dir,
        &[
            "ingest",
            "old.yaml",
            "--received-at",
            "2026-03-01T11:00:00Z",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("is not valid before"), "{}", r.stdout);
    assert!(
        r.stderr.contains("--keys-valid-from") && r.stderr.contains("re-import"),
        "{}",
        r.stderr
    );
    // Re-importing the same file changes nothing: said so, exit 0, no commit.
    let before = head(&dir);
    let r = cert(&dir, &["subject", "import", "bootstrap.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("nothing to change"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
    // Re-importing with the flag re-dates the key it bound.
    let r = dated_from_january(&dir);
    assert!(r.stderr.contains("1 updated"), "{}", r.stderr);
    let show = cert(&dir, &["subject", "show", "cloud-b"]);
    assert!(
        show.stdout.contains("2026-01-01T00:00:00Z"),
        "{}",
        show.stdout
    );
    let r = cert(
        &dir,
        &[
            "ingest",
            "old.yaml",
            "--received-at",
            "2026-03-01T11:00:00Z",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_verifies(&dir);
}

#[test]
fn old_reports_recorded_as_received_now_are_warned_about() {
    let (_t, dir) = imported();
    dated_from_january(&dir);
    // With a declared receipt there is nothing to warn about.
    past_report(&dir, "old2.yaml", 2, "2026-03-02 10:00:00");
    let r = cert(
        &dir,
        &["ingest", "old2.yaml", "--received-at", "2026-03-03"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    past_report(&dir, "old.yaml", 1, "2026-03-05 10:00:00");
    let r = cert(&dir, &["ingest", "old.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("1 report file(s) were checked more than a day ago")
            && r.stderr.contains("--received-at or --manifest"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_manifest_imports_an_archive_in_receipt_order_in_one_commit() {
    let (_t, dir) = imported();
    dated_from_january(&dir);
    let archive = dir.join("archive");
    fs::create_dir_all(archive.join("2026-03")).unwrap();
    fs::create_dir_all(archive.join("2026-04")).unwrap();
    past_report(
        &dir,
        "archive/2026-04/second.yaml",
        2,
        "2026-04-01 10:00:00",
    );
    past_report(&dir, "archive/2026-03/first.yaml", 1, "2026-03-01 10:00:00");
    // Listed out of order: ingested in receipt order, so the ledger's rule (no receipt before
    // one it holds) is kept.
    fs::write(
        archive.join("manifest.json"),
        r#"{"files": [
            {"path": "2026-04/second.yaml", "received_at": "2026-04-01T10:05:00Z"},
            {"path": "2026-03/first.yaml", "received_at": "2026-03-01T10:05:00Z"}
        ]}"#,
    )
    .unwrap();
    let before = head(&dir);
    let r = cert(
        &dir,
        &["ingest", "--manifest", "archive/manifest.json", "--json"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.matches("\"ingested\"").count(), 2, "{}", r.stdout);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_ne!(head(&dir), before);
    // One commit, and each report's receipt is the declared one.
    let log = scs_testkit::tools::succeed(
        std::process::Command::new("git")
            .args(["log", "--format=%s", "-3"])
            .current_dir(dir.join("reg")),
    );
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.starts_with("ingest 2 report file(s)"), "{log}");
    let ledger = fs::read_to_string(
        dir.join("reg/ledger/cloud-b/50393e6f-2ae1-4c5c-a62c-3b75f2abef3f/2026-03.jsonl"),
    )
    .unwrap();
    assert!(ledger.contains("2026-03-01T10:05:00Z"), "{ledger}");
    assert_verifies(&dir);
    // A manifest naming a receipt in the future is refused whole.
    past_report(&dir, "archive/2026-04/third.yaml", 3, "2026-04-02 10:00:00");
    fs::write(
        archive.join("future.json"),
        r#"{"files": [{"path": "2026-04/third.yaml", "received_at": "9000-01-01"}]}"#,
    )
    .unwrap();
    let before = head(&dir);
    let r = cert(&dir, &["ingest", "--manifest", "archive/future.json"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("later than now"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
    // An unreadable manifest is refused with where it went wrong; --manifest and files clash.
    fs::write(archive.join("bad.json"), r#"{"files": [{"path": "x"}]}"#).unwrap();
    let r = cert(&dir, &["ingest", "--manifest", "archive/bad.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("manifest"), "{}", r.stderr);
    let r = cert(
        &dir,
        &["ingest", "--manifest", "archive/bad.json", "archive"],
    );
    assert_eq!(r.code, 2);
}

#[test]
fn ingest_reads_subfolders_with_r_and_says_how_without() {
    let (_t, dir) = imported();
    dated_from_january(&dir);
    fs::create_dir_all(dir.join("in/2026-03/deep")).unwrap();
    past_report(&dir, "in/top.yaml", 1, "2026-03-01 10:00:00");
    past_report(
        &dir,
        "in/2026-03/deep/nested.yaml",
        2,
        "2026-03-02 10:00:00",
    );
    let args = ["ingest", "in", "--received-at", "2026-03-03"];
    let r = cert(&dir, &args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("pass -r to read subfolders") && r.stdout.contains("ingested  in/top"),
        "{}",
        r.stdout
    );
    fs::create_dir_all(dir.join("in/.git/objects")).unwrap();
    fs::write(dir.join("in/.git/objects/x.yaml"), "not: a report\n").unwrap();
    let r = cert(&dir, &["ingest", "-r", "in", "--received-at", "2026-03-03"]);
    assert!(
        r.stdout
            .contains("skipped   in/.git: a hidden folder (not read)")
            && !r.stdout.contains("x.yaml"),
        "{}",
        r.stdout
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("ingested  in/2026-03/deep/nested.yaml")
            && r.stdout.contains("present   in/top.yaml"),
        "{}",
        r.stdout
    );
    assert_verifies(&dir);
}

#[test]
fn repeating_an_identical_scope_add_changes_nothing_and_succeeds() {
    let (_t, dir) = imported();
    let spec = dir.join("iaas.yaml");
    fs::write(&spec, scs_cert::seed::IAAS_SPEC).unwrap();
    let before = head(&dir);
    let r = cert(&dir, &["scope", "add", "iaas.yaml", "--replace"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("nothing to change"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
}

/// `setup()`'s registry with a second subject as a bootstrap import leaves it: no name, no
/// operator.
fn with_bare_subject() -> (tempfile::TempDir, std::path::PathBuf) {
    let (t, dir) = scs_testkit::registry::setup();
    let r = cert(&dir, &["subject", "add", "cloud-f"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (t, dir)
}

#[test]
fn a_holder_less_certificate_is_refused_until_the_subject_says_who_holds_it() {
    let (_t, dir) = with_bare_subject();
    let issue = [
        "issue",
        "cloud-f",
        "--scope",
        "scs-compatible-iaas",
        "--override",
        "test",
    ];
    let before = head(&dir);
    let r = cert(&dir, &issue);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cloud-f has no operator or name")
            && r.stderr.contains("scs-cert subject set cloud-f --operator"),
        "{}",
        r.stderr
    );
    assert_eq!(head(&dir), before);
    // subject set fills in what the bootstrap file did not have; --json says what it did.
    let r = cert(
        &dir,
        &[
            "subject",
            "set",
            "cloud-f",
            "--name",
            "Wolke F",
            "--operator",
            "F & Söhne GmbH",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let record: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(record["type"], "change");
    assert_eq!(record["action"], "subject set");
    assert_eq!(record["subject"], "cloud-f");
    assert!(record["commit"].as_str().is_some_and(|c| c.len() == 40));
    let show = cert(&dir, &["subject", "show", "cloud-f"]);
    assert!(show.stdout.contains("F & Söhne GmbH"), "{}", show.stdout);
    // The same again changes nothing; an empty value removes a field.
    let r = cert(&dir, &["subject", "set", "cloud-f", "--name", "Wolke F"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("nothing to change"), "{}", r.stderr);
    // Markup and bidi tricks are refused as in `subject add`.
    let r = cert(
        &dir,
        &["subject", "set", "cloud-f", "--name", "Wolke\u{202e}F"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Now the certificate names its holder; --json gives id, valid_until and commit.
    let mut args = issue.to_vec();
    args.push("--json");
    let r = cert(&dir, &args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let record: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(record["action"], "issue");
    assert_eq!(record["status"], "active");
    let id = record["certificate"].as_str().unwrap().to_owned();
    assert!(id.starts_with("SCS-IAAS-"), "{id}");
    assert!(record["valid_until"].as_str().is_some(), "{record}");
    let held = fs::read_to_string(dir.join(format!("reg/certificates/{id}.yaml"))).unwrap();
    assert!(held.contains("holder: F & Söhne GmbH"), "{held}");
    // One in force already: a definite no (exit 1), not an error.
    let r = cert(&dir, &issue);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("already in force"), "{}", r.stdout);
    // A lifecycle change says the new status and the CRL number.
    let r = cert(&dir, &["suspend", &id, "--reason", "findings", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let record: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(record["action"], "suspend");
    assert_eq!(record["status"], "suspended");
    assert!(record["crl_number"].as_u64().is_some(), "{record}");
    let r = cert(&dir, &["reinstate", &id, "--reason", "answered"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("reinstate, now active; CRL number"),
        "{}",
        r.stderr
    );
    assert_verifies(&dir);
}

#[test]
fn attention_lists_a_crl_about_to_go_stale() {
    let (_t, dir) = scs_testkit::registry::setup();
    let r = cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--override",
            "test",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A fresh week-long CRL needs nothing.
    let r = cert(&dir, &["attention"]);
    assert!(!r.stdout.contains("CRL"), "{}", r.stdout);
    let r = cert(&dir, &["crl", "--next-update", "2d", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"action\":\"crl\""), "{}", r.stdout);
    let r = cert(&dir, &["attention"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("CRL       crl.pem expires in 2 day(s)")
            && r.stdout.contains("scs-cert crl"),
        "{}",
        r.stdout
    );
    let r = cert(&dir, &["attention", "--json"]);
    assert!(r.stdout.contains("\"type\":\"crl\""), "{}", r.stdout);
    // Once past its nextUpdate it is stale.
    let r = cert(&dir, &["attention", "--at", "2099-01-01"]);
    assert!(r.stdout.contains("is stale since"), "{}", r.stdout);
}

#[test]
fn mistyped_names_get_a_suggestion_and_short_scope_names_work() {
    let (_t, dir) = scs_testkit::registry::setup();
    let r = cert(&dir, &["subject", "show", "cluod-a"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("(did you mean `cloud-a`?)"),
        "{}",
        r.stderr
    );
    let r = cert(&dir, &["status", "cluod-a"]);
    assert!(
        r.stderr.contains("(did you mean `cloud-a`?)"),
        "{}",
        r.stderr
    );
    let r = cert(&dir, &["status", "--scope", "scs-compatible-iass"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("(did you mean `scs-compatible-iaas`?)"),
        "{}",
        r.stderr
    );
    let r = cert(
        &dir,
        &[
            "eligible",
            "cloud-a",
            "--scope",
            "iaas",
            "--version",
            "v5.2",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("(did you mean `v5.1`?)"), "{}", r.stderr);
    // `iaas` and `KaaS` name the seed scopes.
    for scope in ["iaas", "KaaS", "SCS-compatible IaaS"] {
        let r = cert(&dir, &["status", "--scope", scope, "--json"]);
        assert_eq!(r.code, 0, "{scope}: {}", r.stderr);
    }
}

#[test]
fn subjects_scopes_and_certificates_read_as_aligned_tables() {
    let (_t, dir) = scs_testkit::registry::setup();
    let r = cert(&dir, &["subject", "set", "cloud-a", "--operator", "A GmbH"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "iaas",
            "--override",
            "test",
            "--at",
            "2026-03-01",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_owned();
    let r = cert(
        &dir,
        &[
            "withdraw",
            &id,
            "--reason",
            "key compromise",
            "--at",
            "2026-04-01",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = cert(&dir, &["subject", "list"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0], "SUBJECT  NAME     OPERATOR  KEYS  DELEGATES",
        "{}",
        r.stdout
    );
    assert_eq!(
        lines[1], "cloud-a  Cloud A  A GmbH    1     -",
        "{}",
        r.stdout
    );

    let r = cert(&dir, &["subject", "show", "cloud-a"]);
    assert!(
        r.stdout.contains("  operator        A GmbH")
            && r.stdout.contains("valid from 2026-01-01T00:00:00Z")
            && r.stdout.contains("  key             SHA256:"),
        "{}",
        r.stdout
    );
    let r = cert(&dir, &["subject", "show", "cloud-a", "--json"]);
    let entry: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(
        entry["keys"][0]["fingerprint"]
            .as_str()
            .is_some_and(|f| f.starts_with("SHA256:"))
    );

    let r = cert(&dir, &["scope", "list"]);
    assert!(r.stdout.starts_with("UUID  "), "{}", r.stdout);

    let r = cert(&dir, &["certificates", "--at", "2026-05-01"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID                  STATUS     SUBJECT"),
        "{}",
        r.stdout
    );
    assert!(
        lines[1].starts_with(&format!("{id}  withdrawn  cloud-a")),
        "{}",
        r.stdout
    );

    let r = cert(&dir, &["certificate", "show", &id, "--at", "2026-05-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for expected in [
        "  status       withdrawn since 2026-04-01T00:00:00Z",
        "  holder       A GmbH",
        "  decision     issued by override: test",
        "  event        2026-04-01T00:00:00Z  withdrawn (",
    ] {
        assert!(r.stdout.contains(expected), "{expected}\n{}", r.stdout);
    }
    let r = cert(&dir, &["certificate", "show", &id, "--json"]);
    assert!(
        r.stdout.contains("\"status\":\"withdrawn\""),
        "{}",
        r.stdout
    );
    let r = cert(&dir, &["certificate", "show", "SCS-IAAS-2026-0099"]);
    assert_eq!(r.code, 2);
}

#[test]
fn commands_find_their_registry_from_a_subfolder_and_speak_with_one_prefix() {
    let (_t, dir) = scs_testkit::registry::setup();
    let deep = dir.join("reg/subjects");
    let r = run(CERT, &deep, &["subject", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("cloud-a"), "{}", r.stdout);
    // Outside any registry: the error says how to name one.
    let r = run(CERT, &dir, &["subject", "list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("scs-cert: error: "), "{}", r.stderr);
    // clap's usage errors carry the same prefix and exit 2.
    for (tool, args) in [(CERT, vec!["status", "--bogus"]), (REPORT, vec!["frob"])] {
        let r = run(tool, &dir, &args);
        assert_eq!(r.code, 2, "{}", r.stderr);
        let name = Path::new(tool).file_name().unwrap().to_string_lossy();
        assert!(
            r.stderr.starts_with(&format!("{name}: error: ")),
            "{}",
            r.stderr
        );
    }
    // The forum-key options show only where something is signed.
    let help = run(CERT, &dir, &["status", "--help"]).stdout;
    assert!(
        !help.contains("--key") && help.contains("Global options:"),
        "{help}"
    );
    let help = run(CERT, &dir, &["issue", "--help"]).stdout;
    assert!(
        help.contains("--key <KEY>") && help.contains("--passphrase-file"),
        "{help}"
    );
    // --version names the commit and the pinned typst.
    let v = run(CERT, &dir, &["--version"]).stdout;
    assert!(
        v.starts_with("scs-cert ") && v.contains("(commit ") && v.contains("typst 0.15.1"),
        "{v}"
    );
}

#[test]
fn eligible_without_a_scope_answers_for_every_scope_the_subject_reports() {
    let (_t, dir) = scs_testkit::registry::setup();
    let r = cert(&dir, &["eligible", "cloud-a"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("has reported no scope yet"),
        "{}",
        r.stderr
    );
    write_signed(
        &dir,
        "r.yaml",
        &report("cloud-a", 1, "2026-03-01 10:00:00", None),
        "a",
    );
    let r = cert(
        &dir,
        &["ingest", "r.yaml", "--received-at", "2026-03-01T11:00:00Z"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = cert(
        &dir,
        &["eligible", "cloud-a", "--at", "2026-03-02", "--json"],
    );
    // One report in a 28-day window: not eligible, and only IaaS was reported.
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("50393e6f-2ae1-4c5c-a62c-3b75f2abef3f"),
        "{}",
        r.stdout
    );
    let r = cert(&dir, &["eligible", "cloud-a", "--version", "v5.1"]);
    assert_eq!(r.code, 2, "--version needs --scope: {}", r.stderr);
}

/// The fingerprint of key `b` of [`imported`].
fn fingerprint_b(dir: &Path) -> String {
    let b = fs::read_to_string(dir.join("b.pub")).unwrap();
    scs_cert::sig::Fingerprint::of(&ssh_key::PublicKey::from_openssh(b.trim()).unwrap()).to_string()
}

#[test]
fn a_re_date_never_moves_a_binding_later_past_evidence_in_the_ledger() {
    let (_t, dir) = imported();
    dated_from_january(&dir);
    past_report(&dir, "old.yaml", 1, "2026-03-01 10:00:00");
    let r = cert(
        &dir,
        &[
            "ingest",
            "old.yaml",
            "--received-at",
            "2026-03-01T11:00:00Z",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Re-dated to after the receipt, the record would say the key could not have signed
    // the evidence the ledger holds: refused, nothing committed.
    let before = head(&dir);
    let r = cert(
        &dir,
        &[
            "subject",
            "import",
            "bootstrap.yaml",
            "--keys-valid-from",
            "2026-06-01",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("only reaches back"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
    let show = cert(&dir, &["subject", "show", "cloud-b"]);
    assert!(
        show.stdout.contains("2026-01-01T00:00:00Z"),
        "{}",
        show.stdout
    );
    assert_verifies(&dir);
}

#[test]
fn a_re_import_does_not_revive_a_retired_key() {
    let (_t, dir) = imported();
    dated_from_january(&dir);
    let fp = fingerprint_b(&dir);
    let r = cert(
        &dir,
        &[
            "subject",
            "key",
            "retire",
            "cloud-b",
            &fp,
            "--at",
            "2026-02-01",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The bootstrap file still lists the key (upstream has not removed it): importing it
    // again, with or without key dates, must not bind the retired key anew.
    let before = head(&dir);
    for extra in [&[][..], &["--keys-valid-from", "2026-01-01"][..]] {
        let mut args = vec!["subject", "import", "bootstrap.yaml"];
        args.extend_from_slice(extra);
        let r = cert(&dir, &args);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("nothing to change"), "{}", r.stderr);
        assert_eq!(head(&dir), before);
    }
    past_report(&dir, "late.yaml", 2, "2026-03-01 10:00:00");
    let r = cert(
        &dir,
        &[
            "ingest",
            "late.yaml",
            "--received-at",
            "2026-03-01T11:00:00Z",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_verifies(&dir);
}

#[test]
fn a_manifest_listing_one_file_under_two_spellings_is_refused() {
    let (_t, dir) = imported();
    dated_from_january(&dir);
    past_report(&dir, "r.yaml", 1, "2026-03-05 10:00:00");
    // Two receipts for one file: which counts? The same question as a path listed twice,
    // and the same answer, however the path is spelt.
    fs::write(
        dir.join("m.json"),
        r#"{"files": [
            {"path": "r.yaml", "received_at": "2026-03-01T00:00:00Z"},
            {"path": "./r.yaml", "received_at": "2026-03-09T00:00:00Z"}
        ]}"#,
    )
    .unwrap();
    let before = head(&dir);
    let r = cert(&dir, &["ingest", "--manifest", "m.json"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("the same file"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
}

#[test]
fn a_re_date_cannot_reach_back_across_the_keys_own_retirement() {
    let (_t, dir) = imported();
    dated_from_january(&dir);
    let fp = fingerprint_b(&dir);
    let r = cert(
        &dir,
        &[
            "subject",
            "key",
            "retire",
            "cloud-b",
            &fp,
            "--at",
            "2026-02-01",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Bound again by hand from before its retirement: refused the same way.
    let r = cert(
        &dir,
        &[
            "subject",
            "key",
            "add",
            "cloud-b",
            "b.pub",
            "--at",
            "2026-01-20",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("bound again from then on"),
        "{}",
        r.stderr
    );
    // Bound again on purpose, from March.
    let r = cert(
        &dir,
        &[
            "subject",
            "key",
            "add",
            "cloud-b",
            "b.pub",
            "--at",
            "2026-03-01",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Re-dated to January, the key would count again while it was retired.
    let before = head(&dir);
    let r = cert(
        &dir,
        &[
            "subject",
            "import",
            "bootstrap.yaml",
            "--keys-valid-from",
            "2026-01-15",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("across its retirement"), "{}", r.stderr);
    assert_eq!(head(&dir), before);
    // After the retirement, it may.
    let r = cert(
        &dir,
        &[
            "subject",
            "import",
            "bootstrap.yaml",
            "--keys-valid-from",
            "2026-02-15",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_verifies(&dir);
}
