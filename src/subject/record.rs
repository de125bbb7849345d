//! `subjects/<subject>.yaml`: the clouds the forum knows, their keys with dates, delegates and
//! Sigstore identities.
//!
//! The record is the registry's source of who may sign reports for a subject at an instant: a
//! key is bound from `added` (inclusive) to `retired` (exclusive), and a subject's delegates'
//! keys sign for it too (as the compliance monitor's `delegates`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use ssh_key::PublicKey;

use crate::sig::Fingerprint;
use crate::subject::Subject;
use crate::time::{Instant, format_instant};
use crate::trust::{AllowedSigners, Bootstrap, KnownSigners};

/// One subject's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectRecord {
    /// The subject name (also the file name).
    pub subject: Subject,
    /// Display name, e.g. "REGIO.cloud".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The company operating it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// What it is, e.g. "public cloud, 1 SCS region".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Group, as the monitor's `group` (e.g. several regions of one cloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Link to the cloud's health monitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_monitor: Option<String>,
    /// Subjects whose keys may sign reports for this one (e.g. a CI account).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delegates: Vec<Subject>,
    /// SSH keys bound to this subject, with their dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<BoundKey>,
    /// Sigstore identities and managed keys bound to this subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sigstore: Vec<SigstoreBinding>,
}

/// An SSH key bound to a subject from `added` until `retired`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundKey {
    /// The OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
    pub key: String,
    /// A name for the key (`primary`, `zuul_ci_sign`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// From when the key may sign (RFC 3339).
    pub added: String,
    /// From when it may no longer sign (RFC 3339), if retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
}

/// A Sigstore signer bound to a subject: a keyless CI identity (OIDC issuer and exact
/// identity) or a managed public key (PEM).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigstoreBinding {
    /// The OIDC issuer, e.g. `https://token.actions.githubusercontent.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The exact certificate identity (SAN), e.g. a workflow URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// A managed public key (PEM), instead of issuer and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// From when it may sign (RFC 3339).
    pub added: String,
    /// From when it may no longer sign (RFC 3339), if retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
}

/// A subject record that does not hold together.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A text field cannot be displayed.
    #[error("{subject}: {source}")]
    Text {
        /// The subject.
        subject: String,
        /// What is wrong with it.
        source: crate::text::TextError,
    },
    /// A date field is not an RFC 3339 instant.
    #[error("{subject}: {field} {value:?} is not an RFC 3339 instant")]
    BadInstant {
        /// The subject.
        subject: String,
        /// Which field.
        field: &'static str,
        /// The text found.
        value: String,
    },
    /// The record could not be written as YAML.
    #[error("{subject}: the record could not be encoded: {message}")]
    Encode {
        /// The subject.
        subject: String,
        /// The serializer's message.
        message: String,
    },
    /// A key line is not an OpenSSH public key.
    #[error("{subject}: {value:?} is not an OpenSSH public key line")]
    BadKey {
        /// The subject.
        subject: String,
        /// The text found (cut).
        value: String,
    },
    /// A Sigstore binding is neither (issuer, identity) nor a public key.
    #[error("{subject}: a sigstore binding needs issuer and identity, or public_key (not both)")]
    BadSigstoreBinding {
        /// The subject.
        subject: String,
    },
    /// The file's name and its `subject:` disagree.
    #[error("subjects/{file}.yaml holds subject {found}")]
    NameMismatch {
        /// The name from the file name.
        file: String,
        /// The subject inside.
        found: String,
    },
    /// A key is retired before it was added.
    #[error("{subject}: key {fingerprint} is retired before it was added")]
    RetiredBeforeAdded {
        /// The subject.
        subject: String,
        /// The key.
        fingerprint: Fingerprint,
    },
    /// The YAML could not be read.
    #[error("{origin}: {source}")]
    Yaml {
        /// The file.
        origin: String,
        /// The parser's error.
        source: crate::yaml::Error,
    },
    /// A delegate names no known subject.
    #[error("{subject}: delegate {delegate} is not a subject of the registry")]
    UnknownDelegate {
        /// The subject.
        subject: String,
        /// The delegate named.
        delegate: String,
    },
}

fn instant(subject: &Subject, field: &'static str, value: &str) -> Result<Instant, RecordError> {
    crate::time::parse_rfc3339(value).ok_or_else(|| RecordError::BadInstant {
        subject: subject.to_string(),
        field,
        value: value.chars().take(80).collect(),
    })
}

