//! `scs-report show`

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use scs_cert::eval::{self, Evidence, ReasonGroup, VersionStatus, Wording};
use scs_cert::output::DocumentRecord;
use scs_cert::report::{self, MAX_REPORT_BYTES, Report};
use scs_cert::seed;
use scs_cert::sig;
use scs_cert::spec::{self, Spec, Version};
use scs_cert::target::{TargetOutcome, TargetVerdict};
use scs_cert::time::format_instant;
use scs_cli::{self as cli, Outcome, Printer, Tone};

use crate::cli::ShowArgs;

/// Largest scope spec read.
const MAX_SPEC_BYTES: usize = 4 * 1024 * 1024;

pub(crate) fn run(printer: &Printer, args: ShowArgs) -> anyhow::Result<Outcome> {
    let specs = load_specs(&args.spec)?;
    let bytes = cli::read_input(&args.file, MAX_REPORT_BYTES)?;
    let report_bytes = if args.body {
        sig::split_upload_body(&bytes)
            .with_context(|| format!("{} is not an upload body", cli::shown(&args.file)))?
            .1
    } else {
        &bytes[..]
    };
    let reports = report::parse(report_bytes)
        .with_context(|| format!("while reading the report {}", cli::shown(&args.file)))?;
    // Every document's spec is found before anything is printed: a document of a scope no
    // spec is given for leaves the whole file unanswered (exit 2), never half a verdict.
    let mut judged = Vec::with_capacity(reports.len());
    for (index, doc) in reports.iter().enumerate() {
        let spec = spec_for(&specs, doc, index, &args.file)?;
        let at = args
            .at
            .map_or_else(|| doc.checked_at(), |a| a.instant().naive_utc());
        let evidence = own_evidence(doc);
        let versions = eval::status_at(spec, &evidence, at.and_utc()).versions;
        judged.push((index, doc, spec, at, versions));
    }
    printer.info(
        "note: show reads the report; it does not check its signature (use `scs-report verify`)",
    );
    let compliant = judged
        .iter()
        .all(|(.., versions)| versions.iter().any(VersionStatus::is_compliant));
    if args.json {
        for (index, doc, spec, at, versions) in &judged {
            printer.record(&DocumentRecord::new(
                args.file.display().to_string(),
                *index,
                doc,
                spec,
                *at,
                versions,
            ))?;
        }
    } else {
        // The verdicts first, one line per document, so that a CI log's first lines say it.
        for (index, doc, spec, at, versions) in &judged {
            printer.result(&verdict_line(printer, *index, doc, spec, *at, versions))?;
        }
        for (index, doc, spec, at, versions) in &judged {
            print_document(printer, &args.file, *index, doc, spec, *at, versions)?;
        }
    }
    Ok(if compliant {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// The scope specs to judge by, each with where it came from: the files given, or the ones
/// built into the tool.
/// One report as its own evidence, known from when it ran: the engine judges it as it judges a
/// registry's ledger (results count from checked_at until their expiry).
fn own_evidence(doc: &Report) -> [Evidence; 1] {
    [Evidence {
        run: doc.run_uuid().to_string(),
        digest: String::new(),
        checked_at: doc.checked_at(),
        received_at: doc.checked_at().and_utc(),
        ingest_seq: 0,
        results: doc.results().clone(),
    }]
}

fn load_specs(paths: &[PathBuf]) -> anyhow::Result<(Vec<Spec>, &'static str)> {
    if paths.is_empty() {
        let built_in = vec![
            Spec::load(seed::IAAS_SPEC, "built-in scs-compatible-iaas.yaml")?,
            Spec::load(seed::KAAS_SPEC, "built-in scs-compatible-kaas.yaml")?,
        ];
        return Ok((built_in, "built in"));
    }
    let mut specs: Vec<Spec> = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let spec = load_spec(path)?;
        if let Some(j) = specs.iter().position(|s| s.uuid() == spec.uuid()) {
            bail!(
                "{} and {} are both scope {} ({}); give one spec per scope",
                cli::shown(&paths[j]),
                cli::shown(&paths[i]),
                spec.uuid(),
                spec.name()
            );
        }
        specs.push(spec);
    }
    Ok((specs, "given"))
}

/// The spec of document `index`'s scope, from `specs` (`origin`: "given" or "built in").
fn spec_for<'s>(
    (specs, origin): &'s (Vec<Spec>, &'static str),
    doc: &Report,
    index: usize,
    file: &Path,
) -> anyhow::Result<&'s Spec> {
    if let Some(spec) = specs.iter().find(|s| s.uuid() == doc.scope_uuid()) {
        return Ok(spec);
    }
    let known: Vec<String> = specs
        .iter()
        .map(|s| format!("{} {}", s.name(), s.uuid()))
        .collect();
    bail!(
        "document {} of {} is for scope {}, but no spec of that scope is {origin} ({origin}: {}); pass its spec with --spec SCOPE.yaml",
        index + 1,
        cli::shown(&file),
        cli::shown(doc.scope_uuid()),
        known.join(", ")
    )
}

