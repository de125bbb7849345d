//! `scs-cert issue|renew|suspend|reinstate|withdraw|certificates`

use anyhow::anyhow;
use scs_cert::output::{CertificateEntry, ChangeRecord};

use scs_cert::cert::{CertificateId, CertificateRecord, Event, Status, WithdrawalCode};
use scs_cert::eval::Eligibility;
use scs_cert::subject::Subject;
use scs_cert::time::format_instant;
use scs_cli::{Outcome, Tone};
use scs_registry::certificates::{self, CertError, Request};
use scs_registry::{ledger, state};

use crate::cli::{
    CertificateShowArgs, CertificatesArgs, CrlArgs, EventArgs, IssueArgs, RenewArgs, WithdrawArgs,
};
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
    run_issue(ctx, &request, args.json)
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
    run_issue(ctx, &request, args.json)
}

fn run_issue(ctx: &Ctx, request: &Request<'_>, json: bool) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    match certificates::issue(&registry, &state, request, &key, ctx.now()) {
        Ok((id, commit)) => {
            let held = certificates::load(&registry)?;
            let issued = held.get(&id);
            let summary = format!("issued {id} (commit {commit})");
            if json {
                let action = if request.renews.is_some() {
                    "renew"
                } else {
                    "issue"
                };
                let mut record = ChangeRecord::new(action, Some(commit.to_string()), summary);
                record.subject = Some(request.subject.to_string());
                record.certificate = Some(id.to_string());
                if let Some(h) = issued {
                    record.scope = Some(h.record.scope().uuid.clone());
                    record.status = Some(h.status_at(request.at).code().to_owned());
                    record.valid_until = Some(format_instant(h.record.valid_until_at()));
                }
                record.crl_number = crl_number(&registry)?;
                ctx.printer.record(&record)?;
            } else {
                ctx.printer.info(&summary);
                ctx.printer.result(id.as_str())?;
            }
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
        // The renewal policy said no, or one is in force: a definite answer, as ineligibility
        // is.
        Err(
            e @ (CertError::RenewalTooEarly { .. }
            | CertError::AlreadyRenewed { .. }
            | CertError::AlreadyCertified { .. }),
        ) => {
            ctx.printer.result(&format!(
                "{} {e}; nothing was issued",
                ctx.printer.paint("REFUSED", Tone::Bad)
            ))?;
            Ok(Outcome::Negative)
        }
        Err(e) => Err(e.into()),
    }
}

fn event(ctx: &Ctx, id: &str, event: Event, json: bool) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    let id: CertificateId = id.parse()?;
    let action = event.kind();
    let at = event.at();
    let commit = certificates::record_event(&registry, &state, &id, event, &key, ctx.now())?;
    let held = certificates::load(&registry)?;
    let status = held.get(&id).map(|h| h.status_at(at));
    let crl_number = crl_number(&registry)?;
    let summary = format!(
        "{id}: {action}{}{} (commit {commit})",
        status
            .as_ref()
            .map(|s| format!(", now {}", s.code()))
            .unwrap_or_default(),
        crl_number
            .map(|n| format!("; CRL number {n}"))
            .unwrap_or_default()
    );
    let mut record = ChangeRecord::new(action, Some(commit.to_string()), summary);
    if let Some(h) = held.get(&id) {
        record.subject = Some(h.record.subject().to_string());
        record.scope = Some(h.record.scope().uuid.clone());
        record.valid_until = Some(format_instant(h.record.valid_until_at()));
    }
    record.certificate = Some(id.to_string());
    record.status = status.map(|s| s.code().to_owned());
    record.crl_number = crl_number;
    ctx.changed(json, &record)?;
    Ok(Outcome::Success)
}

/// The number of the CRL the registry holds now.
fn crl_number(registry: &scs_registry::Registry) -> anyhow::Result<Option<u64>> {
    Ok(certificates::current_crl(registry)?.map(|crl| crl.number()))
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
        a.json,
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
        a.json,
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
        a.event.json,
    )
}

pub(crate) fn list(ctx: &Ctx, args: CertificatesArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let mut rows = vec![
        [
            "ID",
            "STATUS",
            "SUBJECT",
            "SCOPE",
            "VERSION",
            "VALID UNTIL",
            "HOLDER",
        ]
        .map(String::from),
    ];
    for (id, h) in certificates::load(&registry)? {
        let standing = standing(&registry, &state, &h, at)?;
        let r = &h.record;
        if args.json {
            ctx.printer.record(&standing.entry(r, at))?;
        } else {
            rows.push([
                id.to_string(),
                ctx.printer.paint(standing.code, standing.tone),
                r.subject().to_string(),
                r.scope().name.clone(),
                r.version().to_owned(),
                r.valid_until_at().format("%Y-%m-%d").to_string(),
                r.holder().to_owned(),
            ]);
        }
    }
    if !args.json {
        if rows.len() == 1 {
            ctx.printer.info("no certificate in the registry");
        } else {
            for line in scs_cli::table(&rows) {
                ctx.printer.result(&line)?;
            }
        }
    }
    Ok(Outcome::Success)
}

