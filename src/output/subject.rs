//! `scs-cert subject show --json` (`subject`).

use schemars::JsonSchema;
use serde::Serialize;

use super::Record;
use crate::sig::Fingerprint;
use crate::subject::record::SubjectRecord;

/// A subject as the registry holds it: what is printed about it, who may sign for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SubjectEntry {
    /// The subject name.
    pub subject: String,
    /// Display name.
    pub name: Option<String>,
    /// Operator (company).
    pub operator: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Group.
    pub group: Option<String>,
    /// Link to the health monitor.
    pub health_monitor: Option<String>,
    /// Subjects whose keys may sign for this one.
    pub delegates: Vec<String>,
    /// SSH keys bound to it, in the record's order.
    pub keys: Vec<KeyEntry>,
    /// Sigstore signers bound to it.
    pub sigstore: Vec<SigstoreEntry>,
}

/// An SSH key bound to a subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct KeyEntry {
    /// `SHA256:…`, as `ssh-keygen -l` prints it (`null`: the line does not parse).
    pub fingerprint: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// The OpenSSH public key line.
    pub key: String,
    /// From when it may sign.
    pub valid_from: String,
    /// From when it may no longer sign.
    pub retired: Option<String>,
}

/// A Sigstore signer bound to a subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SigstoreEntry {
    /// The OIDC issuer.
    pub issuer: Option<String>,
    /// The exact certificate identity.
    pub identity: Option<String>,
    /// A managed public key (PEM).
    pub public_key: Option<String>,
    /// From when it may sign.
    pub valid_from: String,
    /// From when it may no longer sign.
    pub retired: Option<String>,
}

impl Record for SubjectEntry {
    const TYPE: &'static str = "subject";
}

impl SubjectEntry {
    /// The entry of `record`.
    pub fn new(record: &SubjectRecord) -> SubjectEntry {
        SubjectEntry {
            subject: record.subject.to_string(),
            name: record.name.clone(),
            operator: record.operator.clone(),
            description: record.description.clone(),
            group: record.group.clone(),
            health_monitor: record.health_monitor.clone(),
            delegates: record.delegates.iter().map(ToString::to_string).collect(),
            keys: record
                .keys
                .iter()
                .map(|k| KeyEntry {
                    fingerprint: k
                        .public_key(&record.subject)
                        .ok()
                        .map(|p| Fingerprint::of(&p).to_string()),
                    name: k.name.clone(),
                    key: k.key.trim().to_owned(),
                    valid_from: k.added.clone(),
                    retired: k.retired.clone(),
                })
                .collect(),
            sigstore: record
                .sigstore
                .iter()
                .map(|s| SigstoreEntry {
                    issuer: s.issuer.clone(),
                    identity: s.identity.clone(),
                    public_key: s.public_key.clone(),
                    valid_from: s.added.clone(),
                    retired: s.retired.clone(),
                })
                .collect(),
        }
    }
}
