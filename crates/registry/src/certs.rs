//! Issuing certificates and keeping their lifecycle in the registry: one signed commit each.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use crate::admin::{self, AdminError};
use crate::ledger;
use crate::state::{self, State};
use crate::{CommitId, Registry};
use scs_cert::cert::{
    self, CERTIFICATES_DIR, CertificateId, CertificateRecord, Decider, Draft, DraftError, Event,
    Kind, Status,
};
use scs_cert::eval::{self, Eligibility};
use scs_cert::sig::{self, Namespace, SigningKey};
use scs_cert::subject::Subject;
use scs_cert::text::Field;
use scs_cert::text::{self, Display};
use scs_cert::time::{Instant, format_instant};

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
    #[error("no subject {0} in the registry")]
    UnknownSubject(String),
    /// No such scope.
    #[error("no scope {0} adopted (see scs-cert scope list)")]
    UnknownScope(String),
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
pub fn next_id(held: &BTreeMap<CertificateId, Held>, kind: Kind, year: i32) -> CertificateId {
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

/// What to issue.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The subject.
    pub subject: &'a Subject,
    /// The scope (uuid or alias).
    pub scope: &'a str,
    /// The version (default: the best eligible certifiable version).
    pub version: Option<&'a str>,
    /// The holder (default: the subject's operator, else its name).
    pub holder: Option<&'a str>,
    /// Issue anyway, for this reason, when not eligible.
    pub override_reason: Option<&'a str>,
    /// The certificate this one renews.
    pub renews: Option<CertificateId>,
    /// The instant of issue.
    pub at: Instant,
}

/// Issues a certificate: refuses unless eligible (or overridden), writes the record, its
/// SSHSIG (namespace `scs-certificate`) and its X.509 certificate, in one commit.
///
/// # Errors
///
/// [`CertError::NotEligible`] with the decision, unknown names, store errors.
pub fn issue(
    registry: &Registry,
    state: &State,
    request: &Request<'_>,
    key: &SigningKey,
    now: Instant,
) -> Result<(CertificateId, CommitId), CertError> {
    text::check_opt(
        "the holder",
        request.holder,
        Display::Urkunde(Field::Holder),
    )?;
    text::check_opt(
        "the override's reason",
        request.override_reason,
        Display::Printed,
    )?;
    let subject = state
        .subjects
        .get(request.subject)
        .ok_or_else(|| CertError::UnknownSubject(request.subject.to_string()))?;
    let scope = state
        .scope(request.scope)
        .ok_or_else(|| CertError::UnknownScope(request.scope.to_owned()))?;
    let window = TimeDelta::days(i64::from(state.forum.policy.observation_window_days));
    let evidence = ledger::evidence(&state::ledger_lines(
        registry,
        request.subject,
        scope.spec.uuid(),
    )?);
    let decision = eval::decide(&scope.spec, request.version, &evidence, request.at, window)?;
    let version = match &decision {
        Eligibility::Eligible { version, .. } => version.clone(),
        Eligibility::NotEligible { version, .. } => {
            if request.override_reason.is_none() {
                return Err(CertError::NotEligible {
                    subject: request.subject.to_string(),
                    scope: scope.spec.name().to_owned(),
                    decision: Box::new(decision.clone()),
                });
            }
            version.clone()
        }
    };
    let held = load(registry)?;
    let supersedes = match &request.renews {
        Some(old) => renewal(state, &held, old, request.at)?.then_some(old),
        None => None,
    };
    if let Some((id, _)) = held.iter().find(|(id, h)| {
        h.record.subject == request.subject.as_str()
            && h.record.scope.uuid == scope.spec.uuid()
            && h.record.version == version
            && matches!(
                h.status_at(request.at),
                Status::Active | Status::Suspended { .. }
            )
            && Some(*id) != request.renews.as_ref()
    }) {
        return Err(CertError::AlreadyCertified {
            existing: id.to_string(),
            subject: request.subject.to_string(),
            scope: scope.spec.name().to_owned(),
            version,
        });
    }
    let kind = Kind::of_scope(scope.spec.uuid(), scope.spec.name());
    let year = chrono::Datelike::year(&request.at);
    let id = next_id(&held, kind, year);
    let identity = admin::identity(&state.forum, key, now)?;
    let signer = state
        .forum
        .signers
        .iter()
        .find(|s| s.email == identity.email())
        .cloned()
        .ok_or(AdminError::NoSigner)?;
    let record = Draft {
        id: id.clone(),
        kind,
        subject,
        holder: request.holder,
        spec: &scope.spec,
        decision: &decision,
        at: request.at,
        window,
        renews: request.renews.clone(),
        decided_by: Decider {
            name: signer.name,
            role: signer.role,
            key: key.fingerprint().to_string(),
        },
        override_reason: request.override_reason,
        status_url: state.forum.status_url(id.as_str()),
    }
    .record()?;
    let bytes = record.to_yaml()?;
    let signature = sig::sign(key, &Namespace::certificate(), bytes.as_bytes())?;
    let ca = forum_ca(registry)?;
    let pem = scs_cert::x509::end_entity_certificate(
        key,
        &ca,
        &scs_cert::x509::EndEntity {
            id: id.as_str(),
            subject_name: &record.subject_name,
            holder: &record.holder,
            scope_uuid: &record.scope.uuid,
            scope_name: &record.scope.name,
            version: &record.version,
            status_url: &record.status_url,
            not_before: record.issued_at(),
            not_after: record.valid_until_at(),
        },
    )?;
    let mut change = registry.begin()?;
    change.write(&id.record_path(), bytes.as_bytes())?;
    change.write(&id.signature_path(), signature.to_armored().as_bytes())?;
    change.write(&id.pem_path(), pem.as_bytes())?;
    let verb = if request.renews.is_some() {
        "renew"
    } else {
        "issue"
    };
    let overridden = if record.decision.eligible {
        String::new()
    } else {
        " (override)".to_owned()
    };
    let mut message = format!(
        "{verb} {id}: {} {} {}{overridden}",
        record.subject, record.scope.name, record.version
    );
    if let Some(old) = supersedes {
        // The predecessor ends where its renewal starts, and the CRL says so at once.
        let event = Event::Superseded {
            at: format_instant(request.at),
            successor: id.clone(),
            by: key.fingerprint().to_string(),
        };
        stage_event(registry, &mut change, &held, old, &event, key, now)?;
        message.push_str(&format!(" (supersedes {old})"));
    }
    let commit = change.commit(&message, key, &identity)?;
    Ok((id, commit))
}

