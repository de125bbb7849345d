//! What an Urkunde says, and the JSON value the template reads.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Error, Field, check_glyphs, qr_svg};

/// Language of the certificate text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// German, the default.
    #[default]
    De,
    /// English.
    En,
}

impl Lang {
    /// The language tag, `de` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        match s {
            "de" => Ok(Lang::De),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang {
                input: s.chars().take(40).collect(),
            }),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A language tag other than `de` or `en`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {input:?} (expected de or en)")]
pub struct UnknownLang {
    /// The text read (at most 40 characters).
    pub input: String,
}

/// The SCS layer a certificate is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Layer {
    /// Infrastructure as a service.
    #[serde(rename = "IaaS")]
    Iaas,
    /// Kubernetes as a service.
    #[serde(rename = "KaaS")]
    Kaas,
}

/// The tier of an integrator certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Silver.
    Silver,
    /// Bronze.
    Bronze,
}

/// Which certificate this is: the variants of DESIGN §7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UrkundeKind {
    /// SCS-compatible IaaS: a cloud meets a scope version.
    ScopeIaas,
    /// SCS-compatible KaaS: a Kubernetes offering meets a scope version.
    ScopeKaas,
    /// Certified SCS IaaS/KaaS Integrator, Silver or Bronze.
    Integrator {
        /// The layer the integrator builds.
        layer: Layer,
        /// The tier reached.
        tier: Tier,
    },
}

impl UrkundeKind {
    /// The layer the certificate is about.
    pub fn layer(self) -> Layer {
        match self {
            UrkundeKind::ScopeIaas => Layer::Iaas,
            UrkundeKind::ScopeKaas => Layer::Kaas,
            UrkundeKind::Integrator { layer, .. } => layer,
        }
    }
}

/// Everything an Urkunde prints. All text is printed as text, never read as Typst markup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrkundeData {
    /// Language of the fixed wording and of the dates.
    pub lang: Lang,
    /// The variant.
    pub kind: UrkundeKind,
    /// Issuing body, e.g. "Forum SCS-Standards" (`forum.toml` `name`).
    pub issuer_name: String,
    /// Legal body behind it, e.g. "Open Source Business Alliance e.V." (`legal_name`).
    pub issuer_legal_name: String,
    /// Who holds the certificate (the subject's display name).
    pub holder: String,
    /// The cloud (scope certificates) or reference environment (integrators), as displayed.
    pub environment: String,
    /// Scope name, e.g. "SCS-compatible IaaS"; for integrators the scope their work is measured by.
    pub scope_name: String,
    /// Scope version, e.g. "v5.1"; required for scope certificates, optional for integrators.
    pub scope_version: Option<String>,
    /// Date of issue.
    pub issued_on: NaiveDate,
    /// Last day of validity.
    pub valid_until: NaiveDate,
    /// Place of issue (`forum.toml` `city`).
    pub place: String,
    /// Name of the person signing for the issuer.
    pub signer_name: String,
    /// Their role.
    pub signer_role: String,
    /// The certificate id.
    pub certificate_id: String,
    /// Fingerprint of the signed certificate record, e.g. `SHA256:…`.
    pub record_fingerprint: String,
    /// The certificate's status page (`forum.toml` base URL + id); also in the QR code.
    pub status_url: String,
    /// The status stamped across the page when the certificate is no longer in force.
    pub stamp: Option<Stamp>,
}

/// A status stamped across an Urkunde of a certificate no longer in force, so that a copy
/// printed later can never pass for a valid one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// What happened.
    pub status: StampStatus,
    /// Since when.
    pub since: NaiveDate,
}

/// The statuses an Urkunde can be stamped with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StampStatus {
    /// Withdrawn for good.
    Withdrawn,
    /// Suspended.
    Suspended,
    /// Past its validity.
    Expired,
    /// Ended by its renewal.
    Superseded,
}

/// The stamp as the template prints it: the status in capitals, and since when.
#[derive(Serialize)]
struct StampText {
    status: &'static str,
    detail: String,
}

impl Stamp {
    fn text(self, lang: Lang) -> StampText {
        let status = match (self.status, lang) {
            (StampStatus::Withdrawn, Lang::De) => "WIDERRUFEN",
            (StampStatus::Withdrawn, Lang::En) => "WITHDRAWN",
            (StampStatus::Suspended, Lang::De) => "AUSGESETZT",
            (StampStatus::Suspended, Lang::En) => "SUSPENDED",
            (StampStatus::Expired, Lang::De) => "ABGELAUFEN",
            (StampStatus::Expired, Lang::En) => "EXPIRED",
            (StampStatus::Superseded, Lang::De) => "ERSETZT",
            (StampStatus::Superseded, Lang::En) => "SUPERSEDED",
        };
        let since = format_date(self.since, lang);
        let detail = match lang {
            Lang::De => format!("seit dem {since} nicht in Kraft"),
            Lang::En => format!("not in force since {since}"),
        };
        StampText { status, detail }
    }
}

