//! `scs-cert registry verify|recover`

use anyhow::Context as _;
use scs_cert::output::{FindingRecord, SummaryRecord};

use scs_cli::{Outcome, Tone};
use scs_registry::audit::{self, ArchiveCoverage, VerifyOptions};
use scs_registry::{Recovery, Registry};

use crate::cli::RegistryCommand;
use crate::cmd::Ctx;

pub(crate) fn run(ctx: &Ctx, command: RegistryCommand) -> anyhow::Result<Outcome> {
    match command {
        RegistryCommand::Recover => {
            let recovered = Registry::recover(&ctx.registry_dir())?;
            if let Some(holder) = &recovered.stale_lock {
                ctx.printer
                    .info(&format!("cleared the stale lock of {holder}"));
            }
            for orphan in &recovered.orphans {
                ctx.printer.info(&format!(
                    "removed {}, left by an interrupted write",
                    scs_cli::shown(&orphan)
                ));
            }
            match recovered.change {
                Recovery::NothingToDo => ctx.printer.info("nothing to recover"),
                Recovery::Discarded { head, removed } => ctx.printer.info(&format!(
                    "discarded the unfinished change ({} file(s) removed); back at {}",
                    removed.len(),
                    head.map(|h| h.to_string())
                        .unwrap_or_else(|| "the empty registry".into())
                )),
                Recovery::Completed { commit } => ctx
                    .printer
                    .info(&format!("the change had landed as {commit}; cleaned up")),
                _ => ctx.printer.info("recovered"),
            }
            Ok(Outcome::Success)
        }
        RegistryCommand::Verify {
            json,
            require_archive,
        } => verify(ctx, json, require_archive),
    }
}

/// `registry verify`: one line (or JSON object) per finding, then a summary; exit 1 when
/// anything is wrong, 2 when the registry could not be read.
fn verify(ctx: &Ctx, json: bool, require_archive: bool) -> anyhow::Result<Outcome> {
    let registry = ctx.open()?;
    let options = VerifyOptions {
        require_archive,
        skip_archive: false,
    };
    let mut bar = None;
    let report = audit::verify_history_reporting(&registry, &options, &mut |done, total| {
        bar.get_or_insert_with(|| ctx.printer.progress(total, "commits"))
            .set(done);
    })
    .context("while verifying the registry history")?;
    drop(bar);
    for f in report.findings() {
        if json {
            ctx.printer.record(&FindingRecord {
                commit: f.commit().map(|c| c.to_string()),
                commit_number: f.position().map(|p| p + 1),
                code: f.kind().code(),
                path: f.path().map(str::to_owned),
                message: f.message().to_owned(),
            })?;
        } else {
            let commit = f.commit().map_or_else(|| "-".repeat(40), |c| c.to_string());
            let path = f.path().map(|p| format!("{p}: ")).unwrap_or_default();
            ctx.printer.result(&format!(
                "{}  {commit}  {}  {path}{}",
                ctx.printer.paint("FAIL", Tone::Bad),
                f.kind().code(),
                f.message()
            ))?;
        }
    }
    let (archive_checked, objects) = match report.archive() {
        ArchiveCoverage::Checked { objects } => (true, objects),
        _ => (false, 0),
    };
    let first = report.first();
    if json {
        ctx.printer.record(&SummaryRecord {
            valid: report.is_clean(),
            commits: report.commits(),
            ledger_lines: report.ledger_lines(),
            archive_checked,
            archive_objects: objects,
            findings: report.findings().len(),
            first_commit: first.and_then(|f| f.commit()).map(|c| c.to_string()),
        })?;
    } else {
        let archive = if archive_checked {
            format!("{objects} archive object(s) checked")
        } else {
            "archive NOT checked: this clone has no archive/ folder (the signed bodies are kept \
             outside git; run where the archive is, or pass --require-archive)"
                .to_owned()
        };
        let counts = format!(
            "{} commit(s), {} ledger line(s), {archive}",
            report.commits(),
            report.ledger_lines()
        );
        match first {
            None => ctx.printer.result(&format!(
                "{}  registry history verified: {counts}",
                ctx.printer.paint("ok", Tone::Good)
            ))?,
            Some(f) => {
                let at = match (f.commit(), f.position()) {
                    (Some(c), Some(p)) => {
                        format!(
                            "the first wrong commit is {c} ({} of {})",
                            p + 1,
                            report.commits()
                        )
                    }
                    _ => "the archive is missing".to_owned(),
                };
                ctx.printer.result(&format!(
                    "{}  registry history is broken: {} finding(s); {at}; {counts}",
                    ctx.printer.paint("broken", Tone::Bad),
                    report.findings().len()
                ))?;
            }
        }
    }
    Ok(if report.is_clean() {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
