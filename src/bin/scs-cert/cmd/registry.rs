//! `scs-cert registry verify|recover`

use scs_cert::cli::Outcome;
use scs_cert::registry::{Recovery, Registry};

use crate::cli::RegistryCommand;
use crate::cmd::Ctx;

pub(crate) fn run(ctx: &Ctx, command: RegistryCommand) -> anyhow::Result<Outcome> {
    match command {
        RegistryCommand::Recover => {
            match Registry::recover(&ctx.registry_dir())? {
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
        RegistryCommand::Verify => {
            anyhow::bail!("registry verify is not implemented yet")
        }
    }
}