/// A certificate's status at an instant, as `certificates` and `certificate show` tell it.
struct Standing {
    /// `active-with-findings` or the status's code.
    code: &'static str,
    /// The status in words.
    detail: String,
    /// The main testcases not passing, for an active certificate whose subject is not
    /// compliant (empty: the version is no longer certifiable).
    findings: Option<Vec<String>>,
    tone: Tone,
}

impl Standing {
    /// The `certificate` record of `record` with this standing at `at`.
    fn entry(&self, record: &CertificateRecord, at: scs_cert::time::Instant) -> CertificateEntry {
        CertificateEntry::new(
            record,
            self.code,
            self.detail.clone(),
            self.findings.clone(),
            at,
        )
    }
}

fn standing(
    registry: &scs_registry::Registry,
    state: &state::State,
    h: &certificates::Held,
    at: scs_cert::time::Instant,
) -> anyhow::Result<Standing> {
    let status = h.status_at(at);
    // Active with findings: not revoked (R8), but the subject is not compliant now.
    let findings = if status == Status::Active {
        certificates::findings_at(registry, state, h, at)?
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
            h.record.version()
        ),
        Some(tcs) => format!("{status}; findings: {}", tcs.join(", ")),
        None => status.to_string(),
    };
    let tone = match status {
        Status::Active if findings.is_none() => Tone::Good,
        Status::Withdrawn { .. } => Tone::Bad,
        _ => Tone::Doubt,
    };
    Ok(Standing {
        code,
        detail,
        findings,
        tone,
    })
}

pub(crate) fn show(ctx: &Ctx, args: CertificateShowArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let id: CertificateId = args.id.parse()?;
    let held = certificates::load(&registry)?;
    let h = held
        .get(&id)
        .ok_or_else(|| anyhow!("no certificate {id} in the registry"))?;
    let standing = standing(&registry, &state, h, at)?;
    let r = &h.record;
    if args.json {
        ctx.printer.record(&standing.entry(r, at))?;
        return Ok(Outcome::Success);
    }
    let d = r.decision();
    let decision = match &d.override_reason {
        Some(reason) => format!("issued by override: {reason}"),
        None => format!(
            "eligible over {} to {} ({} report(s) of evidence)",
            d.window_start,
            d.at,
            d.evidence.len()
        ),
    };
    let mut rows: Vec<[String; 2]> = vec![
        [
            "status".into(),
            format!(
                "{}  (as of {})",
                ctx.printer.paint(&standing.detail, standing.tone),
                format_instant(at)
            ),
        ],
        ["holder".into(), r.holder().to_owned()],
        [
            "subject".into(),
            format!("{} ({})", r.subject(), r.subject_name()),
        ],
        [
            "scope".into(),
            format!("{} {} ({})", r.scope().name, r.version(), r.scope().uuid),
        ],
        ["issued".into(), format_instant(r.issued_at())],
        ["valid until".into(), format_instant(r.valid_until_at())],
        [
            "renews".into(),
            r.renews().map_or_else(|| "-".into(), ToString::to_string),
        ],
        ["decision".into(), decision],
        [
            "decided by".into(),
            format!(
                "{} ({}), key {}",
                d.decided_by.name, d.decided_by.role, d.decided_by.key
            ),
        ],
        ["status page".into(), r.status_url().to_owned()],
    ];
    if h.events.is_empty() {
        rows.push(["events".into(), "none".into()]);
    }
    for e in &h.events {
        let what = match e {
            Event::Superseded { successor, .. } => format!("superseded by {successor}"),
            Event::Withdrawn { reason, code, .. } => format!("withdrawn ({code}): {reason}"),
            Event::Suspended { reason, .. } => format!("suspended: {reason}"),
            Event::Reinstated { reason, .. } => format!("reinstated: {reason}"),
        };
        rows.push([
            "event".into(),
            format!("{}  {what}", format_instant(e.at())),
        ]);
    }
    ctx.printer.result(id.as_str())?;
    for line in scs_cli::table(&rows) {
        ctx.printer.result(&format!("  {line}"))?;
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
    let mut record = ChangeRecord::new(
        "crl",
        Some(commit.to_string()),
        format!("crl.pem re-issued: CRL number {number} (commit {commit})"),
    );
    record.crl_number = Some(number);
    ctx.changed(args.json, &record)?;
    Ok(Outcome::Success)
}
