//! Rendering Urkunden: `scs-cert render --all` of 50 certificates against 50 bare
//! `typst compile` runs of the same documents (same template, same data), side by side.
//!
//! `cargo bench --bench render` (needs the pinned typst on PATH). `BENCH_CERTIFICATES` sets the
//! number (default 50).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The release `scs-cert` of this workspace (`make bench` builds it first).
const CERT: &str = scs_testkit::CERT;

fn run(dir: &Path, args: &[&str]) {
    let out = Command::new(CERT)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run scs-cert");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[allow(clippy::disallowed_methods)] // a benchmark reads its size from the environment
fn main() {
    let n: usize = std::env::var("BENCH_CERTIFICATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    run(dir, &["-q", "init", "reg"]);
    for i in 0..n {
        let s = format!("cloud-{i:03}");
        let name = format!("Wolke Nr. {i} der Müller & Söhne GmbH");
        run(
            dir,
            &[
                "-q",
                "--registry",
                "reg",
                "subject",
                "add",
                &s,
                "--name",
                &name,
                "--operator",
                "Müller & Söhne GmbH",
            ],
        );
        run(
            dir,
            &[
                "-q",
                "--registry",
                "reg",
                "issue",
                &s,
                "--scope",
                "scs-compatible-iaas",
                "--override",
                "benchmark data",
            ],
        );
    }
    println!("{n} certificates in a registry");

    // The tool: one process renders all, on every core.
    let mut best = Duration::MAX;
    for round in 0..3 {
        let out = format!("out{round}");
        let start = Instant::now();
        run(
            dir,
            &["-q", "--registry", "reg", "render", "--all", "-o", &out],
        );
        best = best.min(start.elapsed());
    }

    // The peer: the same documents with bare `typst compile`, one process each, from the data
    // the tool hands typst (template on disk, data as --input), sequentially and two at a time.
    let template = dir.join("urkunde.typ");
    std::fs::write(&template, scs_urkunde::TEMPLATE).expect("write template");
    let inputs: Vec<String> = (0..n)
        .map(|i| {
            let data = scs_urkunde::UrkundeData {
                lang: scs_urkunde::Lang::De,
                kind: scs_urkunde::UrkundeKind::ScopeIaas,
                issuer_name: "Forum SCS-Standards".into(),
                issuer_legal_name: "Open Source Business Alliance e.V.".into(),
                holder: "Müller & Söhne GmbH".into(),
                environment: format!("Wolke Nr. {i} der Müller & Söhne GmbH"),
                scope_name: "SCS-compatible IaaS".into(),
                scope_version: Some("v5.1".into()),
                issued_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
                valid_until: chrono::NaiveDate::from_ymd_opt(2027, 11, 26).expect("date"),
                place: "Berlin".into(),
                signer_name: "Forum Secretary".into(),
                signer_role: "Secretary".into(),
                certificate_id: format!("SCS-IAAS-2026-{:04}", i + 1),
                record_fingerprint: format!("sha256:{:064x}", i),
                status_url: format!(
                    "https://registry.scs.community/certificates/SCS-IAAS-2026-{:04}",
                    i + 1
                ),
                stamp: None,
            };
            data.template_input().expect("template input")
        })
        .collect();
    let bare = |i: usize| {
        let ok = Command::new("typst")
            .args([
                "compile",
                "--ignore-system-fonts",
                "--pdf-standard",
                "a-2b",
                "--creation-timestamp",
                "1795000000",
                "--input",
            ])
            .arg(format!("data={}", inputs[i]))
            .arg(&template)
            .arg(dir.join(format!("bare-{i}.pdf")))
            .status()
            .expect("typst is needed for this benchmark");
        assert!(ok.success());
    };
    let start = Instant::now();
    (0..n).for_each(bare);
    let sequential = start.elapsed();
    let start = Instant::now();
    let idx: Vec<usize> = (0..n).collect();
    scs_cert::parallel::map(&idx, 2, |&i| bare(i));
    let parallel = start.elapsed();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "scs-cert render --all ({n}):                 {:>8.0} ms (best of 3)",
        ms(best)
    );
    println!(
        "{n} bare typst compile runs, one after another: {:>8.0} ms",
        ms(sequential)
    );
    println!(
        "{n} bare typst compile runs, two at a time:     {:>8.0} ms",
        ms(parallel)
    );
    println!(
        "ratio scs-cert / bare sequential: {:.2}x",
        best.as_secs_f64() / sequential.as_secs_f64()
    );
    println!(
        "ratio scs-cert / bare two at a time: {:.2}x",
        best.as_secs_f64() / parallel.as_secs_f64()
    );
}
