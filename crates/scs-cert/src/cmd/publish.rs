//! `scs-cert publish`: the registry as a static site (crates/publish), with the Urkunden.

use anyhow::Context as _;

use scs_cert::output::PublishRecord;
use scs_cert::time::format_instant;
use scs_cli::{self as cli, Outcome};
use scs_publish::{Options, Snapshot, Templates, paths};
use scs_urkunde::Lang;

use crate::cli::PublishArgs;
use crate::cmd::Ctx;
use crate::cmd::render;

pub(crate) fn run(ctx: &Ctx, args: PublishArgs) -> anyhow::Result<Outcome> {
    // What can be refused cheaply is refused before the history is replayed.
    let templates = match &args.templates {
        Some(dir) => Templates::with_overrides(dir)?,
        None => Templates::builtin(),
    };
    let typst = if args.no_pdf {
        None
    } else {
        Some(
            render::locate_typst(args.typst.as_deref())
                .context("the Urkunden need the pinned typst (or publish with --no-pdf)")?,
        )
    };
    let registry = ctx.open()?;
    refuse_inside(&args.output, registry.root())?;
    let history = registry.history()?.len();
    let progress = ctx.printer.progress(history, "commits verified");
    let checked = scs_publish::check_registry(&registry, &mut |done, _| {
        progress.set(done);
    });
    progress.finish();
    checked?;
    let snapshot = Snapshot::load(&registry)?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let options = Options {
        at,
        pdf: typst.is_some(),
    };
    let mut site = scs_publish::build_with(&snapshot, &options, &templates)?;
    let mut pdfs = 0;
    if let Some(typst) = &typst {
        let template = render::urkunde_template(&registry)?;
        let mut jobs = Vec::new();
        for (id, cert) in &snapshot.certificates {
            for (lang, suffix) in [(Lang::De, ".de.pdf"), (Lang::En, ".en.pdf")] {
                let data = render::data(&snapshot.forum, &cert.held, lang, at)?;
                jobs.push((
                    paths::certificate_file(id, suffix),
                    data,
                    cert.held.record.issued_at(),
                ));
            }
        }
        let bar = ctx.printer.progress(jobs.len(), "Urkunden");
        let rendered = scs_cert::parallel::map(
            &jobs,
            scs_cert::parallel::workers(),
            |(_, data, creation)| {
                let pdf = typst.render(&template, data, *creation);
                bar.inc(1);
                pdf
            },
        );
        bar.finish();
        for ((path, data, _), pdf) in jobs.into_iter().zip(rendered) {
            let pdf = pdf.with_context(|| {
                format!("while rendering the Urkunde of {}", data.certificate_id)
            })?;
            site.files.insert(path, pdf);
            pdfs += 1;
        }
    }
    let mut reports = scs_publish::ReportCounts::default();
    scs_publish::write(&site, &args.output, |staging, previous| {
        reports = scs_publish::write_reports(&snapshot, &templates, staging, previous)?;
        Ok(())
    })?;
    for w in &site.warnings {
        ctx.printer.warn(w);
    }
    let index = args.output.join(paths::INDEX);
    let record = PublishRecord {
        dir: args.output.display().to_string(),
        at: format_instant(at),
        commit: snapshot.commit.to_string(),
        files: site.files.len() + reports.rendered + reports.reused + 1,
        bytes: site.files.values().map(|f| f.len() as u64).sum(),
        // (report pages not counted: they go straight to disk)
        pages: site.pages,
        certificates: site.certificates,
        reports: site.reports,
        reports_without_body: reports.without_body,
        reports_reused: reports.reused,
        pdfs,
        index: index.display().to_string(),
        warnings: site.warnings.clone(),
    };
    if args.json {
        ctx.printer.record(&record)?;
    } else {
        ctx.printer.result(&format!(
            "published {} ({}, {}, {}) as of {} to {}",
            count(record.pages, "page"),
            count(record.certificates, "certificate"),
            count(record.reports, "report"),
            count(pdfs, "PDF"),
            record.at,
            cli::shown(&args.output)
        ))?;
        if reports.without_body > 0 {
            ctx.printer.info(&format!(
                "{} report pages show no logs: their signed bodies are not in this copy's archive",
                reports.without_body
            ));
        }
        ctx.printer.info(&format!("open {}", cli::shown(&index)));
    }
    Ok(Outcome::Success)
}

/// A site inside the registry's work tree would make every later change refuse ("the work tree
/// differs from its last commit"): refused before anything is written.
fn refuse_inside(output: &std::path::Path, root: &std::path::Path) -> anyhow::Result<()> {
    let absolute = std::path::absolute(output)
        .with_context(|| format!("while resolving {}", cli::shown(output)))?;
    // The nearest folder that exists, with symlinks resolved, then what is below it.
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_owned());
    real.extend(rest.iter().rev());
    if real.starts_with(root) {
        anyhow::bail!(
            "{} lies inside the registry ({}); publish the site outside it",
            cli::shown(output),
            cli::shown(root)
        );
    }
    Ok(())
}

/// `1 page`, `2 pages`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
