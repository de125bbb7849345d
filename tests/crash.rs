//! A writer killed with SIGKILL at points spread over its run — before it takes the lock,
//! while it writes the archive, the journal, the objects, the ref — for every command that
//! changes the registry: ingest, issue, renew, suspend, withdraw, crl, manual record. After
//! each kill, `registry recover` brings the registry back, `registry verify` passes, and the
//! command run again is not blocked by what the dead writer left.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::cli;
use scs_testkit::registry;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use cli::cert;

/// Kill points per command: the run is cut at `i / KILLS` of its usual length.
const KILLS: u32 = 12;

/// A registry with subject cloud-a, the example manual scope, a signed report ready to
/// ingest and a certificate issued 2026-01-10 (so that it is within its renewal period).
fn template() -> &'static (tempfile::TempDir, PathBuf, String) {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf, String)> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let (t, dir) = registry::setup();
        let scope = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/specs/example-manual.yaml"
        );
        assert_eq!(cert(&dir, &["scope", "add", scope]).code, 0);
        let r = cert(
            &dir,
            &[
                "issue",
                "cloud-a",
                "--scope",
                "scs-compatible-iaas",
                "--version",
                "v5.1",
                "--at",
                "2026-01-10",
                "--override",
                "a certificate to act on",
            ],
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let id = r.stdout.trim().to_owned();
        registry::write_signed(
            &dir,
            "r.yaml",
            &registry::report("cloud-a", 1, "2026-03-01 10:00:00", None),
            "a",
        );
        (t, dir, id)
    })
}

/// The changing commands, with their arguments (`{ID}` is the template's certificate).
fn commands(id: &str) -> Vec<Vec<String>> {
    let v = |args: &[&str]| -> Vec<String> { args.iter().map(|a| a.replace("{ID}", id)).collect() };
    vec![
        v(&["ingest", "--received-at", "2026-03-01T11:00:00Z", "r.yaml"]),
        v(&[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--override",
            "crash test",
        ]),
        v(&["renew", "{ID}", "--override", "crash test"]),
        v(&["suspend", "{ID}", "--reason", "crash test"]),
        v(&["withdraw", "{ID}", "--reason", "crash test"]),
        v(&["crl", "--next-update", "3d"]),
        v(&[
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
        ]),
    ]
}

fn spawn(dir: &Path, args: &[String]) -> std::process::Child {
    Command::new(registry::CERT)
        .arg("--registry")
        .arg("reg")
        .args(args)
        .current_dir(dir)
        .env_remove("SCS_REGISTRY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// How long the command takes when left alone.
fn usual_length(args: &[String]) -> Duration {
    let (_, from, _) = template();
    let tmp = tempfile::tempdir().unwrap();
    registry::copy_dir(from, tmp.path());
    let start = Instant::now();
    let status = spawn(tmp.path(), args).wait().unwrap();
    assert!(status.success(), "{args:?} fails on its own: {status}");
    start.elapsed()
}

#[test]
fn a_writer_killed_anywhere_leaves_a_registry_that_recovers_and_verifies() {
    let (_, from, id) = template();
    for args in commands(id) {
        let length = usual_length(&args);
        for i in 0..=KILLS {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            registry::copy_dir(from, dir);
            let mut child = spawn(dir, &args);
            std::thread::sleep(length * i / KILLS);
            // SIGKILL on Unix: no destructor, no cleanup runs.
            let _ = child.kill();
            let _ = child.wait();
            let what = format!("{args:?} killed at {i}/{KILLS} of {length:?}");
            let r = cert(dir, &["registry", "recover"]);
            assert_eq!(r.code, 0, "{what}: recover: {}{}", r.stdout, r.stderr);
            let r = cert(dir, &["registry", "verify"]);
            assert_eq!(r.code, 0, "{what}: verify: {}{}", r.stdout, r.stderr);
            // Run again: it completes, or refuses on the merits (it had completed), never
            // because of the dead writer.
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let again = cert(dir, &argv);
            assert!(
                (0..=2).contains(&again.code)
                    && !again.stderr.contains("registry recover")
                    && !again.stderr.contains("panicked"),
                "{what}: again: {}{}",
                again.stdout,
                again.stderr
            );
            let r = cert(dir, &["registry", "verify"]);
            assert_eq!(r.code, 0, "{what}: verify again: {}{}", r.stdout, r.stderr);
        }
    }
}
