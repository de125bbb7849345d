//! `scs-cert status`

use scs_cert::eval::{self, Evidence};
use scs_cert::output::StatusRecord;
use scs_cert::subject::Subject;
use scs_cert::target::TargetVerdict;
use scs_cert::time::{Instant, format_instant};
use scs_cli::{Outcome, Tone};
use scs_registry::ledger;
use scs_registry::state::{self, AdoptedScope};

use crate::cli::StatusArgs;
use crate::cmd::Ctx;

/// (subject, scope) pairs judged together between two rounds of output.
const PAIRS_PER_BATCH: usize = 16;

pub(crate) fn run(ctx: &Ctx, args: StatusArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let subjects: Vec<Subject> = if args.subjects.is_empty() {
        state.subjects.keys().cloned().collect()
    } else {
        let mut v = Vec::new();
        for s in &args.subjects {
            let s: Subject = s.parse()?;
            state.subject(&s)?;
            v.push(s);
        }
        v
    };
    let scopes: Vec<&AdoptedScope> = match &args.scope {
        Some(name) => vec![state.adopted(name)?],
        None => state.scopes.values().collect(),
    };
    if !args.json {
        ctx.printer.result(&format!(
            "{:<20} {:<22} {:<8} {:<11} {:<8} {}",
            "SUBJECT", "SCOPE", "VERSION", "VALIDITY", "MAIN", "COMPLIANT"
        ))?;
    }
    // Ledgers are read in order (the git store is not shared between threads); the engine
    // then judges a batch of (subject, scope) pairs on every core, and the output keeps order.
    let pairs: Vec<(&Subject, &AdoptedScope)> = subjects
        .iter()
        .flat_map(|s| scopes.iter().map(move |p| (s, *p)))
        .collect();
    for batch in pairs.chunks(PAIRS_PER_BATCH) {
        let mut work = Vec::with_capacity(batch.len());
        for (subject, scope) in batch {
            let lines = state::ledger_lines(&registry, subject, scope.spec.uuid())?;
            // Without --scope, show only the scopes the subject has evidence for.
            if lines.is_empty() && args.scope.is_none() {
                continue;
            }
            work.push((*subject, *scope, ledger::evidence(&lines)));
        }
        let printer = &ctx.printer;
        let json = args.json;
        let outputs = scs_cert::parallel::map(
            &work,
            scs_cert::parallel::workers(),
            |(subject, scope, evidence)| {
                if json {
                    let record = StatusRecord::new(subject, &scope.spec, evidence, at);
                    scs_cert::output::to_json(&record).map(|v| vec![v.to_string()])
                } else {
                    Ok(status_lines(printer, subject, scope, evidence, at))
                }
            },
        );
        for lines in outputs {
            let lines = lines?;
            for line in lines {
                printer.result(&line)?;
            }
        }
    }
    Ok(Outcome::Success)
}

fn status_lines(
    printer: &scs_cli::Printer,
    subject: &Subject,
    scope: &AdoptedScope,
    evidence: &[Evidence],
    at: Instant,
) -> Vec<String> {
    let mut out = Vec::new();
    let status = eval::status_at(&scope.spec, evidence, at);
    let history = eval::history(&scope.spec, evidence, at);
    if status.versions.is_empty() {
        out.push(format!(
            "{:<20} {:<22} (no version listed at this instant)",
            subject.as_str(),
            scope.slug
        ));
    }
    for v in &status.versions {
        let main = v.main().map_or(TargetVerdict::Missing, |t| t.verdict);
        let tone = match main {
            TargetVerdict::Pass => Tone::Good,
            TargetVerdict::Fail => Tone::Bad,
            _ => Tone::Doubt,
        };
        let since = if v.is_compliant() {
            history
                .get(v.version.name())
                .and_then(|iv| iv.iter().rev().find(|i| i.compliant))
                .map(|i| format!("yes, since {}", format_instant(i.start)))
                .unwrap_or_else(|| "yes".into())
        } else {
            let why = v.main().map(|t| {
                let mut parts = Vec::new();
                if !t.failed.is_empty() {
                    parts.push(format!("FAIL {}", t.failed.join(", ")));
                }
                if !t.missing.is_empty() {
                    parts.push(format!("MISSING {}", abbreviate(&t.missing)));
                }
                if !t.aborted.is_empty() {
                    parts.push(format!("ABORT {}", t.aborted.join(", ")));
                }
                if t.empty {
                    parts.push("empty main target".into());
                }
                if !v.validity.is_certifiable() {
                    parts.insert(0, format!("{} is not certifiable", v.validity));
                }
                parts.join("; ")
            });
            format!("no: {}", why.unwrap_or_default())
        };
        let padded = format!("{main:<8}");
        out.push(format!(
            "{:<20} {:<22} {:<8} {:<11} {} {since}",
            subject.as_str(),
            scope.slug,
            v.version.name(),
            v.validity.to_string(),
            printer.paint(&padded, tone),
        ));
    }
    out
}

fn abbreviate(ids: &[String]) -> String {
    if ids.len() <= 3 {
        ids.join(", ")
    } else {
        format!("{}, … ({} testcases)", ids[..2].join(", "), ids.len())
    }
}
