//! Issuing a certificate, and its renewal: eligibility, the signed record, its X.509
//! certificate, one commit.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use super::lifecycle::stage_event;
use super::{CertError, Held, forum_ca, load, next_id};
use crate::admin::{self, AdminError};
use crate::ledger;
use crate::state::{self, State};
use crate::{CommitId, Registry};
use scs_cert::cert::{CertificateId, CertificateKind, Decider, Draft, Event, Status};
use scs_cert::eval::{self, Eligibility};
use scs_cert::sig::{self, Namespace, SigningKey};
use scs_cert::subject::Subject;
use scs_cert::text::Field;
use scs_cert::text::{self, Display};
use scs_cert::time::{Instant, format_instant};

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
    let subject = state.subject(request.subject)?;
    let scope = state.adopted(request.scope)?;
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
        h.record.subject() == request.subject
            && h.record.scope().uuid == scope.spec.uuid()
            && h.record.version() == version
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
    let kind = CertificateKind::of_scope(scope.spec.uuid(), scope.spec.name());
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
            subject_name: record.subject_name(),
            holder: record.holder(),
            scope_uuid: &record.scope().uuid,
            scope_name: &record.scope().name,
            version: record.version(),
            status_url: record.status_url(),
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
    let overridden = if record.decision().eligible {
        String::new()
    } else {
        " (override)".to_owned()
    };
    let mut message = format!(
        "{verb} {id}: {} {} {}{overridden}",
        record.subject(),
        record.scope().name,
        record.version()
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
    if let Some(successor) = held.values().find(|s| s.record.renews() == Some(old)) {
        return Err(CertError::AlreadyRenewed {
            id: old.to_string(),
            successor: successor.record.id().to_string(),
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
