//! A certificate's status at an instant, derived from its record and events.

use std::fmt;

use crate::time::{Instant, format_instant};

use super::{CertificateId, CertificateRecord, Event, WithdrawalCode};

/// A certificate's status at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// In force.
    Active,
    /// Past its validity.
    Expired {
        /// Since when.
        since: Instant,
    },
    /// Not issued yet at that instant.
    NotYetIssued,
    /// Suspended (certificateHold).
    Suspended {
        /// Since when.
        since: Instant,
        /// Why.
        reason: String,
    },
    /// Withdrawn (revoked).
    Withdrawn {
        /// Since when.
        since: Instant,
        /// RFC 5280 code.
        code: WithdrawalCode,
        /// Why.
        reason: String,
    },
    /// Ended by its renewal, which is in force in its place.
    Superseded {
        /// Since when (the successor's issue).
        since: Instant,
        /// The successor.
        successor: CertificateId,
    },
}

impl Status {
    /// A stable kebab-case name.
    pub fn code(&self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Expired { .. } => "expired",
            Status::NotYetIssued => "not-yet-issued",
            Status::Suspended { .. } => "suspended",
            Status::Withdrawn { .. } => "withdrawn",
            Status::Superseded { .. } => "superseded",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Active => f.write_str("active"),
            Status::Expired { since } => write!(f, "expired since {}", format_instant(*since)),
            Status::NotYetIssued => f.write_str("not yet issued"),
            Status::Suspended { since, reason } => {
                write!(f, "suspended since {}: {reason}", format_instant(*since))
            }
            Status::Withdrawn {
                since,
                code,
                reason,
            } => {
                write!(
                    f,
                    "withdrawn since {} ({code}): {reason}",
                    format_instant(*since)
                )
            }
            Status::Superseded { since, successor } => write!(
                f,
                "superseded since {} by its renewal {successor}",
                format_instant(*since)
            ),
        }
    }
}

/// The status of a record with its events at `at` (events after `at` are not yet known).
pub fn status_at(record: &CertificateRecord, events: &[Event], at: Instant) -> Status {
    if at < record.issued_at() {
        return Status::NotYetIssued;
    }
    let mut suspended: Option<(Instant, String)> = None;
    for e in events.iter().filter(|e| e.at() <= at) {
        match e {
            Event::Withdrawn { reason, code, .. } => {
                return Status::Withdrawn {
                    since: e.at(),
                    code: *code,
                    reason: reason.clone(),
                };
            }
            Event::Superseded { successor, .. } => {
                return Status::Superseded {
                    since: e.at(),
                    successor: successor.clone(),
                };
            }
            Event::Suspended { reason, .. } => suspended = Some((e.at(), reason.clone())),
            Event::Reinstated { .. } => suspended = None,
        }
    }
    if let Some((since, reason)) = suspended {
        return Status::Suspended { since, reason };
    }
    let until = record.valid_until_at();
    if at >= until {
        return Status::Expired { since: until };
    }
    Status::Active
}
