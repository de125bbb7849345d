//! The certificate's kind and identifier.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::CERTIFICATES_DIR;

/// What a certificate certifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateKind {
    /// SCS-compatible IaaS.
    Iaas,
    /// SCS-compatible KaaS.
    Kaas,
    /// Certified SCS IaaS Integrator.
    IntegratorIaas,
    /// Certified SCS KaaS Integrator.
    IntegratorKaas,
}

impl CertificateKind {
    /// The id prefix: `SCS-IAAS`, `SCS-KAAS`, `SCS-INT-IAAS`, `SCS-INT-KAAS`.
    pub fn prefix(self) -> &'static str {
        match self {
            CertificateKind::Iaas => "SCS-IAAS",
            CertificateKind::Kaas => "SCS-KAAS",
            CertificateKind::IntegratorIaas => "SCS-INT-IAAS",
            CertificateKind::IntegratorKaas => "SCS-INT-KAAS",
        }
    }

    /// The kind of a scope certificate from the scope's uuid (the two SCS scopes), else by
    /// name: a name containing "KaaS" is KaaS, anything else IaaS.
    pub fn of_scope(uuid: &str, name: &str) -> CertificateKind {
        match uuid {
            "1fffebe6-fd4b-44d3-a36c-fc58b4bb0180" => CertificateKind::Kaas,
            "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f" => CertificateKind::Iaas,
            _ if name.to_ascii_lowercase().contains("kaas") => CertificateKind::Kaas,
            _ => CertificateKind::Iaas,
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
    pub fn new(kind: CertificateKind, year: i32, n: u32) -> CertificateId {
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
