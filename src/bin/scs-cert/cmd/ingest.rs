//! `scs-cert ingest`

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::json;

use scs_cert::cli::{self, Outcome, Tone};
use scs_cert::registry::ingest::{self, FileOutcome, Receipt, Submission};
use scs_cert::registry::{admin, state};
use scs_cert::report::MAX_REPORT_BYTES;

use crate::cli::IngestArgs;
use crate::cmd::Ctx;

/// Largest detached signature read.
const MAX_SIGNATURE_BYTES: usize = 64 * 1024;

pub(crate) fn run(ctx: &Ctx, args: IngestArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    let now = ctx.now();
    let receipt = Receipt {
        received_at: args.received_at.map_or(now, |t| t.instant()),
        declared: args.received_at.is_some(),
        ingested_at: now,
    };
    let files = expand(&args.files)?;
    let mut outcome = Outcome::Success;
    let mut submissions = Vec::with_capacity(files.len());
    let mut names = Vec::with_capacity(files.len());
    for file in &files {
        match read_submission(file, args.body) {
            Ok(s) => {
                submissions.push(s);
                names.push(file.clone());
            }
            Err(e) => {
                ctx.printer.result(&format!(
                    "{}  {}: {e:#}",
                    ctx.printer.paint("error   ", Tone::Doubt),
                    file.display()
                ))?;
                outcome = Outcome::Error;
            }
        }
    }
    let known = ingest::known_runs(&state::all_ledger_lines(&registry)?);
    let outcomes = ingest::decide(&state, &known, &submissions, receipt)?;
    let identity = admin::identity(&state.forum, &key, now)?;
    let commit = ingest::apply(&registry, &submissions, &outcomes, &key, &identity)
        .context("while recording the accepted reports; nothing was committed")?;
    let (mut ingested, mut present, mut rejected) = (0, 0, 0);
    for (file, o) in names.iter().zip(&outcomes) {
        let name = file.display();
        match o {
            FileOutcome::Ingested { sha256, lines } => {
                ingested += 1;
                if args.json {
                    ctx.printer.json(&json!({"type": "ingest", "schema_version": 1, "file": name.to_string(), "outcome": "ingested", "sha256": sha256, "documents": lines.len()}))?;
                } else {
                    ctx.printer.result(&format!(
                        "{}  {name}: {} document(s), sha256 {sha256}",
                        ctx.printer.paint("ingested", Tone::Good),
                        lines.len()
                    ))?;
                }
            }
            FileOutcome::AlreadyPresent { sha256 } => {
                present += 1;
                if args.json {
                    ctx.printer.json(&json!({"type": "ingest", "schema_version": 1, "file": name.to_string(), "outcome": "already-present", "sha256": sha256}))?;
                } else {
                    ctx.printer.result(&format!(
                        "present   {name}: already in the registry (sha256 {sha256})"
                    ))?;
                }
            }
            FileOutcome::Rejected(r) => {
                rejected += 1;
                outcome = outcome.worst(Outcome::Negative);
                if args.json {
                    ctx.printer.json(&json!({"type": "ingest", "schema_version": 1, "file": name.to_string(), "outcome": "rejected", "problem": {"code": r.code(), "message": r.to_string()}}))?;
                } else {
                    ctx.printer.result(&format!(
                        "{}  {name}: {r}",
                        ctx.printer.paint("rejected", Tone::Bad)
                    ))?;
                }
            }
            _ => {}
        }
    }
    ctx.printer.info(&format!(
        "{ingested} ingested, {present} already present, {rejected} rejected{}",
        commit.map(|c| format!(" (commit {c})")).unwrap_or_default()
    ));
    Ok(outcome)
}

/// Files as given; a directory stands for its report files (sorted).
fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("while listing {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn read_submission(file: &Path, body: bool) -> anyhow::Result<Submission> {
    let name = file.display().to_string();
    let bytes = cli::read_input(file, MAX_REPORT_BYTES + MAX_SIGNATURE_BYTES)?;
    if body {
        return Ok(Submission::upload_body(name, bytes));
    }
    let mut sig_path = file.as_os_str().to_owned();
    sig_path.push(".sig");
    let sig_path = PathBuf::from(sig_path);
    let signature = if sig_path.exists() {
        Some(cli::read_input(&sig_path, MAX_SIGNATURE_BYTES)?)
    } else {
        None
    };
    Ok(Submission::detached(name, &bytes, signature.as_deref()))
}