/// `PASS: <scope> for <subject> (document N): v5.1 (effective) main`, or `FAIL: …` with, for
/// each certifiable version, what keeps its `main` target from passing.
fn verdict_line(
    printer: &Printer,
    index: usize,
    doc: &Report,
    spec: &Spec,
    at: chrono::NaiveDateTime,
    versions: &[VersionStatus<'_>],
) -> String {
    let passing: Vec<String> = versions
        .iter()
        .filter(|v| v.is_compliant())
        .map(|v| format!("{} ({}) main", v.version.name(), v.validity))
        .collect();
    let (word, tone, detail) = if passing.is_empty() {
        let certifiable: Vec<String> = versions
            .iter()
            .filter(|v| v.validity.is_certifiable())
            .map(|v| {
                format!(
                    "{} ({}) main: {}",
                    v.version.name(),
                    v.validity,
                    v.main()
                        .map_or_else(|| "no main target".to_owned(), shortfall)
                )
            })
            .collect();
        let detail = if certifiable.is_empty() {
            format!(
                "no version is certifiable at {}",
                format_instant(at.and_utc())
            )
        } else {
            certifiable.join("; ")
        };
        ("FAIL", Tone::Bad, detail)
    } else {
        ("PASS", Tone::Good, passing.join(", "))
    };
    format!(
        "{}: {} for {} (document {}): {detail}",
        printer.paint(word, tone),
        spec.name(),
        doc.subject(),
        index + 1,
    )
}

/// What keeps a target from passing: `3 failing, 1 missing`.
fn shortfall(outcome: &TargetOutcome) -> String {
    if outcome.empty {
        return "empty target (nothing can pass)".to_owned();
    }
    let parts: Vec<String> = [
        (outcome.failed.len(), "failing"),
        (outcome.aborted.len(), "aborted"),
        (outcome.missing.len(), "missing"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    parts.join(", ")
}

/// Reads and validates a scope spec file.
pub(crate) fn load_spec(path: &Path) -> anyhow::Result<Spec> {
    let bytes = cli::read_input(path, MAX_SPEC_BYTES)?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{} is not UTF-8 text", cli::shown(&path)))?;
    match Spec::load(&text, &cli::shown(&path).to_string()) {
        Ok(spec) => Ok(spec),
        // Every diagnostic on its own line, `file:line:column: message [code]`.
        Err(spec::Error::Invalid { diagnostics, .. }) => {
            let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            bail!(
                "invalid scope spec {} ({} problem(s)):\n  {}",
                cli::shown(&path),
                lines.len(),
                lines.join("\n  ")
            )
        }
        Err(e) => {
            Err(e).with_context(|| format!("while loading the scope spec {}", cli::shown(&path)))
        }
    }
}

fn tone(v: TargetVerdict) -> Tone {
    match v {
        TargetVerdict::Pass => Tone::Good,
        TargetVerdict::Fail => Tone::Bad,
        TargetVerdict::Abort | TargetVerdict::Missing => Tone::Doubt,
    }
}

fn print_document(
    printer: &Printer,
    file: &Path,
    index: usize,
    doc: &Report,
    spec: &Spec,
    at: chrono::NaiveDateTime,
    versions: &[VersionStatus<'_>],
) -> std::io::Result<()> {
    printer.result(&format!(
        "{} document {}: subject {}, {} ({}), run {}, checked at {}, judged at {}",
        cli::shown(&file),
        index + 1,
        doc.subject(),
        spec.name(),
        spec.uuid(),
        doc.run_uuid(),
        format_instant(doc.checked_at().and_utc()),
        format_instant(at.and_utc()),
    ))?;
    if versions.is_empty() {
        printer.result("  no version is listed in the timeline entry in force at that instant")?;
    }
    for v in versions {
        for (target, outcome) in &v.targets {
            let verdict = printer.paint(&outcome.verdict.to_string(), tone(outcome.verdict));
            let empty = if outcome.empty {
                " (empty target: nothing can pass)"
            } else {
                ""
            };
            printer.result(&format!(
                "  {} ({}) {target}: {verdict}{empty}",
                v.version.name(),
                v.validity
            ))?;
            for (label, ids) in [("FAIL", &outcome.failed), ("ABORT", &outcome.aborted)] {
                for id in ids {
                    printer.result(&format!("      {label:<7} {}", describe(v.version, id)))?;
                }
            }
            for line in missing_lines(doc, spec, v, target, &outcome.missing, at) {
                printer.result(&line)?;
            }
        }
    }
    Ok(())
}

/// The MISSING testcases of one target: one line each when alone, else grouped by cause (the
/// report's results expired, or the report has none for them), one line per group with a
/// count, so a report read after its lifetime is not a hundred identical lines.
fn missing_lines(
    doc: &Report,
    spec: &Spec,
    v: &VersionStatus<'_>,
    target: &str,
    missing: &[String],
    at: chrono::NaiveDateTime,
) -> Vec<String> {
    let one_by_one = || {
        missing
            .iter()
            .map(|id| format!("      {:<7} {}", "MISSING", describe(v.version, id)))
            .collect()
    };
    if missing.len() < 2 {
        return one_by_one();
    }
    let evidence = own_evidence(doc);
    let name = v.version.name();
    let ids = missing.iter().map(String::as_str);
    let Ok(reasons) = eval::findings_at(spec, name, ids, &evidence, at.and_utc()) else {
        return one_by_one();
    };
    let of = v
        .version
        .targets()
        .get(target)
        .map_or(missing.len(), |t| t.len());
    let wording = Wording {
        subject: doc.subject().as_str(),
        scope: eval::scope_label(spec.name()),
        of,
        first_report: evidence.first().map(Evidence::visible_from),
    };
    eval::group_reasons(&reasons)
        .iter()
        .map(|group| match group {
            ReasonGroup::Testcases { testcases, .. } if testcases.len() == 1 => {
                format!(
                    "      {:<7} {}",
                    "MISSING",
                    describe(v.version, &testcases.concat())
                )
            }
            _ => format!("      {:<7} {}", "MISSING", group.describe(&wording)),
        })
        .collect()
}

fn describe(version: &Version, id: &str) -> String {
    let Some(tc) = version.testcase(id) else {
        return id.to_owned();
    };
    let mut s = id.to_owned();
    if let Some(d) = tc.description() {
        s.push_str(&format!(": {}", d.trim()));
    }
    if let Some(u) = tc.url() {
        s.push_str(&format!(" <{u}>"));
    }
    s
}
