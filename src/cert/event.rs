//! What happens to a certificate after issue, appended to `certificates/<ID>.events.jsonl`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::time::Instant;

use super::record::instant;
use super::{CertificateId, RecordError};

/// RFC 5280 §5.3.1 reasons a certificate is withdrawn for (those that apply to a cloud).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum WithdrawalCode {
    /// No reason given.
    Unspecified,
    /// The holder changed (company, affiliation).
    AffiliationChanged,
    /// Replaced by a newer certificate.
    Superseded,
    /// The cloud is no longer operated.
    CessationOfOperation,
    /// The forum withdrew the privilege (e.g. persistent non-compliance).
    PrivilegeWithdrawn,
}

impl FromStr for WithdrawalCode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "unspecified" => WithdrawalCode::Unspecified,
            "affiliation-changed" => WithdrawalCode::AffiliationChanged,
            "superseded" => WithdrawalCode::Superseded,
            "cessation-of-operation" => WithdrawalCode::CessationOfOperation,
            "privilege-withdrawn" => WithdrawalCode::PrivilegeWithdrawn,
            _ => {
                return Err(format!(
                    "unknown withdrawal code {s:?} (unspecified, affiliation-changed, superseded, cessation-of-operation, privilege-withdrawn)"
                ));
            }
        })
    }
}

impl fmt::Display for WithdrawalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WithdrawalCode::Unspecified => "unspecified",
            WithdrawalCode::AffiliationChanged => "affiliation-changed",
            WithdrawalCode::Superseded => "superseded",
            WithdrawalCode::CessationOfOperation => "cessation-of-operation",
            WithdrawalCode::PrivilegeWithdrawn => "privilege-withdrawn",
        })
    }
}

/// What happened to a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Event {
    /// Suspended (RFC 5280 certificateHold) until reinstated.
    Suspended {
        /// When (RFC 3339).
        at: String,
        /// Why.
        reason: String,
        /// Who (forum key fingerprint).
        by: String,
    },
    /// Reinstated after a suspension.
    Reinstated {
        /// When.
        at: String,
        /// Why.
        reason: String,
        /// Who.
        by: String,
    },
    /// Withdrawn for good (revoked).
    Withdrawn {
        /// When.
        at: String,
        /// Why.
        reason: String,
        /// RFC 5280 reason code.
        code: WithdrawalCode,
        /// Who.
        by: String,
    },
    /// Ended by its renewal: the successor took over when it started (`renew`, within the
    /// policy's renewal window). Final, as a withdrawal; the CRL lists it as superseded (4).
    Superseded {
        /// When: the successor's issue.
        at: String,
        /// The renewal that replaced it.
        successor: CertificateId,
        /// Who.
        by: String,
    },
}

impl Event {
    /// Why, as the forum gave it (a supersession's reason is its successor).
    pub fn reason(&self) -> Option<&str> {
        match self {
            Event::Suspended { reason, .. }
            | Event::Reinstated { reason, .. }
            | Event::Withdrawn { reason, .. } => Some(reason),
            Event::Superseded { .. } => None,
        }
    }

    /// What happened, as the command that records it is named (`suspend`, `reinstate`,
    /// `withdraw`; `supersede` for a renewal's effect).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Suspended { .. } => "suspend",
            Event::Reinstated { .. } => "reinstate",
            Event::Withdrawn { .. } => "withdraw",
            Event::Superseded { .. } => "supersede",
        }
    }

    /// When it happened.
    pub fn at(&self) -> Instant {
        instant("", "at", self.at_text()).unwrap_or_default()
    }

    fn at_text(&self) -> &str {
        let (Event::Suspended { at, .. }
        | Event::Reinstated { at, .. }
        | Event::Withdrawn { at, .. }
        | Event::Superseded { at, .. }) = self;
        at
    }

    /// The line as appended (compact JSON, newline).
    pub fn to_line(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Reads an events file.
///
/// # Errors
///
/// A line that is not an event or has a bad date.
pub fn parse_events(text: &str, origin: &str) -> Result<Vec<Event>, RecordError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let e: Event = serde_json::from_str(l).map_err(|e| RecordError::BadEvent {
                origin: origin.to_owned(),
                line: i + 1,
                message: e.to_string(),
            })?;
            instant(origin, "at", e.at_text())?;
            Ok(e)
        })
        .collect()
}
