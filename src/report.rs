//! Compliance run reports as upstream's `scs-compliance-check.py` writes them
//! (scs-upstream §2), YAML or JSON, one report per document.
//!
//! Two forms exist and both are read:
//!
//! - the invocation form (since upstream `817d960b`): results sit in
//!   `run.invocations.<id>.results: {<testcase>: -1|0|1}` and there is no `versions` key;
//! - the older per-version form: `versions: {<version>: {<testcase>: {result, invocation,
//!   runnerups}}}`.
//!
//! A YAML file may hold several documents (`scs-test-runner.py` concatenates one per scope x
//! subject job); a JSON file holds exactly one object. Unknown keys are skipped, since upstream
//! writers add fields over time; the fields this toolchain uses are checked strictly.
//!
//! # Security
//!
//! Parsing establishes no trust. A [`Report`] says what its author claims: the subject, the
//! scope and `checked_at` are all client-asserted. Callers must verify the signature over the
//! exact bytes (before or independently of parsing), check that the signer may speak for every
//! document's [`Report::subject`], and refuse `checked_at` in the future (DESIGN §4).

mod build;
mod error;
mod input;
pub mod logs;
mod raw;
mod scan;
mod verdict;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

pub use self::error::{Error, FieldPath, NodeKind};
pub use self::verdict::Verdict;
use crate::subject::Subject;
use crate::yaml::{self, Position};

/// Largest report file accepted, checked before any parsing. Upstream reports are a few tens
/// of kilobytes per document, mostly the checker's captured stdout/stderr.
pub const MAX_REPORT_BYTES: usize = 16 * 1024 * 1024;

/// The two encodings the compliance monitor accepts (`application/x-signed-yaml`,
/// `application/x-signed-json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON object.
    Json,
    /// A YAML stream of one or more documents.
    Yaml,
}

/// Which upstream layout a report document has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Form {
    /// Results per invocation, no `versions` key (upstream since `817d960b`, 2026-01-23).
    Invocations,
    /// Results per scope version under `versions` (upstream before `817d960b`).
    PerVersion,
}

/// The UUID of one run (`run.uuid`): the report's identity, the monitor's primary key.
/// Held in lowercase hyphenated form (UUIDs compare case-insensitively, RFC 9562 §4).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RunUuid(String);

impl RunUuid {
    /// Reads the hyphenated 8-4-4-4-12 hex form, either case.
    fn parse(text: &str) -> Option<RunUuid> {
        let b = text.as_bytes();
        let ok = b.len() == 36
            && b.iter().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_hexdigit(),
            });
        ok.then(|| RunUuid(text.to_ascii_lowercase()))
    }

    /// The UUID as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RunUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One run of one checker script (`run.invocations.<id>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    id: String,
    cmd: Option<String>,
    rc: Option<i64>,
    results: BTreeMap<String, Verdict>,
    error: Option<u64>,
    critical: Option<u64>,
}

impl Invocation {
    /// The invocation's key under `run.invocations`: a UUID, or in MVP-era reports the command.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The command line after variable substitution, if recorded.
    pub fn cmd(&self) -> Option<&str> {
        self.cmd.as_deref()
    }

    /// The exit status (127: the executable could not be started), if recorded.
    pub fn rc(&self) -> Option<i64> {
        self.rc
    }

    /// The results this invocation reported. Empty for a per-version report that kept its
    /// results only under `versions`.
    pub fn results(&self) -> &BTreeMap<String, Verdict> {
        &self.results
    }

    /// Number of output lines starting with `error`, if recorded.
    pub fn error(&self) -> Option<u64> {
        self.error
    }

    /// Number of output lines starting with `critical`, if recorded.
    pub fn critical(&self) -> Option<u64> {
        self.critical
    }
}

/// One report document, checked. See the module docs for what it does not establish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    scope_uuid: String,
    scope_name: Option<String>,
    subject: Subject,
    run_uuid: RunUuid,
    checked_at: NaiveDateTime,
    reference_date: Option<NaiveDate>,
    form: Form,
    results: BTreeMap<String, Verdict>,
    version_results: Option<BTreeMap<String, BTreeMap<String, Verdict>>>,
    invocations: Vec<Invocation>,
}

