//! Every subcommand of both tools, found by walking their `--help`: its help prints, and a
//! minimal valid invocation runs without a panic. clap checks an argument's type only when the
//! subcommand's arguments are read, so a clash (such as a positional `key` beside the global
//! `--key`) panicked only when that one subcommand ran; a subcommand added without an entry in
//! the table below fails this test.

#![cfg(feature = "sigstore")]
#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::cli;
use scs_testkit::registry;
use scs_testkit::sigstore_bundle;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use cli::{Run, cert, run};
use registry::{CERT, REPORT};

/// Every subcommand path of `exe`, from the "Commands:" sections of its help, recursively.
fn leaves(exe: &str, dir: &Path, path: &[String], out: &mut BTreeSet<String>) {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let r = run(exe, dir, &args);
    assert_eq!(r.code, 0, "{exe} {args:?}: {}{}", r.stdout, r.stderr);
    assert!(
        !r.stderr.contains("panicked"),
        "{exe} {args:?}: {}",
        r.stderr
    );
    let mut children = Vec::new();
    let mut in_commands = false;
    for line in r.stdout.lines() {
        if line == "Commands:" {
            in_commands = true;
        } else if line.is_empty() {
            in_commands = false;
        } else if in_commands && line.starts_with("  ") && !line.starts_with("   ") {
            let name = line.split_whitespace().next().unwrap();
            if name != "help" {
                children.push(name.to_owned());
            }
        }
    }
    if children.is_empty() {
        out.insert(path.join(" "));
    }
    for child in children {
        let mut sub = path.to_vec();
        sub.push(child);
        leaves(exe, dir, &sub, out);
    }
}

fn ok_or_no(what: &str, r: &Run) {
    assert!(
        (r.code == 0 || r.code == 1) && !r.stderr.contains("panicked"),
        "{what}: exit {}\n{}{}",
        r.code,
        r.stdout,
        r.stderr
    );
}

