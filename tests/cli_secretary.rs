//! `scs-cert` as the secretary runs it: init, subjects, ingest (with every rejection), status,
//! eligible; commits judged by the real git.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::cli;
use scs_testkit::registry;
use scs_testkit::schema::json_lines;
use scs_testkit::tools;

use cli::{cert, run};

use std::fs;
use std::path::Path;
use std::process::Command;

use registry::{CERT, IAAS, REPORT, report, setup, write_signed};

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(tools::require("git").unwrap())
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap()
}

#[test]
fn init_makes_commits_that_plain_git_verifies_and_keeps_the_key_out() {
    if tools::require("git").is_none() {
        return;
    }
    let (_t, dir) = setup();
    let reg = dir.join("reg");
    for rev in ["HEAD", "HEAD~1"] {
        let out = git(
            &reg,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                "gpg.ssh.allowedSignersFile=keys/allowed_signers",
                "verify-commit",
                rev,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("Good \"git\" signature"));
    }
    // The private key is in no commit.
    let out = git(&reg, &["log", "--all", "-p"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("PRIVATE KEY"));
    let tracked = git(&reg, &["ls-files"]);
    let tracked = String::from_utf8_lossy(&tracked.stdout).into_owned();
    assert!(
        tracked.contains("forum.toml")
            && tracked.contains("scopes/scs-compatible-iaas.yaml")
            && tracked.contains("subjects/cloud-a.yaml"),
        "{tracked}"
    );
    // A second init into the same directory refuses.
    assert_eq!(run(CERT, &dir, &["init", "reg"]).code, 2);
}

#[test]
fn ingest_accepts_once_and_rejects_each_bad_file_with_its_reason() {
    let (_t, dir) = setup();
    write_signed(
        &dir,
        "good.yaml",
        &report("cloud-a", 1, "2026-03-01 10:00:00", None),
        "a",
    );
    // Future-dated: checked two hours after the declared receipt.
    write_signed(
        &dir,
        "future.yaml",
        &report("cloud-a", 2, "2026-03-01 13:00:00", None),
        "a",
    );
    // Unknown subject.
    write_signed(
        &dir,
        "stranger.yaml",
        &report("cloud-z", 3, "2026-03-01 10:00:00", None),
        "a",
    );
    // Same run uuid as good.yaml, different content.
    write_signed(
        &dir,
        "dup.yaml",
        &report("cloud-a", 1, "2026-03-01 10:30:00", None),
        "a",
    );
    // Tampered after signing.
    write_signed(
        &dir,
        "tampered.yaml",
        &report("cloud-a", 4, "2026-03-01 10:00:00", None),
        "a",
    );
    let t = fs::read_to_string(dir.join("tampered.yaml"))
        .unwrap()
        .replacen(": 1\n", ": 0\n", 1);
    fs::write(dir.join("tampered.yaml"), t).unwrap();
    // Signed by a key bound to nobody.
    run(REPORT, &dir, &["keygen", "-o", "b"]);
    write_signed(
        &dir,
        "foreign.yaml",
        &report("cloud-a", 5, "2026-03-01 10:00:00", None),
        "b",
    );

    let head_before = git(&dir.join("reg"), &["rev-parse", "HEAD"]).stdout;
    let r = cert(
        &dir,
        &[
            "ingest",
            "--json",
            "--received-at",
            "2026-03-01T11:00:00Z",
            "good.yaml",
            "future.yaml",
            "stranger.yaml",
            "dup.yaml",
            "tampered.yaml",
            "foreign.yaml",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let recs = json_lines(&r.stdout);
    let outcomes: Vec<(&str, &str)> = recs
        .iter()
        .map(|v| {
            (
                v["outcome"].as_str().unwrap(),
                v["problem"]["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("ingested", ""),
            ("rejected", "future-dated"),
            ("rejected", "unknown-subject"),
            ("rejected", "duplicate-run"),
            ("rejected", "bad-signature"),
            ("rejected", "key-unknown"),
        ]
    );
    // One commit for the call.
    let log = git(
        &dir.join("reg"),
        &[
            "rev-list",
            "--count",
            &format!("{}..HEAD", String::from_utf8_lossy(&head_before).trim()),
        ],
    );
    assert_eq!(String::from_utf8_lossy(&log.stdout).trim(), "1");
    // The archive holds the exact signed body.
    let sha = recs[0]["sha256"].as_str().unwrap();
    let object = dir.join("reg/archive/sha256").join(&sha[..2]).join(sha);
    let body = fs::read(&object).unwrap();
    assert!(body.ends_with(fs::read(dir.join("good.yaml")).unwrap().as_slice()));
    assert_eq!(scs_registry::ledger::sha256_hex(&body), sha);

    // Re-ingesting the same file is a no-op, not an error, and makes no commit.
    let before = git(&dir.join("reg"), &["rev-parse", "HEAD"]).stdout;
    let r = cert(
        &dir,
        &[
            "ingest",
            "--received-at",
            "2026-03-01T11:00:00Z",
            "good.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("already in the registry"), "{}", r.stdout);
    assert_eq!(git(&dir.join("reg"), &["rev-parse", "HEAD"]).stdout, before);
}

#[test]
fn retired_keys_sign_nothing_after_retirement() {
    let (_t, dir) = setup();
    let fp = {
        let r = run("ssh-keygen", &dir, &["-l", "-f", "a.pub"]);
        if r.code != 0 {
            return;
        }
        r.stdout.split_whitespace().nth(1).unwrap().to_owned()
    };
    assert_eq!(
        cert(
            &dir,
            &[
                "subject",
                "key",
                "retire",
                "cloud-a",
                &fp,
                "--at",
                "2026-04-01"
            ]
        )
        .code,
        0
    );
    write_signed(
        &dir,
        "before.yaml",
        &report("cloud-a", 10, "2026-03-20 10:00:00", None),
        "a",
    );
    write_signed(
        &dir,
        "after.yaml",
        &report("cloud-a", 11, "2026-04-02 10:00:00", None),
        "a",
    );
    assert_eq!(
        cert(
            &dir,
            &[
                "ingest",
                "--received-at",
                "2026-03-20T10:05:00Z",
                "before.yaml"
            ]
        )
        .code,
        0
    );
    let r = cert(
        &dir,
        &[
            "ingest",
            "--json",
            "--received-at",
            "2026-04-02T10:05:00Z",
            "after.yaml",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        json_lines(&r.stdout)[0]["problem"]["code"],
        "not-allowed-for-subject"
    );
}

#[test]
fn status_and_eligibility_follow_the_evidence() {
    let (_t, dir) = setup();
    // Daily reports over 30 days; one FAIL on day 20.
    let mut names = Vec::new();
    for day in 1..=30u32 {
        let fail = (day == 20).then_some("scs-0100-syntax-check");
        let name = format!("r{day:02}.yaml");
        write_signed(
            &dir,
            &name,
            &report(
                "cloud-a",
                100 + day,
                &format!("2026-05-{day:02} 06:00:00"),
                fail,
            ),
            "a",
        );
        names.push(name);
    }
    for name in &names {
        let day = &name[1..3];
        let r = cert(
            &dir,
            &[
                "ingest",
                "--received-at",
                &format!("2026-05-{day}T06:10:00Z"),
                name,
            ],
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    let r = cert(&dir, &["status", "--json", "--at", "2026-05-30T12:00:00Z"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = &json_lines(&r.stdout)[0];
    assert_eq!(
        (
            s["type"].as_str(),
            s["subject"].as_str(),
            s["scope"].as_str()
        ),
        (Some("status"), Some("cloud-a"), Some(IAAS))
    );
    let v51 = s["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == "v5.1")
        .unwrap();
    assert_eq!(v51["targets"]["main"], "PASS");
    assert_eq!(v51["validity"], "effective");
    let r51 = &s["results"]["scs-0100-syntax-check"];
    assert_eq!(r51["verdict"], "PASS");
    assert_eq!(r51["report"], "11111111-2222-4333-8444-000000000130");
    assert!(!s["compliance"]["v5.1"].as_array().unwrap().is_empty());

    // At day 20 the FAIL is in force.
    let r = cert(
        &dir,
        &[
            "status",
            "--json",
            "--at",
            "2026-05-20T12:00:00Z",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
        ],
    );
    let s = &json_lines(&r.stdout)[0];
    let v51 = s["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == "v5.1")
        .unwrap();
    assert_eq!(v51["targets"]["main"], "FAIL");

    // Eligible over a 5-day window after the failure; not over 28 days; reasons name the run.
    let ok = cert(
        &dir,
        &[
            "eligible",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--at",
            "2026-05-30T12:00:00Z",
            "--window",
            "5d",
        ],
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let no = cert(
        &dir,
        &[
            "eligible",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--version",
            "v5.1",
            "--at",
            "2026-05-30T12:00:00Z",
            "--json",
        ],
    );
    assert_eq!(no.code, 1, "{}", no.stdout);
    let d = &json_lines(&no.stdout)[0];
    assert_eq!(d["eligible"], false);
    let reason = &d["reasons"][0];
    assert_eq!(
        (reason["testcase"].as_str(), reason["finding"].as_str()),
        (Some("scs-0100-syntax-check"), Some("FAIL"))
    );
    assert_eq!(
        reason["report"]["run"],
        "11111111-2222-4333-8444-000000000120"
    );
    // Unknown version: could not decide.
    let bad = cert(
        &dir,
        &[
            "eligible",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--version",
            "v99",
            "--at",
            "2026-05-30",
        ],
    );
    assert_eq!(bad.code, 2);
    // Reproducible: asking about the past ignores reports received later.
    let early = cert(&dir, &["status", "--json", "--at", "2026-05-10T06:05:00Z"]);
    let s = &json_lines(&early.stdout)[0];
    assert_eq!(
        s["results"]["scs-0100-syntax-check"]["report"],
        "11111111-2222-4333-8444-000000000109"
    );
}

#[test]
fn subjects_import_from_a_bootstrap_file_in_any_order() {
    let (_t, dir) = setup();
    let bootstrap = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trust/bootstrap.yaml"
    );
    let r = cert(
        &dir,
        &[
            "subject",
            "import",
            bootstrap,
            "--keys-valid-from",
            "2026-01-01",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = cert(&dir, &["subject", "show", "alice-cloud"]);
    assert!(
        show.stdout.contains("  delegates       bob-ci"),
        "{}",
        show.stdout
    );
    // The generated allowed_signers lets bob-ci's key sign for alice-cloud, as ssh-keygen sees it.
    let allowed = cert(&dir, &["subject", "allowed-signers"]);
    assert!(
        allowed
            .stdout
            .lines()
            .any(|l| l.starts_with("alice-cloud,bob-ci ") || l.starts_with("bob-ci,alice-cloud ")),
        "{}",
        allowed.stdout
    );
    if let Some(fixtures) = tools::shared_fixtures() {
        let r = cert(
            &dir,
            &[
                "subject",
                "import",
                fixtures.join("scs/bootstrap.yaml").to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let list = cert(&dir, &["subject", "list"]);
        assert!(list.stdout.contains("regio-a"), "{}", list.stdout);
    }
}

#[test]
fn a_second_writer_is_refused_while_the_lock_is_held() {
    let (_t, dir) = setup();
    let lock = dir.join("reg/.git/scs-cert.lock");
    fs::write(&lock, "pid 1\n").unwrap();
    let r = cert(&dir, &["subject", "add", "cloud-b"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("lock"), "{}", r.stderr);
    fs::remove_file(&lock).unwrap();
    assert_eq!(cert(&dir, &["subject", "add", "cloud-b"]).code, 0);
}

#[test]
fn scope_add_keeps_bytes_and_needs_replace() {
    let (_t, dir) = setup();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/example-iaas.yaml"
    );
    assert_eq!(cert(&dir, &["scope", "add", spec]).code, 0);
    let stored = fs::read(dir.join("reg/scopes/example-iaas.yaml")).unwrap();
    assert_eq!(stored, fs::read(spec).unwrap());
    let again = cert(&dir, &["scope", "add", spec]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("--replace"), "{}", again.stderr);
    let list = cert(&dir, &["scope", "list"]);
    assert!(list.stdout.contains("example-iaas") && list.stdout.contains("scs-compatible-kaas"));
}

#[test]
fn demo_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(CERT, tmp.path(), &["demo", "--dir", "d"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ELIGIBLE demo-cloud-a"), "{}", r.stdout);
    assert!(
        r.stdout.contains("NOT ELIGIBLE demo-cloud-b"),
        "{}",
        r.stdout
    );
}

/// `args` of `exe` in `dir`, killed and reported if it runs longer than 20 s (a FIFO read
/// blocks for ever).
fn run_bounded(exe: &str, dir: &Path, args: &[&str]) -> cli::Run {
    use std::process::Stdio;
    let mut child = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .env_remove("SCS_REGISTRY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{args:?} blocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    cli::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mkfifo(path: &Path) -> bool {
    let Some(tool) = tools::require("mkfifo") else {
        return false;
    };
    assert!(Command::new(tool).arg(path).status().unwrap().success());
    true
}

/// Issue 10.17: only regular files are read. A FIFO never blocks a command: it is refused with
/// a clear error wherever a file is read (report, signature, keys, record).
#[test]
fn a_fifo_is_refused_and_never_blocks() {
    let (_t, dir) = setup();
    if !mkfifo(&dir.join("pipe.yaml")) {
        return;
    }
    write_signed(
        &dir,
        "good.yaml",
        &report("cloud-a", 1, "2026-03-01T10:00:00", None),
        "a",
    );
    let reg = "reg";
    for args in [
        vec!["--registry", reg, "ingest", "pipe.yaml"],
        vec!["verify", "pipe.yaml", "--keys", "reg/keys/allowed_signers"],
        vec!["verify", "good.yaml", "--keys", "pipe.yaml"],
        vec!["--registry", reg, "scope", "add", "pipe.yaml"],
    ] {
        let r = run_bounded(CERT, &dir, &args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            format!("{}{}", r.stdout, r.stderr).contains("not a regular file"),
            "{args:?}: {}{}",
            r.stdout,
            r.stderr
        );
    }
    // A FIFO where the signature belongs.
    fs::remove_file(dir.join("good.yaml.sig")).unwrap();
    mkfifo(&dir.join("good.yaml.sig"));
    for (exe, args) in [
        (CERT, vec!["--registry", reg, "ingest", "good.yaml"]),
        (
            REPORT,
            vec!["verify", "--allowed-signers", "pipe.yaml", "good.yaml"],
        ),
    ] {
        let r = run_bounded(exe, &dir, &args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            format!("{}{}", r.stdout, r.stderr).contains("not a regular file"),
            "{args:?}: {}{}",
            r.stdout,
            r.stderr
        );
    }
}

/// Issue 10.17: `ingest DIR` says which files it skipped and why.
#[test]
fn ingest_dir_reports_each_skipped_file() {
    let (_t, dir) = setup();
    let d = dir.join("in");
    fs::create_dir(&d).unwrap();
    write_signed(
        &d,
        "good.yaml",
        &report("cloud-a", 1, "2026-03-01T10:00:00", None),
        "../a",
    );
    fs::write(d.join("notes.txt"), "x").unwrap();
    fs::create_dir(d.join("sub.yaml")).unwrap();
    fs::write(d.join("lost.yaml.sig"), "x").unwrap();
    let fifo = mkfifo(&d.join("pipe.yaml"));
    let r = run_bounded(
        CERT,
        &dir,
        &[
            "--registry",
            "reg",
            "ingest",
            "--received-at",
            "2026-03-01T11:00:00Z",
            "in",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("ingested") && all.contains("good.yaml"),
        "{all}"
    );
    for name in ["notes.txt", "sub.yaml", "lost.yaml.sig"] {
        assert!(
            all.lines()
                .any(|l| l.contains("skipped") && l.contains(name)),
            "{name}: {all}"
        );
    }
    if fifo {
        assert!(
            all.lines().any(|l| l.contains("skipped")
                && l.contains("pipe.yaml")
                && l.contains("not a regular file")),
            "{all}"
        );
    }
    assert!(
        !all.lines()
            .any(|l| l.contains("skipped") && l.contains("good.yaml.sig")),
        "a report's own signature is not skipped: {all}"
    );
    let r = run_bounded(
        CERT,
        &dir,
        &[
            "--registry",
            "reg",
            "ingest",
            "--json",
            "--received-at",
            "2026-03-01T11:00:00Z",
            "in",
        ],
    );
    let skipped: Vec<_> = json_lines(&r.stdout)
        .into_iter()
        .filter(|v| v["outcome"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 3 + usize::from(fifo), "{}", r.stdout);
}

/// Issue 10.17: `registry recover` removes temporary files a crashed ingest left in the
/// archive; `registry verify` passes before and after.
#[test]
fn recover_removes_orphan_temporary_files_from_the_archive() {
    let (_t, dir) = setup();
    write_signed(
        &dir,
        "good.yaml",
        &report("cloud-a", 1, "2026-03-01T10:00:00", None),
        "a",
    );
    let r = cert(
        &dir,
        &[
            "ingest",
            "--received-at",
            "2026-03-01T11:00:00Z",
            "good.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sha = "ab".repeat(32);
    let orphan = dir.join(format!("reg/archive/sha256/ab/.{sha}.tmp4294967"));
    fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    fs::write(&orphan, "half").unwrap();
    let r = cert(&dir, &["registry", "recover"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!orphan.exists());
    assert!(r.stderr.contains(".tmp4294967"), "{}", r.stderr);
    let r = cert(&dir, &["registry", "verify"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
