//! The registry at a realistic size, through the real `scs-cert` binary: `generate` a set of
//! daily signed reports (subjects x 2 scopes x months), then time `init`, `subject import`,
//! `ingest` (month by month, and everything in one call), `status` for every subject and
//! scope, `eligible` for one subject, and `registry verify`.
//!
//! `make bench-registry` (the release binaries first, then `cargo bench -p scs-bench --bench
//! registry`). Environment:
//! - `BENCH_SUBJECTS`: subject counts to run, comma-separated (default `10,100`);
//! - `BENCH_MONTHS`: months of daily reports (default 18);
//! - `BENCH_DIR`: where to work (default: a temporary folder; needs ~45 MB per subject-year
//!   for the reports and twice that for the two registries' archives);
//! - `BENCH_KEEP=1`: keep the folder.
//!
//! Peak memory is read with `/usr/bin/time -v` when it is installed.

#![allow(clippy::disallowed_methods)] // a benchmark reads its settings from the environment
#![allow(clippy::unwrap_used)] // a benchmark may stop at the first surprise
#![allow(
    clippy::cast_precision_loss,
    reason = "rates and sizes printed to a few digits"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The release `scs-cert` of this workspace (`make bench` builds it first).
const BIN: &str = scs_testkit::CERT;
/// The data generator of this package.
const GENERATE: &str = env!("CARGO_BIN_EXE_generate");
const GNU_TIME: &str = "/usr/bin/time";

/// One measured call.
struct Run {
    wall: Duration,
    /// User plus system CPU time, if `/usr/bin/time` told (less sensitive to a shared
    /// machine's load than the wall time).
    cpu: Option<Duration>,
    /// Peak resident memory in KiB, if `/usr/bin/time` told.
    max_rss_kib: Option<u64>,
    output: Output,
}

fn scs_cert(registry: Option<&Path>, args: &[&str]) -> Run {
    timed(BIN, registry, args)
}

fn timed(bin: &str, registry: Option<&Path>, args: &[&str]) -> Run {
    assert!(
        Path::new(bin).is_file(),
        "{bin} is not built: run `make bench` (it builds the release binaries first)"
    );
    let measure = Path::new(GNU_TIME).exists();
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = if measure {
        let mut c = Command::new(GNU_TIME);
        c.arg("-v").arg("-o").arg(rss_file.path()).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    if let Some(r) = registry {
        cmd.arg("--registry").arg(r);
    }
    cmd.args(args);
    let start = Instant::now();
    let output = cmd.output().unwrap();
    let wall = start.elapsed();
    let report = std::fs::read_to_string(rss_file.path()).unwrap_or_default();
    let field = |name: &str| {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim().to_owned())
    };
    let max_rss_kib = field("Maximum resident set size (kbytes): ").and_then(|v| v.parse().ok());
    let seconds = |name: &str| field(name).and_then(|v| v.parse::<f64>().ok());
    let cpu = seconds("User time (seconds): ")
        .zip(seconds("System time (seconds): "))
        .map(|(u, s)| Duration::from_secs_f64(u + s));
    Run {
        wall,
        cpu,
        max_rss_kib,
        output,
    }
}

fn expect_ok(what: &str, run: &Run) {
    assert!(
        run.output.status.success(),
        "{what} failed ({}):\n{}",
        run.output.status,
        String::from_utf8_lossy(&run.output.stderr)
    );
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn cpu(d: Option<Duration>) -> String {
    d.map_or_else(|| "cpu n/a".into(), |d| format!("cpu {}", secs(d)))
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// What `generate` wrote about its output.
struct Manifest {
    reports: u64,
    bytes: u64,
    keys_valid_from: String,
    at: String,
    sample: String,
    /// (directory, received_at) per month.
    months: Vec<(PathBuf, String)>,
}

fn manifest(dir: &Path) -> Manifest {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let s = |k: &str| v[k].as_str().unwrap().to_owned();
    Manifest {
        reports: v["reports"].as_u64().unwrap(),
        bytes: v["report_bytes"].as_u64().unwrap(),
        keys_valid_from: s("keys_valid_from"),
        at: s("at"),
        sample: s("sample_subject"),
        months: v["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    dir.join(m["dir"].as_str().unwrap()),
                    m["received_at"].as_str().unwrap().to_owned(),
                )
            })
            .collect(),
    }
}

/// A fresh registry with the generated subjects.
fn setup(registry: &Path, data: &Path, m: &Manifest) -> (Run, Run) {
    let init = scs_cert(None, &["-qq", "init", registry.to_str().unwrap()]);
    expect_ok("init", &init);
    let import = scs_cert(
        Some(registry),
        &[
            "-qq",
            "subject",
            "import",
            data.join("bootstrap.yaml").to_str().unwrap(),
            "--keys-valid-from",
            &m.keys_valid_from,
        ],
    );
    expect_ok("subject import", &import);
    (init, import)
}

