//! Certificates (scs-0004, DESIGN §4): the record the forum signs, its identifier, and its
//! lifecycle. A record is written once (`certificates/<ID>.yaml`, signed in `<ID>.yaml.sig`
//! with namespace `scs-certificate`); what happens to it later — suspension, reinstatement,
//! withdrawal — is appended to `certificates/<ID>.events.jsonl`. Status at an instant is
//! derived from both, never stored.

pub mod check;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::time::{Instant, format_instant};

/// Where records live in the registry.
pub const CERTIFICATES_DIR: &str = "certificates";

/// What a certificate certifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// SCS-compatible IaaS.
    Iaas,
    /// SCS-compatible KaaS.
    Kaas,
    /// Certified SCS IaaS Integrator.
    IntegratorIaas,
    /// Certified SCS KaaS Integrator.
    IntegratorKaas,
}

impl Kind {
    /// The id prefix: `SCS-IAAS`, `SCS-KAAS`, `SCS-INT-IAAS`, `SCS-INT-KAAS`.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Iaas => "SCS-IAAS",
            Kind::Kaas => "SCS-KAAS",
            Kind::IntegratorIaas => "SCS-INT-IAAS",
            Kind::IntegratorKaas => "SCS-INT-KAAS",
        }
    }

    /// The kind of a scope certificate from the scope's uuid (the two SCS scopes), else by
    /// name: a name containing "KaaS" is KaaS, anything else IaaS.
    pub fn of_scope(uuid: &str, name: &str) -> Kind {
        match uuid {
            "1fffebe6-fd4b-44d3-a36c-fc58b4bb0180" => Kind::Kaas,
            "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f" => Kind::Iaas,
            _ if name.to_ascii_lowercase().contains("kaas") => Kind::Kaas,
            _ => Kind::Iaas,
        }
    }
}

/// A certificate id: `SCS-IAAS-2026-0001`, numbered per prefix and year, never reused.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CertificateId(String);

/// Text that is not a certificate id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a certificate id: {input:?} (expected e.g. SCS-IAAS-2026-0001)")]
pub struct IdError {
    input: String,
}

impl CertificateId {
    /// The id for `kind`, `year` and sequence number `n` (1-based).
    pub fn new(kind: Kind, year: i32, n: u32) -> CertificateId {
        CertificateId(format!("{}-{year:04}-{n:04}", kind.prefix()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix-and-year part (`SCS-IAAS-2026`) and the number.
    pub fn series(&self) -> (&str, u32) {
        match self.0.rsplit_once('-') {
            Some((series, n)) => (series, n.parse().unwrap_or(0)),
            None => (&self.0, 0),
        }
    }

    /// The record's path in the registry.
    pub fn record_path(&self) -> String {
        format!("{CERTIFICATES_DIR}/{}.yaml", self.0)
    }

    /// The record signature's path.
    pub fn signature_path(&self) -> String {
        format!("{CERTIFICATES_DIR}/{}.yaml.sig", self.0)
    }

    /// The X.509 certificate's path.
    pub fn pem_path(&self) -> String {
        format!("{CERTIFICATES_DIR}/{}.pem", self.0)
    }

    /// The events file's path.
    pub fn events_path(&self) -> String {
        format!("{CERTIFICATES_DIR}/{}.events.jsonl", self.0)
    }
}

impl FromStr for CertificateId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || IdError {
            input: s.chars().take(80).collect(),
        };
        let (series, n) = s.rsplit_once('-').ok_or_else(err)?;
        let (prefix, year) = series.rsplit_once('-').ok_or_else(err)?;
        let known = ["SCS-IAAS", "SCS-KAAS", "SCS-INT-IAAS", "SCS-INT-KAAS"].contains(&prefix);
        let digits = |t: &str, len: usize| t.len() == len && t.bytes().all(|b| b.is_ascii_digit());
        if known && digits(year, 4) && digits(n, 4) && n != "0000" {
            Ok(CertificateId(s.to_owned()))
        } else {
            Err(err())
        }
    }
}

impl<'de> Deserialize<'de> for CertificateId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

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
    pub kind: Kind,
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

fn instant(origin: &str, field: &'static str, s: &str) -> Result<Instant, RecordError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Instant {
        crate::time::parse_instant(s).unwrap()
    }

