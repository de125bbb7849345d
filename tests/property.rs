//! Random sequences of registry commands, as a hostile or careless secretary might type them:
//! ingest (with odd checked_at and receipts), issue (with and without override), suspend,
//! reinstate, withdraw, renew, crl, manual record, each with valid and invalid instants,
//! durations and reasons. After every step no command panicked, the exit status is one of
//! 0, 1, 2, and `registry verify` passes: whatever is refused leaves nothing behind.
//!
//! Bounded for CI: 64 sequences of up to 12 steps.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::cli;
use scs_testkit::registry;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use cli::cert;

/// Instants as they might be typed: ordinary ones, the calendar's ends, impossible dates,
/// years chrono reads but the registry cannot hold, the far future.
fn instant() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => (1u32..=6, 1u32..=28, 0u32..24).prop_map(|(m, d, h)| format!("2026-{m:02}-{d:02}T{h:02}:00:00Z")),
        1 => Just("0001-01-01".to_owned()),
        1 => Just("9999-12-31T23:59:59Z".to_owned()),
        1 => Just("-0001-01-01".to_owned()),
        1 => Just("+10000-01-01T00:00:00Z".to_owned()),
        1 => Just("2026-02-30".to_owned()),
        1 => Just("2031-01-01".to_owned()),
        1 => Just("".to_owned()),
    ]
}

/// A report's `checked_at`, valid or not.
fn checked_at() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (1u32..=6, 1u32..=28, 0u32..24).prop_map(|(m, d, h)| format!("2026-{m:02}-{d:02} {h:02}:00:00")),
        1 => Just("-0001-01-01T00:00:00".to_owned()),
        1 => Just("9999-12-31 23:59:59".to_owned()),
        1 => Just("0000-01-01 00:00:00".to_owned()),
        1 => Just("not a time".to_owned()),
    ]
}

fn reason() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => Just("decided by the board".to_owned()),
        1 => Just("".to_owned()),
        1 => Just("   ".to_owned()),
        1 => Just("evil\u{202E}txt".to_owned()),
        1 => Just("two\nlines".to_owned()),
    ]
}

fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (1u32..60).prop_map(|d| format!("{d}d")),
        1 => Just("0".to_owned()),
        1 => Just("100000000d".to_owned()),
        1 => Just("99999999999999999999w".to_owned()),
        1 => Just("-3d".to_owned()),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Ingest {
        checked_at: String,
        received_at: Option<String>,
        fail: bool,
        reuse_run: bool,
    },
    Issue {
        at: Option<String>,
        holder: Option<String>,
        override_reason: Option<String>,
    },
    Suspend {
        which: usize,
        at: Option<String>,
        reason: String,
    },
    Reinstate {
        which: usize,
        at: Option<String>,
        reason: String,
    },
    Withdraw {
        which: usize,
        at: Option<String>,
        reason: String,
    },
    Renew {
        which: usize,
        at: Option<String>,
        override_reason: Option<String>,
    },
    Crl {
        next_update: String,
    },
    Manual {
        at: String,
        recorded_at: Option<String>,
        pass: bool,
        evidence: String,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let at = || proptest::option::weighted(0.8, instant());
    prop_oneof![
        4 => (checked_at(), proptest::option::weighted(0.7, instant()), any::<bool>(), proptest::bool::weighted(0.1))
            .prop_map(|(checked_at, received_at, fail, reuse_run)| Op::Ingest { checked_at, received_at, fail, reuse_run }),
        3 => (at(), proptest::option::weighted(0.2, prop_oneof![Just("Müller & Söhne GmbH".to_owned()), Just("数据中心".to_owned()), Just("A\u{202E}B".to_owned())]), proptest::option::weighted(0.7, reason()))
            .prop_map(|(at, holder, override_reason)| Op::Issue { at, holder, override_reason }),
        1 => (0usize..4, at(), reason()).prop_map(|(which, at, reason)| Op::Suspend { which, at, reason }),
        1 => (0usize..4, at(), reason()).prop_map(|(which, at, reason)| Op::Reinstate { which, at, reason }),
        1 => (0usize..4, at(), reason()).prop_map(|(which, at, reason)| Op::Withdraw { which, at, reason }),
        1 => (0usize..4, at(), proptest::option::weighted(0.5, reason())).prop_map(|(which, at, override_reason)| Op::Renew { which, at, override_reason }),
        1 => duration().prop_map(|next_update| Op::Crl { next_update }),
        1 => (instant(), proptest::option::weighted(0.5, instant()), any::<bool>(), reason())
            .prop_map(|(at, recorded_at, pass, evidence)| Op::Manual { at, recorded_at, pass, evidence }),
    ]
}

