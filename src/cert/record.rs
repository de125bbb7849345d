//! The record the forum signs when it issues a certificate (`certificates/<ID>.yaml`).

use serde::{Deserialize, Serialize};

use crate::time::Instant;

use super::{CertificateId, CertificateKind};

/// The scope a certificate is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeRef {
    /// Scope uuid.
    pub uuid: String,
    /// Scope name.
    pub name: String,
}

/// A report that made the decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRef {
    /// The run uuid.
    pub run: String,
    /// SHA-256 of the archived signed body.
    pub sha256: String,
}

/// Who decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decider {
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// The forum key that signed (`SHA256:…`).
    pub key: String,
}

/// Why and how the forum decided to issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The instant of the decision.
    pub at: String,
    /// The observation window's start (RFC 3339); the window ends at `at`.
    pub window_start: String,
    /// Whether the subject was eligible (false only with an override).
    pub eligible: bool,
    /// The reports whose results were in force during the window.
    pub evidence: Vec<EvidenceRef>,
    /// Who decided.
    pub decided_by: Decider,
    /// Issued although not eligible, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
    /// Why the subject was not eligible, when overridden.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
}

/// The record the forum signs when it issues a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateRecord {
    /// Record format version.
    pub format: u32,
    /// The id.
    pub id: CertificateId,
    /// What it certifies.
    pub kind: CertificateKind,
    /// The organisation holding it.
    pub holder: String,
    /// The subject (cloud) it is for.
    pub subject: String,
    /// The cloud's display name.
    pub subject_name: String,
    /// The scope.
    pub scope: ScopeRef,
    /// The scope version.
    pub version: String,
    /// Issued at (RFC 3339).
    pub issued: String,
    /// Valid until (RFC 3339): issued + 1 year, whatever the scope version's expiry (R1).
    pub valid_until: String,
    /// The certificate this one renews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews: Option<CertificateId>,
    /// The decision.
    pub decision: Decision,
    /// The status page.
    pub status_url: String,
}

/// A record that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The YAML is not a record.
    #[error("{origin}: {source}")]
    Yaml {
        /// The file.
        origin: String,
        /// Why.
        source: crate::yaml::Error,
    },
    /// A date is not RFC 3339.
    #[error("{origin}: {field} is not an RFC 3339 instant")]
    BadInstant {
        /// The file.
        origin: String,
        /// Which field.
        field: &'static str,
    },
    /// The record could not be written as YAML.
    #[error("the certificate record could not be encoded: {message}")]
    Encode {
        /// The serializer's message.
        message: String,
    },
    /// An events line is not an event.
    #[error("{origin}:{line}: {message}")]
    BadEvent {
        /// The file.
        origin: String,
        /// 1-based line.
        line: usize,
        /// Why.
        message: String,
    },
}

pub(super) fn instant(origin: &str, field: &'static str, s: &str) -> Result<Instant, RecordError> {
    crate::time::parse_rfc3339(s).ok_or_else(|| RecordError::BadInstant {
        origin: origin.to_owned(),
        field,
    })
}

impl CertificateRecord {
    /// The record's canonical bytes (what is signed): YAML, fields in declaration order.
    ///
    /// # Errors
    ///
    /// When the serializer fails (not expected for these plain types; then nothing is signed).
    pub fn to_yaml(&self) -> Result<String, RecordError> {
        serde_saphyr::to_string(self).map_err(|e| RecordError::Encode {
            message: e.to_string(),
        })
    }

    /// Reads a record.
    ///
    /// # Errors
    ///
    /// YAML and date errors.
    pub fn parse(text: &str, origin: &str) -> Result<CertificateRecord, RecordError> {
        let r: CertificateRecord =
            crate::yaml::from_str(text).map_err(|source| RecordError::Yaml {
                origin: origin.to_owned(),
                source,
            })?;
        instant(origin, "issued", &r.issued)?;
        instant(origin, "valid_until", &r.valid_until)?;
        Ok(r)
    }

    /// Issued at.
    pub fn issued_at(&self) -> Instant {
        instant("", "issued", &self.issued).unwrap_or_default()
    }

    /// Valid until (exclusive).
    pub fn valid_until_at(&self) -> Instant {
        instant("", "valid_until", &self.valid_until).unwrap_or_default()
    }
}

/// One year after `t` (R1), the same calendar day; 29 February goes to 28 February.
///
/// # Errors
///
/// The year after is past 9999 ([`crate::time::YEARS`]).
pub fn one_year_after(t: Instant) -> Result<Instant, crate::time::OutOfRange> {
    t.checked_add_months(chrono::Months::new(12))
        .ok_or_else(|| crate::time::OutOfRange::new("the certificate's end"))
        .and_then(|end| {
            crate::time::in_range(end)
                .map_err(|_| crate::time::OutOfRange::new("the certificate's end"))
        })
}
