//! What the Urkunde shows for an issued certificate: its record, the digest of the record's
//! exact bytes, and the forum that issues.

use scs_cert::cert::{self, CertificateRecord};

use super::{Error, Lang, Layer, Tier, UrkundeData, UrkundeKind};

/// The forum as `forum.toml` names it, for the Urkunde's issuer and place.
#[derive(Clone, Copy, Debug)]
pub struct Issuer<'a> {
    /// The forum's name ("Forum SCS-Standards").
    pub name: &'a str,
    /// The legal entity behind it.
    pub legal_name: &'a str,
    /// Where certificates are signed.
    pub place: &'a str,
}

impl UrkundeData {
    /// The Urkunde of `record`, whose signed file holds `record_bytes`, in `lang`.
    ///
    /// The record fingerprint is `sha256:` and the digest `sha256sum certificates/<ID>.yaml`
    /// prints; the last day shown is the last day of validity (`valid_until` is exclusive).
    ///
    /// # Errors
    ///
    /// The data do not fit the Urkunde ([`UrkundeData::validate`]).
    pub fn for_certificate(
        record: &CertificateRecord,
        record_bytes: &[u8],
        issuer: &Issuer<'_>,
        lang: Lang,
    ) -> Result<UrkundeData, Error> {
        let kind = match record.kind() {
            cert::CertificateKind::Iaas => UrkundeKind::ScopeIaas,
            cert::CertificateKind::Kaas => UrkundeKind::ScopeKaas,
            cert::CertificateKind::IntegratorIaas => UrkundeKind::Integrator {
                layer: Layer::Iaas,
                tier: Tier::Silver,
            },
            cert::CertificateKind::IntegratorKaas => UrkundeKind::Integrator {
                layer: Layer::Kaas,
                tier: Tier::Silver,
            },
        };
        let last = record.valid_until_at() - chrono::Duration::seconds(1);
        let data = UrkundeData {
            lang,
            kind,
            issuer_name: issuer.name.to_owned(),
            issuer_legal_name: issuer.legal_name.to_owned(),
            holder: record.holder().to_owned(),
            environment: record.subject_name().to_owned(),
            scope_name: record.scope().name.clone(),
            scope_version: Some(record.version().to_owned()),
            issued_on: record.issued_at().date_naive(),
            valid_until: last.date_naive(),
            place: issuer.place.to_owned(),
            signer_name: record.decision().decided_by.name.clone(),
            signer_role: record.decision().decided_by.role.clone(),
            certificate_id: record.id().to_string(),
            record_fingerprint: format!("sha256:{}", scs_cert::digest::sha256_hex(record_bytes)),
            status_url: record.status_url().to_owned(),
            stamp: None,
        };
        data.validate()?;
        Ok(data)
    }
}
