//! Every command of both binaries answers `--help` (exit 0, no panic), and the commands that
//! once panicked on a clap clash run (issue 10.2).

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

#[path = "support/cli.rs"]
mod cli;

use cli::{cert, run};

use std::fs;
use std::path::Path;

const CERT: &str = env!("CARGO_BIN_EXE_scs-cert");
const REPORT: &str = env!("CARGO_BIN_EXE_scs-report");

/// The subcommand names listed under "Commands:" in a help text (`help` itself excluded).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // wrapped description lines
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|n| n != "help")
        .collect()
}

/// Runs `--help` on `path` and on each subcommand below it; returns how many were run.
fn walk(exe: &str, dir: &Path, path: &mut Vec<String>) -> usize {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let r = run(exe, dir, &args);
    let shown = format!("{exe} {}", args.join(" "));
    assert_eq!(r.code, 0, "{shown}: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{shown}: {}", r.stderr);
    let mut n = 1;
    for sub in subcommands(&r.stdout) {
        path.push(sub);
        n += walk(exe, dir, path);
        path.pop();
    }
    n
}

#[test]
fn every_command_answers_help() {
    let tmp = tempfile::tempdir().unwrap();
    for (exe, at_least) in [(CERT, 20), (REPORT, 4)] {
        let n = walk(exe, tmp.path(), &mut Vec::new());
        assert!(n >= at_least, "{exe}: only {n} commands found");
    }
}

/// `subject key add SUBJECT KEY` panicked: its positional `key` clashed with the global `--key`.
#[test]
fn subject_key_add_binds_a_key_given_as_line_or_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert_eq!(run(CERT, dir, &["init", "reg"]).code, 0);
    assert_eq!(cert(dir, &["subject", "add", "cloud-a"]).code, 0);
    for name in ["a", "b"] {
        assert_eq!(run(REPORT, dir, &["keygen", "-o", name]).code, 0);
    }
    let line = fs::read_to_string(dir.join("a.pub")).unwrap();
    let r = cert(dir, &["subject", "key", "add", "cloud-a", line.trim()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = cert(
        dir,
        &["subject", "key", "add", "cloud-a", "b.pub", "--name", "ci"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let allowed = cert(dir, &["subject", "allowed-signers"]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    let keys = allowed.stdout.lines().filter(|l| l.starts_with("cloud-a "));
    assert_eq!(keys.count(), 2, "{}", allowed.stdout);
}
