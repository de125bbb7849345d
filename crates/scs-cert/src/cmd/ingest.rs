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
    let (files, skipped) = match &args.manifest {
        Some(manifest) => (from_manifest(manifest, now)?, Vec::new()),
        None => {
            let (files, skipped) = expand(&args.files, args.recursive)?;
            (files.into_iter().map(|f| (f, receipt)).collect(), skipped)
        }
    };
    let mut outcome = Outcome::Success;
    let mut ingest = Ingest::new(&registry, &state, receipt)?;
    // Files go through in batches so memory stays bounded: only a short note per file is kept
    // for the report printed after the commit.
    let mut notes: Vec<(&Path, Note)> = Vec::with_capacity(files.len());
    // Reports recorded as received now that were checked long before: an archive imported
    // by mistake without its receipts.
    let mut old_undeclared = 0usize;
    let long_ago = scs_cert::time::sub(now, chrono::Duration::days(1), "").ok();
    let progress = ctx.printer.progress(files.len(), "files");
    for batch in files.chunks(BATCH_FILES) {
        let read = scs_cert::parallel::map(batch, scs_cert::parallel::workers(), |(f, _)| {
            read_submission(f, args.body)
        });
        let mut submissions = Vec::with_capacity(batch.len());
        let mut names = Vec::with_capacity(batch.len());
        for ((file, receipt), r) in batch.iter().zip(read) {
            match r {
                Ok(s) => {
                    submissions.push((s, *receipt));
                    names.push(file.as_path());
                }
                Err(e) => notes.push((file.as_path(), Note::Unreadable(cli::one_line(&e)))),
            }
        }
        let outcomes = ingest.add_received(&submissions)?;
        for ((file, (_, receipt)), o) in names.into_iter().zip(&submissions).zip(outcomes) {
            let note = match o {
                FileOutcome::Ingested { sha256, lines } => {
                    if !receipt.declared
                        && lines
                            .iter()
                            .any(|l| long_ago.is_some_and(|t| l.checked_at < t))
                    {
                        old_undeclared += 1;
                    }
                    Note::Ingested {
                        sha256,
                        documents: lines.len(),
                    }
                }
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
    let mut not_yet_valid = false;
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
                not_yet_valid |= r.key_not_yet_valid();
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
    if not_yet_valid {
        ctx.printer.info(
            "hint: a key signs only from the instant it was bound (see `scs-cert subject show \
             SUBJECT`); to take reports from before, bind it earlier: `scs-cert subject import \
             BOOTSTRAP --keys-valid-from INSTANT` (a re-import re-dates the keys it bound) or \
             `scs-cert subject key add SUBJECT KEY --at INSTANT`",
        );
    }
    if old_undeclared > 0 {
        ctx.printer.warn(&format!(
            "{old_undeclared} report file(s) were checked more than a day ago and are recorded as \
             received now; for an archive pass --received-at or --manifest"
        ));
    }
    ctx.printer.info(&format!(
        "{ingested} ingested, {present} already present, {rejected} rejected, {} skipped{}",
        skipped.len(),
        commit.map(|c| format!(" (commit {c})")).unwrap_or_default()
    ));
    Ok(outcome)
}

/// The files of an archive manifest, in receipt order, with their declared receipts.
fn from_manifest(
    manifest: &Path,
    now: scs_cert::time::Instant,
) -> anyhow::Result<Vec<(PathBuf, Receipt)>> {
    let bytes = cli::read_input(manifest, scs_cert::manifest::MAX_MANIFEST_BYTES)?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{} is not UTF-8 text", cli::shown(&manifest)))?;
    let entries = scs_cert::manifest::parse(&text)
        .with_context(|| format!("while reading the manifest {}", cli::shown(&manifest)))?;
    let base = manifest.parent().unwrap_or(Path::new(""));
    // `manifest::parse` refuses a path listed twice; the same file under two spellings
    // (`a.yaml`, `./a.yaml`, a symlink) would as well bring two receipts for one file.
    let mut seen: std::collections::BTreeMap<PathBuf, PathBuf> = std::collections::BTreeMap::new();
    let mut files = Vec::with_capacity(entries.len());
    for e in entries {
        let path = base.join(e.path);
        if let Ok(real) = std::fs::canonicalize(&path)
            && let Some(first) = seen.insert(real, path.clone())
        {
            anyhow::bail!(
                "while reading the manifest {}: {} and {} are the same file (which receipt \
                 counts?)",
                cli::shown(&manifest),
                cli::shown(&first),
                cli::shown(&path)
            );
        }
        let receipt = Receipt {
            received_at: e.received_at,
            declared: true,
            ingested_at: now,
        };
        files.push((path, receipt));
    }
    Ok(files)
}

/// A folder entry `ingest DIR` does not read, and why.
type Skipped = (PathBuf, &'static str);

/// Files as given; a directory stands for its report files (sorted), and every other entry
/// in it is returned as skipped, with the reason; with `recursive`, its subfolders too. A
/// report's own signature (`FILE.sig`, `FILE.sigstore.json`) is read with it and not listed.
fn expand(paths: &[PathBuf], recursive: bool) -> anyhow::Result<(Vec<PathBuf>, Vec<Skipped>)> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.is_dir() {
            expand_dir(p, recursive, &mut out, &mut skipped)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok((out, skipped))
}

fn expand_dir(
    dir: &Path,
    recursive: bool,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("while listing {}", cli::shown(&dir)))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("while listing {}", cli::shown(&dir)))?;
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
        // symlink_metadata: a link to a folder is not followed, so a loop cannot recurse.
        let kind = std::fs::symlink_metadata(&f).map(|m| m.file_type());
        let why = match kind {
            // An archive kept in git holds .git: its objects are no reports.
            Ok(t) if t.is_dir() && recursive && n.starts_with('.') => {
                Some("a hidden folder (not read)")
            }
            Ok(t) if t.is_dir() && recursive => {
                expand_dir(&f, recursive, out, skipped)?;
                continue;
            }
            Ok(t) if t.is_dir() => Some("a directory (pass -r to read subfolders)"),
            Ok(t) if t.is_symlink() => match std::fs::metadata(&f) {
                Ok(m) if m.is_dir() => Some("a symlink to a directory (not followed)"),
                Ok(m) if !m.is_file() => Some("not a regular file"),
                Err(_) => Some("unreadable (a dangling symlink?)"),
                Ok(_) if !report_name => Some("not a report file (.yaml, .yml or .json)"),
                Ok(_) => None,
            },
            Ok(t) if !t.is_file() => Some("not a regular file"),
            Err(_) => Some("unreadable"),
            Ok(_) if !report_name => Some("not a report file (.yaml, .yml or .json)"),
            Ok(_) => None,
        };
        match why {
            Some(why) => skipped.push((f, why)),
            None => out.push(f),
        }
    }
    Ok(())
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