/// Whether renewing `old` at `at` supersedes it (it is active: renewal window checked) or
/// merely follows it (it has expired).
fn renewal(
    state: &State,
    held: &BTreeMap<CertificateId, Held>,
    old: &CertificateId,
    at: Instant,
) -> Result<bool, CertError> {
    let h = held
        .get(old)
        .ok_or_else(|| CertError::UnknownCertificate(old.to_string()))?;
    if let Some(successor) = held
        .values()
        .find(|s| s.record.renews.as_ref() == Some(old))
    {
        return Err(CertError::AlreadyRenewed {
            id: old.to_string(),
            successor: successor.record.id.to_string(),
        });
    }
    match h.status_at(at) {
        Status::Active => {
            let days = state.forum.policy.renewal_window_days;
            let until = h.record.valid_until_at();
            let opens = scs_cert::time::sub(
                until,
                TimeDelta::days(i64::from(days)),
                "the renewal window's start",
            )?;
            if at < opens {
                return Err(CertError::RenewalTooEarly {
                    id: old.to_string(),
                    valid_until: format_instant(until),
                    opens: format_instant(opens),
                    days,
                });
            }
            Ok(true)
        }
        Status::Expired { .. } => Ok(false),
        status => Err(CertError::WrongStatus {
            id: old.to_string(),
            status: status.to_string(),
            action: "renew",
        }),
    }
}

/// Appends a lifecycle event to a certificate, in one commit.
///
/// # Errors
///
/// Unknown certificate, an event that does not fit its status, store errors.
pub fn record_event(
    registry: &Registry,
    state: &State,
    id: &CertificateId,
    event: Event,
    key: &SigningKey,
    now: Instant,
) -> Result<CommitId, CertError> {
    text::check_opt("the reason", event.reason(), Display::Printed)?;
    let held = load(registry)?;
    let h = held
        .get(id)
        .ok_or_else(|| CertError::UnknownCertificate(id.to_string()))?;
    let status = h.status_at(event.at());
    let (fits, action) = match &event {
        Event::Suspended { .. } => (status == Status::Active, "suspend"),
        Event::Reinstated { .. } => (matches!(status, Status::Suspended { .. }), "reinstate"),
        Event::Withdrawn { .. } => (
            matches!(status, Status::Active | Status::Suspended { .. }),
            "withdraw",
        ),
        // Only a renewal supersedes (see [`issue`]).
        Event::Superseded { .. } => (false, "supersede (renew instead)"),
    };
    if !fits {
        return Err(CertError::WrongStatus {
            id: id.to_string(),
            status: status.to_string(),
            action,
        });
    }
    let identity = admin::identity(&state.forum, key, now)?;
    let mut change = registry.begin()?;
    stage_event(registry, &mut change, &held, id, &event, key, now)?;
    let commit = change.commit(&format!("{action} {id}"), key, &identity)?;
    Ok(commit)
}