/// Results of one size.
struct Figures {
    subjects: usize,
    rows: Vec<(String, String, String)>,
}

fn bench(subjects: usize, months: u32, work: &Path) -> Figures {
    let mut rows = Vec::new();
    let mut row = |what: &str, time: String, note: String| {
        println!("  {what:<44} {time:>10}  {note}");
        rows.push((what.to_owned(), time, note));
    };
    let data = work.join(format!("reports-{subjects}"));
    let gen_run = timed(
        GENERATE,
        None,
        &[
            "--subjects",
            &subjects.to_string(),
            "--months",
            &months.to_string(),
            "--out",
            data.to_str().unwrap(),
        ],
    );
    expect_ok("generate", &gen_run);
    let m = manifest(&data);
    println!(
        "{subjects} subjects x 2 scopes x {months} months: {} signed reports, {:.1} KB on average (load {})",
        m.reports,
        m.bytes as f64 / m.reports as f64 / 1000.0,
        load()
    );
    row(
        "generate (sign and write)",
        secs(gen_run.wall),
        format!("{}; {} reports", cpu(gen_run.cpu), m.reports),
    );

    // Registry A: month by month, as a secretary importing an archive would.
    let reg_a = work.join(format!("registry-{subjects}-monthly"));
    let (init, import) = setup(&reg_a, &data, &m);
    row("init", secs(init.wall), String::new());
    row(
        "subject import",
        secs(import.wall),
        format!("{} accounts", subjects + 3),
    );
    let mut total = Duration::ZERO;
    let mut total_cpu = Duration::ZERO;
    let mut per_call = Vec::new();
    let mut peak = 0u64;
    for (dir, received_at) in &m.months {
        let run = scs_cert(
            Some(&reg_a),
            &[
                "-qq",
                "ingest",
                dir.to_str().unwrap(),
                "--received-at",
                received_at,
            ],
        );
        expect_ok("ingest", &run);
        total += run.wall;
        total_cpu += run.cpu.unwrap_or_default();
        per_call.push(run.wall);
        peak = peak.max(run.max_rss_kib.unwrap_or(0));
    }
    let first = per_call.first().copied().unwrap_or_default();
    let last = per_call.last().copied().unwrap_or_default();
    row(
        &format!("ingest, {} calls (one per month)", per_call.len()),
        secs(total),
        format!(
            "{}; first {} last {} median {}; peak {}; {:.0} reports/s",
            cpu(Some(total_cpu)),
            secs(first),
            secs(last),
            secs(median(per_call.clone())),
            mib(Some(peak).filter(|p| *p > 0)),
            m.reports as f64 / total.as_secs_f64()
        ),
    );

    // Registry B: everything in one call.
    let reg_b = work.join(format!("registry-{subjects}-once"));
    setup(&reg_b, &data, &m);
    let dirs: Vec<&str> = m.months.iter().map(|(d, _)| d.to_str().unwrap()).collect();
    let mut args = vec!["-qq", "ingest"];
    args.extend(dirs);
    args.extend(["--received-at", m.at.as_str()]);
    let once = scs_cert(Some(&reg_b), &args);
    expect_ok("ingest (one call)", &once);
    row(
        "ingest, one call for everything",
        secs(once.wall),
        format!(
            "{}; peak {}; {:.0} reports/s",
            cpu(once.cpu),
            mib(once.max_rss_kib),
            m.reports as f64 / once.wall.as_secs_f64()
        ),
    );
    // Re-ingest: every file is already present (verification and run lookups only).
    let again = scs_cert(Some(&reg_b), &args);
    expect_ok("ingest (again)", &again);
    row(
        "ingest again (all already present)",
        secs(again.wall),
        format!("{}; peak {}", cpu(again.cpu), mib(again.max_rss_kib)),
    );

    // Status for every subject and scope at the end of the period.
    let mut status_runs = Vec::new();
    let mut status_rss = None;
    let mut status_cpu = None;
    let mut status_lines = 0;
    for _ in 0..3 {
        let run = scs_cert(Some(&reg_a), &["status", "--json", "--at", &m.at]);
        expect_ok("status", &run);
        status_lines = run.output.stdout.split(|b| *b == b'\n').count() - 1;
        status_rss = run.max_rss_kib;
        status_cpu = run.cpu;
        status_runs.push(run.wall);
    }
    row(
        "status --json (all subjects and scopes)",
        secs(median(status_runs)),
        format!(
            "median of 3; {}; {status_lines} subject/scope rows; peak {}",
            cpu(status_cpu),
            mib(status_rss)
        ),
    );

    // Eligibility of one subject for the IaaS scope.
    let mut eligible_runs = Vec::new();
    let mut eligible_cpu = Vec::new();
    for _ in 0..7 {
        let run = scs_cert(
            Some(&reg_a),
            &[
                "eligible",
                &m.sample,
                "--scope",
                "scs-compatible-iaas",
                "--at",
                &m.at,
                "--json",
            ],
        );
        // Exit 1 is a definite "not eligible": a valid answer.
        assert!(
            matches!(run.output.status.code(), Some(0 | 1)),
            "eligible failed: {}",
            String::from_utf8_lossy(&run.output.stderr)
        );
        eligible_runs.push(run.wall);
        eligible_cpu.push(run.cpu.unwrap_or_default());
    }
    row(
        "eligible (one subject, IaaS)",
        secs(median(eligible_runs)),
        format!("median of 7; {}", cpu(Some(median(eligible_cpu)))),
    );

    // The whole history.
    let verify = scs_cert(Some(&reg_a), &["registry", "verify"]);
    let stderr = String::from_utf8_lossy(&verify.output.stderr);
    if stderr.contains("not implemented") {
        row(
            "registry verify",
            "TODO".into(),
            "not implemented in this build".into(),
        );
    } else {
        // Exit 1 means the history has findings: still a full run, so still timed.
        assert!(
            matches!(verify.output.status.code(), Some(0 | 1)),
            "registry verify failed: {stderr}"
        );
        let verdict = if verify.output.status.success() {
            "valid".to_owned()
        } else {
            format!("exit 1: {}", stderr.lines().last().unwrap_or("").trim())
        };
        row(
            "registry verify (monthly registry)",
            secs(verify.wall),
            format!(
                "{} commits; {}; peak {}; {verdict}",
                m.months.len() + 2,
                cpu(verify.cpu),
                mib(verify.max_rss_kib)
            ),
        );
    }
    // The public site (no PDFs), first into a new folder, then replacing it.
    let site = work.join(format!("site-{subjects}"));
    let site_arg = site.to_str().unwrap().to_owned();
    for label in [
        "publish --no-pdf (new folder)",
        "publish --no-pdf again (replaces the site)",
    ] {
        let run = scs_cert(
            Some(&reg_a),
            &["publish", "-o", &site_arg, "--no-pdf", "--at", &m.at],
        );
        expect_ok("publish", &run);
        row(
            label,
            secs(run.wall),
            format!(
                "{}; peak {}; includes the history check (registry verify without the archive)",
                cpu(run.cpu),
                mib(run.max_rss_kib)
            ),
        );
    }
    let size = |p: &Path| {
        Command::new("du")
            .arg("-sh")
            .arg(p)
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.split_whitespace().next().map(str::to_owned))
            .unwrap_or_else(|| "?".into())
    };
    row(
        "registry size (ledger / archive / .git)",
        String::new(),
        format!(
            "{} / {} / {}",
            size(&reg_a.join("ledger")),
            size(&reg_a.join("archive")),
            size(&reg_a.join(".git"))
        ),
    );
    println!("  (load after: {})", load());
    Figures { subjects, rows }
}

