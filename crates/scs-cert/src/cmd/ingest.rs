//! `scs-cert ingest`

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use scs_cert::output::{IngestRecord, Problem};

use scs_cert::report::MAX_REPORT_BYTES;
use scs_cli::{self as cli, Outcome, Tone};
use scs_registry::admin;
use scs_registry::ingest::{FileOutcome, Ingest, Receipt, Rejection, Submission};

use crate::cli::IngestArgs;
use crate::cmd::Ctx;

/// Files read, verified and archived at a time: bounds memory (a batch of 20 KB reports is
/// a few MB) while keeping every core busy.
const BATCH_FILES: usize = 256;

/// What is kept of one file until the commit: enough to report it.
enum Note {
    Unreadable(String),
    Ingested { sha256: String, documents: usize },
    Present { sha256: String },
    Rejected(Rejection),
}

pub(crate) fn run(ctx: &Ctx, args: IngestArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    let now = ctx.now();
    let receipt = Receipt {
        received_at: args.received_at.map_or(now, |t| t.instant()),
        declared: args.received_at.is_some(),
        ingested_at: now,
    };
    let (files, skipped) = expand(&args.files)?;
    let mut outcome = Outcome::Success;
    let mut ingest = Ingest::new(&registry, &state, receipt)?;
    // Files go through in batches so memory stays bounded: only a short note per file is kept
    // for the report printed after the commit.
    let mut notes: Vec<(&Path, Note)> = Vec::with_capacity(files.len());
    let progress = ctx.printer.progress(files.len(), "files");
    for batch in files.chunks(BATCH_FILES) {
        let read = scs_cert::parallel::map(batch, scs_cert::parallel::workers(), |f| {
            read_submission(f, args.body)
        });
        let mut submissions = Vec::with_capacity(batch.len());
        let mut names = Vec::with_capacity(batch.len());
        for (file, r) in batch.iter().zip(read) {
            match r {
                Ok(s) => {
                    submissions.push(s);
                    names.push(file.as_path());
                }
                Err(e) => notes.push((file.as_path(), Note::Unreadable(format!("{e:#}")))),
            }
        }
        let outcomes = ingest.add(&submissions)?;
        for (file, o) in names.into_iter().zip(outcomes) {
            let note = match o {
                FileOutcome::Ingested { sha256, lines } => Note::Ingested {
                    sha256,
                    documents: lines.len(),
                },
                FileOutcome::AlreadyPresent { sha256 } => Note::Present { sha256 },
                FileOutcome::Rejected(r) => Note::Rejected(r),
                _ => continue,
            };
            notes.push((file, note));
        }
        progress.inc(batch.len());
    }
    progress.finish();
    let identity = admin::identity(&state.forum, &key, now)?;
    let commit = ingest
        .commit(&key, &identity)
        .context("while recording the accepted reports; nothing was committed")?;
    for (file, why) in &skipped {
        let name = cli::shown(&file);
        if args.json {
            ctx.printer.record(&IngestRecord::skipped(
                file.display().to_string(),
                why.to_string(),
            ))?;
        } else {
            ctx.printer.result(&format!("skipped   {name}: {why}"))?;
        }
    }
    let (mut ingested, mut present, mut rejected) = (0, 0, 0);
    for (file, note) in &notes {
        let name = cli::shown(&file);
        match note {
            Note::Unreadable(e) => {
                ctx.printer.result(&format!(
                    "{}  {name}: {e}",
                    ctx.printer.paint("error   ", Tone::Doubt),
                ))?;
                outcome = Outcome::Error;
            }
            Note::Ingested { sha256, documents } => {
                ingested += 1;
                if args.json {
                    ctx.printer.record(&IngestRecord::ingested(
                        file.display().to_string(),
                        sha256.clone(),
                        *documents,
                    ))?;
                } else {
                    ctx.printer.result(&format!(
                        "{}  {name}: {documents} document(s), sha256 {sha256}",
                        ctx.printer.paint("ingested", Tone::Good),
                    ))?;
                }
            }
            Note::Present { sha256 } => {
                present += 1;
                if args.json {
                    ctx.printer.record(&IngestRecord::already_present(
                        file.display().to_string(),
                        sha256.clone(),
                    ))?;
                } else {
                    ctx.printer.result(&format!(
                        "present   {name}: already in the registry (sha256 {sha256})"
                    ))?;
                }
            }
            Note::Rejected(r) => {
                rejected += 1;
                outcome = outcome.worst(Outcome::Negative);
                if args.json {
                    ctx.printer.record(&IngestRecord::rejected(
                        file.display().to_string(),
                        Problem::new(r.code(), r),
                    ))?;
                } else {
                    ctx.printer.result(&format!(
                        "{}  {name}: {r}",
                        ctx.printer.paint("rejected", Tone::Bad)
                    ))?;
                }
            }
        }
    }
    ctx.printer.info(&format!(
        "{ingested} ingested, {present} already present, {rejected} rejected, {} skipped{}",
        skipped.len(),
        commit.map(|c| format!(" (commit {c})")).unwrap_or_default()
    ));
    Ok(outcome)
}

/// A folder entry `ingest DIR` does not read, and why.
type Skipped = (PathBuf, &'static str);

/// Files as given; a directory stands for its report files (sorted), and every other entry
/// in it is returned as skipped, with the reason. A report's own signature (`FILE.sig`,
/// `FILE.sigstore.json`) is read with it and not listed.
fn expand(paths: &[PathBuf]) -> anyhow::Result<(Vec<PathBuf>, Vec<Skipped>)> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .with_context(|| format!("while listing {}", cli::shown(&p)))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .with_context(|| format!("while listing {}", cli::shown(&p)))?;
        entries.sort();
        let name = |f: &Path| f.file_name().map(|n| n.to_string_lossy().into_owned());
        let names: std::collections::BTreeSet<String> =
            entries.iter().filter_map(|f| name(f)).collect();
        for f in entries {
            let n = name(&f).unwrap_or_default();
            let signature_of = n
                .strip_suffix(".sigstore.json")
                .or_else(|| n.strip_suffix(".sig"));
            if let Some(report) = signature_of {
                if !names.contains(report) {
                    skipped.push((f, "a signature without its report"));
                }
                continue;
            }
            let report_name = f
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
            let kind = std::fs::metadata(&f).map(|m| m.file_type());
            let why = match kind {
                Ok(t) if t.is_dir() => Some("a directory (folders are not searched)"),
                Ok(t) if !t.is_file() => Some("not a regular file"),
                Err(_) => Some("unreadable (a dangling symlink?)"),
                Ok(_) if !report_name => Some("not a report file (.yaml, .yml or .json)"),
                Ok(_) => None,
            };
            match why {
                Some(why) => skipped.push((f, why)),
                None => out.push(f),
            }
        }
    }
    Ok((out, skipped))
}

fn read_submission(file: &Path, body: bool) -> anyhow::Result<Submission> {
    let name = cli::shown(&file).to_string();
    let bytes = cli::read_input(file, MAX_REPORT_BYTES + cli::MAX_SIGNATURE_BYTES)?;
    if body {
        return Ok(Submission::upload_body(name, bytes));
    }
    Ok(match cli::read_seal(file)? {
        cli::SealFile::Ssh(signature) => Submission::detached(name, &bytes, Some(&signature)),
        cli::SealFile::Sigstore(bundle) => Submission::sigstore(name, &bytes, &bundle),
        cli::SealFile::None => Submission::detached(name, &bytes, None),
    })
}
