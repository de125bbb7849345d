//! `scs-cert issue|renew|suspend|reinstate|withdraw|certificates`

use anyhow::anyhow;
use scs_cert::output::CertificateEntry;

use scs_cert::cert::{CertificateId, Event, Status, WithdrawalCode};
use scs_cert::eval::Eligibility;
use scs_cert::subject::Subject;
use scs_cert::time::format_instant;
use scs_cli::{Outcome, Tone};
use scs_registry::certificates::{self, CertError, Request};
use scs_registry::{ledger, state};

use crate::cli::{CertificatesArgs, CrlArgs, EventArgs, IssueArgs, RenewArgs, WithdrawArgs};
use crate::cmd::Ctx;

pub(crate) fn issue(ctx: &Ctx, args: IssueArgs) -> anyhow::Result<Outcome> {
    let subject: Subject = args.subject.parse()?;
    let request = Request {
        subject: &subject,
        scope: &args.scope,
        version: args.version.as_deref(),
        holder: args.holder.as_deref(),
        override_reason: args.override_reason.as_deref(),
        renews: None,
        at: args.at.map_or_else(|| ctx.now(), |t| t.instant()),
    };
    run_issue(ctx, &request)
}

pub(crate) fn renew(ctx: &Ctx, args: RenewArgs) -> anyhow::Result<Outcome> {
    let (registry, _) = ctx.open_state()?;
    let id: CertificateId = args.id.parse()?;
    let held = certificates::load(&registry)?;
    let old = held
        .get(&id)
        .ok_or_else(|| anyhow!("no certificate {id} in the registry"))?;
    let subject: Subject = old.record.subject().clone();
    let request = Request {
        subject: &subject,
        scope: &old.record.scope().uuid,
        version: args.version.as_deref(),
        holder: Some(old.record.holder()),
        override_reason: args.override_reason.as_deref(),
        renews: Some(id.clone()),
        at: args.at.map_or_else(|| ctx.now(), |t| t.instant()),
    };
    run_issue(ctx, &request)
}

fn run_issue(ctx: &Ctx, request: &Request<'_>) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    match certificates::issue(&registry, &state, request, &key, ctx.now()) {
        Ok((id, commit)) => {
            ctx.printer.info(&format!("issued {id} (commit {commit})"));
            ctx.printer.result(id.as_str())?;
            Ok(Outcome::Success)
        }
        Err(CertError::NotEligible {
            subject,
            scope,
            decision,
        }) => {
            ctx.printer.result(&format!(
                "{} {subject} is not eligible for {scope}; nothing was issued",
                ctx.printer.paint("REFUSED", Tone::Bad)
            ))?;
            if let Eligibility::NotEligible {
                version,
                window,
                reasons,
                ..
            } = decision.as_ref()
            {
                ctx.printer.result(&format!("  version {version}:"))?;
                let adopted = state.adopted(request.scope)?;
                let evidence = ledger::evidence(&state::ledger_lines(
                    &registry,
                    request.subject,
                    adopted.spec.uuid(),
                )?);
                let lines = super::eligible::reason_lines(
                    request.subject,
                    adopted,
                    &evidence,
                    version,
                    window,
                    reasons,
                );
                for line in lines {
                    ctx.printer.result(&format!("  - {line}"))?;
                }
            }
            ctx.printer
                .info("hint: --override \"REASON\" issues anyway and records the reason");
            Ok(Outcome::Negative)
        }
        // The renewal policy said no: a definite answer, as ineligibility is.
        Err(e @ (CertError::RenewalTooEarly { .. } | CertError::AlreadyRenewed { .. })) => {
            ctx.printer.result(&format!(
                "{} {e}; nothing was issued",
                ctx.printer.paint("REFUSED", Tone::Bad)
            ))?;
            Ok(Outcome::Negative)
        }
        Err(e) => Err(e.into()),
    }
}

fn event(ctx: &Ctx, id: &str, event: Event) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    let id: CertificateId = id.parse()?;
    let commit = certificates::record_event(&registry, &state, &id, event, &key, ctx.now())?;
    ctx.printer
        .info(&format!("{id}: recorded (commit {commit})"));
    Ok(Outcome::Success)
}

fn by(ctx: &Ctx) -> anyhow::Result<String> {
    let registry = ctx.open()?;
    Ok(ctx.signing_key(&registry)?.fingerprint().to_string())
}

pub(crate) fn suspend(ctx: &Ctx, a: EventArgs) -> anyhow::Result<Outcome> {
    let at = format_instant(a.at.map_or_else(|| ctx.now(), |t| t.instant()));
    event(
        ctx,
        &a.id,
        Event::Suspended {
            at,
            reason: a.reason,
            by: by(ctx)?,
        },
    )
}

pub(crate) fn reinstate(ctx: &Ctx, a: EventArgs) -> anyhow::Result<Outcome> {
    let at = format_instant(a.at.map_or_else(|| ctx.now(), |t| t.instant()));
    event(
        ctx,
        &a.id,
        Event::Reinstated {
            at,
            reason: a.reason,
            by: by(ctx)?,
        },
    )
}

pub(crate) fn withdraw(ctx: &Ctx, a: WithdrawArgs) -> anyhow::Result<Outcome> {
    let code: WithdrawalCode = a.code.parse().map_err(|e: String| anyhow!(e))?;
    let at = format_instant(a.event.at.map_or_else(|| ctx.now(), |t| t.instant()));
    event(
        ctx,
        &a.event.id,
        Event::Withdrawn {
            at,
            reason: a.event.reason,
            code,
            by: by(ctx)?,
        },
    )
}

pub(crate) fn list(ctx: &Ctx, args: CertificatesArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    for (id, h) in certificates::load(&registry)? {
        let status = h.status_at(at);
        let r = &h.record;
        // Active with findings: not revoked (R8), but the subject is not compliant now.
        let findings = if status == Status::Active {
            certificates::findings_at(&registry, &state, &h, at)?
        } else {
            None
        };
        let code = if findings.is_some() {
            "active-with-findings"
        } else {
            status.code()
        };
        let detail = match &findings {
            Some(tcs) if tcs.is_empty() => format!(
                "{status}; findings: version {} not certifiable now",
                r.version()
            ),
            Some(tcs) => format!("{status}; findings: {}", tcs.join(", ")),
            None => status.to_string(),
        };
        if args.json {
            ctx.printer
                .record(&CertificateEntry::new(r, code, detail, findings, at))?;
        } else {
            let tone = match status {
                Status::Active if findings.is_none() => Tone::Good,
                Status::Withdrawn { .. } => Tone::Bad,
                _ => Tone::Doubt,
            };
            ctx.printer.result(&format!(
                "{id}  {:<20} {:<18} {} {}  until {}  {}",
                ctx.printer.paint(code, tone),
                r.subject(),
                r.scope().name,
                r.version(),
                r.valid_until_at().format("%Y-%m-%d"),
                r.holder()
            ))?;
        }
    }
    Ok(Outcome::Success)
}

pub(crate) fn crl(ctx: &Ctx, args: CrlArgs) -> anyhow::Result<Outcome> {
    let valid_for = scs_cert::time::parse_duration(&args.next_update)
        .filter(|d| *d > chrono::Duration::zero())
        .ok_or_else(|| anyhow!("not a positive duration: {:?} (e.g. 7d)", args.next_update))?;
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    let (number, commit) =
        certificates::reissue_crl(&registry, &state, &key, ctx.now(), valid_for)?;
    ctx.printer.info(&format!(
        "crl.pem re-issued: CRL number {number} (commit {commit})"
    ));
    Ok(Outcome::Success)
}