/// A registry with subject cloud-a and the example manual scope, made once; each case runs
/// on a copy (init and keygen are the slow part).
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, dir) = TEMPLATE.get_or_init(|| {
        let (t, dir) = registry::setup();
        let scope = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/specs/example-manual.yaml"
        );
        let r = cert(&dir, &["scope", "add", scope]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        (t, dir)
    });
    dir
}

/// Runs one sequence; the first broken promise is the error.
fn run_sequence(ops: &[Op]) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("w");
    registry::copy_dir(template(), &dir);
    let mut issued: Vec<String> = Vec::new();
    let mut run_no = 0u32;
    for (step, op) in ops.iter().enumerate() {
        let mut args: Vec<String> = Vec::new();
        let push_at = |args: &mut Vec<String>, flag: &str, at: &Option<String>| {
            if let Some(at) = at {
                args.extend([flag.to_owned(), at.clone()]);
            }
        };
        match op {
            Op::Ingest {
                checked_at,
                received_at,
                fail,
                reuse_run,
            } => {
                if !reuse_run || run_no == 0 {
                    run_no += 1;
                }
                let name = format!("r{step}.yaml");
                let fail = fail.then_some("scs-0100-v3");
                registry::write_signed(
                    &dir,
                    &name,
                    &registry::report("cloud-a", run_no, checked_at, fail),
                    "a",
                );
                args.push("ingest".into());
                push_at(&mut args, "--received-at", received_at);
                args.push(name);
            }
            Op::Issue {
                at,
                holder,
                override_reason,
            } => {
                args.extend(
                    ["issue", "cloud-a", "--scope", "scs-compatible-iaas"].map(str::to_owned),
                );
                push_at(&mut args, "--at", at);
                push_at(&mut args, "--holder", holder);
                push_at(&mut args, "--override", override_reason);
            }
            Op::Suspend { which, at, reason }
            | Op::Reinstate { which, at, reason }
            | Op::Withdraw { which, at, reason } => {
                let Some(id) = pick(&issued, *which) else {
                    continue;
                };
                let verb = match op {
                    Op::Suspend { .. } => "suspend",
                    Op::Reinstate { .. } => "reinstate",
                    _ => "withdraw",
                };
                args.extend([verb.to_owned(), id, "--reason".into(), reason.clone()]);
                push_at(&mut args, "--at", at);
            }
            Op::Renew {
                which,
                at,
                override_reason,
            } => {
                let Some(id) = pick(&issued, *which) else {
                    continue;
                };
                args.extend(["renew".to_owned(), id]);
                push_at(&mut args, "--at", at);
                push_at(&mut args, "--override", override_reason);
            }
            Op::Crl { next_update } => {
                args.extend([
                    "crl".to_owned(),
                    "--next-update".into(),
                    next_update.clone(),
                ]);
            }
            Op::Manual {
                at,
                recorded_at,
                pass,
                evidence,
            } => {
                args.extend(
                    [
                        "manual",
                        "record",
                        "cloud-a",
                        "--scope",
                        "example-manual-scope",
                        "ex-zone-docs",
                        if *pass { "pass" } else { "fail" },
                        "--evidence",
                    ]
                    .map(str::to_owned),
                );
                args.push(evidence.clone());
                args.extend(["--at".to_owned(), at.clone()]);
                push_at(&mut args, "--recorded-at", recorded_at);
            }
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = cert(&dir, &argv);
        prop_assert!(
            !r.stderr.contains("panicked") && (0..=2).contains(&r.code),
            "step {step} {argv:?} ended {}:\n{}{}",
            r.code,
            r.stdout,
            r.stderr
        );
        if r.code == 0 && matches!(op, Op::Issue { .. } | Op::Renew { .. }) {
            issued.push(r.stdout.trim().to_owned());
        }
        let v = cert(&dir, &["registry", "verify"]);
        prop_assert_eq!(
            v.code,
            0,
            "registry verify failed after step {} {:?} (exit {}):\n{}{}\n{}{}",
            step,
            argv,
            r.code,
            r.stdout,
            r.stderr,
            v.stdout,
            v.stderr
        );
    }
    Ok(())
}

fn pick(issued: &[String], which: usize) -> Option<String> {
    (!issued.is_empty()).then(|| issued[which % issued.len()].clone())
}

#[test]
fn random_command_sequences_keep_the_registry_verifiable() {
    let mut runner = TestRunner::new(Config {
        cases: 64,
        // A failing sequence shrinks quickly (each step is a process); persisting failures would
        // write into the checkout.
        max_shrink_iters: 64,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..12), |mut ops| {
            // Begin with a certificate in force, so that the lifecycle commands have one to act on.
            ops.insert(
                0,
                Op::Issue {
                    at: Some("2026-03-01".into()),
                    holder: None,
                    override_reason: Some("a certificate to act on".into()),
                },
            );
            run_sequence(&ops)
        })
        .unwrap();
}
