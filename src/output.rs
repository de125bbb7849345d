//! The JSON records the tools print with `--json` (docs/json-output.md, schemas in
//! docs/schemas/): one type per kind of record, each tagged with its `type` and the
//! [`SCHEMA_VERSION`]. The publisher's `index.json` and the server's answers are made of the
//! same types, so a record means the same wherever it is read.
//!
//! Every key of a record is always present (`null` or empty when it does not apply), and maps
//! are ordered by key.

mod cert;
mod eval;
mod registry;
mod report;
mod subject;

pub use cert::{
    AttentionItem, AttentionRecord, CertificateCheck, CertificateEntry, CheckEntry, ScopeEntry,
};
pub use eval::{
    EligibilityRecord, EvidenceEntry, ReasonEntry, ReportEntry, ResultEntry, StatusRecord,
    StatusVersion, StretchEntry, WindowEntry,
};
pub use registry::{
    ChangeRecord, CrlRecord, FindingRecord, IngestRecord, PublishRecord, SummaryRecord,
};
pub use report::{
    DocumentEntry, DocumentRecord, FileRecord, SignersEntry, TargetEntry, TestcaseEntry,
    VersionEntry,
};
pub use subject::{KeyEntry, SigstoreEntry, SubjectEntry};

use serde::Serialize;

/// The version of every record's shape; a change that is not an addition increments it.
pub const SCHEMA_VERSION: u32 = 1;

/// A kind of record.
pub trait Record: Serialize + schemars::JsonSchema {
    /// Its `type` tag.
    const TYPE: &'static str;
}

/// The record as one JSON object, with `type` and `schema_version` added.
///
/// # Errors
///
/// The record does not serialize as a JSON object (a bug in its type).
pub fn to_json<R: Record>(record: &R) -> Result<serde_json::Value, serde_json::Error> {
    let mut value = serde_json::to_value(record)?;
    match &mut value {
        serde_json::Value::Object(map) => {
            map.insert("type".to_owned(), R::TYPE.into());
            map.insert("schema_version".to_owned(), SCHEMA_VERSION.into());
        }
        _ => {
            return Err(serde::ser::Error::custom(format!(
                "a {} record is not a JSON object",
                R::TYPE
            )));
        }
    }
    Ok(value)
}

/// The JSON Schema (draft 2020-12) of one kind of record: its type's schema with the `type`
/// and `schema_version` keys every record carries.
pub fn schema<R: Record>() -> serde_json::Value {
    let mut schema = schemars::schema_for!(R).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$id".to_owned(),
            format!(
                "https://scs-cert.invalid/schemas/v{SCHEMA_VERSION}/{}.json",
                R::TYPE
            )
            .into(),
        );
        if let Some(serde_json::Value::Object(properties)) = object.get_mut("properties") {
            properties.insert("type".to_owned(), serde_json::json!({ "const": R::TYPE }));
            properties.insert(
                "schema_version".to_owned(),
                serde_json::json!({ "const": SCHEMA_VERSION }),
            );
        }
        let required = object
            .entry("required")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let serde_json::Value::Array(list) = required {
            list.push("type".into());
            list.push("schema_version".into());
        }
    }
    schema
}

/// Every kind of record with its schema, by `type`: what docs/schemas/ publishes.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (FileRecord::TYPE, schema::<FileRecord>()),
        (DocumentRecord::TYPE, schema::<DocumentRecord>()),
        (StatusRecord::TYPE, schema::<StatusRecord>()),
        (EligibilityRecord::TYPE, schema::<EligibilityRecord>()),
        (IngestRecord::TYPE, schema::<IngestRecord>()),
        (CertificateEntry::TYPE, schema::<CertificateEntry>()),
        (AttentionRecord::TYPE, schema::<AttentionRecord>()),
        (CertificateCheck::TYPE, schema::<CertificateCheck>()),
        (FindingRecord::TYPE, schema::<FindingRecord>()),
        (SummaryRecord::TYPE, schema::<SummaryRecord>()),
        (PublishRecord::TYPE, schema::<PublishRecord>()),
        (CrlRecord::TYPE, schema::<CrlRecord>()),
        (ChangeRecord::TYPE, schema::<ChangeRecord>()),
        (SubjectEntry::TYPE, schema::<SubjectEntry>()),
    ]
}

/// Why something is not valid: a stable code for programs and a message for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// Stable, kebab-case.
    pub code: String,
    /// One line of text.
    pub message: String,
}

impl Problem {
    /// A problem with this code and message.
    pub fn new(code: impl Into<String>, message: impl ToString) -> Problem {
        Problem {
            code: code.into(),
            message: message.to_string(),
        }
    }
}
