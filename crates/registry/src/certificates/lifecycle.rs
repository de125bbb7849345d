//! Suspension, reinstatement, withdrawal and supersession: an event appended with the CRL
//! that publishes it.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use super::crl::build_crl;
use super::{CertError, Held, load};
use crate::admin;
use crate::state::{self, State};
use crate::{CommitId, Registry};
use scs_cert::cert::{CertificateId, Event, Status};
use scs_cert::sig::SigningKey;
use scs_cert::text::{self, Display};
use scs_cert::time::Instant;

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
pub(super) fn stage_event(
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
