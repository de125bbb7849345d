//! `scs-cert attention`: what needs the secretary now.

use serde_json::json;

use scs_cert::cert::Status;
use scs_cert::eval;
use scs_cert::time::format_instant;
use scs_cli::Outcome;
use scs_registry::{certs, ledger, state};

use crate::cli::AttentionArgs;
use crate::cmd::Ctx;

/// Certificates expiring within this many days are listed.
const EXPIRY_NOTICE_DAYS: i64 = 60;
/// Manual checks whose result expires within this many days are listed as due.
const MANUAL_NOTICE_DAYS: i64 = 30;

pub(crate) fn run(ctx: &Ctx, args: AttentionArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let mut items = 0usize;
    for (id, h) in certs::load(&registry)? {
        if h.status_at(at) != Status::Active {
            continue;
        }
        let r = &h.record;
        let Some(scope) = state.scopes.get(&r.scope.uuid) else {
            continue;
        };
        let Ok(subject) = r.subject.parse() else {
            continue;
        };
        let evidence = ledger::evidence(&state::ledger_lines(&registry, &subject, &r.scope.uuid)?);
        let status = eval::status_at(&scope.spec, &evidence, at);
        // Findings: the certified version is not compliant now (R8: not revoked; notify).
        if let Some(v) = status.version(&r.version) {
            if !v.is_compliant() {
                let since = eval::compliance_intervals(
                    &scope.spec,
                    &r.version,
                    &evidence,
                    h.record.issued_at().min(at),
                    at,
                )
                .ok()
                .and_then(|iv| iv.last().filter(|i| !i.compliant).map(|i| i.start));
                let testcases = v.not_passing();
                let reason = if v.validity.is_certifiable() {
                    "not compliant"
                } else {
                    "version no longer certifiable"
                };
                items += 1;
                say(
                    ctx,
                    args.json,
                    json!({"type": "attention", "kind": "findings", "id": id.as_str(), "subject": r.subject,
                    "since": since.map(format_instant), "testcases": testcases, "reason": reason}),
                    &format!(
                        "FINDINGS  {id} {} {} {}: {reason} since {}: {}",
                        r.subject,
                        r.scope.name,
                        r.version,
                        since.map_or_else(|| "?".into(), format_instant),
                        testcases.join(", ")
                    ),
                )?;
            }
        } else {
            items += 1;
            say(
                ctx,
                args.json,
                json!({"type": "attention", "kind": "findings", "id": id.as_str(), "subject": r.subject, "reason": "version not listed in the timeline"}),
                &format!(
                    "FINDINGS  {id} {}: version {} is no longer listed in the scope's timeline",
                    r.subject, r.version
                ),
            )?;
        }
        // Expiring soon.
        let left = r.valid_until_at() - at;
        if left <= chrono::Duration::days(EXPIRY_NOTICE_DAYS) {
            items += 1;
            say(
                ctx,
                args.json,
                json!({"type": "attention", "kind": "expiring", "id": id.as_str(), "subject": r.subject, "valid_until": r.valid_until, "days_left": left.num_days()}),
                &format!(
                    "EXPIRING  {id} {}: valid until {} ({} days); renew with `scs-cert renew {id}`",
                    r.subject,
                    r.valid_until,
                    left.num_days()
                ),
            )?;
        }
        // Manual checks of the certified version: missing or expiring soon.
        if let Some(version) = scope.spec.version(&r.version) {
            let results = eval::results_at(&scope.spec, Some(version), &evidence, at);
            for tc_id in version.main() {
                let Some(tc) = version.testcase(tc_id) else {
                    continue;
                };
                if !tc.is_manual() {
                    continue;
                }
                let due = match results.get(tc_id) {
                    None => Some("no unexpired result".to_owned()),
                    Some(res) if res.expires - at <= chrono::Duration::days(MANUAL_NOTICE_DAYS) => {
                        Some(format!("result expires {}", format_instant(res.expires)))
                    }
                    _ => None,
                };
                if let Some(due) = due {
                    items += 1;
                    say(
                        ctx,
                        args.json,
                        json!({"type": "attention", "kind": "manual-check-due", "id": id.as_str(), "subject": r.subject, "testcase": tc_id, "detail": due}),
                        &format!(
                            "MANUAL    {id} {}: manual check {tc_id} due ({due})",
                            r.subject
                        ),
                    )?;
                }
            }
        }
    }
    if items == 0 && !args.json {
        ctx.printer.info(&format!(
            "nothing needs attention at {}",
            format_instant(at)
        ));
    }
    Ok(Outcome::Success)
}

fn say(ctx: &Ctx, json: bool, value: serde_json::Value, line: &str) -> std::io::Result<()> {
    if json {
        ctx.printer.json(&value)
    } else {
        ctx.printer.result(line)
    }
}
