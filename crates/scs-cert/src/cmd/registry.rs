//! `scs-cert registry verify|recover`

use std::collections::BTreeSet;

use anyhow::Context as _;
use scs_cert::layout::FORUM_ALLOWED_SIGNERS;
use scs_cert::output::{FindingRecord, SummaryRecord};
use scs_cert::sig::Fingerprint;
use scs_cert::trust::pin::{self, PinMismatch};

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
            expect_key,
        } => verify(
            ctx,
            json,
            require_archive,
            &expect_key.into_iter().collect(),
        ),
    }
}

/// The forum keys as one line: `SHA256:…, SHA256:…` (`none` when there are none).
pub(crate) fn key_list(keys: &BTreeSet<Fingerprint>) -> String {
    if keys.is_empty() {
        return "none".to_owned();
    }
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The line naming the forum keys an answer rests on, and whether they are the expected ones.
pub(crate) fn trusted_line(keys: &BTreeSet<Fingerprint>, pinned: Option<bool>) -> String {
    let judged = match pinned {
        Some(true) => " (as expected)",
        Some(false) => " (NOT as expected)",
        None => " (not pinned: compare them with the forum's, or pass --expect-key)",
    };
    format!("forum key(s) trusted: {}{judged}", key_list(keys))
}

/// `registry verify`: one line (or JSON object) per finding, then a summary; exit 1 when
/// anything is wrong, 2 when the registry could not be read.
fn verify(
    ctx: &Ctx,
    json: bool,
    require_archive: bool,
    expected: &BTreeSet<Fingerprint>,
) -> anyhow::Result<Outcome> {
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
    let trusted = report.forum_keys();
    // Keys learned out of band: a history re-made with another key verifies as well on its own.
    let pin = (!expected.is_empty()).then(|| pin::check(trusted, expected));
    let pin_finding = match &pin {
        Some(Err(mismatch)) => Some(FindingRecord {
            commit: None,
            commit_number: None,
            code: match mismatch {
                PinMismatch::NoneTrusted => "no-forum-key",
                _ => "unexpected-forum-key",
            },
            path: Some(FORUM_ALLOWED_SIGNERS.to_owned()),
            message: mismatch.to_string(),
        }),
        _ => None,
    };
    let findings = report.findings().len() + usize::from(pin_finding.is_some());
    let valid = findings == 0;
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
    if let Some(f) = &pin_finding {
        if json {
            ctx.printer.record(f)?;
        } else {
            ctx.printer.result(&format!(
                "{}  {}  {}  {}: {}",
                ctx.printer.paint("FAIL", Tone::Bad),
                "-".repeat(40),
                f.code,
                FORUM_ALLOWED_SIGNERS,
                f.message
            ))?;
        }
    }
    let pinned = pin.as_ref().map(Result::is_ok);
    let (archive_checked, objects) = match report.archive() {
        ArchiveCoverage::Checked { objects } => (true, objects),
        _ => (false, 0),
    };
    let first = report.first();
    if json {
        ctx.printer.record(&SummaryRecord {
            valid,
            commits: report.commits(),
            ledger_lines: report.ledger_lines(),
            archive_checked,
            archive_objects: objects,
            findings,
            first_commit: first.and_then(|f| f.commit()).map(|c| c.to_string()),
            forum_keys: trusted.iter().map(ToString::to_string).collect(),
            forum_keys_expected: pinned,
        })?;
    } else {
        ctx.printer.result(&trusted_line(trusted, pinned))?;
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
            None if pin_finding.is_some() => ctx.printer.result(&format!(
                "{}  registry history verified, but by forum keys other than the expected ones: {counts}",
                ctx.printer.paint("broken", Tone::Bad)
            ))?,
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
                    "{}  registry history is broken: {findings} finding(s); {at}; {counts}",
                    ctx.printer.paint("broken", Tone::Bad),
                ))?;
            }
        }
    }
    Ok(if valid {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
