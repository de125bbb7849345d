//! Running the project's binaries in a test: exit code and both streams, in a given folder,
//! with no registry from the environment and no colour; `--json` output is checked against
//! the published schemas.

use std::path::Path;
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `exe` with `args` in `dir`, stdin closed.
pub fn run(exe: &str, dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .env_remove("SCS_REGISTRY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {exe}: {e}"));
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    // Every --json answer is judged against the published schemas, whatever the test checks.
    if args.contains(&"--json") {
        crate::schema::json_lines(&run.stdout);
    }
    run
}

/// `scs-cert --registry reg ARGS` in `dir`.
pub fn cert(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--registry", "reg"];
    all.extend_from_slice(args);
    run(crate::CERT, dir, &all)
}