impl BoundKey {
    /// The public key.
    ///
    /// # Errors
    ///
    /// When the line is not an OpenSSH public key.
    pub fn public_key(&self, subject: &Subject) -> Result<PublicKey, RecordError> {
        PublicKey::from_openssh(self.key.trim()).map_err(|_| RecordError::BadKey {
            subject: subject.to_string(),
            value: self.key.chars().take(80).collect(),
        })
    }

    /// Whether the key is bound at `at`: `added <= at < retired`.
    ///
    /// # Errors
    ///
    /// Bad dates.
    pub fn bound_at(&self, subject: &Subject, at: Instant) -> Result<bool, RecordError> {
        let added = instant(subject, "added", &self.added)?;
        let retired = self
            .retired
            .as_deref()
            .map(|r| instant(subject, "retired", r))
            .transpose()?;
        Ok(added <= at && retired.is_none_or(|r| at < r))
    }
}

impl SigstoreBinding {
    /// The binding's window: from `added` (inclusive) until `retired` (exclusive).
    ///
    /// # Errors
    ///
    /// Bad dates.
    pub fn window(&self, subject: &Subject) -> Result<(Instant, Option<Instant>), RecordError> {
        let added = instant(subject, "added", &self.added)?;
        let retired = self
            .retired
            .as_deref()
            .map(|r| instant(subject, "retired", r))
            .transpose()?;
        Ok((added, retired))
    }
}

impl SubjectRecord {
    /// A new record with no keys.
    pub fn new(subject: Subject) -> SubjectRecord {
        SubjectRecord {
            subject,
            name: None,
            operator: None,
            description: None,
            group: None,
            health_monitor: None,
            delegates: Vec::new(),
            keys: Vec::new(),
            sigstore: Vec::new(),
        }
    }

    /// The registry path of a subject's record.
    pub fn path(subject: &Subject) -> String {
        format!("subjects/{subject}.yaml")
    }

    /// Reads and checks a record; `file_subject` is the name its file carries.
    ///
    /// # Errors
    ///
    /// YAML errors, bad keys or dates, a name that disagrees with the file.
    pub fn parse(text: &str, file_subject: &str) -> Result<SubjectRecord, RecordError> {
        let record: SubjectRecord =
            crate::yaml::from_str(text).map_err(|source| RecordError::Yaml {
                origin: format!("subjects/{file_subject}.yaml"),
                source,
            })?;
        if record.subject.as_str() != file_subject {
            return Err(RecordError::NameMismatch {
                file: file_subject.to_owned(),
                found: record.subject.to_string(),
            });
        }
        record.check()?;
        Ok(record)
    }

    /// Checks every text a person reads later (DESIGN: display text is checked where it
    /// enters the registry): name and operator as the Urkunde shows them (the subject's name is
    /// its environment line, the operator the default holder), the rest as printed.
    ///
    /// # Errors
    ///
    /// The first field that cannot be displayed.
    pub fn check_text(&self) -> Result<(), RecordError> {
        use crate::text::Field;
        use crate::text::{Display, check_opt};
        let s = &self.subject;
        let text = |source| RecordError::Text {
            subject: s.to_string(),
            source,
        };
        check_opt(
            "the name",
            self.name.as_deref(),
            Display::Urkunde(Field::Environment),
        )
        .map_err(text)?;
        check_opt(
            "the operator",
            self.operator.as_deref(),
            Display::Urkunde(Field::Holder),
        )
        .map_err(text)?;
        for (field, value) in [
            ("the description", &self.description),
            ("the group", &self.group),
            ("the health monitor", &self.health_monitor),
        ] {
            check_opt(field, value.as_deref(), Display::Printed).map_err(text)?;
        }
        for k in &self.keys {
            check_opt("a key's name", k.name.as_deref(), Display::Printed).map_err(text)?;
        }
        Ok(())
    }

