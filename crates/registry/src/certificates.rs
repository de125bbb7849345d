//! Issuing certificates and keeping their lifecycle in the registry: one signed commit each.

mod crl;
mod issue;
mod lifecycle;

pub use crl::{current_crl, reissue_crl, revocations};
pub use issue::{Request, issue};
pub use lifecycle::record_event;

use std::collections::BTreeMap;

use crate::Registry;
use crate::admin::AdminError;
use crate::ledger;
use crate::state::{self, State};
use scs_cert::cert::{
    self, CERTIFICATES_DIR, CertificateId, CertificateKind, CertificateRecord, DraftError, Event,
    Status,
};
use scs_cert::eval::{self, Eligibility};
use scs_cert::sig;
use scs_cert::text;
use scs_cert::time::Instant;

/// A certificate as the registry holds it: the record, its exact bytes, and its events.
#[derive(Clone, Debug)]
pub struct Held {
    /// The record.
    pub record: CertificateRecord,
    /// The record's exact bytes (what the signature covers).
    pub bytes: Vec<u8>,
    /// Its events, oldest first.
    pub events: Vec<Event>,
}

impl Held {
    /// Status at `at`.
    pub fn status_at(&self, at: Instant) -> Status {
        cert::status_at(&self.record, &self.events, at)
    }
}

/// Why a certificate could not be issued or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// Not eligible: the decision with its reasons.
    #[error("{subject} is not eligible for {scope}")]
    NotEligible {
        /// The subject.
        subject: String,
        /// The scope name.
        scope: String,
        /// The decision (with reasons).
        decision: Box<Eligibility>,
    },
    /// No such subject.
    #[error(transparent)]
    Unknown(#[from] state::Unknown),
    /// No such certificate.
    #[error("no certificate {0} in the registry")]
    UnknownCertificate(String),
    /// The change does not fit the certificate's status.
    #[error("{id} is {status}; {action} is not possible")]
    WrongStatus {
        /// The certificate.
        id: String,
        /// Its status.
        status: String,
        /// What was asked.
        action: &'static str,
    },
    /// An active or suspended certificate for the same subject, scope and version exists.
    #[error(
        "{existing} is already in force for {subject}, {scope} {version} (renew or reinstate it instead)"
    )]
    AlreadyCertified {
        /// The certificate in force.
        existing: String,
        /// The subject.
        subject: String,
        /// The scope name.
        scope: String,
        /// The version.
        version: String,
    },
    /// A renewal asked for before the renewal window opened.
    #[error(
        "{id} is valid until {valid_until}; it can be renewed from {opens} on (the last {days} days, policy.renewal_window_days in forum.toml)"
    )]
    RenewalTooEarly {
        /// The certificate.
        id: String,
        /// Its end.
        valid_until: String,
        /// When renewal becomes possible.
        opens: String,
        /// The window.
        days: u32,
    },
    /// The certificate was renewed already.
    #[error("{id} was renewed already, by {successor}")]
    AlreadyRenewed {
        /// The certificate.
        id: String,
        /// Its renewal.
        successor: String,
    },
    /// A holder, reason or name that cannot be displayed.
    #[error(transparent)]
    Text(#[from] text::TextError),
    /// Nobody to name as the holder (a [`DraftError::NoHolder`]).
    #[error(transparent)]
    NoHolder(DraftError),
    /// The engine could not decide.
    #[error(transparent)]
    Eval(#[from] eval::Error),
    /// An instant the change needs (the certificate's end, the CRL's next update) is outside
    /// the years the registry holds.
    #[error(transparent)]
    OutOfRange(#[from] scs_cert::time::OutOfRange),
    /// A registry change failed.
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// The registry content could not be read.
    #[error(transparent)]
    State(#[from] state::StateError),
    /// A record or events file is broken.
    #[error(transparent)]
    Record(#[from] cert::RecordError),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] sig::Error),
    /// The git store failed.
    #[error(transparent)]
    Store(#[from] crate::Error),
    /// An X.509 certificate or CRL could not be made.
    #[error(transparent)]
    X509(#[from] scs_cert::x509::Error),
}

impl From<DraftError> for CertError {
    fn from(e: DraftError) -> CertError {
        match e {
            DraftError::Text(e) => CertError::Text(e),
            DraftError::OutOfRange(e) => CertError::OutOfRange(e),
            e @ DraftError::NoHolder { .. } => CertError::NoHolder(e),
        }
    }
}

/// Every certificate in the registry at its last commit, by id.
///
/// # Errors
///
/// Broken records or events.
pub fn load(registry: &Registry) -> Result<BTreeMap<CertificateId, Held>, CertError> {
    let mut out = BTreeMap::new();
    for path in registry.list(CERTIFICATES_DIR)? {
        let Some(id) = path
            .strip_prefix("certificates/")
            .and_then(|p| p.strip_suffix(".yaml"))
            .and_then(|p| p.parse::<CertificateId>().ok())
        else {
            continue;
        };
        let bytes = registry.read(&path)?.unwrap_or_default();
        let events = registry.read(&id.events_path())?.unwrap_or_default();
        let held = Held::parse(&id, bytes, &events)?;
        out.insert(id, held);
    }
    Ok(out)
}

impl Held {
    /// A certificate from its record's bytes and its events file (empty when it has none).
    ///
    /// # Errors
    ///
    /// A broken record or events line.
    pub fn parse(id: &CertificateId, bytes: Vec<u8>, events: &[u8]) -> Result<Held, CertError> {
        let record = CertificateRecord::parse(&String::from_utf8_lossy(&bytes), &id.record_path())?;
        let events = cert::parse_events(&String::from_utf8_lossy(events), &id.events_path())?;
        Ok(Held {
            record,
            bytes,
            events,
        })
    }
}

/// The next unused id of `kind` in `year`: one past the highest ever issued (records are never
/// removed, so numbers are never reused).
pub fn next_id(
    held: &BTreeMap<CertificateId, Held>,
    kind: CertificateKind,
    year: i32,
) -> CertificateId {
    let series = CertificateId::new(kind, year, 1);
    let (prefix, _) = series.series();
    let max = held
        .keys()
        .filter_map(|id| {
            let (p, n) = id.series();
            (p == prefix).then_some(n)
        })
        .max()
        .unwrap_or(0);
    CertificateId::new(kind, year, max + 1)
}

/// The forum's CA certificate.
///
/// # Errors
///
/// When the registry has none.
pub fn forum_ca(registry: &Registry) -> Result<String, CertError> {
    let bytes = registry
        .read(state::FORUM_CA)?
        .ok_or(state::StateError::Missing {
            path: state::FORUM_CA,
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The findings on a certificate at `at`: `None` when its subject is compliant with the
/// certified version then; otherwise the main testcases that are not passing (empty when the
/// version itself is no longer certifiable). Findings do not revoke (scs-0004 R8): the
/// certificate stays active, "with findings", and the secretary notifies the operator.
///
/// # Errors
///
/// Unreadable ledgers.
pub fn findings_at(
    registry: &Registry,
    state: &State,
    h: &Held,
    at: Instant,
) -> Result<Option<Vec<String>>, CertError> {
    let Some(scope) = state.scopes.get(&h.record.scope().uuid) else {
        return Ok(Some(Vec::new()));
    };
    let subject = h.record.subject();
    let evidence = ledger::evidence(&state::ledger_lines(
        registry,
        subject,
        &h.record.scope().uuid,
    )?);
    Ok(scs_cert::attention::findings(&h.record, &scope.spec, &evidence, at).map(|f| f.testcases))
}
