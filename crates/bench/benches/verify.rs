//! Report verification throughput: in-process `scs_cert::verify` against one
//! `ssh-keygen -Y verify` process per report, on the same signed files, side by side.
//!
//! `cargo bench --bench verify` (or `make bench`). `BENCH_REPORTS` sets the number of reports
//! (default 1000). Prints throughput of each method, the ratio, and the cold-process time of one
//! `scs-report verify`.

#![allow(
    clippy::cast_precision_loss,
    reason = "rates and sizes printed to a few digits"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scs_cert::sig::{self, Namespace, SigningKey};
use scs_cert::trust::{AllowedSigners, Trust};
use scs_cert::verify;

const SUBJECT: &str = "bench-cloud";

/// A realistic ~20 KB report in the current (invocation) form: 55 results, the log lines of a
/// real run's size.
fn report(i: usize) -> String {
    let mut r = String::new();
    let _ = write!(
        r,
        "---\nspec:\n  uuid: 50393e6f-2ae1-4c5c-a62c-3b75f2abef3f\n  name: SCS-compatible IaaS\n  url: https://example.org/scs-compatible-iaas.yaml\nchecked_at: 2026-11-20 10:{:02}:{:02}.123456\nreference_date: 2026-11-20\nsubject: {SUBJECT}\nrun:\n  uuid: 3f0c2a9e-0000-4000-8000-{i:012}\n  argv: [scs-compliance-check.py, -s, {SUBJECT}]\n  assignment: {{os_cloud: {SUBJECT}}}\n  sections: null\n  forced_version: null\n  forced_tests: null\n  invocations:\n    9a1b7c44-0000-4000-9000-{i:012}:\n      id: 9a1b7c44-0000-4000-9000-{i:012}\n      cmd: ./iaas/openstack_test.py -c {SUBJECT} tests\n      results:\n",
        (i / 60) % 60,
        i % 60
    );
    for t in 0..55 {
        let _ = writeln!(r, "        scs-01{:02}-testcase-number-{t}: 1", t % 30);
    }
    r.push_str("      rc: 0\n      stdout:\n");
    for t in 0..220 {
        let _ = writeln!(
            r,
            "      - 'INFO: checking resource {t} of the cloud against the standard, all fine so far'"
        );
    }
    r.push_str("      stderr:\n");
    for t in 0..20 {
        let _ = writeln!(
            r,
            "      - 'WARNING: resource {t} has a property worth a look'"
        );
    }
    r.push_str("      info: 220\n      warning: 20\n      error: 0\n      critical: 0\n");
    r
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

#[allow(clippy::disallowed_methods)] // a benchmark reads its size from the environment
fn main() {
    let n: usize = std::env::var("BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("temp dir");
    let key = SigningKey::generate("bench").expect("key");
    let allowed = format!("{SUBJECT} {}\n", key.public_line());
    let allowed_path = dir.path().join("allowed_signers");
    std::fs::write(&allowed_path, &allowed).expect("write allowed_signers");
    let mut files: Vec<PathBuf> = Vec::with_capacity(n);
    let mut total_bytes = 0;
    for i in 0..n {
        let text = report(i);
        total_bytes += text.len();
        let path = dir.path().join(format!("report-{i:05}.yaml"));
        let signature = sig::sign(&key, &Namespace::report(), text.as_bytes()).expect("sign");
        std::fs::write(&path, &text).expect("write report");
        std::fs::write(sig_path(&path), signature.to_armored()).expect("write sig");
        files.push(path);
    }
    println!(
        "{n} signed reports, {:.1} KB each on average",
        total_bytes as f64 / n as f64 / 1000.0
    );
    let trust =
        Trust::AllowedSigners(AllowedSigners::parse(&allowed, "allowed_signers").expect("trust"));
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-27T00:00:00Z")
        .expect("instant")
        .into();

    // In-process, full check: read both files, signature over the exact bytes, trust, parse the
    // report to bind every document's subject. Best of 3 passes.
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for f in &files {
            let bytes = std::fs::read(f).expect("read");
            let signature = std::fs::read(sig_path(f)).expect("read sig");
            let check = verify::check_file(&bytes, Some(&signature), &trust, at);
            assert!(check.is_valid(), "{:?}", check.result);
        }
        best = best.min(start.elapsed());
    }
    let ours = rate(n, best);
    println!(
        "in-process verify (signature + subject binding + report parse): {ours:>10.0} reports/s"
    );

    // In-process, signature only: what ssh-keygen itself does.
    let mut best_sig = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for f in &files {
            let bytes = std::fs::read(f).expect("read");
            let signature =
                sig::Signature::from_armored(&std::fs::read(sig_path(f)).expect("read sig"))
                    .expect("sig");
            signature
                .verify(&Namespace::report(), &bytes)
                .expect("verify");
        }
        best_sig = best_sig.min(start.elapsed());
    }
    let ours_sig = rate(n, best_sig);
    println!(
        "in-process signature check only:                               {ours_sig:>10.0} reports/s"
    );

    // ssh-keygen, one process per report, as the compliance monitor does.
    let start = Instant::now();
    for f in &files {
        let ok = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-n", "report", "-I", SUBJECT, "-f"])
            .arg(&allowed_path)
            .arg("-s")
            .arg(sig_path(f))
            .stdin(std::fs::File::open(f).expect("open"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("ssh-keygen is needed for this benchmark");
        assert!(ok.success());
    }
    let theirs = rate(n, start.elapsed());
    println!(
        "ssh-keygen -Y verify, one process per report:                  {theirs:>10.0} reports/s"
    );
    println!(
        "ratio (full in-process verify / ssh-keygen):     {:>6.1}x",
        ours / theirs
    );
    println!(
        "ratio (signature check only / ssh-keygen):       {:>6.1}x",
        ours_sig / theirs
    );

    // The tool as a user runs it: one `scs-report verify` process for all files (it checks
    // files on every core). Best of 3.
    let exe = scs_testkit::REPORT;
    let mut best_cli = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let ok = Command::new(exe)
            .args(["-q", "verify", "--allowed-signers"])
            .arg(&allowed_path)
            .args(&files)
            .stdout(Stdio::null())
            .status()
            .expect("run scs-report");
        assert!(ok.success());
        best_cli = best_cli.min(start.elapsed());
    }
    let cli = rate(n, best_cli);
    println!(
        "scs-report verify, all files in one process (all cores):       {cli:>10.0} reports/s"
    );
    println!(
        "ratio (scs-report verify process / ssh-keygen):  {:>6.1}x",
        cli / theirs
    );

    // One cold `scs-report verify` process of one report: median of 31.
    let mut times: Vec<Duration> = (0..31)
        .map(|_| {
            let start = Instant::now();
            let ok = Command::new(exe)
                .args(["-q", "verify", "--allowed-signers"])
                .arg(&allowed_path)
                .arg(&files[0])
                .stdout(Stdio::null())
                .status()
                .expect("run scs-report");
            assert!(ok.success());
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "scs-report verify, one report, cold process: median {:.1} ms (min {:.1} ms)",
        times[15].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0
    );
}

fn sig_path(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}
