//! The record the forum signs when it issues a certificate (`certificates/<ID>.yaml`).

use serde::{Deserialize, Serialize};

use crate::subject::Subject;
use crate::time::{Instant, format_instant};

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

/// The record the forum signs when it issues a certificate: read and checked ([`parse`]) or
/// made from a decision ([`super::Draft::record`]); its fields are read through accessors, so
/// a record in hand always has readable instants and a valid subject.
///
/// [`parse`]: CertificateRecord::parse
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRecord {
    pub(super) format: u32,
    pub(super) id: CertificateId,
    pub(super) kind: CertificateKind,
    pub(super) holder: String,
    pub(super) subject: Subject,
    pub(super) subject_name: String,
    pub(super) scope: ScopeRef,
    pub(super) version: String,
    pub(super) issued: Instant,
    pub(super) valid_until: Instant,
    pub(super) renews: Option<CertificateId>,
    pub(super) decision: Decision,
    pub(super) status_url: String,
}

/// The record as its file holds it, field for field in the order they are signed: the serde
/// form of [`CertificateRecord`], with instants as the text they are written as.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordFile {
    format: u32,
    id: CertificateId,
    kind: CertificateKind,
    holder: String,
    subject: String,
    subject_name: String,
    scope: ScopeRef,
    version: String,
    issued: String,
    valid_until: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    renews: Option<CertificateId>,
    decision: Decision,
    status_url: String,
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
    /// The subject is not a subject name.
    #[error("{origin}: subject: {message}")]
    BadSubject {
        /// The file.
        origin: String,
        /// Why.
        message: String,
    },
    /// The certificate would end before it starts.
    #[error("{origin}: valid_until is not after issued")]
    EndsBeforeStart {
        /// The file.
        origin: String,
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
        let file = RecordFile {
            format: self.format,
            id: self.id.clone(),
            kind: self.kind,
            holder: self.holder.clone(),
            subject: self.subject.to_string(),
            subject_name: self.subject_name.clone(),
            scope: self.scope.clone(),
            version: self.version.clone(),
            issued: format_instant(self.issued),
            valid_until: format_instant(self.valid_until),
            renews: self.renews.clone(),
            decision: self.decision.clone(),
            status_url: self.status_url.clone(),
        };
        serde_saphyr::to_string(&file).map_err(|e| RecordError::Encode {
            message: e.to_string(),
        })
    }

    /// Reads and checks a record: its instants, its subject, an end after its start.
    ///
    /// # Errors
    ///
    /// YAML, instant and subject errors.
    pub fn parse(text: &str, origin: &str) -> Result<CertificateRecord, RecordError> {
        let f: RecordFile = crate::yaml::from_str(text).map_err(|source| RecordError::Yaml {
            origin: origin.to_owned(),
            source,
        })?;
        let issued = instant(origin, "issued", &f.issued)?;
        let valid_until = instant(origin, "valid_until", &f.valid_until)?;
        if valid_until <= issued {
            return Err(RecordError::EndsBeforeStart {
                origin: origin.to_owned(),
            });
        }
        let subject = f
            .subject
            .parse()
            .map_err(|e: crate::subject::SubjectError| RecordError::BadSubject {
                origin: origin.to_owned(),
                message: e.to_string(),
            })?;
        Ok(CertificateRecord {
            format: f.format,
            id: f.id,
            kind: f.kind,
            holder: f.holder,
            subject,
            subject_name: f.subject_name,
            scope: f.scope,
            version: f.version,
            issued,
            valid_until,
            renews: f.renews,
            decision: f.decision,
            status_url: f.status_url,
        })
    }

    /// Record format version.
    pub fn format(&self) -> u32 {
        self.format
    }

    /// The id.
    pub fn id(&self) -> &CertificateId {
        &self.id
    }

    /// What it certifies.
    pub fn kind(&self) -> CertificateKind {
        self.kind
    }

    /// The organisation holding it.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The subject (cloud) it is for.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The cloud's display name.
    pub fn subject_name(&self) -> &str {
        &self.subject_name
    }

    /// The scope.
    pub fn scope(&self) -> &ScopeRef {
        &self.scope
    }

    /// The scope version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Issued at: the certificate's first instant.
    pub fn issued_at(&self) -> Instant {
        self.issued
    }

    /// Valid until (exclusive): issued + 1 year, whatever the scope version's expiry (R1).
    pub fn valid_until_at(&self) -> Instant {
        self.valid_until
    }

    /// The certificate this one renews.
    pub fn renews(&self) -> Option<&CertificateId> {
        self.renews.as_ref()
    }

    /// The decision.
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// The status page.
    pub fn status_url(&self) -> &str {
        &self.status_url
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
