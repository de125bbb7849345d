//! A new certificate record from the forum's decision: the record the registry signs at issue.

use chrono::TimeDelta;

use super::{
    CertificateId, CertificateKind, CertificateRecord, Decider, Decision, EvidenceRef, ScopeRef,
    one_year_after,
};
use crate::eval::Eligibility;
use crate::spec::Spec;
use crate::subject::record::SubjectRecord;
use crate::text::{self, Display, Field, TextError};
use crate::time::{self, Instant, OutOfRange, format_instant};

/// What the forum decided to issue.
#[derive(Debug)]
pub struct Draft<'a> {
    /// The new certificate's id (the registry numbers them).
    pub id: CertificateId,
    /// Its kind (the id's prefix).
    pub kind: CertificateKind,
    /// The subject certified.
    pub subject: &'a SubjectRecord,
    /// The holder, if not the subject's operator (else its name; with neither, one must be given).
    pub holder: Option<&'a str>,
    /// The scope spec.
    pub spec: &'a Spec,
    /// The eligibility decision at [`Draft::at`]; a "not eligible" only with
    /// [`Draft::override_reason`].
    pub decision: &'a Eligibility,
    /// The instant of issue: the certificate's start and the decision's.
    pub at: Instant,
    /// The observation window, ending at [`Draft::at`].
    pub window: TimeDelta,
    /// The certificate this one renews.
    pub renews: Option<CertificateId>,
    /// Who decided (name and role from forum.toml, the signing key).
    pub decided_by: Decider,
    /// Why it is issued although not eligible.
    pub override_reason: Option<&'a str>,
    /// The certificate's status page.
    pub status_url: String,
}

/// Why a draft does not make a record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// A value the Urkunde shows cannot be shown.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The certificate's end or the window's start lies outside the years a record holds.
    #[error(transparent)]
    OutOfRange(#[from] OutOfRange),
    /// Nobody to name as the holder: the subject has neither operator nor name (as subjects
    /// imported from a bootstrap file), and the bare id would be printed on the Urkunde.
    #[error(
        "{subject} has no operator or name to print as the certificate's holder: set one with \
         `scs-cert subject set {subject} --operator ORG --name NAME`, or pass --holder ORG"
    )]
    NoHolder {
        /// The subject.
        subject: crate::subject::Subject,
    },
}

impl Draft<'_> {
    /// The record: valid for one year from [`Draft::at`], with the decision's evidence (when
    /// eligible) or its reasons (when overridden).
    ///
    /// # Errors
    ///
    /// [`DraftError`]: a holder, subject name or scope name the Urkunde cannot show, or an
    /// instant out of range.
    pub fn record(&self) -> Result<CertificateRecord, DraftError> {
        let (version, eligible, evidence, findings) = match self.decision {
            Eligibility::Eligible {
                version, evidence, ..
            } => (
                version.clone(),
                true,
                evidence
                    .iter()
                    .map(|r| EvidenceRef {
                        run: r.run.clone(),
                        sha256: r.digest.clone(),
                    })
                    .collect(),
                Vec::new(),
            ),
            Eligibility::NotEligible {
                version, reasons, ..
            } => (
                version.clone(),
                false,
                Vec::new(),
                reasons.iter().map(ToString::to_string).collect(),
            ),
        };
        let subject = &self.subject;
        if self.holder.is_none() && subject.operator.is_none() && subject.name.is_none() {
            return Err(DraftError::NoHolder {
                subject: subject.subject.clone(),
            });
        }
        let record = CertificateRecord {
            format: 1,
            id: self.id.clone(),
            kind: self.kind,
            holder: self
                .holder
                .map(str::to_owned)
                .or_else(|| subject.operator.clone())
                .or_else(|| subject.name.clone())
                .unwrap_or_default(),
            subject: subject.subject.clone(),
            subject_name: subject
                .name
                .clone()
                .unwrap_or_else(|| subject.subject.to_string()),
            scope: ScopeRef {
                uuid: self.spec.uuid().to_owned(),
                name: self.spec.name().to_owned(),
            },
            version,
            issued: self.at,
            valid_until: one_year_after(self.at)?,
            renews: self.renews.clone(),
            decision: Decision {
                at: format_instant(self.at),
                window_start: format_instant(time::sub(
                    self.at,
                    self.window,
                    "the observation window's start",
                )?),
                eligible,
                evidence,
                decided_by: self.decided_by.clone(),
                override_reason: self.override_reason.map(str::to_owned),
                findings,
            },
            status_url: self.status_url.clone(),
        };
        // What the Urkunde shows, whichever subject record it came from.
        text::check(
            "the holder",
            &record.holder,
            Display::Urkunde(Field::Holder),
        )?;
        text::check(
            "the subject's name",
            &record.subject_name,
            Display::Urkunde(Field::Environment),
        )?;
        text::check(
            "the scope's name",
            &record.scope.name,
            Display::Urkunde(Field::ScopeName),
        )?;
        Ok(record)
    }
}
