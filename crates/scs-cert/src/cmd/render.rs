//! `scs-cert render`: Urkunde PDFs for certificates.

use std::path::PathBuf;

use anyhow::{Context as _, anyhow, bail};

use scs_cert::cert::{CertificateId, Status};
use scs_cli::{self as cli, Outcome};
use scs_registry::certificates::{self, Held};
use scs_registry::forum::ForumConfig;
use scs_urkunde::{self as render, Issuer, Lang, Stamp, StampStatus, Typst, UrkundeData};

use crate::cli::RenderArgs;
use crate::cmd::Ctx;

/// A registry's own template, overriding the built-in one.
const TEMPLATE_OVERRIDE: &str = "templates/urkunde.typ";

pub(crate) fn run(ctx: &Ctx, args: RenderArgs) -> anyhow::Result<Outcome> {
    let lang: Lang = args.lang.parse()?;
    // The pinned typst first: a missing or wrong one is one clear line before any work.
    let typst = locate_typst(args.typst.as_deref())?;
    let (registry, state) = ctx.open_state()?;
    let template = urkunde_template(&registry)?;
    let held = certificates::load(&registry)?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    // What an Urkunde may claim is judged now (or at a later --at): a certificate withdrawn
    // since must not come out clean because --at names a day before its withdrawal.
    let standing_at = at.max(ctx.now());
    let chosen: Vec<&Held> = if args.all {
        held.values()
            .filter(|h| h.status_at(at) == Status::Active)
            .collect()
    } else {
        args.ids
            .iter()
            .map(|id| {
                let id: CertificateId = id.parse()?;
                held.get(&id)
                    .ok_or_else(|| anyhow!("no certificate {id} in the registry"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    if chosen.is_empty() {
        ctx.printer.info("no certificate to render");
        return Ok(Outcome::Success);
    }
    // An Urkunde is a claim that the certificate is in force: one that is withdrawn or
    // suspended is printed only on purpose, and then with its status stamped across it.
    if !args.force {
        let not_in_force: Vec<String> = chosen
            .iter()
            .filter_map(|h| match h.status_at(standing_at) {
                s @ (Status::Withdrawn { .. } | Status::Suspended { .. }) => {
                    Some(format!("{} is {}", h.record.id(), s.code()))
                }
                _ => None,
            })
            .collect();
        if !not_in_force.is_empty() {
            ctx.printer.result(&format!(
                "REFUSED {}; nothing was rendered",
                not_in_force.join(", ")
            ))?;
            ctx.printer
                .info("hint: --force renders it anyway, with the status stamped across the page");
            return Ok(Outcome::Negative);
        }
    }
    let single_file = args
        .output
        .as_ref()
        .filter(|o| o.extension().is_some_and(|e| e == "pdf"));
    if single_file.is_some() && chosen.len() != 1 {
        bail!(
            "-o FILE.pdf names one PDF; give a directory for {} certificates",
            chosen.len()
        );
    }
    let dir = args
        .output
        .clone()
        .filter(|_| single_file.is_none())
        .unwrap_or_else(|| PathBuf::from("."));
    if single_file.is_none() {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("while creating {}", cli::shown(&dir)))?;
    }
    let jobs: Vec<(PathBuf, UrkundeData, scs_cert::time::Instant)> = chosen
        .iter()
        .map(|h| {
            let out = single_file
                .cloned()
                .unwrap_or_else(|| dir.join(format!("{}.pdf", h.record.id())));
            Ok((
                out,
                data(&state.forum, h, lang, standing_at)?,
                h.record.issued_at(),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    for (out, _, _) in &jobs {
        if out.exists() && !args.force {
            bail!(
                "{} already exists (use --force to replace it)",
                cli::shown(&out)
            );
        }
    }
    let progress = ctx.printer.progress(jobs.len(), "Urkunden");
    let results = scs_cert::parallel::map(
        &jobs,
        scs_cert::parallel::workers(),
        |(out, d, creation)| {
            let pdf = typst.render(&template, d, *creation)?;
            cli::write_new_file(out, &pdf, args.force)?;
            progress.inc(1);
            anyhow::Ok(())
        },
    );
    progress.finish();
    let mut outcome = Outcome::Success;
    for ((out, d, _), r) in jobs.iter().zip(results) {
        match r {
            Ok(()) => ctx
                .printer
                .result(&format!("{}  {}", d.certificate_id, cli::shown(&out)))?,
            Err(e) => {
                ctx.printer
                    .warn(&format!("{}: {}", d.certificate_id, cli::one_line(&e)));
                outcome = Outcome::Error;
            }
        }
    }
    Ok(outcome)
}

/// The pinned typst: `--typst`, else `$TYPST`, else on PATH.
pub(crate) fn locate_typst(arg: Option<&std::path::Path>) -> anyhow::Result<Typst> {
    let env_typst = cli::env_var("TYPST").map(PathBuf::from);
    let path_var = std::env::var_os("PATH");
    Ok(Typst::locate(
        arg,
        env_typst.as_deref(),
        path_var.as_deref(),
    )?)
}

/// The registry's own Urkunde template, else the built-in one.
pub(crate) fn urkunde_template(registry: &scs_registry::Registry) -> anyhow::Result<String> {
    Ok(match registry.read(TEMPLATE_OVERRIDE)? {
        Some(t) => {
            String::from_utf8(t).context("the registry's templates/urkunde.typ is not UTF-8")?
        }
        None => render::TEMPLATE.to_owned(),
    })
}

/// What the Urkunde shows for a certificate, as of `at`: one no longer in force then carries
/// its status as a stamp.
pub(crate) fn data(
    forum: &ForumConfig,
    h: &Held,
    lang: Lang,
    at: scs_cert::time::Instant,
) -> anyhow::Result<UrkundeData> {
    let issuer = Issuer {
        name: &forum.forum.name,
        legal_name: &forum.forum.legal_name,
        place: &forum.forum.city,
    };
    let mut data = UrkundeData::for_certificate(&h.record, &h.bytes, &issuer, lang)?;
    data.stamp = match h.status_at(at) {
        Status::Withdrawn { since, .. } => Some((StampStatus::Withdrawn, since)),
        Status::Suspended { since, .. } => Some((StampStatus::Suspended, since)),
        Status::Expired { since } => Some((StampStatus::Expired, since)),
        Status::Superseded { since, .. } => Some((StampStatus::Superseded, since)),
        _ => None,
    }
    .map(|(status, since)| Stamp {
        status,
        since: since.date_naive(),
    });
    Ok(data)
}