    fn record() -> CertificateRecord {
        CertificateRecord {
            format: 1,
            id: CertificateId::new(Kind::Iaas, 2026, 1),
            kind: Kind::Iaas,
            holder: "Müller & Söhne GmbH".into(),
            subject: "cloud-a".into(),
            subject_name: "Cloud A".into(),
            scope: ScopeRef {
                uuid: "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f".into(),
                name: "SCS-compatible IaaS".into(),
            },
            version: "v5.1".into(),
            issued: "2026-03-01T00:00:00Z".into(),
            valid_until: format_instant(one_year_after(t("2026-03-01")).unwrap()),
            renews: None,
            decision: Decision {
                at: "2026-03-01T00:00:00Z".into(),
                window_start: "2026-02-01T00:00:00Z".into(),
                eligible: true,
                evidence: vec![EvidenceRef {
                    run: "r".into(),
                    sha256: "s".into(),
                }],
                decided_by: Decider {
                    name: "S".into(),
                    role: "Secretary".into(),
                    key: "SHA256:x".into(),
                },
                override_reason: None,
                findings: vec![],
            },
            status_url: "https://x/SCS-IAAS-2026-0001".into(),
        }
    }

    #[test]
    fn ids() {
        let id = CertificateId::new(Kind::IntegratorKaas, 2026, 12);
        assert_eq!(id.as_str(), "SCS-INT-KAAS-2026-0012");
        assert_eq!(id.as_str().parse::<CertificateId>().unwrap(), id);
        assert_eq!(id.series(), ("SCS-INT-KAAS-2026", 12));
        for bad in [
            "SCS-IAAS-2026-0000",
            "SCS-XAAS-2026-0001",
            "SCS-IAAS-26-0001",
            "../x",
            "SCS-IAAS-2026-00011",
        ] {
            assert!(bad.parse::<CertificateId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn record_round_trip_is_exact() {
        let r = record();
        let text = r.to_yaml().unwrap();
        let back = CertificateRecord::parse(&text, "r").unwrap();
        assert_eq!(back, r);
        assert_eq!(back.to_yaml().unwrap(), text);
        assert_eq!(r.valid_until, "2027-03-01T00:00:00Z");
        assert_eq!(one_year_after(t("2028-02-29")), Ok(t("2029-02-28")));
        assert!(one_year_after(t("9999-03-01")).is_err());
    }

    #[test]
    fn lifecycle() {
        let r = record();
        let ev = |kind: &str, at: &str| -> Event {
            match kind {
                "s" => Event::Suspended {
                    at: at.into(),
                    reason: "finding".into(),
                    by: "k".into(),
                },
                "r" => Event::Reinstated {
                    at: at.into(),
                    reason: "fixed".into(),
                    by: "k".into(),
                },
                _ => Event::Withdrawn {
                    at: at.into(),
                    reason: "gone".into(),
                    code: WithdrawalCode::CessationOfOperation,
                    by: "k".into(),
                },
            }
        };
        let events = vec![
            ev("s", "2026-04-01T00:00:00Z"),
            ev("r", "2026-05-01T00:00:00Z"),
            ev("w", "2026-08-01T00:00:00Z"),
        ];
        assert_eq!(
            status_at(&r, &events, t("2026-02-01")),
            Status::NotYetIssued
        );
        assert_eq!(status_at(&r, &events, t("2026-03-15")), Status::Active);
        assert_eq!(status_at(&r, &events, t("2026-04-15")).code(), "suspended");
        assert_eq!(status_at(&r, &events, t("2026-05-15")), Status::Active);
        assert_eq!(status_at(&r, &events, t("2026-09-01")).code(), "withdrawn");
        assert_eq!(
            status_at(&r, &events[..2], t("2027-03-01")).code(),
            "expired"
        );
        let text: String = events.iter().map(Event::to_line).collect();
        assert_eq!(parse_events(&text, "e").unwrap(), events);
        assert!(parse_events("{\"event\":\"deleted\"}\n", "e").is_err());
    }
}
