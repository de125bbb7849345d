//! The trusted root (`trusted_root.json`): transparency logs, CT logs, Fulcio and timestamp
//! authorities, each with its validity period.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::keys::Key;
use super::x509::Cert;
use super::{CertRole, Document, Error, Instant, MAX_TRUSTED_ROOT_BYTES, json_error, model};

/// A transparency or CT log key from the trusted root.
#[derive(Debug, Clone)]
pub(crate) struct LogKey {
    pub(crate) key_id: Vec<u8>,
    pub(crate) key: Key,
    start: Instant,
    end: Option<Instant>,
}

impl LogKey {
    pub(crate) fn valid_at(&self, t: Instant) -> bool {
        self.start <= t && self.end.is_none_or(|e| t <= e)
    }
}

/// A CA (Fulcio or TSA) from the trusted root: its chain, leaf-most first.
#[derive(Debug, Clone)]
pub(crate) struct Authority {
    pub(crate) chain: Vec<Cert>,
    start: Option<Instant>,
    end: Option<Instant>,
}

impl Authority {
    pub(crate) fn valid_at(&self, t: Instant) -> bool {
        self.start.is_none_or(|s| s <= t) && self.end.is_none_or(|e| t <= e)
    }

    /// Checks the chain links, CA flags and validity of every certificate at every `times`.
    pub(crate) fn check_chain(&self, times: &[Instant], role: CertRole) -> Result<(), Error> {
        for (i, cert) in self.chain.iter().enumerate() {
            if let Some(parent) = self.chain.get(i + 1) {
                cert.check_issued_by(parent, role)?;
            }
            if times.iter().any(|t| !cert.valid_at(*t)) {
                return Err(Error::ChainBroken { role });
            }
        }
        Ok(())
    }
}

/// A parsed trusted root: Rekor logs, Fulcio CAs, CT logs, timestamp authorities.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    pub(crate) tlogs: Vec<LogKey>,
    pub(crate) ctlogs: Vec<LogKey>,
    pub(crate) cas: Vec<Authority>,
    pub(crate) tsas: Vec<Authority>,
}

/// An RFC 3339 instant in years 0001..=9999 (what the trusted root's validity periods carry).
fn parse_time(s: &str) -> Option<Instant> {
    use chrono::Datelike as _;
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
        .filter(|t| (1..=9999).contains(&t.year()))
}

fn range(r: Option<&model::TimeRange>) -> Option<(Option<Instant>, Option<Instant>)> {
    let Some(r) = r else {
        return Some((None, None));
    };
    let start = match &r.start {
        Some(s) => Some(parse_time(s)?),
        None => None,
    };
    let end = match &r.end {
        Some(s) => Some(parse_time(s)?),
        None => None,
    };
    Some((start, end))
}

fn log_keys(logs: &[model::TransparencyLog], part: &'static str) -> Result<Vec<LogKey>, Error> {
    let mut out = Vec::new();
    for (index, log) in logs.iter().enumerate() {
        let bad = Error::TrustedRootEntry { part, index };
        let (start, end) = range(log.public_key.valid_for.as_ref()).ok_or(bad.clone())?;
        let key_id = B64.decode(&log.log_id.key_id).map_err(|_| bad.clone())?;
        // A key without a validity start cannot be bounded in time (protobuf-specs: `valid_for`
        // start is required), and key types we cannot read (e.g. PKCS#1 RSA) cannot verify
        // anything: such entries are left out, which can only make verification stricter.
        let Some(start) = start else { continue };
        let Some(der) = log
            .public_key
            .raw_bytes
            .as_deref()
            .and_then(|r| B64.decode(r).ok())
        else {
            continue;
        };
        if let Ok(key) = Key::from_spki_der(&der) {
            out.push(LogKey {
                key_id,
                key,
                start,
                end,
            });
        }
    }
    Ok(out)
}

fn authorities(
    cas: &[model::CertificateAuthority],
    part: &'static str,
    role: CertRole,
) -> Result<Vec<Authority>, Error> {
    let mut out = Vec::new();
    for (index, ca) in cas.iter().enumerate() {
        let bad = Error::TrustedRootEntry { part, index };
        let (start, end) = range(ca.valid_for.as_ref()).ok_or(bad.clone())?;
        let mut chain = Vec::new();
        for c in &ca.cert_chain.certificates {
            let der = B64.decode(&c.raw_bytes).map_err(|_| bad.clone())?;
            chain.push(Cert::from_der(&der, role).map_err(|_| bad.clone())?);
        }
        if chain.is_empty() {
            return Err(bad);
        }
        out.push(Authority { chain, start, end });
    }
    Ok(out)
}

impl TrustedRoot {
    /// Parses a `trusted_root.json` (at most [`MAX_TRUSTED_ROOT_BYTES`]).
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`], [`Error::Json`], [`Error::MediaType`] or
    /// [`Error::TrustedRootEntry`] for an entry that cannot be used safely.
    pub fn from_json(bytes: &[u8]) -> Result<TrustedRoot, Error> {
        if bytes.len() > MAX_TRUSTED_ROOT_BYTES {
            return Err(Error::TooLarge {
                what: Document::TrustedRoot,
                limit: MAX_TRUSTED_ROOT_BYTES,
            });
        }
        let json: model::TrustedRootJson =
            serde_json::from_slice(bytes).map_err(|e| json_error(Document::TrustedRoot, &e))?;
        if !json
            .media_type
            .starts_with("application/vnd.dev.sigstore.trustedroot")
        {
            return Err(Error::MediaType {
                what: Document::TrustedRoot,
                found: json.media_type,
            });
        }
        Ok(TrustedRoot {
            tlogs: log_keys(&json.tlogs, "tlogs")?,
            ctlogs: log_keys(&json.ctlogs, "ctlogs")?,
            cas: authorities(
                &json.certificate_authorities,
                "certificateAuthorities",
                CertRole::Authority,
            )?,
            tsas: authorities(
                &json.timestamp_authorities,
                "timestampAuthorities",
                CertRole::Timestamp,
            )?,
        })
    }
}