/// Schema version of the template's JSON value; a template may check it.
const SCHEMA: u32 = 1;

/// The JSON value the template reads from `sys.inputs.data` (schema 1, see
/// [`UrkundeData::template_input`]).
#[derive(Serialize)]
struct Payload<'a> {
    schema: u32,
    lang: Lang,
    kind: &'static str,
    layer: Layer,
    tier: Option<Tier>,
    issuer_name: &'a str,
    issuer_legal_name: &'a str,
    holder: &'a str,
    environment: &'a str,
    scope_name: &'a str,
    scope_version: Option<&'a str>,
    issued_on: String,
    issued_on_text: String,
    issued_year: i32,
    valid_until: String,
    valid_until_text: String,
    place: &'a str,
    signer_name: &'a str,
    signer_role: &'a str,
    certificate_id: &'a str,
    record_fingerprint: &'a str,
    status_url: &'a str,
    qr_svg: String,
    stamp: Option<StampText>,
}

impl UrkundeData {
    /// The text fields with their names, in print order.
    pub fn fields(&self) -> Vec<(Field, &str)> {
        let mut out = vec![
            (Field::IssuerName, self.issuer_name.as_str()),
            (Field::IssuerLegalName, self.issuer_legal_name.as_str()),
            (Field::Holder, self.holder.as_str()),
            (Field::Environment, self.environment.as_str()),
            (Field::ScopeName, self.scope_name.as_str()),
        ];
        if let Some(v) = &self.scope_version {
            out.push((Field::ScopeVersion, v.as_str()));
        }
        out.extend([
            (Field::Place, self.place.as_str()),
            (Field::SignerName, self.signer_name.as_str()),
            (Field::SignerRole, self.signer_role.as_str()),
            (Field::CertificateId, self.certificate_id.as_str()),
            (Field::RecordFingerprint, self.record_fingerprint.as_str()),
            (Field::StatusUrl, self.status_url.as_str()),
        ]);
        out
    }

    /// Checks everything the template relies on: printable characters ([`check_glyphs`]), no
    /// empty field, none longer than its [`Field::max_chars`], a version for scope
    /// certificates, validity not before issue.
    ///
    /// # Errors
    ///
    /// The first problem found, in field order.
    pub fn validate(&self) -> Result<(), Error> {
        check_glyphs(self)?;
        for (field, value) in self.fields() {
            if value.trim().is_empty() {
                return Err(Error::EmptyField { field });
            }
            let chars = value.chars().count();
            if chars > field.max_chars() {
                return Err(Error::FieldTooLong {
                    field,
                    chars,
                    max: field.max_chars(),
                });
            }
        }
        if matches!(self.kind, UrkundeKind::ScopeIaas | UrkundeKind::ScopeKaas)
            && self.scope_version.is_none()
        {
            return Err(Error::MissingScopeVersion);
        }
        if self.valid_until < self.issued_on {
            return Err(Error::ValidityBeforeIssue {
                issued_on: self.issued_on,
                valid_until: self.valid_until,
            });
        }
        Ok(())
    }

    /// The JSON text the template reads as `json(bytes(sys.inputs.data))`, after [`validate`].
    ///
    /// Schema 1, one flat object: `schema` (1), `lang` (`de`/`en`), `kind` (`scope` or
    /// `integrator`), `layer` (`IaaS`/`KaaS`), `tier` (`silver`/`bronze`/null), the text fields of
    /// [`UrkundeData`] under their own names (`scope_version` may be null), `issued_on` and
    /// `valid_until` as ISO dates, `issued_on_text` and `valid_until_text` in words per language
    /// ([`format_date`]), `issued_year`, and `qr_svg` (the status URL as QR code, [`qr_svg`]).
    ///
    /// [`validate`]: UrkundeData::validate
    ///
    /// # Errors
    ///
    /// What [`validate`](UrkundeData::validate) refuses; a status URL too long for a QR code.
    pub fn template_input(&self) -> Result<String, Error> {
        self.validate()?;
        let (kind, tier) = match self.kind {
            UrkundeKind::ScopeIaas | UrkundeKind::ScopeKaas => ("scope", None),
            UrkundeKind::Integrator { tier, .. } => ("integrator", Some(tier)),
        };
        let payload = Payload {
            schema: SCHEMA,
            lang: self.lang,
            kind,
            layer: self.kind.layer(),
            tier,
            issuer_name: &self.issuer_name,
            issuer_legal_name: &self.issuer_legal_name,
            holder: &self.holder,
            environment: &self.environment,
            scope_name: &self.scope_name,
            scope_version: self.scope_version.as_deref(),
            issued_on: self.issued_on.format("%Y-%m-%d").to_string(),
            issued_on_text: format_date(self.issued_on, self.lang),
            issued_year: self.issued_on.year(),
            valid_until: self.valid_until.format("%Y-%m-%d").to_string(),
            valid_until_text: format_date(self.valid_until, self.lang),
            place: &self.place,
            signer_name: &self.signer_name,
            signer_role: &self.signer_role,
            certificate_id: &self.certificate_id,
            record_fingerprint: &self.record_fingerprint,
            status_url: &self.status_url,
            qr_svg: qr_svg(&self.status_url)?,
            stamp: self.stamp.map(|s| s.text(self.lang)),
        };
        // Serialising a struct of strings and numbers into a String cannot fail.
        serde_json::to_string(&payload).map_err(|_| Error::Io {
            operation: "serialise the certificate data",
            kind: std::io::ErrorKind::InvalidData,
        })
    }
}

