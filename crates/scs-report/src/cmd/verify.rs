//! `scs-report verify`

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use scs_cert::layout;
use scs_cert::output::FileRecord;
use scs_cert::report::MAX_REPORT_BYTES;
use scs_cert::sig;
use scs_cert::subject::Subject;
use scs_cert::subject::record::{self as subjects, SubjectRecord};
use scs_cert::trust::{AllowedSigners, Bootstrap, KnownSigners, Refusal, Trust};
use scs_cert::verify::{self, FileCheck};
use scs_cli::{self as cli, Outcome, Printer, Tone};

use crate::cli::VerifyArgs;

/// Largest trust file read.
const MAX_TRUST_BYTES: usize = 16 * 1024 * 1024;
/// Files checked between two rounds of output.
const BATCH_FILES: usize = 256;

pub(crate) fn run(printer: &Printer, args: VerifyArgs) -> anyhow::Result<Outcome> {
    if args.bundle.is_some() && args.files.len() != 1 {
        bail!("--bundle names the bundle of one report; give exactly one FILE");
    }
    let trust = load_trusts(&args)?;
    if let Trust::AllowedSigners(allowed) = &trust.ssh {
        for (line, key_type) in allowed.unsupported() {
            printer.warn(&format!(
                "{}:{line}: key type {key_type} is not supported; that line is ignored",
                allowed.origin()
            ));
        }
    }
    let at = args.at.map_or_else(cli::now, |a| a.instant());
    let mut outcome = Outcome::Success;
    // Files are checked in parallel (one worker per core), in batches so output still streams;
    // results are printed in the order the files were given.
    let workers = scs_cert::parallel::workers();
    for batch in args.files.chunks(BATCH_FILES) {
        let checked = check_batch(batch, &args, &trust, at, workers);
        for (file, item) in batch.iter().zip(checked) {
            let item = match item {
                Ok((check, known)) => {
                    print_check(printer, file, &check, &known, args.json)?;
                    if check.is_valid() {
                        Outcome::Success
                    } else {
                        Outcome::Negative
                    }
                }
                Err(err) => {
                    if args.json {
                        printer.record(&FileRecord::not_checked(
                            file.display().to_string(),
                            cli::one_line(&err),
                        ))?;
                    } else {
                        printer.result(&format!(
                            "{}  {}: could not check: {}",
                            printer.paint("error  ", Tone::Doubt),
                            cli::shown(&file),
                            cli::one_line(&err)
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

/// What files are checked against: SSH trust, and Sigstore trust when a root and subject
/// records are at hand.
pub(crate) struct Trusts {
    ssh: Trust,
    /// The subject records the SSH trust was made from, which also say whose each key is.
    records: Option<Vec<SubjectRecord>>,
    #[cfg(feature = "sigstore")]
    sigstore: Option<verify::sigstore::SigstoreTrust>,
}

/// How one file is signed.
enum Seal {
    /// An SSH signature (`None`: there is none).
    Ssh(Option<Vec<u8>>),
    /// A Sigstore bundle.
    #[cfg_attr(
        not(feature = "sigstore"),
        allow(dead_code, reason = "read only with Sigstore support")
    )]
    Sigstore(Vec<u8>),
}

/// Checks a batch of files on up to `workers` threads; results in the order of `files`, each
/// with who may sign for the subjects its key was refused for.
fn check_batch(
    files: &[PathBuf],
    args: &VerifyArgs,
    trust: &Trusts,
    at: scs_cert::time::Instant,
    workers: usize,
) -> Vec<anyhow::Result<(FileCheck, Vec<KnownSigners>)>> {
    scs_cert::parallel::map(files, workers, |file| {
        let (report, seal) = read_evidence(file, args.body, args.bundle.as_deref())?;
        match seal {
            Seal::Ssh(signature) => {
                let mut check = verify::check_file(&report, signature.as_deref(), &trust.ssh, at);
                if let Some(records) = &trust.records {
                    name_key_holders(&mut check, records);
                }
                let known = known_signers(&check, &report, trust);
                Ok((check, known))
            }
            #[cfg(feature = "sigstore")]
            Seal::Sigstore(bundle) => match &trust.sigstore {
                Some(t) => Ok((
                    verify::sigstore::check_file(&report, &bundle, t, at),
                    Vec::new(),
                )),
                None => bail!(
                    "signed with a Sigstore bundle, but no Sigstore trust was given (--subject-record FILE… with --trusted-root FILE, or --registry DIR)"
                ),
            },
            #[cfg(not(feature = "sigstore"))]
            Seal::Sigstore(_) => {
                bail!("signed with a Sigstore bundle; this build has no Sigstore support")
            }
        }
    })
}

/// Names each document's signer after the subject whose key it is: the allowed-signers lines
/// made from subject records say who may sign, not whose a key is, so a delegate's signature
/// would read as the subject's own.
fn name_key_holders(check: &mut FileCheck, records: &[SubjectRecord]) {
    let Some(key) = check.fingerprint else {
        return;
    };
    for doc in &mut check.documents {
        let subject = doc.report.subject().clone();
        if let Ok(signer) = &mut doc.decision
            && let Some(holder) = subjects::key_holder(records, &key, &subject)
        {
            *signer = signer.clone().held_by(holder, &subject);
        }
    }
}

/// Who may sign for each subject the signing key was refused for: the subjects of every
/// document when the key is unknown (the signature verified, so the report is read to learn
/// them), else those of the refused documents.
fn known_signers(check: &FileCheck, report: &[u8], trust: &Trusts) -> Vec<KnownSigners> {
    let mut subjects: Vec<Subject> = Vec::new();
    match &check.result {
        Err(verify::Problem::KeyUnknown { .. }) => {
            for doc in scs_cert::report::parse(report).unwrap_or_default() {
                subjects.push(doc.subject().clone());
            }
        }
        Err(verify::Problem::DocumentRefused) => {
            for doc in &check.documents {
                if let Err(Refusal::NotAllowedForSubject { .. } | Refusal::KeyUnknown { .. }) =
                    &doc.decision
                {
                    subjects.push(doc.report.subject().clone());
                }
            }
        }
        _ => {}
    }
    let mut seen = Vec::new();
    subjects.retain(|s| {
        let new = !seen.contains(s);
        seen.push(s.clone());
        new
    });
    subjects
        .iter()
        .map(|s| match &trust.records {
            Some(records) => subjects::known_signers(records, s),
            None => trust.ssh.known_signers(s),
        })
        .collect()
}

/// The subject records and Sigstore trusted root of a registry checkout, read from its files
/// (a clone or the published directory). Without git: the operators' tool builds no libgit2;
/// `scs-cert verify` reads what is committed.
fn checkout_trust(
    dir: &Path,
    read: &dyn Fn(&Path) -> anyhow::Result<String>,
) -> anyhow::Result<(Vec<SubjectRecord>, Option<Vec<u8>>)> {
    if !dir.join(layout::FORUM_TOML).is_file() {
        bail!(
            "{} is not a registry checkout: it has no {}",
            cli::shown(&dir),
            layout::FORUM_TOML
        );
    }
    let subjects = dir.join(layout::SUBJECTS_DIR);
    let mut paths = Vec::new();
    match std::fs::read_dir(&subjects) {
        Ok(entries) => {
            for entry in entries {
                let path = entry
                    .with_context(|| format!("while listing {}", cli::shown(&subjects)))?
                    .path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    paths.push(path);
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("while listing {}", cli::shown(&subjects)));
        }
    }
    paths.sort();
    let mut records = Vec::new();
    for path in paths {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        records.push(SubjectRecord::parse(&read(&path)?, &stem)?);
    }
    let root = cli::read_if_present(&dir.join(layout::SIGSTORE_TRUSTED_ROOT), MAX_TRUST_BYTES)?;
    Ok((records, root))
}

/// The trust every file is checked against, from exactly one source.
pub(crate) fn load_trusts(args: &VerifyArgs) -> anyhow::Result<Trusts> {
    let read = |path: &Path| -> anyhow::Result<String> {
        let bytes = cli::read_input(path, MAX_TRUST_BYTES)?;
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", cli::shown(&path)))
    };
    let records: Option<(Vec<SubjectRecord>, Option<Vec<u8>>)> = if let Some(dir) = &args.registry {
        Some(checkout_trust(dir, &read)?)
    } else if !args.subjects.is_empty() {
        let mut records = Vec::new();
        for path in &args.subjects {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            records.push(SubjectRecord::parse(&read(path)?, &stem)?);
        }
        Some((records, None))
    } else {
        None
    };
    let ssh = match (&args.allowed_signers, &args.bootstrap, &records) {
        (Some(path), _, _) => Trust::AllowedSigners(AllowedSigners::parse(
            &read(path)?,
            &cli::shown(&path).to_string(),
        )?),
        (None, Some(path), _) => Trust::Bootstrap(Bootstrap::parse(
            &read(path)?,
            &cli::shown(&path).to_string(),
        )?),
        (None, None, Some((records, _))) => Trust::AllowedSigners(subjects::trust(records)?),
        (None, None, None) => bail!(
            "no trust given: pass --allowed-signers FILE (principal = subject), --bootstrap FILE, --subject-record FILE…, or --registry DIR"
        ),
    };
    // Records decide only when no allowed_signers or bootstrap file was given.
    let ssh_records = match (&args.allowed_signers, &args.bootstrap, &records) {
        (None, None, Some((records, _))) => Some(records.clone()),
        _ => None,
    };
    #[cfg(feature = "sigstore")]
    let sigstore = {
        let root = match (&args.trusted_root, &records) {
            (Some(path), _) => Some(cli::read_input(
                path,
                scs_cert::sigstore::MAX_TRUSTED_ROOT_BYTES,
            )?),
            (None, Some((_, root))) => root.clone(),
            _ => None,
        };
        match (root, records) {
            (Some(root), Some((records, _))) => {
                let root = scs_cert::sigstore::TrustedRoot::from_json(&root)
                    .context("while reading the Sigstore trusted root")?;
                Some(verify::sigstore::SigstoreTrust::from_records(
                    root, &records,
                )?)
            }
            _ => None,
        }
    };
    Ok(Trusts {
        ssh,
        records: ssh_records,
        #[cfg(feature = "sigstore")]
        sigstore,
    })
}

/// The report bytes and how they are signed: an upload body's signature, `--bundle`,
/// FILE.sig, or FILE.sigstore.json beside the report.
fn read_evidence(
    file: &Path,
    body: bool,
    bundle: Option<&Path>,
) -> anyhow::Result<(Vec<u8>, Seal)> {
    let bytes = cli::read_input(file, MAX_REPORT_BYTES + cli::MAX_SIGNATURE_BYTES)?;
    if body {
        return Ok(match sig::split_upload_body(&bytes) {
            Ok((signature, report)) => (report.to_vec(), Seal::Ssh(Some(signature.to_vec()))),
            Err(_) => (bytes, Seal::Ssh(None)),
        });
    }
    if let Some(b) = bundle {
        return Ok((
            bytes,
            Seal::Sigstore(cli::read_input(b, cli::MAX_BUNDLE_BYTES)?),
        ));
    }
    Ok(match cli::read_seal(file)? {
        cli::SealFile::Ssh(signature) => (bytes, Seal::Ssh(Some(signature))),
        cli::SealFile::Sigstore(bundle) => (bytes, Seal::Sigstore(bundle)),
        cli::SealFile::None => (bytes, Seal::Ssh(None)),
    })
}

fn print_check(
    printer: &Printer,
    file: &Path,
    check: &FileCheck,
    known: &[KnownSigners],
    json: bool,
) -> io::Result<()> {
    if json {
        return printer
            .record(&FileRecord::new(file.display().to_string(), check).with_known_signers(known));
    }
    let name = cli::shown(&file);
    let signer = check
        .fingerprint
        .as_ref()
        .map(|f| f.to_string())
        .or_else(|| check.signer.clone())
        .unwrap_or_default();
    let known_of = |subject: &Subject| {
        known
            .iter()
            .find(|k| k.subject == *subject)
            .map(|k| format!(" ({k})"))
            .unwrap_or_default()
    };
    match &check.result {
        Ok(()) => {
            let subjects: Vec<String> = verify::subjects(check)
                .iter()
                .map(|s| s.to_string())
                .collect();
            printer.result(&format!(
                "{}  {name}: {} document(s) for {}, signed by {} ({signer})",
                printer.paint("valid  ", Tone::Good),
                check.documents.len(),
                subjects.join(", "),
                signed_by(check),
            ))
        }
        Err(problem) => {
            let mut line = format!("{}  {name}: {problem}", printer.paint("invalid", Tone::Bad));
            if matches!(problem, verify::Problem::KeyUnknown { .. }) && !known.is_empty() {
                let all: Vec<String> = known.iter().map(ToString::to_string).collect();
                line.push_str(&format!(" ({})", all.join("; ")));
            }
            for (i, doc) in check.documents.iter().enumerate() {
                if let Err(refusal) = &doc.decision {
                    line.push_str(&format!(
                        "; document {} (subject {}): {refusal}{}",
                        i + 1,
                        doc.report.subject(),
                        known_of(doc.report.subject()),
                    ));
                }
            }
            printer.result(&line)
        }
    }
}

/// Who signed a valid file: `cloud-c`, or `ci-runner, a delegate of cloud-c` when the key is a
/// delegate's; several signers (one key bound to several subjects) joined with "and".
fn signed_by(check: &FileCheck) -> String {
    // Each principal in document order, with the subjects it signed for as a delegate.
    let mut signers: Vec<(&Subject, Vec<&Subject>)> = Vec::new();
    for doc in &check.documents {
        let Ok(signer) = &doc.decision else { continue };
        let at = match signers.iter().position(|(p, _)| *p == signer.principal()) {
            Some(at) => at,
            None => {
                signers.push((signer.principal(), Vec::new()));
                signers.len() - 1
            }
        };
        let subject = doc.report.subject();
        if signer.via_delegation().is_some() && !signers[at].1.contains(&subject) {
            signers[at].1.push(subject);
        }
    }
    let phrases: Vec<String> = signers
        .iter()
        .map(|(principal, delegating)| {
            if delegating.is_empty() {
                principal.to_string()
            } else {
                let of: Vec<&str> = delegating.iter().map(|s| s.as_str()).collect();
                format!("{principal}, a delegate of {}", of.join(", "))
            }
        })
        .collect();
    phrases.join(" and ")
}
