//! `scs-report demo`: the whole flow on built-in data, narrated.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use chrono::NaiveDateTime;

use scs_cert::sig::{self, Namespace, SigningKey};
use scs_cert::spec::Spec;
use scs_cert::time::format_instant;
use scs_cert::trust::{AllowedSigners, Trust};
use scs_cert::verify;
use scs_cert::{demo, seed};
use scs_cli::{self as cli, Outcome, Printer};

use crate::cli::{DemoArgs, ShowArgs};
use crate::cmd::show;

pub(crate) fn run(printer: &Printer, args: DemoArgs) -> anyhow::Result<Outcome> {
    let (_tmp, dir) = cli::demo_dir(args.dir)?;
    let spec = Spec::load(seed::IAAS_SPEC, "built-in scs-compatible-iaas.yaml")?;
    let now = cli::now();
    let say = |s: &str| printer.result(s);

    say(&format!("== scs-report demo, in {}", cli::shown(&dir)))?;

    // 1. A key for the operator's CI.
    let key_path = dir.join("ci-key");
    let key = SigningKey::generate("demo-ci")?;
    sig::write_key_pair(&key_path, &key, None)?;
    say(&format!(
        "\n1. Made a report-signing key ({}):\n   {}",
        cli::shown(&key_path),
        key.public_line()
    ))?;
    let allowed = format!("demo-cloud-a,demo-cloud-b {}\n", key.public_line());
    let allowed_path = dir.join("allowed_signers");
    cli::write_new_file(&allowed_path, allowed.as_bytes(), false)?;
    say(&format!(
        "   The forum binds it to both demo subjects in {}.",
        cli::shown(&allowed_path)
    ))?;

    // 2. A report with two documents, signed.
    let checked_at = now.naive_utc() - chrono::Duration::minutes(5);
    let report = demo_report(&spec, checked_at)?;
    let report_path = dir.join("report.yaml");
    cli::write_new_file(&report_path, report.as_bytes(), false)?;
    let signature = sig::sign(&key, &Namespace::report(), report.as_bytes())?;
    let sig_path = dir.join("report.yaml.sig");
    cli::write_new_file(&sig_path, signature.to_armored().as_bytes(), false)?;
    say(&format!(
        "\n2. Signed the built-in report {} ({} bytes, 2 documents) -> {}",
        cli::shown(&report_path),
        report.len(),
        cli::shown(&sig_path)
    ))?;

    // 3. Verified here, and by ssh-keygen when it is installed.
    let trust = Trust::AllowedSigners(AllowedSigners::parse(&allowed, "allowed_signers")?);
    let check = verify::check_file(
        report.as_bytes(),
        Some(signature.to_armored().as_bytes()),
        &trust,
        now,
    );
    say(&format!(
        "\n3. scs-report verify --allowed-signers {} {}\n   {}",
        cli::shown(&allowed_path),
        cli::shown(&report_path),
        match &check.result {
            Ok(()) => "valid: every document signed by a key bound to its subject".to_owned(),
            Err(p) => format!("INVALID (unexpected): {p}"),
        }
    ))?;
    if !check.is_valid() {
        bail!("the demo's own report did not verify; please report this bug");
    }
    say(&format!(
        "   ssh-keygen -Y verify: {}",
        ssh_keygen_verdict(&allowed_path, &sig_path, &report_path)
    ))?;

    // 4. Tampered and wrongly signed copies are rejected.
    let tampered = report.replacen(": 1\n", ": -1\n", 1);
    let t = verify::check_file(
        tampered.as_bytes(),
        Some(signature.to_armored().as_bytes()),
        &trust,
        now,
    );
    say(&format!(
        "\n4. A copy with one result changed from 1 to -1:\n   {}",
        reason(&t)
    ))?;
    let stranger = SigningKey::generate("stranger")?;
    let forged = sig::sign(&stranger, &Namespace::report(), report.as_bytes())?;
    let f = verify::check_file(
        report.as_bytes(),
        Some(forged.to_armored().as_bytes()),
        &trust,
        now,
    );
    say(&format!(
        "   The same report signed by a key the forum does not know:\n   {}",
        reason(&f)
    ))?;
    let wrong_ns = sig::sign(&key, &"file".parse()?, report.as_bytes())?;
    let w = verify::check_file(
        report.as_bytes(),
        Some(wrong_ns.to_armored().as_bytes()),
        &trust,
        now,
    );
    say(&format!(
        "   Signed by the right key for another purpose (-n file):\n   {}",
        reason(&w)
    ))?;

    // 5. What the report says.
    say(&format!(
        "\n5. scs-report show {} --spec scs-compatible-iaas.yaml   (timeline in force at {})\n",
        cli::shown(&report_path),
        format_instant(checked_at.and_utc())
    ))?;
    let spec_path = dir.join("scs-compatible-iaas.yaml");
    cli::write_new_file(&spec_path, seed::IAAS_SPEC.as_bytes(), false)?;
    show::run(
        printer,
        ShowArgs {
            file: report_path,
            spec: vec![spec_path],
            at: None,
            body: false,
            json: false,
        },
    )?;
    Ok(Outcome::Success)
}

fn reason(check: &verify::FileCheck) -> String {
    match &check.result {
        Ok(()) => "valid (unexpected!)".to_owned(),
        Err(p) => format!("invalid: {p}"),
    }
}

/// What the real ssh-keygen says of the signature, or why it was not asked.
fn ssh_keygen_verdict(allowed: &Path, sig: &Path, report: &Path) -> String {
    let Ok(input) = std::fs::File::open(report) else {
        return "not run (cannot open the report)".to_owned();
    };
    let out = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "report", "-I", "demo-cloud-a", "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(sig)
        .stdin(input)
        .output();
    match out {
        Ok(o) => {
            let text = String::from_utf8_lossy(if o.stdout.is_empty() {
                &o.stderr
            } else {
                &o.stdout
            })
            .trim()
            .to_owned();
            format!("{text} (exit {})", o.status.code().unwrap_or(-1))
        }
        Err(_) => "not run (ssh-keygen is not installed)".to_owned(),
    }
}

/// A two-document report in the current (invocation) form: demo-cloud-a passes every testcase
/// of the first certifiable version; demo-cloud-b fails one, aborts one and misses one.
fn demo_report(spec: &Spec, checked_at: NaiveDateTime) -> anyhow::Result<String> {
    let version = demo::certifiable_version(spec, checked_at.date())
        .context("the built-in spec has no certifiable version today")?;
    let a = demo::report_document(spec, version, "demo-cloud-a", 1, checked_at, |_, _| Some(1));
    let b = demo::report_document(
        spec,
        version,
        "demo-cloud-b",
        2,
        checked_at,
        |i, _| match i {
            0 => Some(-1),
            1 => Some(0),
            2 => None,
            _ => Some(1),
        },
    );
    Ok(a + &b)
}
