//! `scs-cert attention`: what needs the secretary now.

use scs_cert::attention::{self, FindingsReason, Item};
use scs_cert::cert::Status;
use scs_cert::eval;
use scs_cert::output::{AttentionRecord, CrlRecord};
use scs_cert::time::format_instant;
use scs_cli::Outcome;
use scs_registry::{certificates, ledger, state};

use crate::cli::AttentionArgs;
use crate::cmd::Ctx;

pub(crate) fn run(ctx: &Ctx, args: AttentionArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let mut items = 0usize;
    for (id, h) in certificates::load(&registry)? {
        if h.status_at(at) != Status::Active {
            continue;
        }
        let r = &h.record;
        let Some(scope) = state.scopes.get(&r.scope().uuid) else {
            continue;
        };
        let evidence = ledger::evidence(&state::ledger_lines(
            &registry,
            r.subject(),
            &r.scope().uuid,
        )?);
        for item in attention::items(r, &scope.spec, &evidence, at) {
            items += 1;
            if args.json {
                ctx.printer.record(&AttentionRecord::new(r, &item))?;
                continue;
            }
            let line = match item {
                Item::Findings { findings, .. } if findings.reason == FindingsReason::NotListed => {
                    format!(
                        "FINDINGS  {id} {}: version {} is no longer listed in the scope's timeline",
                        r.subject(),
                        r.version()
                    )
                }
                Item::Findings { findings, since } => {
                    let reason = findings.reason.as_str();
                    // Grouped, the cause in words: a cloud that stopped reporting is one
                    // "all 54 results expired" rather than 54 testcase ids (--json keeps them).
                    let why = eval::main_findings_in_words(
                        r.subject().as_str(),
                        &scope.spec,
                        r.version(),
                        &evidence,
                        at,
                    )
                    .unwrap_or_else(|_| findings.testcases.clone());
                    let why = if why.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", why.join(" | "))
                    };
                    format!(
                        "FINDINGS  {id} {} {} {}: {reason} since {}{why}",
                        r.subject(),
                        r.scope().name,
                        r.version(),
                        since.map_or_else(|| "?".into(), format_instant),
                    )
                }
                Item::Expiring { days_left } => format!(
                    "EXPIRING  {id} {}: valid until {} ({days_left} days); renew with `scs-cert renew {id}`",
                    r.subject(),
                    format_instant(r.valid_until_at()),
                ),
                Item::ManualCheckDue {
                    testcase,
                    result_expires,
                } => {
                    let due = attention::manual_check_due(result_expires);
                    format!(
                        "MANUAL    {id} {}: manual check {testcase} due ({due})",
                        r.subject()
                    )
                }
            };
            ctx.printer.result(&line)?;
        }
    }
    items += crl_notice(ctx, &registry, at, args.json)?;
    if items == 0 && !args.json {
        ctx.printer.info(&format!(
            "nothing needs attention at {}",
            format_instant(at)
        ));
    }
    Ok(Outcome::Success)
}

/// The CRL's line when it is due for re-issuing (1), else nothing (0).
fn crl_notice(
    ctx: &Ctx,
    registry: &scs_registry::Registry,
    at: scs_cert::time::Instant,
    json: bool,
) -> anyhow::Result<usize> {
    let Some(info) = certificates::current_crl(registry)? else {
        return Ok(0);
    };
    let Some(due) = info
        .next_update()
        .and_then(|next| attention::crl_due(next, at))
    else {
        return Ok(0);
    };
    if json {
        ctx.printer.record(&CrlRecord {
            file: state::CRL,
            number: info.number(),
            next_update: format_instant(due.next_update),
            days_left: due.days_left,
            stale: due.stale,
        })?;
    } else if due.stale {
        ctx.printer.result(&format!(
            "CRL       {} is stale since {} (number {}): relying parties take it to say \
             nothing; re-issue it with `scs-cert crl`",
            state::CRL,
            format_instant(due.next_update),
            info.number()
        ))?;
    } else {
        ctx.printer.result(&format!(
            "CRL       {} expires in {} day(s), at {} (number {}); re-issue it with `scs-cert crl`",
            state::CRL,
            due.days_left,
            format_instant(due.next_update),
            info.number()
        ))?;
    }
    Ok(1)
}