/// Stages `event` for `id` and the CRL re-issued at `now` with it, in `change`: an event and
/// the CRL that publishes it always land in one commit (the audit insists). The CRL tells the
/// state at its thisUpdate, so an event dated later is not in it yet.
fn stage_event(
    registry: &Registry,
    change: &mut crate::Change<'_>,
    held: &BTreeMap<CertificateId, Held>,
    id: &CertificateId,
    event: &Event,
    key: &SigningKey,
    now: Instant,
) -> Result<(), CertError> {
    let mut after = held.clone();
    if let Some(h) = after.get_mut(id) {
        h.events.push(event.clone());
    }
    let crl = build_crl(
        registry,
        &after,
        key,
        now,
        TimeDelta::days(admin::CRL_VALIDITY_DAYS),
    )?;
    change.append(&id.events_path(), event.to_line().as_bytes())?;
    change.write(state::CRL, crl.as_bytes())?;
    Ok(())
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

/// What the CRL lists for a certificate at `at`: withdrawn ones as revoked with their reason,
/// suspended ones on hold; reinstated ones are simply absent (RFC 5280 §5.3.1, removeFromCRL
/// is expressed by leaving the list).
pub fn revocations(
    held: &BTreeMap<CertificateId, Held>,
    at: Instant,
) -> Vec<(String, scs_cert::x509::RevocationState)> {
    use scs_cert::x509::{CrlReason, RevocationState};
    held.iter()
        .filter_map(|(id, h)| {
            let state = match h.status_at(at) {
                Status::Withdrawn { since, code, .. } => RevocationState::Withdrawn {
                    reason: match code {
                        cert::WithdrawalCode::AffiliationChanged => CrlReason::AffiliationChanged,
                        cert::WithdrawalCode::Superseded => CrlReason::Superseded,
                        cert::WithdrawalCode::CessationOfOperation => {
                            CrlReason::CessationOfOperation
                        }
                        cert::WithdrawalCode::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
                        _ => CrlReason::Unspecified,
                    },
                    since,
                },
                Status::Superseded { since, .. } => RevocationState::Withdrawn {
                    reason: CrlReason::Superseded,
                    since,
                },
                Status::Suspended { since, .. } => RevocationState::Suspended { since },
                _ => return None,
            };
            Some((id.to_string(), state))
        })
        .collect()
}

/// A new CRL for the certificates `held` at `at`, numbered one past the current one.
fn build_crl(
    registry: &Registry,
    held: &BTreeMap<CertificateId, Held>,
    key: &SigningKey,
    at: Instant,
    valid_for: TimeDelta,
) -> Result<String, CertError> {
    let ca = forum_ca(registry)?;
    let number = match registry.read(state::CRL)? {
        Some(old) => {
            scs_cert::x509::parse_crl(&ca, &String::from_utf8_lossy(&old))
                .map(|c| c.number())
                .unwrap_or(0)
                + 1
        }
        None => 1,
    };
    // thisUpdate is whole seconds; the list is the state at exactly that instant, as the
    // audit recomputes it.
    let at = scs_cert::x509::whole_seconds(at);
    let list = revocations(held, at);
    let revoked: Vec<(&str, scs_cert::x509::RevocationState)> =
        list.iter().map(|(id, s)| (id.as_str(), *s)).collect();
    Ok(scs_cert::x509::crl(
        key,
        &ca,
        number,
        at,
        scs_cert::time::add(at, valid_for, "the CRL's next update")?,
        &revoked,
    )?)
}

/// Re-issues `crl.pem` at `now`, valid for `valid_for`, in one commit.
///
/// # Errors
///
/// Store and X.509 errors.
pub fn reissue_crl(
    registry: &Registry,
    state: &State,
    key: &SigningKey,
    now: Instant,
    valid_for: TimeDelta,
) -> Result<(u64, CommitId), CertError> {
    let held = load(registry)?;
    let crl = build_crl(registry, &held, key, now, valid_for)?;
    let ca = forum_ca(registry)?;
    let number = scs_cert::x509::parse_crl(&ca, &crl)?.number();
    let identity = admin::identity(&state.forum, key, now)?;
    let mut change = registry.begin()?;
    change.write(state::CRL, crl.as_bytes())?;
    let commit = change.commit(
        &format!("re-issue the CRL (number {number})"),
        key,
        &identity,
    )?;
    Ok((number, commit))
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
    let Some(scope) = state.scopes.get(&h.record.scope.uuid) else {
        return Ok(Some(Vec::new()));
    };
    let Ok(subject) = h.record.subject.parse::<Subject>() else {
        return Ok(Some(Vec::new()));
    };
    let evidence = ledger::evidence(&state::ledger_lines(
        registry,
        &subject,
        &h.record.scope.uuid,
    )?);
    Ok(scs_cert::attention::findings(&h.record, &scope.spec, &evidence, at).map(|f| f.testcases))
}
