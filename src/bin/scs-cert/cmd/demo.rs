//! `scs-cert demo`

use scs_cert::cli::Outcome;

use crate::cmd::Ctx;

pub(crate) fn run(_ctx: &Ctx, _args: crate::cli::DemoArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("not implemented yet")
}