const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in words: `05. Juni 2025` (German, DIN 5008 style with two-digit day) or
/// `5 June 2025` (English). Month names come from here, not from a locale.
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    // month0() is 0..=11 by chrono's invariant, so the index is in range.
    let month = date.month0() as usize;
    match lang {
        Lang::De => format!("{:02}. {} {}", date.day(), MONTHS_DE[month], date.year()),
        Lang::En => format!("{} {} {}", date.day(), MONTHS_EN[month], date.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub(crate) fn sample() -> UrkundeData {
        UrkundeData {
            lang: Lang::De,
            kind: UrkundeKind::ScopeIaas,
            issuer_name: "Forum SCS-Standards".into(),
            issuer_legal_name: "Open Source Business Alliance e.V.".into(),
            holder: "Müller & Söhne GmbH".into(),
            environment: "Süd-Wolke Öffentlich".into(),
            scope_name: "SCS-compatible IaaS".into(),
            scope_version: Some("v5.1".into()),
            issued_on: date(2025, 6, 5),
            valid_until: date(2026, 6, 4),
            place: "Berlin".into(),
            signer_name: "Dr. Jürgen Weiß".into(),
            signer_role: "Vorsitz".into(),
            certificate_id: "SCS-IAAS-2025-0042".into(),
            record_fingerprint: "SHA256:abc".into(),
            status_url: "https://x.example/c/SCS-IAAS-2025-0042".into(),
            stamp: None,
        }
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(format_date(date(2025, 6, 5), Lang::De), "05. Juni 2025");
        assert_eq!(format_date(date(2025, 3, 15), Lang::De), "15. März 2025");
        assert_eq!(format_date(date(2025, 6, 5), Lang::En), "5 June 2025");
        assert_eq!(
            format_date(date(2027, 12, 31), Lang::En),
            "31 December 2027"
        );
    }

    #[test]
    fn lang_parses() {
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::default(), Lang::De);
    }

    #[test]
    fn payload_is_flat_json() {
        let json = sample().template_input().unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["schema"], 1);
        assert_eq!(v["kind"], "scope");
        assert_eq!(v["layer"], "IaaS");
        assert_eq!(v["tier"], serde_json::Value::Null);
        assert_eq!(v["issued_on_text"], "05. Juni 2025");
        assert_eq!(v["issued_year"], 2025);
        assert!(v["qr_svg"].as_str().unwrap().contains("<svg"));
        let mut d = sample();
        d.kind = UrkundeKind::Integrator {
            layer: Layer::Kaas,
            tier: Tier::Bronze,
        };
        let v: serde_json::Value = serde_json::from_str(&d.template_input().unwrap()).unwrap();
        assert_eq!(
            (v["kind"].as_str(), v["tier"].as_str()),
            (Some("integrator"), Some("bronze"))
        );
    }

    #[test]
    fn validation() {
        let mut d = sample();
        d.scope_version = None;
        assert_eq!(d.validate(), Err(Error::MissingScopeVersion));
        d.kind = UrkundeKind::Integrator {
            layer: Layer::Iaas,
            tier: Tier::Silver,
        };
        assert_eq!(d.validate(), Ok(()));
        d.holder = "  ".into();
        assert_eq!(
            d.validate(),
            Err(Error::EmptyField {
                field: Field::Holder
            })
        );
        d.holder = "x".repeat(121);
        assert!(matches!(
            d.validate(),
            Err(Error::FieldTooLong {
                field: Field::Holder,
                chars: 121,
                ..
            })
        ));
        let mut d = sample();
        d.valid_until = date(2025, 6, 4);
        assert!(matches!(
            d.validate(),
            Err(Error::ValidityBeforeIssue { .. })
        ));
    }
}
