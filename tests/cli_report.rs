//! `scs-report` as a user runs it: exit codes, output lines, JSON records, files written, and
//! interop with the real ssh-keygen on what the CLI writes.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::schema::json_lines;
use scs_testkit::tools;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const EXE: &str = scs_testkit::REPORT;
const SUBJECT_A: &str = "example-cloud-a";
const REPORT: &str = include_str!("fixtures/reports/invocations.yaml");
const SPEC: &str = include_str!("fixtures/specs/example-iaas.yaml");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A directory with a fresh key `k`, `report.yaml` and an allowed_signers binding the key to
/// the report's subject.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let r = run_in(&dir, &["keygen", "-o", "k", "-C", "ci"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let public = fs::read_to_string(dir.join("k.pub")).unwrap();
    fs::write(dir.join("allowed"), format!("{SUBJECT_A} {public}")).unwrap();
    fs::write(dir.join("report.yaml"), REPORT).unwrap();
    (tmp, dir)
}

#[test]
fn keygen_writes_private_0600_prints_public_and_never_overwrites() {
    let (_t, dir) = setup();
    let mode = fs::metadata(dir.join("k")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let before = fs::read(dir.join("k")).unwrap();
    let r = run_in(&dir, &["keygen", "-o", "k"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("scs-report: error:"), "{}", r.stderr);
    assert_eq!(
        fs::read(dir.join("k")).unwrap(),
        before,
        "existing key must stay"
    );
    let r = run_in(&dir, &["keygen", "-o", "k2", "-C", "the-comment"]);
    assert!(
        r.stdout.starts_with("ssh-ed25519 AAAA") && r.stdout.trim_end().ends_with("the-comment")
    );
}

#[test]
fn sign_then_verify_valid_and_ssh_keygen_agrees() {
    let (_t, dir) = setup();
    assert_eq!(run_in(&dir, &["sign", "-k", "k", "report.yaml"]).code, 0);
    let r = run_in(
        &dir,
        &["verify", "--allowed-signers", "allowed", "report.yaml"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.lines().count(), 1);
    assert!(
        r.stdout.starts_with("valid") && r.stdout.contains(SUBJECT_A),
        "{}",
        r.stdout
    );
    // Signing again without --force refuses and keeps the signature.
    assert_eq!(run_in(&dir, &["sign", "-k", "k", "report.yaml"]).code, 2);

    let Some(keygen) = tools::require("ssh-keygen") else {
        return;
    };
    let out = Command::new(keygen)
        .args([
            "-Y",
            "verify",
            "-f",
            "allowed",
            "-I",
            SUBJECT_A,
            "-n",
            "report",
            "-s",
            "report.yaml.sig",
        ])
        .current_dir(&dir)
        .stdin(fs::File::open(dir.join("report.yaml")).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Good \"report\" signature"));
}

#[test]
fn ssh_keygen_signature_verifies_through_the_cli() {
    let Some(keygen) = tools::require("ssh-keygen") else {
        return;
    };
    let (_t, dir) = setup();
    let out = Command::new(keygen)
        .args(["-Y", "sign", "-f", "k", "-n", "report", "report.yaml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = run_in(
        &dir,
        &["verify", "--allowed-signers", "allowed", "report.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn tampered_wrong_namespace_unknown_key_and_unsigned_are_invalid_with_reasons() {
    let (_t, dir) = setup();
    run_in(&dir, &["sign", "-k", "k", "report.yaml"]);
    fs::write(
        dir.join("tampered.yaml"),
        REPORT.replacen("ex-flavor-names: 1", "ex-flavor-names: 0", 1),
    )
    .unwrap();
    fs::copy(dir.join("report.yaml.sig"), dir.join("tampered.yaml.sig")).unwrap();

    fs::write(dir.join("ns.yaml"), REPORT).unwrap();
    run_in(&dir, &["sign", "-k", "k", "-n", "file", "ns.yaml"]);

    run_in(&dir, &["keygen", "-o", "stranger"]);
    fs::write(dir.join("stranger.yaml"), REPORT).unwrap();
    run_in(&dir, &["sign", "-k", "stranger", "stranger.yaml"]);

    fs::write(dir.join("unsigned.yaml"), REPORT).unwrap();

    let r = run_in(
        &dir,
        &[
            "verify",
            "--json",
            "--allowed-signers",
            "allowed",
            "report.yaml",
            "tampered.yaml",
            "ns.yaml",
            "stranger.yaml",
            "unsigned.yaml",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let records = json_lines(&r.stdout);
    let codes: Vec<&str> = records
        .iter()
        .map(|v| v["problem"]["code"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(
        codes,
        [
            "none",
            "bad-signature",
            "wrong-namespace",
            "key-unknown",
            "unsigned"
        ]
    );
    assert_eq!(records[0]["valid"], true);
    assert_eq!(records[0]["documents"][0]["subject"], SUBJECT_A);
    assert!(
        records
            .iter()
            .all(|v| v["type"] == "file" && v["schema_version"] == 1)
    );

    // Human output: one line per file, each with its reason.
    let r = run_in(
        &dir,
        &[
            "verify",
            "--allowed-signers",
            "allowed",
            "tampered.yaml",
            "stranger.yaml",
        ],
    );
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("bad signature"), "{}", lines[0]);
    assert!(lines[1].contains("key unknown"), "{}", lines[1]);
}

#[test]
fn unreadable_file_exits_2_and_the_batch_goes_on() {
    let (_t, dir) = setup();
    run_in(&dir, &["sign", "-k", "k", "report.yaml"]);
    let r = run_in(
        &dir,
        &[
            "verify",
            "--allowed-signers",
            "allowed",
            "missing.yaml",
            "report.yaml",
        ],
    );
    assert_eq!(r.code, 2);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].contains("could not check"), "{}", r.stdout);
    assert!(lines[1].starts_with("valid"), "{}", r.stdout);
}

#[test]
fn no_trust_is_a_usage_error_with_a_hint() {
    let (_t, dir) = setup();
    let r = run_in(&dir, &["verify", "report.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--allowed-signers") && r.stderr.contains("--bootstrap"),
        "{}",
        r.stderr
    );
}

#[test]
fn key_validity_window_is_judged_at_the_given_instant() {
    let (_t, dir) = setup();
    let public = fs::read_to_string(dir.join("k.pub")).unwrap();
    fs::write(
        dir.join("allowed"),
        format!("{SUBJECT_A} valid-after=\"20260101Z\",valid-before=\"20260601Z\" {public}"),
    )
    .unwrap();
    run_in(&dir, &["sign", "-k", "k", "report.yaml"]);
    let ok = run_in(
        &dir,
        &[
            "verify",
            "--allowed-signers",
            "allowed",
            "--at",
            "2026-03-01",
            "report.yaml",
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let late = run_in(
        &dir,
        &[
            "verify",
            "--json",
            "--allowed-signers",
            "allowed",
            "--at",
            "2026-07-01",
            "report.yaml",
        ],
    );
    assert_eq!(late.code, 1);
    assert_eq!(
        json_lines(&late.stdout)[0]["documents"][0]["problem"]["code"],
        "key-expired"
    );
}

/// A file with one document the signer may not submit is rejected as a whole (DESIGN §4).
#[test]
fn bootstrap_delegation_and_whole_file_rejection() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // bob-ci is alice-cloud's delegate; bob-ci's key may sign for alice-cloud and bob-ci,
    // not for anyone else.
    let bob = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/keys/bob"
    ))
    .unwrap();
    fs::write(dir.join("bob"), bob).unwrap();
    fs::set_permissions(dir.join("bob"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/trust/bootstrap.yaml"
        ),
        dir.join("bootstrap.yaml"),
    )
    .unwrap();
    let for_alice = REPORT.replace(SUBJECT_A, "alice-cloud");
    fs::write(dir.join("ok.yaml"), &for_alice).unwrap();
    let mixed = format!(
        "{for_alice}{}",
        REPORT
            .replace(SUBJECT_A, "carol-cloud")
            .replace("6f1c2e9d", "7f1c2e9d")
    );
    fs::write(dir.join("mixed.yaml"), &mixed).unwrap();
    assert_eq!(
        run_in(dir, &["sign", "-k", "bob", "ok.yaml", "mixed.yaml"]).code,
        0
    );

    let r = run_in(
        dir,
        &[
            "verify",
            "--json",
            "--bootstrap",
            "bootstrap.yaml",
            "ok.yaml",
            "mixed.yaml",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let recs = json_lines(&r.stdout);
    assert_eq!(recs[0]["valid"], true);
    assert_eq!(recs[1]["valid"], false);
    assert_eq!(recs[1]["problem"]["code"], "not-allowed-for-subject");
    assert_eq!(recs[1]["documents"][0]["valid"], true);
    assert_eq!(recs[1]["documents"][1]["valid"], false);
    assert_eq!(recs[1]["documents"][1]["subject"], "carol-cloud");
}

#[test]
fn upload_body_round_trip() {
    let (_t, dir) = setup();
    assert_eq!(
        run_in(&dir, &["sign", "--body", "-k", "k", "report.yaml"]).code,
        0
    );
    let body = fs::read(dir.join("report.yaml.body")).unwrap();
    let sep = b"-----END SSH SIGNATURE-----\n&";
    let at = body.windows(sep.len()).position(|w| w == sep).unwrap();
    assert_eq!(
        &body[at + sep.len()..],
        REPORT.as_bytes(),
        "report bytes follow the '&' unchanged"
    );
    let r = run_in(
        &dir,
        &[
            "verify",
            "--body",
            "--allowed-signers",
            "allowed",
            "report.yaml.body",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // A body without a signature is not valid.
    let r = run_in(
        &dir,
        &[
            "verify",
            "--body",
            "--allowed-signers",
            "allowed",
            "report.yaml",
        ],
    );
    assert_eq!(r.code, 1);
}

#[test]
fn signed_garbage_is_a_malformed_report() {
    let (_t, dir) = setup();
    fs::write(dir.join("junk.yaml"), "subject: [unclosed\n").unwrap();
    run_in(&dir, &["sign", "-k", "k", "junk.yaml"]);
    let r = run_in(
        &dir,
        &[
            "verify",
            "--json",
            "--allowed-signers",
            "allowed",
            "junk.yaml",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        json_lines(&r.stdout)[0]["problem"]["code"],
        "malformed-report"
    );
}

#[test]
fn passphrase_protected_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("pass"), "correct horse\n").unwrap();
    fs::write(dir.join("wrong"), "wrong horse\n").unwrap();
    fs::write(dir.join("report.yaml"), REPORT).unwrap();
    assert_eq!(
        run_in(dir, &["keygen", "-o", "k", "--passphrase-file", "pass"]).code,
        0
    );
    let r = run_in(
        dir,
        &[
            "sign",
            "-k",
            "k",
            "--passphrase-file",
            "wrong",
            "report.yaml",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        !dir.join("report.yaml.sig").exists(),
        "nothing written on failure"
    );
    // No terminal and no passphrase file: a clear error, not a hang on stdin.
    let r = run_in(dir, &["sign", "-k", "k", "report.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("passphrase"), "{}", r.stderr);
    assert_eq!(
        run_in(
            dir,
            &[
                "sign",
                "-k",
                "k",
                "--passphrase-file",
                "pass",
                "report.yaml"
            ]
        )
        .code,
        0
    );
    if let Some(keygen) = tools::require("ssh-keygen") {
        // ssh-keygen reads our encrypted key with the same passphrase.
        let out = Command::new(keygen)
            .args(["-y", "-P", "correct horse", "-f", "k"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn show_prints_verdicts_per_version_and_target() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("spec.yaml"), SPEC).unwrap();
    // Two documents: the fixture (a FAIL, an ABORT) and a copy for a second subject.
    let second = REPORT
        .replace(SUBJECT_A, "example-cloud-b")
        .replace("6f1c2e9d", "7f1c2e9d");
    fs::write(dir.join("multi.yaml"), format!("{REPORT}{second}")).unwrap();

    // At checked_at: v1 effective, v2 draft. ex-image-metadata failed. No certifiable version
    // passes: a definite no (exit 1; before issue 13 show exited 0 whatever it found).
    let r = run_in(
        dir,
        &["show", "--json", "multi.yaml", "--spec", "spec.yaml"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let docs = json_lines(&r.stdout);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["subject"], "example-cloud-b");
    let versions = docs[0]["versions"].as_array().unwrap();
    let names: Vec<&str> = versions
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["v1", "v2"]);
    let v2 = &versions[1]["targets"]["main"];
    assert_eq!(v2["verdict"], "FAIL");
    assert_eq!(v2["failed"][0]["id"], "ex-image-metadata");
    assert_eq!(v2["failed"][0]["url"], "https://example.org/docs/images");
    assert_eq!(v2["aborted"][0]["id"], "ex-volume-types");

    // Twelve days later: v2 effective, v1 warn, v3 draft with an empty main. The week-long
    // flavor result has expired (Monday 00:00 of the second week), the month-long one has not.
    let r = run_in(
        dir,
        &[
            "show",
            "--json",
            "multi.yaml",
            "--spec",
            "spec.yaml",
            "--at",
            "2026-09-02",
        ],
    );
    let doc = &json_lines(&r.stdout)[0];
    let by_name = |n: &str| {
        doc["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["version"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("v2")["validity"], "effective");
    assert_eq!(by_name("v1")["validity"], "warn");
    assert_eq!(
        by_name("v1")["targets"]["main"]["missing"][0]["id"],
        "ex-flavor-names"
    );
    assert_eq!(by_name("v1")["targets"]["main"]["verdict"], "FAIL");
    let v3 = by_name("v3")["targets"]["main"].clone();
    assert_eq!(
        (v3["verdict"].as_str(), v3["empty"].as_bool()),
        (Some("MISSING"), Some(true)),
        "an empty main is never a PASS"
    );

    let human = run_in(dir, &["show", "multi.yaml", "--spec", "spec.yaml"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("v2 (draft) main: FAIL"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("ex-image-metadata: Images carry the required metadata. <https://example.org/docs/images>"), "{}", human.stdout);
}

#[test]
fn show_against_real_upstream_spec_and_gen0_refusal() {
    let Some(fixtures) = tools::shared_fixtures() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let iaas = fixtures.join("scs/scs-compatible-iaas.yaml");
    let report = REPORT
        .replace(
            "5e2c1d3a-0f4b-4c7e-9a61-2b8d7f0e4c11",
            "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f",
        )
        .replace("ex-flavor-names", "scs-0100-syntax-check");
    fs::write(dir.join("r.yaml"), report).unwrap();
    let r = run_in(
        dir,
        &[
            "show",
            "--json",
            "r.yaml",
            "--spec",
            iaas.to_str().unwrap(),
            "--at",
            "2026-08-21T16:00:00Z",
        ],
    );
    // v5.1 is missing results: not a pass (exit 1).
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = &json_lines(&r.stdout)[0];
    let v51 = doc["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == "v5.1")
        .unwrap();
    assert_eq!(v51["validity"], "effective");
    let main = &v51["targets"]["main"];
    assert_eq!(main["verdict"], "MISSING");
    assert_eq!(main["missing"].as_array().unwrap().len(), 53);
    assert!(
        main["missing"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    let gen0 = fixtures.join("scs/scs-compatible-test.yaml");
    let r = run_in(dir, &["show", "r.yaml", "--spec", gen0.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("Gen 0") || r.stderr.contains("gen 0"),
        "{}",
        r.stderr
    );
}

#[test]
fn show_refuses_a_report_of_another_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("spec.yaml"), SPEC).unwrap();
    fs::write(
        dir.join("r.yaml"),
        REPORT.replace("5e2c1d3a-0f4b-4c7e-9a61-2b8d7f0e4c11", "another-scope"),
    )
    .unwrap();
    let r = run_in(dir, &["show", "r.yaml", "--spec", "spec.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is for scope"), "{}", r.stderr);
}

#[test]
fn help_documents_exit_codes() {
    let r = run_in(Path::new("."), &["verify", "--help"]);
    assert!(r.stdout.contains("Exit status: 0"), "{}", r.stdout);
}

#[test]
fn invalid_spec_lists_every_problem_with_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("r.yaml"), REPORT).unwrap();
    fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/specs/invalid-collected.yaml"
        ),
        dir.join("bad.yaml"),
    )
    .unwrap();
    let r = run_in(dir, &["show", "r.yaml", "--spec", "bad.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.yaml:14:19: unknown lifetime"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "bad.yaml:30:14: version \"v1\" is defined more than once [duplicate-version]"
        ),
        "{}",
        r.stderr
    );
}

/// Upstream's runner checks IaaS and KaaS in one run and writes one document per scope into one
/// file; this one is made from the scope specs built into the tools, for `example-cloud` on
/// 2026-11-02: every IaaS testcase of the certifiable version passes; the first KaaS testcase
/// passes and, with `kaas_fails`, the second fails and the rest have no result.
fn combined_report(kaas_fails: bool) -> String {
    use scs_cert::{demo, seed, spec::Spec};
    let checked_at = chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
        .unwrap()
        .and_hms_opt(6, 0, 0)
        .unwrap();
    let mut out = String::new();
    for (n, text) in [(1, seed::IAAS_SPEC), (2, seed::KAAS_SPEC)] {
        let spec = Spec::load(text, "seed").unwrap();
        let version = demo::certifiable_version(&spec, checked_at.date()).unwrap();
        let fails = kaas_fails && n == 2;
        out.push_str(&demo::report_document(
            &spec,
            version,
            "example-cloud",
            n,
            checked_at,
            |i, _| match (fails, i) {
                (false, _) | (true, 0) => Some(1),
                (true, 1) => Some(-1),
                (true, _) => None,
            },
        ));
    }
    out
}

/// The command-line cases' combined report (crates/scs-report/tests/cmd/fixtures/combined.yaml)
/// is the one [`combined_report`] makes; `SCS_WRITE_FIXTURES=1` rewrites it.
#[test]
fn the_cli_cases_combined_report_is_generated_here() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/scs-report/tests/cmd/fixtures/combined.yaml");
    let text = combined_report(true);
    if std::env::var_os("SCS_WRITE_FIXTURES").is_some() {
        fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text,
        "out of date (rewrite with SCS_WRITE_FIXTURES=1 cargo test --test tests cli_report)"
    );
}

/// Issue 13 item 9: `show` gates CI. Without --spec the built-in specs are chosen per document
/// by scope uuid; the first lines are the verdicts; exit 0 when every document's scope has a
/// passing certifiable version, 1 when one has none.
#[test]
fn show_gates_ci_on_a_combined_iaas_and_kaas_report_without_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("pass.yaml"), combined_report(false)).unwrap();
    fs::write(dir.join("fail.yaml"), combined_report(true)).unwrap();

    let pass = run_in(dir, &["show", "pass.yaml"]);
    assert_eq!(pass.code, 0, "{}{}", pass.stdout, pass.stderr);
    let lines: Vec<&str> = pass.stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "PASS: SCS-compatible IaaS for example-cloud (document 1): v5.1 (effective) main",
            "PASS: SCS-compatible KaaS for example-cloud (document 2): v1 (effective) main",
        ],
        "{}",
        pass.stdout
    );

    let fail = run_in(dir, &["show", "fail.yaml"]);
    assert_eq!(fail.code, 1, "{}{}", fail.stdout, fail.stderr);
    let lines: Vec<&str> = fail.stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "PASS: SCS-compatible IaaS for example-cloud (document 1): v5.1 (effective) main",
            "FAIL: SCS-compatible KaaS for example-cloud (document 2): v1 (effective) main: 1 failing, 1 missing",
        ],
        "{}",
        fail.stdout
    );

    // The same verdicts in the JSON records, and the same exit status.
    let json = run_in(dir, &["show", "--json", "fail.yaml"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let docs = json_lines(&json.stdout);
    assert_eq!(
        (
            docs[0]["compliant"].as_bool(),
            docs[1]["compliant"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(docs[1]["scope_name"], "SCS-compatible KaaS");
    assert_eq!(docs[1]["versions"][0]["compliant"], false);

    // The IaaS spec alone judges the IaaS document and cannot answer for the KaaS one.
    let iaas_only = run_in(
        dir,
        &[
            "show",
            "fail.yaml",
            "--spec",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/registry/scopes/scs-compatible-iaas.yaml"
            ),
        ],
    );
    assert_eq!(iaas_only.code, 2);
    assert_eq!(iaas_only.stdout, "");
    assert!(
        iaas_only
            .stderr
            .contains("document 2 of fail.yaml is for scope 1fffebe6-fd4b-44d3-a36c-fc58b4bb0180"),
        "{}",
        iaas_only.stderr
    );
    // Both specs given: the same answer as the built-in ones.
    let both = run_in(
        dir,
        &[
            "show",
            "fail.yaml",
            "--spec",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/registry/scopes/scs-compatible-kaas.yaml"
            ),
            "--spec",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/registry/scopes/scs-compatible-iaas.yaml"
            ),
        ],
    );
    assert_eq!((both.code, &both.stdout), (1, &fail.stdout));
}

/// A document whose scope uuid matches no spec, given or built in, leaves the file
/// unanswered (exit 2), naming the uuid.
#[test]
fn show_of_an_unknown_scope_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("r.yaml"), REPORT).unwrap();
    let r = run_in(dir, &["show", "r.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("document 1 of r.yaml is for scope 5e2c1d3a-0f4b-4c7e-9a61-2b8d7f0e4c11"),
        "{}",
        r.stderr
    );
}

/// Two specs of one scope: which judges is ambiguous, so show does not answer.
#[test]
fn show_refuses_two_specs_of_one_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("spec.yaml"), SPEC).unwrap();
    fs::write(dir.join("again.yaml"), SPEC).unwrap();
    fs::write(dir.join("r.yaml"), REPORT).unwrap();
    let r = run_in(
        dir,
        &[
            "show",
            "r.yaml",
            "--spec",
            "spec.yaml",
            "--spec",
            "again.yaml",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "spec.yaml and again.yaml are both scope 5e2c1d3a-0f4b-4c7e-9a61-2b8d7f0e4c11"
        ),
        "{}",
        r.stderr
    );
}

/// Issue 13 item 10: the `.pub` file beside a key made by ssh-keygen, given to `sign`, is named
/// for what it is in one line (it used to be "PEM preamble contains invalid data" four times);
/// the private file beside it signs.
#[test]
fn sign_with_the_public_key_of_an_ssh_keygen_pair_says_so_once() {
    let Some(keygen) = tools::require("ssh-keygen") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("report.yaml"), REPORT).unwrap();
    tools::succeed(
        Command::new(keygen)
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "ci", "-f", "ci-key"])
            .current_dir(dir),
    );
    let r = run_in(dir, &["sign", "-k", "ci-key.pub", "report.yaml"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "scs-report: error: ci-key.pub is a public key; pass the private key file (without .pub)\n"
    );
    assert!(!dir.join("report.yaml.sig").exists());
    let r = run_in(dir, &["sign", "-k", "ci-key", "report.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Issue 13 item 10: `verify` names who signed, and a delegate as one; a key not allowed for a
/// subject is told which keys (and delegates) the subject has. The same from a bootstrap file
/// and from the subject records made of it (whose allowed-signers lines do not say whose a key
/// is).
#[test]
fn verify_names_the_signer_and_the_delegation_and_a_refused_key_the_subjects_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys");
    for k in ["alice", "bob", "carol"] {
        fs::copy(format!("{keys}/{k}"), dir.join(k)).unwrap();
        fs::set_permissions(dir.join(k), fs::Permissions::from_mode(0o600)).unwrap();
    }
    let bootstrap_text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trust/bootstrap.yaml"
    ))
    .unwrap();
    fs::write(dir.join("bootstrap.yaml"), &bootstrap_text).unwrap();
    let bootstrap = scs_cert::trust::Bootstrap::parse(&bootstrap_text, "bootstrap").unwrap();
    fs::create_dir(dir.join("subjects")).unwrap();
    let at = scs_cert::time::parse_instant("2026-01-01T00:00:00Z").unwrap();
    for r in scs_cert::subject::record::from_bootstrap(&bootstrap, at) {
        fs::write(
            dir.join(format!("subjects/{}.yaml", r.subject)),
            r.to_yaml().unwrap(),
        )
        .unwrap();
    }
    let for_alice = REPORT.replace(SUBJECT_A, "alice-cloud");
    for (file, key) in [
        ("by-bob.yaml", "bob"),
        ("by-alice.yaml", "alice"),
        ("by-carol.yaml", "carol"),
    ] {
        fs::write(dir.join(file), &for_alice).unwrap();
        assert_eq!(run_in(dir, &["sign", "-k", key, file]).code, 0);
    }
    fs::write(
        dir.join("bob-for-carol.yaml"),
        REPORT.replace(SUBJECT_A, "carol-cloud"),
    )
    .unwrap();
    assert_eq!(
        run_in(dir, &["sign", "-k", "bob", "bob-for-carol.yaml"]).code,
        0
    );
    let fingerprint = |k: &str| {
        let line = fs::read_to_string(format!("{keys}/{k}.pub")).unwrap();
        scs_cert::sig::Fingerprint::of(&ssh_key::PublicKey::from_openssh(line.trim()).unwrap())
            .to_string()
    };
    let (alice_fp, bob_fp, carol_fp) = (
        fingerprint("alice"),
        fingerprint("bob"),
        fingerprint("carol"),
    );

    let records = [
        "--subject-record",
        "subjects/alice-cloud.yaml",
        "--subject-record",
        "subjects/bob-ci.yaml",
    ];
    for trust in [&["--bootstrap", "bootstrap.yaml"][..], &records[..]] {
        let mut args = vec!["verify", "--at", "2026-09-01"];
        args.extend_from_slice(trust);
        args.extend([
            "by-bob.yaml",
            "by-alice.yaml",
            "by-carol.yaml",
            "bob-for-carol.yaml",
        ]);
        let r = run_in(dir, &args);
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(
            lines[0],
            format!(
                "valid    by-bob.yaml: 1 document(s) for alice-cloud, signed by bob-ci, a delegate of alice-cloud ({bob_fp})"
            ),
            "{trust:?}"
        );
        assert_eq!(
            lines[1],
            format!(
                "valid    by-alice.yaml: 1 document(s) for alice-cloud, signed by alice-cloud ({alice_fp})"
            ),
            "{trust:?}"
        );
        assert_eq!(
            lines[2],
            format!(
                "invalid  by-carol.yaml: key unknown: {carol_fp} is not bound to any subject (alice-cloud's keys: {alice_fp} (delegates: bob-ci))"
            ),
            "{trust:?}"
        );
        assert_eq!(
            lines[3],
            format!(
                "invalid  bob-for-carol.yaml: key not allowed for the subject of at least one document; document 1 (subject carol-cloud): key {bob_fp} may not sign for subject carol-cloud (carol-cloud has no key here)"
            ),
            "{trust:?}"
        );

        args.insert(1, "--json");
        let recs = json_lines(&run_in(dir, &args).stdout);
        assert_eq!(recs[0]["documents"][0]["delegate"], "bob-ci");
        assert_eq!(recs[1]["documents"][0]["delegate"], serde_json::Value::Null);
        assert_eq!(
            recs[2]["known_signers"],
            serde_json::json!([{"subject": "alice-cloud", "keys": [alice_fp], "delegates": ["bob-ci"]}])
        );
        assert_eq!(recs[1]["known_signers"], serde_json::json!([]));
    }
}

/// The README's CI recipe, run as written (`sh -e`), with `scs-report` on PATH and a stand-in
/// `curl` that keeps its arguments and the body it was given: the key from a secret lands in
/// a 0600 file and is removed, the body verifies, the request is upstream runner's; a failing
/// report stops the job at `show` with nothing uploaded.
#[test]
fn the_readme_ci_recipe_signs_and_uploads_and_gates_on_the_verdicts() {
    let readme = include_str!("../README.md");
    let block: String = readme
        .split("### Signing and uploading in CI")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .unwrap()
        .to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bin = dir.join("bin");
    fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(EXE, bin.join("scs-report")).unwrap();
    // The stand-in keeps each argument on a line and the body the `@file` names.
    fs::write(
        bin.join("curl"),
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; case \"$a\" in @*) cp \"${a#@}\" uploaded.body;; esac; done > curl.args\n",
    )
    .unwrap();
    fs::set_permissions(bin.join("curl"), fs::Permissions::from_mode(0o755)).unwrap();
    let run = |report: &str| {
        let job = dir.join(report);
        fs::create_dir(&job).unwrap();
        assert_eq!(
            run_in(&job, &["keygen", "-o", "made-key", "-C", "ci"]).code,
            0
        );
        let secret = fs::read_to_string(job.join("made-key")).unwrap();
        let public = fs::read_to_string(job.join("made-key.pub")).unwrap();
        fs::write(job.join("allowed"), format!("example-cloud {public}")).unwrap();
        fs::write(
            job.join("report.yaml"),
            combined_report(report == "failing"),
        )
        .unwrap();
        let mut path = bin.clone().into_os_string();
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        let out = Command::new("sh")
            .args(["-e", "-c", &block])
            .current_dir(&job)
            .env("PATH", path)
            .env("SCS_REPORT_KEY", secret.trim_end())
            .env("SCS_MONITOR_TOKEN", "ZXhhbXBsZS1jbG91ZDpzZWNyZXQ=")
            .env("SCS_MONITOR_URL", "https://monitor.invalid")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (job, out)
    };

    let (job, out) = run("passing");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!job.join("ci-key").exists(), "the key file is removed");
    let args = fs::read_to_string(job.join("curl.args")).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "--fail-with-body",
            "--data-binary",
            "@report.yaml.body",
            "-H",
            "Content-Type: application/x-signed-yaml",
            "-H",
            "Authorization: Basic ZXhhbXBsZS1jbG91ZDpzZWNyZXQ=",
            "https://monitor.invalid/reports",
        ]
    );
    let r = run_in(
        &job,
        &[
            "verify",
            "--body",
            "--allowed-signers",
            "allowed",
            "uploaded.body",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    let (job, out) = run("failing");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\nFAIL: SCS-compatible KaaS"));
    assert!(!job.join("uploaded.body").exists());
    assert!(
        !job.join("ci-key").exists(),
        "the gate comes before the key"
    );
}

/// The README's "Try it by hand" block, run as written (`sh -e`) after the build it starts
/// with: the binaries of this build stand in for `target/release/`, the report is one the
/// operator's CI would have written, and the spec path is the one a checkout has.
#[test]
fn the_readme_try_it_by_hand_block_runs_as_written() {
    if tools::require("ssh-keygen").is_none() {
        return;
    }
    let readme = include_str!("../README.md");
    let block = scs_testkit::readme::sh_blocks(readme)
        .into_iter()
        .find(|b| b.first().is_some_and(|l| l == "cargo build --release"))
        .expect("the README's try-it-by-hand block");
    let bin = Path::new(EXE).parent().unwrap().display().to_string();
    let script: Vec<String> = block[1..]
        .iter()
        .map(|l| l.replace("target/release", &bin))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("report.yaml"),
        scs_testkit::registry::report("my-cloud", 1, "2026-03-01 10:00:00", None),
    )
    .unwrap();
    fs::create_dir_all(dir.join("registry/scopes")).unwrap();
    fs::write(
        dir.join("registry/scopes/scs-compatible-iaas.yaml"),
        scs_cert::seed::IAAS_SPEC,
    )
    .unwrap();
    let out = Command::new("sh")
        .args(["-e", "-x", "-c", &script.join("\n")])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Good \"report\" signature for my-cloud"),
        "{said}"
    );
    assert!(said.contains("PASS: SCS-compatible IaaS"), "{said}");
}