fn main() {
    let subjects: Vec<usize> = std::env::var("BENCH_SUBJECTS")
        .unwrap_or_else(|_| "10,100".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let months: u32 = std::env::var("BENCH_MONTHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(18);
    let work = match std::env::var_os("BENCH_DIR") {
        Some(d) => {
            std::fs::create_dir_all(&d).unwrap();
            tempfile::tempdir_in(d).unwrap()
        }
        None => tempfile::tempdir().unwrap(),
    };
    println!(
        "scs-cert registry benchmark: {} cores, load {}, work in {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load(),
        work.path().display()
    );
    let mut all = Vec::new();
    for n in subjects {
        all.push(bench(n, months, work.path()));
    }
    // One Markdown table, sizes side by side.
    let mut t = String::from("\n| step |");
    for f in &all {
        let _ = write!(t, " {} subjects |", f.subjects);
    }
    t.push_str("\n|---|");
    for _ in &all {
        t.push_str("---|");
    }
    t.push('\n');
    if let Some(first) = all.first() {
        for (i, (what, _, _)) in first.rows.iter().enumerate() {
            let _ = write!(t, "| {what} |");
            for f in &all {
                let (_, time, note) = &f.rows[i];
                let cell = match (time.is_empty(), note.is_empty()) {
                    (false, false) => format!("{time} ({note})"),
                    (false, true) => time.clone(),
                    _ => note.clone(),
                };
                let _ = write!(t, " {cell} |");
            }
            t.push('\n');
        }
    }
    println!("{t}");
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("kept {}", work.keep().display());
    }
}
