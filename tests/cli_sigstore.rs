//! Reports signed with Sigstore bundles (managed keys, built offline by our test log), verified
//! by `scs-report verify` with the signer bound to the subject through subject records.

#![cfg(feature = "sigstore")]
#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::sigstore_bundle;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

const EXE: &str = scs_testkit::REPORT;
const REPORT: &str = include_str!("fixtures/reports/invocations.yaml");

fn verify(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::new(EXE)
        .arg("verify")
        .arg("--json")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = scs_testkit::schema::json_lines(&stdout)
        .into_iter()
        .next()
        .unwrap_or_default();
    (out.status.code().unwrap_or(-1), first)
}

/// `op-ci` holds the managed key; `example-cloud-a` delegates to it; `example-cloud-b` does not.
fn setup(report: &str) -> (tempfile::TempDir, sigstore_bundle::Fixture) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fixture = sigstore_bundle::build(sigstore_bundle::Spec {
        artifact: report.as_bytes().to_vec(),
        ..Default::default()
    });
    fs::write(dir.join("report.yaml"), report).unwrap();
    fs::write(
        dir.join("report.yaml.sigstore.json"),
        serde_json::to_vec(&fixture.bundle).unwrap(),
    )
    .unwrap();
    fs::write(
        dir.join("root.json"),
        serde_json::to_vec(&fixture.root).unwrap(),
    )
    .unwrap();
    let pem = fixture.key_pem.replace('\n', "\n    ");
    fs::write(
        dir.join("op-ci.yaml"),
        format!(
            "subject: op-ci\nsigstore:\n- public_key: |\n    {}\n  added: 2025-06-01T00:00:00Z\n",
            pem.trim_end()
        ),
    )
    .unwrap();
    fs::write(
        dir.join("example-cloud-a.yaml"),
        "subject: example-cloud-a\ndelegates:\n- op-ci\n",
    )
    .unwrap();
    fs::write(
        dir.join("example-cloud-b.yaml"),
        "subject: example-cloud-b\n",
    )
    .unwrap();
    (tmp, fixture)
}

const TRUST: [&str; 8] = [
    "--subject-record",
    "op-ci.yaml",
    "--subject-record",
    "example-cloud-a.yaml",
    "--subject-record",
    "example-cloud-b.yaml",
    "--trusted-root",
    "root.json",
];

#[test]
fn a_bound_managed_key_verifies_for_the_delegating_subject() {
    let (tmp, _f) = setup(REPORT);
    let mut args = TRUST.to_vec();
    args.push("report.yaml");
    let (code, rec) = verify(tmp.path(), &args);
    assert_eq!(code, 0, "{rec}");
    assert_eq!(rec["valid"], true);
    assert!(
        rec["sigstore_signer"]
            .as_str()
            .unwrap()
            .starts_with("key SHA256:"),
        "{rec}"
    );
    assert_eq!(rec["documents"][0]["subject"], "example-cloud-a");
}

#[test]
fn tampered_unbound_and_foreign_subject_are_rejected() {
    let (tmp, _f) = setup(REPORT);
    let dir = tmp.path();
    // Tampered report: the bundle's digest no longer matches.
    fs::write(
        dir.join("report.yaml"),
        REPORT.replacen(": 1\n", ": 0\n", 1),
    )
    .unwrap();
    let mut args = TRUST.to_vec();
    args.push("report.yaml");
    let (code, rec) = verify(dir, &args);
    assert_eq!(
        (code, rec["problem"]["code"].as_str()),
        (1, Some("bad-signature")),
        "{rec}"
    );

    // The key bound to no subject.
    fs::write(dir.join("report.yaml"), REPORT).unwrap();
    fs::create_dir(dir.join("unbound")).unwrap();
    fs::write(dir.join("unbound/op-ci.yaml"), "subject: op-ci\n").unwrap();
    let (code, rec) = verify(
        dir,
        &[
            "--subject-record",
            "unbound/op-ci.yaml",
            "--subject-record",
            "example-cloud-a.yaml",
            "--trusted-root",
            "root.json",
            "report.yaml",
        ],
    );
    assert_eq!(
        (code, rec["problem"]["code"].as_str()),
        (1, Some("key-unknown")),
        "{rec}"
    );

    // A subject that does not delegate to the signer.
    let (tmp2, _f2) = setup(&REPORT.replace("example-cloud-a", "example-cloud-b"));
    let (code, rec) = verify(tmp2.path(), &args);
    assert_eq!(
        (code, rec["problem"]["code"].as_str()),
        (1, Some("not-allowed-for-subject")),
        "{rec}"
    );
    assert_eq!(
        rec["documents"][0]["problem"]["code"],
        "not-allowed-for-subject"
    );

    // The binding starts after the instant judged at.
    let (code, rec) = verify(
        dir,
        &[&TRUST[..], &["--at", "2025-01-01", "report.yaml"]].concat(),
    );
    assert_eq!(
        (code, rec["documents"][0]["problem"]["code"].as_str()),
        (1, Some("key-not-yet-valid")),
        "{rec}"
    );
}

