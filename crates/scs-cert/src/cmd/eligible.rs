//! `scs-cert eligible`

use anyhow::anyhow;
use scs_cert::output::EligibilityRecord;

use scs_cert::eval::{self, Eligibility, Evidence, Reason, Window, Wording};
use scs_cert::subject::Subject;
use scs_cert::time::{self, format_instant};
use scs_cli::{Outcome, Tone};
use scs_registry::state::AdoptedScope;
use scs_registry::{ledger, state};

use crate::cli::EligibleArgs;
use crate::cmd::Ctx;

pub(crate) fn run(ctx: &Ctx, args: EligibleArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let subject: Subject = args.subject.parse()?;
    state.subject(&subject)?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let window = match &args.window {
        Some(w) => time::parse_duration(w)
            .ok_or_else(|| anyhow!("not a duration: {w:?} (e.g. 28d, 12h, 0)"))?,
        None => chrono::Duration::days(i64::from(state.forum.policy.observation_window_days)),
    };
    // Without --scope: every adopted scope the subject has reported, each with its evidence.
    let scopes: Vec<(&AdoptedScope, Vec<Evidence>)> = match &args.scope {
        Some(name) => {
            let scope = state.adopted(name)?;
            let lines = state::ledger_lines(&registry, &subject, scope.spec.uuid())?;
            vec![(scope, ledger::evidence(&lines))]
        }
        None => {
            let mut reported = Vec::new();
            for scope in state.scopes.values() {
                let lines = state::ledger_lines(&registry, &subject, scope.spec.uuid())?;
                if !lines.is_empty() {
                    reported.push((scope, ledger::evidence(&lines)));
                }
            }
            if reported.is_empty() {
                anyhow::bail!(
                    "{subject} has reported no scope yet; name one with --scope (see scs-cert scope list)"
                );
            }
            reported
        }
    };
    let mut outcome = Outcome::Success;
    for (scope, evidence) in &scopes {
        let decision = eval::decide(&scope.spec, args.version.as_deref(), evidence, at, window)?;
        if args.json {
            ctx.printer.record(&EligibilityRecord::new(
                &subject,
                scope.spec.uuid(),
                at,
                &decision,
            ))?;
        } else {
            print_decision(ctx, &subject, scope, evidence, &decision)?;
        }
        if !decision.is_eligible() {
            outcome = outcome.worst(Outcome::Negative);
        }
    }
    Ok(outcome)
}

/// The reasons of a refusal for people: grouped by finding, stretch and report, the cause in
/// words (`--json` keeps every reason).
pub(crate) fn reason_lines(
    subject: &Subject,
    scope: &AdoptedScope,
    evidence: &[Evidence],
    version: &str,
    window: &Window,
    reasons: &[Reason],
) -> Vec<String> {
    match Wording::for_main(subject.as_str(), &scope.spec, version, evidence, window.end) {
        Ok(wording) => wording.lines(reasons),
        // The decision named a version of this spec; should it not, every reason as it is.
        Err(_) => reasons.iter().map(ToString::to_string).collect(),
    }
}

fn print_decision(
    ctx: &Ctx,
    subject: &Subject,
    adopted: &AdoptedScope,
    evidence: &[Evidence],
    decision: &Eligibility,
) -> anyhow::Result<()> {
    let scope = &adopted.slug;
    match decision {
        Eligibility::Eligible {
            version,
            validity,
            window,
            evidence,
        } => {
            let expiring = if *validity == scs_cert::spec::Validity::Warn {
                " (version expiring: warn)"
            } else {
                ""
            };
            ctx.printer.result(&format!(
                "{} {subject} {scope} {version}{expiring}: compliant throughout {} .. {} ({} report(s) in force)",
                ctx.printer.paint("ELIGIBLE", Tone::Good),
                format_instant(window.start),
                format_instant(window.end),
                evidence.len()
            ))?;
        }
        Eligibility::NotEligible {
            version,
            window,
            reasons,
            ..
        } => {
            ctx.printer.result(&format!(
                "{} {subject} {scope} {version}: not compliant throughout {} .. {}",
                ctx.printer.paint("NOT ELIGIBLE", Tone::Bad),
                format_instant(window.start),
                format_instant(window.end),
            ))?;
            for line in reason_lines(subject, adopted, evidence, version, window, reasons) {
                ctx.printer.result(&format!("  - {line}"))?;
            }
        }
    }
    Ok(())
}
