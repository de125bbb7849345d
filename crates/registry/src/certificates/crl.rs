//! The certificate revocation list: what is revoked or on hold at an instant, signed by the
//! forum CA.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use super::{CertError, Held, forum_ca, load};
use crate::admin;
use crate::state::{self, State};
use crate::{CommitId, Registry};
use scs_cert::cert::{self, CertificateId, Status};
use scs_cert::sig::SigningKey;
use scs_cert::time::Instant;

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
pub(super) fn build_crl(
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

/// The CRL the registry holds at its last commit, its signature by the forum CA checked; `None`
/// before the first one.
///
/// # Errors
///
/// Store errors, a missing CA certificate, a CRL that does not parse or verify.
pub fn current_crl(registry: &Registry) -> Result<Option<scs_cert::x509::CrlInfo>, CertError> {
    let Some(crl) = registry.read(state::CRL)? else {
        return Ok(None);
    };
    let ca = forum_ca(registry)?;
    Ok(Some(scs_cert::x509::parse_crl(
        &ca,
        &String::from_utf8_lossy(&crl),
    )?))
}