    /// Checks keys, dates and bindings.
    ///
    /// # Errors
    ///
    /// The first problem found.
    pub fn check(&self) -> Result<(), RecordError> {
        let s = &self.subject;
        for k in &self.keys {
            let key = k.public_key(s)?;
            let added = instant(s, "added", &k.added)?;
            if let Some(r) = &k.retired
                && instant(s, "retired", r)? < added
            {
                return Err(RecordError::RetiredBeforeAdded {
                    subject: s.to_string(),
                    fingerprint: Fingerprint::of(&key),
                });
            }
        }
        for b in &self.sigstore {
            instant(s, "added", &b.added)?;
            if let Some(r) = &b.retired {
                instant(s, "retired", r)?;
            }
            let identity = b.issuer.is_some() && b.identity.is_some();
            let key = b.public_key.is_some();
            if identity == key || (b.issuer.is_some() != b.identity.is_some()) {
                return Err(RecordError::BadSigstoreBinding {
                    subject: s.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The record as YAML (deterministic: fields in declaration order).
    ///
    /// # Errors
    ///
    /// When the serializer fails (not expected for these plain types; then nothing is written).
    pub fn to_yaml(&self) -> Result<String, RecordError> {
        serde_saphyr::to_string(self).map_err(|e| RecordError::Encode {
            subject: self.subject.to_string(),
            message: e.to_string(),
        })
    }
}

/// Which subject keys may sign for which subjects, over time: an OpenSSH allowed_signers file
/// (principal = subject, `valid-after`/`valid-before` from the key dates, delegates' keys listed
/// for the subjects that delegate to them), namespace `report` only.
///
/// The same text works with `scs-report verify --allowed-signers` and `ssh-keygen -Y verify`.
///
/// # Errors
///
/// Bad keys or dates in a record, delegates that are not subjects.
pub fn allowed_signers(records: &[SubjectRecord]) -> Result<String, RecordError> {
    let known: BTreeSet<&Subject> = records.iter().map(|r| &r.subject).collect();
    // Who may sign for each subject: itself and the subjects it names as delegates.
    let mut signs_for: BTreeMap<&Subject, BTreeSet<&Subject>> = BTreeMap::new();
    for r in records {
        signs_for.entry(&r.subject).or_default().insert(&r.subject);
        for d in &r.delegates {
            if !known.contains(d) {
                return Err(RecordError::UnknownDelegate {
                    subject: r.subject.to_string(),
                    delegate: d.to_string(),
                });
            }
            signs_for.entry(d).or_default().insert(&r.subject);
        }
    }
    let mut out = String::from("# Report-signing keys of the registry's subjects (generated).\n");
    for r in records {
        let principals: Vec<&str> = signs_for
            .get(&r.subject)
            .map(|set| set.iter().map(|s| s.as_str()).collect())
            .unwrap_or_default();
        for k in &r.keys {
            let key = k.public_key(&r.subject)?;
            let added = instant(&r.subject, "added", &k.added)?;
            let mut options = format!("namespaces=\"report\",valid-after=\"{}\"", stamp(added));
            if let Some(retired) = &k.retired {
                // valid-before is inclusive in OpenSSH; a key retired at R no longer signs at R.
                let last = instant(&r.subject, "retired", retired)? - chrono::Duration::seconds(1);
                let _ = write!(options, ",valid-before=\"{}\"", stamp(last));
            }
            let line = key.to_openssh().map_err(|_| RecordError::BadKey {
                subject: r.subject.to_string(),
                value: k.key.chars().take(80).collect(),
            })?;
            let _ = writeln!(out, "{} {options} {line}", principals.join(","));
        }
    }
    Ok(out)
}

/// Whose key `key` is, of the subjects that may sign for `subject`: `subject` itself when the
/// key is one of its own, else the first of its delegates that holds it. Allowed-signers lines
/// made by [`allowed_signers`] name who may sign, not whose a key is; this tells a delegate's
/// signature from the subject's own.
pub fn key_holder<'r>(
    records: &'r [SubjectRecord],
    key: &Fingerprint,
    subject: &Subject,
) -> Option<&'r Subject> {
    let holds = |r: &SubjectRecord| {
        r.keys.iter().any(|k| {
            k.public_key(&r.subject)
                .is_ok_and(|pk| Fingerprint::of(&pk) == *key)
        })
    };
    let record = |s: &Subject| records.iter().find(|r| r.subject == *s);
    let own = record(subject)?;
    if holds(own) {
        return Some(&own.subject);
    }
    own.delegates
        .iter()
        .filter_map(record)
        .find(|d| holds(d))
        .map(|d| &d.subject)
}

/// The keys of `subject` in its record that are not retired, and its delegates (see
/// [`KnownSigners`]).
pub fn known_signers(records: &[SubjectRecord], subject: &Subject) -> KnownSigners {
    let mut known = KnownSigners {
        subject: subject.clone(),
        keys: Vec::new(),
        delegates: Vec::new(),
    };
    if let Some(r) = records.iter().find(|r| r.subject == *subject) {
        for k in r.keys.iter().filter(|k| k.retired.is_none()) {
            if let Ok(pk) = k.public_key(&r.subject) {
                known.add_key(Fingerprint::of(&pk));
            }
        }
        known.delegates = r.delegates.clone();
    }
    known
}

/// The trust of a set of subject records, as [`AllowedSigners`].
///
/// # Errors
///
/// As [`allowed_signers`].
pub fn trust(records: &[SubjectRecord]) -> Result<AllowedSigners, RecordError> {
    let text = allowed_signers(records)?;
    AllowedSigners::parse(&text, "subjects").map_err(|e| RecordError::BadKey {
        subject: "(generated allowed_signers)".into(),
        value: e.to_string(),
    })
}

fn stamp(t: Instant) -> String {
    t.format("%Y%m%d%H%M%SZ").to_string()
}

/// Subject records from a compliance-monitor bootstrap file: every account becomes a subject
/// with its keys (bound from `added`), group and delegates. Order of accounts does not matter.
pub fn from_bootstrap(bootstrap: &Bootstrap, added: Instant) -> Vec<SubjectRecord> {
    bootstrap
        .accounts()
        .map(|account| {
            let mut r = SubjectRecord::new(account.subject().clone());
            r.group = account.group().map(str::to_owned);
            r.delegates = account.delegates().to_vec();
            r.keys = account
                .keys()
                .iter()
                .map(|k| BoundKey {
                    key: k.key().to_openssh().unwrap_or_default(),
                    name: Some(k.name().to_owned()),
                    added: format_instant(added),
                    retired: None,
                })
                .collect();
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJQ4CMWU6zNvV5RaFeH38S5unRZrd+SfnKu4P1HzJilK";

    fn at(s: &str) -> Instant {
        crate::time::parse_instant(s).unwrap()
    }

    #[test]
    fn yaml_round_trip_is_exact() {
        let mut r = SubjectRecord::new("regio-a".parse().unwrap());
        r.name = Some("REGIO: cloud # 1".into());
        r.delegates = vec!["zuul_ci".parse().unwrap()];
        r.keys.push(BoundKey {
            key: KEY.into(),
            name: Some("primary".into()),
            added: "2026-01-01T00:00:00Z".into(),
            retired: Some("2026-06-01T00:00:00Z".into()),
        });
        let text = r.to_yaml().unwrap();
        let back = SubjectRecord::parse(&text, "regio-a").unwrap();
        assert_eq!(back, r);
        assert_eq!(
            back.to_yaml().unwrap(),
            text,
            "decode then encode gives the same bytes"
        );
        assert!(matches!(
            SubjectRecord::parse(&text, "other"),
            Err(RecordError::NameMismatch { .. })
        ));
    }

    #[test]
    fn key_dates_and_delegates_become_allowed_signers() {
        let mut a = SubjectRecord::new("cloud-a".parse().unwrap());
        a.delegates = vec!["ci".parse().unwrap()];
        let mut ci = SubjectRecord::new("ci".parse().unwrap());
        ci.keys.push(BoundKey {
            key: KEY.into(),
            name: None,
            added: "2026-01-01T00:00:00Z".into(),
            retired: Some("2026-06-01T00:00:00Z".into()),
        });
        let records = [a, ci];
        let trust = crate::trust::Trust::AllowedSigners(trust(&records).unwrap());
        let key = PublicKey::from_openssh(KEY).unwrap();
        let ns = crate::sig::Namespace::report();
        let cloud: Subject = "cloud-a".parse().unwrap();
        assert!(trust.authorize(&key, &cloud, &ns, at("2026-03-01")).is_ok());
        assert!(
            trust
                .authorize(&key, &"ci".parse().unwrap(), &ns, at("2026-03-01"))
                .is_ok()
        );
        assert!(
            trust
                .authorize(&key, &cloud, &ns, at("2025-12-31T23:59:59Z"))
                .is_err()
        );
        assert!(
            trust
                .authorize(&key, &cloud, &ns, at("2026-05-31T23:59:59Z"))
                .is_ok()
        );
        assert!(
            trust
                .authorize(&key, &cloud, &ns, at("2026-06-01"))
                .is_err(),
            "retired at R"
        );
        assert!(
            trust
                .authorize(&key, &"other".parse().unwrap(), &ns, at("2026-03-01"))
                .is_err()
        );
        let mut bad = records.to_vec();
        bad[0].delegates.push("ghost".parse().unwrap());
        assert!(matches!(
            allowed_signers(&bad),
            Err(RecordError::UnknownDelegate { .. })
        ));
    }
}