#[test]
fn every_subcommand_has_help_and_runs_a_minimal_invocation() {
    let (_t, dir) = registry::setup();
    let scope = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/example-manual.yaml"
    );
    let bootstrap = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trust/bootstrap.yaml"
    );
    registry::write_signed(
        &dir,
        "r.yaml",
        &registry::report("cloud-a", 1, "2026-03-01 10:00:00", None),
        "a",
    );
    let fixture = sigstore_bundle::build(sigstore_bundle::Spec {
        artifact: b"report".to_vec(),
        ..Default::default()
    });
    fs::write(dir.join("artifact"), b"report").unwrap();
    fs::write(
        dir.join("bundle.json"),
        serde_json::to_vec(&fixture.bundle).unwrap(),
    )
    .unwrap();
    fs::write(
        dir.join("root.json"),
        serde_json::to_vec(&fixture.root).unwrap(),
    )
    .unwrap();
    fs::write(dir.join("key.pem"), &fixture.key_pem).unwrap();
    assert_eq!(run(REPORT, &dir, &["keygen", "-o", "b"]).code, 0);
    let b = fs::read_to_string(dir.join("b.pub")).unwrap();
    let b_fingerprint =
        scs_cert::sig::Fingerprint::of(&ssh_key::PublicKey::from_openssh(b.trim()).unwrap())
            .to_string();

    let mut covered = BTreeSet::new();
    let mut id = String::new();
    // In order: each may rely on the ones before.
    let table: Vec<(&str, Vec<String>)> = vec![
        ("scope add", vec![scope.into()]),
        ("scope list", vec![]),
        ("subject add", vec!["cloud-b".into()]),
        ("subject show", vec!["cloud-a".into()]),
        (
            "subject set",
            vec!["cloud-a".into(), "--operator".into(), "A GmbH".into()],
        ),
        ("subject list", vec![]),
        ("subject import", vec![bootstrap.into()]),
        (
            "subject key add",
            ["cloud-b", "b.pub", "--at", "2026-01-01"]
                .map(str::to_owned)
                .to_vec(),
        ),
        ("subject key retire", vec!["cloud-b".into(), b_fingerprint]),
        ("subject allowed-signers", vec![]),
        (
            "subject sigstore",
            vec!["cloud-b".into(), "--public-key".into(), "key.pem".into()],
        ),
        ("trusted-root", vec!["root.json".into()]),
        (
            "ingest",
            vec![
                "--received-at".into(),
                "2026-03-01T11:00:00Z".into(),
                "r.yaml".into(),
            ],
        ),
        ("status", vec!["cloud-a".into()]),
        (
            "eligible",
            vec![
                "cloud-a".into(),
                "--scope".into(),
                "scs-compatible-iaas".into(),
            ],
        ),
        (
            "issue",
            [
                "cloud-a",
                "--scope",
                "scs-compatible-iaas",
                "--version",
                "v5.1",
                "--at",
                "2026-01-10",
                "--override",
                "minimal invocation",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        (
            "renew",
            vec![
                "{ID}".into(),
                "--override".into(),
                "minimal invocation".into(),
            ],
        ),
        (
            "suspend",
            vec!["{ID}".into(), "--reason".into(), "minimal".into()],
        ),
        (
            "reinstate",
            vec!["{ID}".into(), "--reason".into(), "minimal".into()],
        ),
        (
            "withdraw",
            vec!["{ID}".into(), "--reason".into(), "minimal".into()],
        ),
        ("certificates", vec![]),
        ("certificate show", vec!["{ID}".into()]),
        ("attention", vec![]),
        ("crl", vec![]),
        ("verify", vec!["{ID}".into()]),
        ("render", vec!["{ID}".into(), "-o".into(), "u.pdf".into()]),
        (
            "publish",
            vec!["-o".into(), "site".into(), "--no-pdf".into()],
        ),
        (
            "manual record",
            [
                "cloud-a",
                "--scope",
                "example-manual-scope",
                "ex-zone-docs",
                "pass",
                "--evidence",
                "minimal",
                "--at",
                "2026-03-01",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        ("registry verify", vec![]),
        ("registry recover", vec![]),
        ("completions", vec!["bash".into()]),
        ("man", vec!["man-cert".into()]),
    ];
    for (name, args) in table {
        let mut argv: Vec<String> = name.split(' ').map(str::to_owned).collect();
        argv.extend(args.into_iter().map(|a| a.replace("{ID}", &id)));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let r = cert(&dir, &argv);
        if name == "render" {
            // Needs the pinned typst; without it the answer is a clear exit 2, never a panic.
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        } else {
            ok_or_no(name, &r);
        }
        // The renewal supersedes the issued certificate: the later commands act on it.
        if name == "issue" || name == "renew" {
            assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
            id = r.stdout.trim().to_owned();
        }
        covered.insert(name.to_owned());
    }
    // Outside a registry.
    ok_or_no("init", &run(CERT, &dir, &["init", "reg2"]));
    covered.insert("init".into());
    let demo = dir.join("demo");
    let r = run(CERT, &dir, &["demo", "--dir", demo.to_str().unwrap()]);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    covered.insert("demo".into());

    let mut all = BTreeSet::new();
    leaves(CERT, &dir, &[], &mut all);
    all.remove("");
    assert_eq!(
        covered, all,
        "scs-cert subcommands without a minimal invocation here"
    );

    // scs-report.
    let mut covered = BTreeSet::new();
    let report_table: Vec<(&str, Vec<&str>)> = vec![
        ("keygen", vec!["-o", "c"]),
        ("sign", vec!["-k", "c", "r.yaml", "--force"]),
        ("verify", vec!["--registry", "reg", "r.yaml"]),
        (
            "show",
            vec!["r.yaml", "--spec", "reg/scopes/scs-compatible-iaas.yaml"],
        ),
        (
            "sigstore verify-bundle",
            vec![
                "--bundle",
                "bundle.json",
                "--key",
                "key.pem",
                "--trusted-root",
                "root.json",
                "artifact",
            ],
        ),
        ("completions", vec!["zsh"]),
        ("man", vec!["man-report"]),
    ];
    for (name, args) in report_table {
        let mut argv: Vec<&str> = name.split(' ').collect();
        argv.extend(args);
        ok_or_no(name, &run(REPORT, &dir, &argv));
        covered.insert(name.to_owned());
    }
    let r = run(
        REPORT,
        &dir,
        &["demo", "--dir", dir.join("rdemo").to_str().unwrap()],
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    covered.insert("demo".into());
    let mut all = BTreeSet::new();
    leaves(REPORT, &dir, &[], &mut all);
    all.remove("");
    assert_eq!(
        covered, all,
        "scs-report subcommands without a minimal invocation here"
    );
}
