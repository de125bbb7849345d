//! `scs-report verify`

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use scs_cert::cli::{self, Outcome, Printer, Tone};
use scs_cert::report::MAX_REPORT_BYTES;
use scs_cert::sig;
use scs_cert::time::format_instant;
use scs_cert::trust::{AllowedSigners, Bootstrap, Trust};
use scs_cert::verify::{self, FileCheck};

use crate::cli::VerifyArgs;
use crate::cmd::sign::with_suffix;

/// Largest trust file read.
const MAX_TRUST_BYTES: usize = 16 * 1024 * 1024;
/// Largest detached signature read (an SSHSIG is well under 1 KiB).
const MAX_SIGNATURE_BYTES: usize = 64 * 1024;
/// Files checked between two rounds of output.
const BATCH_FILES: usize = 256;
/// Version of the JSON records this command prints.
const SCHEMA_VERSION: u32 = 1;

pub(crate) fn run(printer: &Printer, args: VerifyArgs) -> anyhow::Result<Outcome> {
    let trust = load_trust(args.allowed_signers.as_deref(), args.bootstrap.as_deref())?;
    let at = args.at.map_or_else(cli::now, |a| a.instant());
    let mut outcome = Outcome::Success;
    // Files are checked in parallel (one worker per core), in batches so output still streams;
    // results are printed in the order the files were given.
    let workers = scs_cert::parallel::workers();
    for batch in args.files.chunks(BATCH_FILES) {
        let checked = check_batch(batch, args.body, &trust, at, workers);
        for (file, item) in batch.iter().zip(checked) {
            let item = match item {
                Ok(check) => {
                    print_check(printer, file, &check, args.json)?;
                    if check.is_valid() {
                        Outcome::Success
                    } else {
                        Outcome::Negative
                    }
                }
                Err(err) => {
                    if args.json {
                        printer.json(&json!({
                            "type": "file", "schema_version": SCHEMA_VERSION,
                            "file": file.display().to_string(), "valid": Value::Null,
                            "problem": {"code": "could-not-check", "message": format!("{err:#}")},
                        }))?;
                    } else {
                        printer.result(&format!(
                            "{}  {}: could not check: {err:#}",
                            printer.paint("error  ", Tone::Doubt),
                            file.display()
                        ))?;
                    }
                    Outcome::Error
                }
            };
            outcome = outcome.worst(item);
        }
    }
    Ok(outcome)
}

/// Checks a batch of files on up to `workers` threads; results in the order of `files`.
fn check_batch(
    files: &[PathBuf],
    body: bool,
    trust: &Trust,
    at: scs_cert::time::Instant,
    workers: usize,
) -> Vec<anyhow::Result<FileCheck>> {
    scs_cert::parallel::map(files, workers, |file| {
        read_evidence(file, body)
            .map(|(report, signature)| verify::check_file(&report, signature.as_deref(), trust, at))
    })
}

/// The trust every file is checked against, from exactly one source.
pub(crate) fn load_trust(
    allowed_signers: Option<&Path>,
    bootstrap: Option<&Path>,
) -> anyhow::Result<Trust> {
    let read = |path: &Path| -> anyhow::Result<String> {
        let bytes = cli::read_input(path, MAX_TRUST_BYTES)?;
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))
    };
    match (allowed_signers, bootstrap) {
        (Some(path), _) => {
            let text = read(path)?;
            let origin = path.display().to_string();
            Ok(Trust::AllowedSigners(AllowedSigners::parse(
                &text, &origin,
            )?))
        }
        (None, Some(path)) => {
            let text = read(path)?;
            let origin = path.display().to_string();
            Ok(Trust::Bootstrap(Bootstrap::parse(&text, &origin)?))
        }
        (None, None) => bail!(
            "no trust given: pass --allowed-signers FILE (principal = subject) or --bootstrap FILE"
        ),
    }
}

/// The report bytes and its signature (`None` when there is no FILE.sig).
fn read_evidence(file: &Path, body: bool) -> anyhow::Result<(Vec<u8>, Option<Vec<u8>>)> {
    let bytes = cli::read_input(file, MAX_REPORT_BYTES + MAX_SIGNATURE_BYTES)?;
    if body {
        return Ok(match sig::split_upload_body(&bytes) {
            Ok((signature, report)) => (report.to_vec(), Some(signature.to_vec())),
            Err(_) => (bytes, None),
        });
    }
    let sig_path = with_suffix(file, ".sig");
    match cli::read_input(&sig_path, MAX_SIGNATURE_BYTES) {
        Ok(signature) => Ok((bytes, Some(signature))),
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::NotFound)
            }) =>
        {
            Ok((bytes, None))
        }
        Err(e) => Err(e),
    }
}

fn print_check(printer: &Printer, file: &Path, check: &FileCheck, json: bool) -> io::Result<()> {
    if json {
        return printer.json(&check_json(file, check));
    }
    let name = file.display();
    let signer = check
        .fingerprint
        .as_ref()
        .map(|f| f.to_string())
        .unwrap_or_default();
    match &check.result {
        Ok(()) => {
            let subjects: Vec<String> = verify::subjects(check)
                .iter()
                .map(|s| s.to_string())
                .collect();
            printer.result(&format!(
                "{}  {name}: {} document(s) for {} signed by {signer}",
                printer.paint("valid  ", Tone::Good),
                check.documents.len(),
                subjects.join(", "),
            ))
        }
        Err(problem) => {
            let mut line = format!("{}  {name}: {problem}", printer.paint("invalid", Tone::Bad));
            for (i, doc) in check.documents.iter().enumerate() {
                if let Err(refusal) = &doc.decision {
                    line.push_str(&format!(
                        "; document {} (subject {}): {refusal}",
                        i + 1,
                        doc.report.subject()
                    ));
                }
            }
            printer.result(&line)
        }
    }
}

fn check_json(file: &Path, check: &FileCheck) -> Value {
    let documents: Vec<Value> = check
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let r = &d.report;
            json!({
                "index": i,
                "subject": r.subject().to_string(),
                "scope": r.scope_uuid(),
                "run": r.run_uuid().to_string(),
                "checked_at": format_instant(r.checked_at().and_utc()),
                "valid": d.decision.is_ok(),
                "signer": d.decision.as_ref().ok().map(|s| s.to_string()),
                "problem": d.decision.as_ref().err().map(|e| json!({
                    "code": e.code(), "message": e.to_string(),
                })),
            })
        })
        .collect();
    json!({
        "type": "file",
        "schema_version": SCHEMA_VERSION,
        "file": file.display().to_string(),
        "valid": check.is_valid(),
        "fingerprint": check.fingerprint.as_ref().map(|f| f.to_string()),
        "problem": check.result.as_ref().err().map(|p| json!({
            "code": p.code(), "message": p.to_string(),
        })),
        "documents": documents,
    })
}
