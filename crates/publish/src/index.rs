//! `index.json`: the site for machines, a published interface (docs/site.md). Other sites
//! build their tables from it, so it changes only compatibly: fields are added, never renamed
//! or removed, and `version` grows only for an incompatible change.

use serde::Serialize;

/// The format's version.
pub const INDEX_VERSION: u32 = 1;

/// The whole file.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Index {
    /// The format's version ([`INDEX_VERSION`]).
    pub version: u32,
    /// The instant the site shows (RFC 3339), not the wall clock.
    pub generated_at: String,
    /// The registry commit published.
    pub registry_commit: String,
    /// Who issues the certificates.
    pub forum: Forum,
    /// Every certificate, by id.
    pub certificates: Vec<Certificate>,
    /// Every subject, by id.
    pub subjects: Vec<Subject>,
    /// Certified integrators (empty until the registry holds integrators).
    pub integrators: Vec<serde_json::Value>,
}

/// The issuing body.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Forum {
    /// Name.
    pub name: String,
    /// Legal name.
    pub legal_name: String,
    /// City of issue.
    pub city: String,
    /// The base of the status-page URLs the Urkunden's QR codes encode.
    pub status_base_url: String,
}

/// Links relative to the site's root.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CertificateLinks {
    /// The status page.
    pub page: String,
    /// The signed record.
    pub record: String,
    /// Its SSHSIG signature (namespace `scs-certificate`).
    pub signature: String,
    /// The X.509 certificate (PEM).
    pub x509: String,
    /// The Urkunde in German, when rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urkunde_de: Option<String>,
    /// The Urkunde in English, when rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urkunde_en: Option<String>,
}

/// One certificate.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Certificate {
    /// Id, e.g. `SCS-IAAS-2026-0001`.
    pub id: String,
    /// `SCS-compatible IaaS`, …
    pub kind: String,
    /// Holder.
    pub holder: String,
    /// Subject id.
    pub subject: String,
    /// Scope uuid.
    pub scope_uuid: String,
    /// Scope name.
    pub scope: String,
    /// Certified version.
    pub version: String,
    /// Issued (RFC 3339).
    pub issued: String,
    /// Valid until (RFC 3339).
    pub valid_until: String,
    /// `active`, `active-with-findings`, `suspended`, `withdrawn`, `expired`, `superseded`.
    pub status: String,
    /// Since when the status holds, where an event began it (RFC 3339).
    pub status_since: Option<String>,
    /// Why (suspension, withdrawal).
    pub reason: Option<String>,
    /// Main testcases not passing (active with findings).
    pub findings: Vec<String>,
    /// The status-page URL the Urkunde encodes.
    pub status_url: String,
    /// Files on this site.
    pub links: CertificateLinks,
}

/// One subject.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Subject {
    /// Id.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Operator.
    pub operator: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Group.
    pub group: Option<String>,
    /// Its page.
    pub page: String,
    /// Scopes it has evidence for.
    pub scopes: Vec<SubjectScope>,
}

/// A subject's standing in one scope.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SubjectScope {
    /// Scope uuid.
    pub uuid: String,
    /// Scope name.
    pub name: String,
    /// The detail page.
    pub page: String,
    /// The badge.
    pub badge: String,
    /// Per version listed now: the verdict.
    pub versions: Vec<VersionVerdict>,
    /// Per version listed now: its compliance over the last 18 months.
    pub history: Vec<VersionIntervals>,
}

/// A version's current verdict.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct VersionVerdict {
    /// Version name.
    pub version: String,
    /// `effective`, `warn`, `draft`, `deprecated`.
    pub validity: String,
    /// The `main` verdict: `PASS`, `FAIL`, `MISSING`, `ABORT`.
    pub main: String,
    /// Certifiable and passing.
    pub compliant: bool,
}

/// A version's compliance intervals.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct VersionIntervals {
    /// Version name.
    pub version: String,
    /// Oldest first; `[start, end)`.
    pub intervals: Vec<Interval>,
}

/// A stretch of constant state.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Interval {
    /// Start (RFC 3339).
    pub start: String,
    /// End (RFC 3339).
    pub end: String,
    /// `compliant`, `not-compliant`, `not-certifiable`.
    pub state: String,
}

/// The JSON Schema (2020-12) of `index.json`.
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Index).to_value();
    if let Some(o) = schema.as_object_mut() {
        o.insert(
            "$id".into(),
            format!("https://scs-cert.invalid/schemas/site/v{INDEX_VERSION}/index.schema.json")
                .into(),
        );
    }
    schema
}
