//! Why a report file could not be read.

use std::fmt;

use crate::subject::SubjectError;
use crate::yaml::{self, Position};

/// A report file that could not be read. Every variant about a single document names its
/// 0-based index in the file (documents in file order).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A mapping holds the same key twice (JSON; YAML duplicates are refused by the parser).
    #[error("report document {}: duplicate key {key:?} in {field}", document + 1)]
    DuplicateKey {
        /// 0-based document index.
        document: usize,
        /// The mapping holding the key.
        field: FieldPath,
        /// The repeated key.
        key: String,
    },
    /// `checked_at` is neither a naive timestamp (`2026-08-21 15:04:05.123456`) nor RFC 3339.
    #[error("report document {}: checked_at {found:?} is not a timestamp", document + 1)]
    InvalidCheckedAt {
        /// 0-based document index.
        document: usize,
        /// The text found.
        found: String,
    },
    /// `checked_at` is a timestamp outside the years the registry holds
    /// ([`crate::time::YEARS`]).
    #[error(
        "report document {}: checked_at {found:?} is outside the years 0001 to 9999",
        document + 1
    )]
    CheckedAtOutOfRange {
        /// 0-based document index.
        document: usize,
        /// The text found.
        found: String,
    },
    /// `reference_date` is not a date (`2026-08-21`).
    #[error("report document {}: reference_date {found:?} is not a date", document + 1)]
    InvalidReferenceDate {
        /// 0-based document index.
        document: usize,
        /// The text found.
        found: String,
    },
    /// `run.uuid` is not a UUID in its hyphenated text form.
    #[error("report document {}: run.uuid {found:?} is not a uuid", document + 1)]
    InvalidRunUuid {
        /// 0-based document index.
        document: usize,
        /// The text found (at most 200 characters of it).
        found: String,
    },
    /// `spec.uuid` is empty.
    #[error("report document {}: spec.uuid is empty", document + 1)]
    InvalidScopeUuid {
        /// 0-based document index.
        document: usize,
    },
    /// `subject` is not a valid subject name.
    #[error("report document {}: invalid subject", document + 1)]
    InvalidSubject {
        /// 0-based document index.
        document: usize,
        /// Why the subject was refused.
        #[source]
        source: SubjectError,
    },
    /// A result value other than -1, 0 or 1.
    #[error("report document {}: {field} is {value}, not a verdict (-1, 0 or 1)", document + 1)]
    InvalidVerdict {
        /// 0-based document index.
        document: usize,
        /// Where the value sits, e.g. `run.invocations.<id>.results.<testcase>`.
        field: FieldPath,
        /// The value found.
        value: i128,
    },
    /// The JSON text could not be read (syntax, trailing data, duplicate struct keys).
    #[error("report json {position}: {message}")]
    Json {
        /// Where the problem was found.
        position: Position,
        /// What was wrong, one line.
        message: String,
    },
    /// A field this toolchain needs is absent (reports written before 2024-06 lack
    /// `spec.uuid` and `run.uuid`; upstream's monitor cannot ingest them either).
    #[error("report document {}: missing {field}", document + 1)]
    MissingField {
        /// 0-based document index.
        document: usize,
        /// The missing field.
        field: FieldPath,
    },
    /// The file holds no document (it is empty, or only whitespace and comments).
    #[error("report file holds no document")]
    NoDocuments,
    /// A document is not a mapping (an empty document counts as `null`).
    #[error("report document {} is {found}, not a mapping", document + 1)]
    NotAMapping {
        /// 0-based document index.
        document: usize,
        /// What the document is.
        found: NodeKind,
    },
    /// The file is not UTF-8.
    #[error("report file is not utf-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// An integer outside the range its field allows (a negative counter, an `rc` beyond
    /// 64 bits).
    #[error("report document {}: {field} is {value}, out of range", document + 1)]
    OutOfRange {
        /// 0-based document index.
        document: usize,
        /// The field.
        field: FieldPath,
        /// The value found.
        value: i128,
    },
    /// The JSON text nests deeper than the limit YAML input has too ([`yaml::MAX_DEPTH`]).
    #[error("report json nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The file is larger than [`super::MAX_REPORT_BYTES`]; nothing was parsed.
    #[error("report file has {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The YAML stream holds more documents than [`yaml::MAX_DOCUMENTS`].
    #[error("report file holds more than {limit} documents")]
    TooManyDocuments {
        /// The limit.
        limit: usize,
    },
    /// A field this toolchain uses has the wrong type.
    #[error("report document {}: {field} is {found}, expected {expected}", document + 1)]
    WrongType {
        /// 0-based document index.
        document: usize,
        /// The field.
        field: FieldPath,
        /// What the field must be.
        expected: NodeKind,
        /// What it is.
        found: NodeKind,
    },
    /// A YAML document could not be read (syntax, duplicate keys, alias/depth limits). The
    /// position in `source` counts lines from the start of the file.
    #[error("report document {}: yaml error", document + 1)]
    Yaml {
        /// 0-based document index.
        document: usize,
        /// The parser's account, with its position.
        #[source]
        source: yaml::Error,
    },
}

/// Where in a report document a field sits: its keys from the root joined by `.`, e.g.
/// `spec.uuid` or `run.invocations.<id>.results.<testcase>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(String);

impl FieldPath {
    pub(crate) fn new(path: impl Into<String>) -> FieldPath {
        FieldPath(path.into())
    }

    /// `self` followed by `key`.
    pub(crate) fn join(&self, key: &str) -> FieldPath {
        FieldPath(format!("{}.{key}", self.0))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for FieldPath {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for FieldPath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The kind of a YAML or JSON node, as far as report checking cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    /// `true` / `false`.
    Boolean,
    /// A floating-point number.
    Float,
    /// An integer.
    Integer,
    /// A mapping (YAML) or object (JSON).
    Mapping,
    /// `null`, `~`, or nothing.
    Null,
    /// A sequence (YAML) or array (JSON).
    Sequence,
    /// A string.
    String,
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeKind::Boolean => "a boolean",
            NodeKind::Float => "a float",
            NodeKind::Integer => "an integer",
            NodeKind::Mapping => "a mapping",
            NodeKind::Null => "null",
            NodeKind::Sequence => "a sequence",
            NodeKind::String => "a string",
        })
    }
}
