//! `scs-cert publish`: the registry as a static site (DESIGN §6) — the overview of certified
//! clouds, a status page per certificate at the URL its Urkunde's QR code encodes, a detail
//! page per subject and scope with the 18-month compliance history (scs-0004 R4), a page per
//! report with its logs redacted as upstream redacts them, scope pages, `index.json` for
//! machines, `feed.atom`, `expiries.ics`, badges, the CRL and the forum's keys.
//!
//! The flow: [`Snapshot::load`] reads the registry's last commit (after
//! [`check_registry`] replayed its history: unverified history is never shown),
//! [`build_with`] renders every page but the report pages in memory from the snapshot and an
//! instant, and [`write()`] puts the site in place whole, with [`write_reports`] writing the
//! report pages straight into it. The same registry and instant give the same bytes: nothing reads the
//! clock, every map is ordered, every id is derived.

mod feed;
pub mod history;
pub mod index;
pub mod paths;
mod site;
mod snapshot;
pub mod templates;
pub mod views;
mod write;

use std::path::{Path, PathBuf};

pub use site::{ReportCounts, Site, build_with, site_base, write_reports};
pub use snapshot::Snapshot;
pub use templates::{BUILTIN as TEMPLATES, Templates};
pub use write::write;

use scs_cert::time::Instant;
use scs_registry::Registry;
use scs_registry::audit::{self, VerifyOptions};

/// What to publish.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The instant the site shows.
    pub at: Instant,
    /// Whether the Urkunden are rendered (the status pages then link them).
    pub pdf: bool,
}

/// Why nothing was published.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The registry has no commit.
    #[error("the registry has no commit yet; there is nothing to publish")]
    EmptyRegistry,
    /// The history did not verify.
    #[error(
        "the registry does not verify, so it is not published: {first} ({count} finding(s); see scs-cert registry verify)"
    )]
    Unverified {
        /// The first finding.
        first: String,
        /// How many.
        count: usize,
    },
    /// The output folder is somebody's.
    #[error("{} cannot be the output: {why}", path.display())]
    NotPublishOutput {
        /// The folder.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// A file in `--templates` that is no template's name.
    #[error("{name} in the templates folder is not a template of the site (known: {known})")]
    UnknownTemplate {
        /// The file name.
        name: String,
        /// The names there are.
        known: String,
    },
    /// A template that does not compile or render.
    #[error("template {name}: {message}")]
    Template {
        /// Which.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("could not {action} {}: {message}", path.display())]
    Io {
        /// What was done.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The system's words.
        message: String,
    },
    /// The registry's store.
    #[error(transparent)]
    Store(#[from] scs_registry::Error),
    /// The registry's content.
    #[error(transparent)]
    State(#[from] scs_registry::state::StateError),
    /// A certificate.
    #[error(transparent)]
    Cert(#[from] scs_registry::certificates::CertError),
    /// The audit could not run.
    #[error(transparent)]
    Audit(#[from] audit::AuditError),
}

impl Error {
    pub(crate) fn io(action: &'static str, path: &Path, e: &std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.to_owned(),
            message: e.to_string(),
        }
    }
}

/// Replays the registry's history (`registry verify` without the archive: report pages check
/// the digest of each body they show instead); a finding refuses publication.
///
/// # Errors
///
/// [`Error::Unverified`] with the first finding; audit errors.
pub fn check_registry(
    registry: &Registry,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), Error> {
    let report = audit::verify_history_reporting(
        registry,
        &VerifyOptions {
            require_archive: false,
            skip_archive: true,
        },
        progress,
    )?;
    match report.first() {
        None => Ok(()),
        Some(first) => Err(Error::Unverified {
            first: first.message().to_owned(),
            count: report.findings().len(),
        }),
    }
}
