//! `scs-cert registry recover` after a crash: a writer killed with SIGKILL leaves its lock
//! file; every other writer names `scs-cert registry recover`, which sees that the holder is
//! gone (the OS lock died with it) and clears the lock. A holder that still runs is never
//! pushed aside.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::cli;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use cli::{Run, cert, run};
use scs_registry::Registry;

const CERT: &str = scs_testkit::CERT;
/// Set in the child: the registry whose lock it takes and holds until killed.
const HOLDER_ENV: &str = "SCS_TEST_LOCK_HOLDER";

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

/// Not a test: the body of the child process that holds the writer lock. It runs only when
/// the parent starts this test binary with [`HOLDER_ENV`] set.
#[test]
#[ignore = "run as a child process by the lock tests"]
fn lock_holder_child() {
    let Some(dir) = std::env::var_os(HOLDER_ENV) else {
        return;
    };
    let registry = Registry::open(Path::new(&dir)).unwrap();
    let _change = registry.begin().unwrap();
    println!("locked {}", std::process::id());
    std::thread::sleep(std::time::Duration::from_secs(120));
}

/// A child process holding the lock of `dir/reg`, once it says so.
fn holder(dir: &Path) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "registry_recover::lock_holder_child",
            "--ignored",
            "--nocapture",
        ])
        .env(HOLDER_ENV, dir.join("reg"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let locked = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.starts_with("locked "));
    assert!(locked, "the child did not take the lock");
    child
}

fn init() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    ok(run(CERT, &dir, &["init", "reg"]));
    (tmp, dir)
}

/// Issue 10.5: a writer killed with kill -9 does not block the registry for ever.
#[test]
fn a_lock_left_by_a_killed_writer_is_cleared_by_recover() {
    let (_t, dir) = init();
    let mut child = holder(&dir);
    let pid = child.id().to_string();
    // While the holder runs, writers wait and recover does not take the lock away.
    let r = cert(&dir, &["crl"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(&pid), "{}", r.stderr);
    let r = cert(&dir, &["registry", "recover"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("is working on it"), "{}", r.stderr);

    // kill -9: no destructor, no cleanup; the lock file stays behind.
    child.kill().unwrap(); // SIGKILL on unix
    child.wait().unwrap();
    assert!(dir.join("reg/.git/scs-cert.lock").exists());
    let r = cert(&dir, &["crl"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("scs-cert registry recover") && r.stderr.contains(&pid),
        "{}",
        r.stderr
    );
    let r = ok(cert(&dir, &["registry", "recover"]));
    assert!(
        r.stderr.contains("stale lock") && r.stderr.contains(&pid),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(!dir.join("reg/.git/scs-cert.lock").exists());
    ok(cert(&dir, &["crl"]));
    ok(cert(&dir, &["registry", "verify"]));
    let r = ok(cert(&dir, &["registry", "recover"]));
    assert!(r.stderr.contains("nothing to recover"), "{}", r.stderr);
}
