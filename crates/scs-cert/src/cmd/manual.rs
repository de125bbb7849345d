//! `scs-cert manual record`

use anyhow::bail;
use scs_cert::output::ChangeRecord;
use scs_cert::subject::Subject;
use scs_cli::Outcome;
use scs_registry::manual::{self, ManualCheck};

use crate::cli::ManualCommand;
use crate::cmd::Ctx;

pub(crate) fn run(ctx: &Ctx, command: ManualCommand) -> anyhow::Result<Outcome> {
    let ManualCommand::Record(a) = command;
    let pass = match a.result.as_str() {
        "pass" | "PASS" => true,
        "fail" | "FAIL" => false,
        other => bail!("the result is pass or fail, not {other:?}"),
    };
    let (registry, state) = ctx.open_state()?;
    let key = ctx.signing_key(&registry)?;
    let subject: Subject = a.subject.parse()?;
    let now = ctx.now();
    let check = ManualCheck {
        subject: &subject,
        scope: &a.scope,
        testcase: &a.testcase,
        pass,
        evidence: &a.evidence,
        at: a.at.map_or(now, |t| t.instant()),
        recorded_at: a.recorded_at.map(|t| t.instant()),
    };
    let (run, commit) = manual::record(&registry, &state, &check, &key, now)?;
    let summary = format!(
        "recorded manual check {} of {subject} as run {run} (commit {commit})",
        a.testcase
    );
    let mut record = ChangeRecord::new("manual record", Some(commit.to_string()), summary);
    record.subject = Some(subject.to_string());
    record.scope = state.scope(&a.scope).map(|s| s.spec.uuid().to_owned());
    ctx.changed(a.json, &record)?;
    Ok(Outcome::Success)
}