#[test]
fn sigstore_without_trust_cannot_be_checked() {
    let (tmp, _f) = setup(REPORT);
    // Only SSH trust given: the bundle cannot be judged (exit 2), not silently accepted.
    fs::write(tmp.path().join("allowed"), "").unwrap();
    let (code, rec) = verify(tmp.path(), &["--allowed-signers", "allowed", "report.yaml"]);
    assert_eq!(code, 2, "{rec}");
    assert_eq!(rec["problem"]["code"], "could-not-check");
}

/// The same command with a registry's trust: its subjects and its Sigstore trusted root.
#[test]
fn a_registry_binds_sigstore_signers_too() {
    let cert = scs_testkit::CERT;
    let (tmp, fixture) = setup(REPORT);
    let dir = tmp.path();
    let run = |args: &[&str]| {
        let out = Command::new(cert)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    fs::write(dir.join("key.pem"), &fixture.key_pem).unwrap();
    run(&["init", "reg"]);
    run(&["--registry", "reg", "trusted-root", "root.json"]);
    run(&["--registry", "reg", "subject", "add", "op-ci"]);
    run(&[
        "--registry",
        "reg",
        "subject",
        "sigstore",
        "op-ci",
        "--public-key",
        "key.pem",
        "--at",
        "2025-06-01",
    ]);
    run(&[
        "--registry",
        "reg",
        "subject",
        "add",
        "example-cloud-a",
        "--delegate",
        "op-ci",
    ]);
    let (code, rec) = verify(dir, &["--registry", "reg", "report.yaml"]);
    assert_eq!(code, 0, "{rec}");
    assert_eq!(
        rec["documents"][0]["signer"]
            .as_str()
            .map(|s| s.starts_with("op-ci (key SHA256:")),
        Some(true),
        "{rec}"
    );
}

/// `scs-cert ingest` takes Sigstore-signed reports too (FILE.sigstore.json beside the report).
#[test]
fn ingest_takes_sigstore_signed_reports() {
    let cert = scs_testkit::CERT;
    let report = REPORT.replace(
        "5e2c1d3a-0f4b-4c7e-9a61-2b8d7f0e4c11",
        "7d3f0a52-1c2b-4e8f-9a0d-5b6c7e8f9a01",
    );
    let (tmp, fixture) = setup(&report);
    let dir = tmp.path();
    let run = |args: &[&str]| {
        let out = Command::new(cert)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    fs::write(dir.join("key.pem"), &fixture.key_pem).unwrap();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/example-manual.yaml"
    );
    for args in [
        vec!["init", "reg"],
        vec!["--registry", "reg", "scope", "add", spec],
        vec!["--registry", "reg", "subject", "add", "op-ci"],
        vec![
            "--registry",
            "reg",
            "subject",
            "sigstore",
            "op-ci",
            "--public-key",
            "key.pem",
            "--at",
            "2025-06-01",
        ],
        vec![
            "--registry",
            "reg",
            "subject",
            "add",
            "example-cloud-a",
            "--delegate",
            "op-ci",
        ],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    // Without the registry's trusted root, a Sigstore report cannot be judged: rejected.
    let (code, out, _) = run(&[
        "--registry",
        "reg",
        "ingest",
        "--json",
        "--received-at",
        "2026-08-21T16:00:00Z",
        "report.yaml",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no-sigstore-trust"), "{out}");
    let (code, _, err) = run(&["--registry", "reg", "trusted-root", "root.json"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&[
        "--registry",
        "reg",
        "ingest",
        "--json",
        "--received-at",
        "2026-08-21T16:00:00Z",
        "report.yaml",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"ingested\""), "{out}");
    let ledger = fs::read_dir(dir.join("reg/ledger/example-cloud-a"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let line = fs::read_dir(&ledger)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = fs::read_to_string(line).unwrap();
    assert!(
        text.contains("\"signature\":\"sigstore\"") && text.contains("\"signed_by\":\"op-ci\""),
        "{text}"
    );
    let (code, out, err) = run(&["--registry", "reg", "registry", "verify"]);
    assert_eq!(code, 0, "{out}{err}");
}
