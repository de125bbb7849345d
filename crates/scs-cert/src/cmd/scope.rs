//! `scs-cert scope add|list`

use anyhow::Context as _;
use scs_cert::output::ChangeRecord;
use scs_cert::spec::MAX_SPEC_BYTES;
use scs_cli::{self as cli, Outcome};
use scs_registry::admin;

use crate::cli::ScopeCommand;
use crate::cmd::Ctx;

pub(crate) fn run(ctx: &Ctx, command: ScopeCommand) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    match command {
        ScopeCommand::Add(args) => {
            let bytes = cli::read_input(&args.file, MAX_SPEC_BYTES)?;
            let text = String::from_utf8(bytes)
                .with_context(|| format!("{} is not UTF-8 text", cli::shown(&args.file)))?;
            let key = ctx.signing_key(&registry)?;
            let origin = cli::shown(&args.file).to_string();
            let added = admin::add_scope(
                &registry,
                &state,
                &text,
                &origin,
                args.replace,
                &key,
                ctx.now(),
            );
            let (slug, commit) = match added {
                Err(admin::AdminError::NothingToChange) => {
                    let summary =
                        format!("nothing to change: {origin} is adopted byte for byte as it is");
                    ctx.changed(args.json, &ChangeRecord::new("scope add", None, summary))?;
                    return Ok(Outcome::Success);
                }
                r => r?,
            };
            let mut record = ChangeRecord::new(
                "scope add",
                Some(commit.to_string()),
                format!("adopted scopes/{slug}.yaml (commit {commit})"),
            );
            // Adopted, so it loads.
            record.scope = scs_cert::spec::Spec::load(&text, &origin)
                .ok()
                .map(|s| s.uuid().to_owned());
            ctx.changed(args.json, &record)?;
        }
        ScopeCommand::List => {
            let mut rows = vec![["UUID", "ALIAS", "NAME"].map(String::from)];
            rows.extend(state.scopes.values().map(|s| {
                [
                    s.spec.uuid().to_owned(),
                    s.slug.clone(),
                    s.spec.name().to_owned(),
                ]
            }));
            for line in cli::table(&rows) {
                ctx.printer.result(&line)?;
            }
        }
    }
    Ok(Outcome::Success)
}
