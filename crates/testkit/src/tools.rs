//! Finding external tools for interop tests: a missing tool fails the test when `CI` is set,
//! and gives a visible skip note otherwise (never a silent pass).

use std::path::PathBuf;

/// Path of `name` on PATH, or `None` (after a skip note) when it is missing and `CI` is unset.
///
/// # Panics
///
/// When the tool is missing and `CI` is set.
pub fn require(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    match found {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => panic!("{name} not found and CI is set"),
        None => {
            eprintln!("SKIP: {name} not found in PATH; interop test not run");
            None
        }
    }
}

/// The upstream fixtures folder (`../shared/fixtures`), or `None` (after a skip note) when it is
/// missing and `CI` is unset.
///
/// # Panics
///
/// When the folder is missing and `CI` is set.
#[allow(dead_code, reason = "not every test crate reads upstream fixtures")]
pub fn shared_fixtures() -> Option<PathBuf> {
    // This crate is crates/testkit of the workspace, which lies beside ../shared.
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures"
    ));
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("CI").is_some() {
        panic!("{} is missing and CI is set", dir.display());
    } else {
        eprintln!(
            "SKIP: {} not found; upstream-data test not run",
            dir.display()
        );
        None
    }
}

/// Runs `command` and returns its output, failing the test with the command line and its
/// stderr when it does not exit 0 (what a test means by "the real tool accepts this").
///
/// # Panics
///
/// When the command cannot start or exits with another status.
pub fn succeed(command: &mut std::process::Command) -> std::process::Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} could not start: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