impl Report {
    /// `spec.uuid`: the scope the report is about.
    pub fn scope_uuid(&self) -> &str {
        &self.scope_uuid
    }

    /// `spec.name`, if given.
    pub fn scope_name(&self) -> Option<&str> {
        self.scope_name.as_deref()
    }

    /// `subject`: the cloud, region or KaaS configuration tested.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// `run.uuid`.
    pub fn run_uuid(&self) -> &RunUuid {
        &self.run_uuid
    }

    /// `checked_at`, read as UTC (DESIGN §4); an RFC 3339 value with an offset is converted.
    pub fn checked_at(&self) -> NaiveDateTime {
        self.checked_at
    }

    /// `reference_date` (the date that selected the timeline entry), if given.
    pub fn reference_date(&self) -> Option<NaiveDate> {
        self.reference_date
    }

    /// Which upstream layout the document has.
    pub fn form(&self) -> Form {
        self.form
    }

    /// One verdict per testcase id, the worst winning where an id appears more than once
    /// (in several invocations, or in several versions of a per-version report; DESIGN §4).
    /// For the per-version form this merges `versions` only, as upstream's monitor does.
    pub fn results(&self) -> &BTreeMap<String, Verdict> {
        &self.results
    }

    /// The per-version results (`versions.<version>.<testcase>.result`); `None` for the
    /// invocation form.
    pub fn version_results(&self) -> Option<&BTreeMap<String, BTreeMap<String, Verdict>>> {
        self.version_results.as_ref()
    }

    /// `run.invocations`, in document order.
    pub fn invocations(&self) -> &[Invocation] {
        &self.invocations
    }
}

/// JSON when the first byte that is not whitespace is `{` (a leading UTF-8 BOM is skipped),
/// otherwise YAML.
pub fn detect_format(bytes: &[u8]) -> Format {
    input::detect(bytes)
}

/// Reads every report document of a file: at least one, in file order.
///
/// # Errors
///
/// The whole file is refused on the first problem: too large ([`Error::TooLarge`]), not
/// UTF-8, no document, too many documents, YAML or JSON syntax and parser limits (alias bombs,
/// nesting), a document that is not a mapping, a missing or mistyped field we use, an invalid
/// subject, `run.uuid`, `checked_at`, `reference_date` or verdict.
pub fn parse(bytes: &[u8]) -> Result<Vec<Report>, Error> {
    let text = input::text(bytes)?;
    match input::detect(text.as_bytes()) {
        Format::Json => {
            input::check_json_depth(text)?;
            let raw: raw::Shaped<raw::RawDoc> =
                serde_json::from_str(text).map_err(|e| Error::Json {
                    position: Position {
                        line: e.line() as u64,
                        column: e.column() as u64,
                    },
                    message: json_message(&e),
                })?;
            Ok(vec![build::report(0, mapping(0, raw)?)?])
        }
        Format::Yaml => {
            let chunks = input::split_yaml(text)?;
            let mut out = Vec::with_capacity(chunks.len());
            for (index, chunk) in chunks.into_iter().enumerate() {
                let raw: raw::Shaped<raw::RawDoc> =
                    yaml::from_str(chunk.text).map_err(|mut source| {
                        if source.position.line > 0 {
                            source.position.line += chunk.lines_before;
                        }
                        Error::Yaml {
                            document: index,
                            source,
                        }
                    })?;
                out.push(build::report(index, mapping(index, raw)?)?);
            }
            Ok(out)
        }
    }
}

/// serde_json's message without its " at line L column C" tail (the position is carried apart).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => &text[..i],
        _ => &text,
    };
    text.lines().next().unwrap_or_default().to_owned()
}

fn mapping<R>(document: usize, raw: raw::Shaped<R>) -> Result<R, Error> {
    match raw {
        raw::Shaped::Map(r) => Ok(r),
        raw::Shaped::Not(found) => Err(Error::NotAMapping { document, found }),
        raw::Shaped::Absent => Err(Error::NotAMapping {
            document,
            found: NodeKind::Null,
        }),
    }
}
