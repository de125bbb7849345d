//! From a [`RawDoc`] to a [`Report`]: every field we use is checked here, once.

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate, NaiveDateTime};

use super::error::{FieldPath, NodeKind};
use super::raw::{Entries, RawDoc, RawInvocation, RawSpec, Scalar, Shaped};
use super::{Error, Form, Invocation, Report, RunUuid, Verdict};
use crate::subject::Subject;
use crate::time::InstantError;

/// Checks of one document, carrying its index into every error.
struct Doc {
    index: usize,
}

impl Doc {
    fn missing(&self, field: &str) -> Error {
        Error::MissingField {
            document: self.index,
            field: FieldPath::new(field),
        }
    }

    fn wrong(&self, field: &FieldPath, expected: NodeKind, found: NodeKind) -> Error {
        Error::WrongType {
            document: self.index,
            field: field.clone(),
            expected,
            found,
        }
    }

    /// A required string.
    fn string(&self, field: &str, value: Scalar) -> Result<String, Error> {
        match value {
            Scalar::Str(s) => Ok(s),
            Scalar::Absent => Err(self.missing(field)),
            other => Err(self.wrong(&FieldPath::new(field), NodeKind::String, kind(&other))),
        }
    }

    /// An optional string; `null` counts as absent.
    fn opt_string(&self, field: &FieldPath, value: Scalar) -> Result<Option<String>, Error> {
        match value {
            Scalar::Str(s) => Ok(Some(s)),
            Scalar::Absent | Scalar::Null => Ok(None),
            other => Err(self.wrong(field, NodeKind::String, kind(&other))),
        }
    }

    /// An optional integer; `null` counts as absent.
    fn opt_int(&self, field: &FieldPath, value: Scalar) -> Result<Option<i128>, Error> {
        match value {
            Scalar::Int(i) => Ok(Some(i)),
            Scalar::Absent | Scalar::Null => Ok(None),
            other => Err(self.wrong(field, NodeKind::Integer, kind(&other))),
        }
    }

    /// A required mapping.
    fn map<T>(&self, field: &FieldPath, value: Shaped<T>) -> Result<T, Error> {
        match value {
            Shaped::Map(t) => Ok(t),
            Shaped::Absent => Err(Error::MissingField {
                document: self.index,
                field: field.clone(),
            }),
            Shaped::Not(found) => Err(self.wrong(field, NodeKind::Mapping, found)),
        }
    }

    fn entries<V>(
        &self,
        field: &FieldPath,
        value: Shaped<Entries<V>>,
    ) -> Result<Vec<(String, V)>, Error> {
        let entries = self.map(field, value)?;
        if let Some(key) = entries.duplicate {
            return Err(Error::DuplicateKey {
                document: self.index,
                field: field.clone(),
                key,
            });
        }
        Ok(entries.entries)
    }

    fn verdict(&self, field: FieldPath, value: Scalar) -> Result<Verdict, Error> {
        match value {
            Scalar::Int(v) => {
                i64::try_from(v)
                    .ok()
                    .and_then(Verdict::from_value)
                    .ok_or(Error::InvalidVerdict {
                        document: self.index,
                        field,
                        value: v,
                    })
            }
            Scalar::Absent => Err(Error::MissingField {
                document: self.index,
                field,
            }),
            other => Err(self.wrong(&field, NodeKind::Integer, kind(&other))),
        }
    }

    fn subject(&self, value: Scalar) -> Result<Subject, Error> {
        self.string("subject", value)?
            .parse()
            .map_err(|source| Error::InvalidSubject {
                document: self.index,
                source,
            })
    }

    /// Upstream writes `datetime.now()` of the test host, naive (scs-upstream §2.1); DESIGN §4
    /// reads it as UTC. An RFC 3339 instant with an offset is converted to UTC.
    fn checked_at(&self, value: Scalar) -> Result<NaiveDateTime, Error> {
        let text = self.string("checked_at", value)?;
        match crate::time::read_instant(&text) {
            Ok(t) => Ok(t.naive_utc()),
            Err(InstantError::OutOfRange { .. }) => Err(Error::CheckedAtOutOfRange {
                document: self.index,
                found: truncated(&text),
            }),
            Err(_) => Err(Error::InvalidCheckedAt {
                document: self.index,
                found: truncated(&text),
            }),
        }
    }

    /// `spec.uuid` (checked) and `spec.name` (raw).
    fn scope(&self, spec: Shaped<RawSpec>) -> Result<(String, Scalar), Error> {
        let RawSpec { uuid, name } = match spec {
            Shaped::Absent => return Err(self.missing("spec.uuid")),
            other => self.map(&FieldPath::new("spec"), other)?,
        };
        let uuid = self.string("spec.uuid", uuid)?;
        if uuid.trim().is_empty() {
            return Err(Error::InvalidScopeUuid {
                document: self.index,
            });
        }
        Ok((uuid, name))
    }

    fn run_uuid(&self, uuid: Scalar) -> Result<RunUuid, Error> {
        let text = self.string("run.uuid", uuid)?;
        RunUuid::parse(&text).ok_or_else(|| Error::InvalidRunUuid {
            document: self.index,
            found: truncated(&text),
        })
    }

    fn invocation(
        &self,
        id: String,
        raw: Shaped<RawInvocation>,
        form: Form,
    ) -> Result<Invocation, Error> {
        let path = FieldPath::new("run.invocations").join(&id);
        let raw = self.map(&path, raw)?;
        let results_path = path.join("results");
        // The per-version form keeps its results under `versions`; an invocation there may lack
        // `results` (the MVP-era checker wrote none).
        let raw_results = match (raw.results, form) {
            (Shaped::Absent, Form::PerVersion) => Vec::new(),
            (results, _) => self.entries(&results_path, results)?,
        };
        let mut results = BTreeMap::new();
        for (testcase, value) in raw_results {
            let verdict = self.verdict(results_path.join(&testcase), value)?;
            results.insert(testcase, verdict);
        }
        let count = |name: &str, value| -> Result<Option<u64>, Error> {
            let field = path.join(name);
            match self.opt_int(&field, value)? {
                None => Ok(None),
                Some(n) => u64::try_from(n).map(Some).map_err(|_| Error::OutOfRange {
                    document: self.index,
                    field,
                    value: n,
                }),
            }
        };
        let rc_path = path.join("rc");
        let rc = match self.opt_int(&rc_path, raw.rc)? {
            None => None,
            Some(n) => Some(i64::try_from(n).map_err(|_| Error::OutOfRange {
                document: self.index,
                field: rc_path,
                value: n,
            })?),
        };
        Ok(Invocation {
            cmd: self.opt_string(&path.join("cmd"), raw.cmd)?,
            rc,
            error: count("error", raw.error)?,
            critical: count("critical", raw.critical)?,
            results,
            id,
        })
    }
}

fn kind(value: &Scalar) -> NodeKind {
    value.kind().unwrap_or(NodeKind::Null)
}

fn truncated(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Validates one document. Field checks run in the order of the upstream layout (spec,
/// checked_at, reference_date, subject, run), so the first problem in reading order is named.
pub(super) fn report(index: usize, raw: RawDoc) -> Result<Report, Error> {
    let doc = Doc { index };
    let (scope_uuid, name) = doc.scope(raw.spec)?;
    let scope_name = doc.opt_string(&FieldPath::new("spec.name"), name)?;
    let checked_at = doc.checked_at(raw.checked_at)?;
    let reference_date =
        match doc.opt_string(&FieldPath::new("reference_date"), raw.reference_date)? {
            None => None,
            Some(text) => Some(
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .ok()
                    .filter(|d| crate::time::YEARS.contains(&d.year()))
                    .ok_or_else(|| Error::InvalidReferenceDate {
                        document: index,
                        found: truncated(&text),
                    })?,
            ),
        };
    let subject = doc.subject(raw.subject)?;
    let run = match raw.run {
        Shaped::Absent => return Err(doc.missing("run.uuid")),
        other => doc.map(&FieldPath::new("run"), other)?,
    };
    let run_uuid = doc.run_uuid(run.uuid)?;
    let form = match raw.versions {
        Shaped::Absent => Form::Invocations,
        _ => Form::PerVersion,
    };
    let raw_invocations = match (run.invocations, form) {
        (Shaped::Absent, Form::PerVersion) => Vec::new(),
        (invocations, _) => doc.entries(&FieldPath::new("run.invocations"), invocations)?,
    };
    let mut invocations = Vec::with_capacity(raw_invocations.len());
    for (id, raw) in raw_invocations {
        invocations.push(doc.invocation(id, raw, form)?);
    }

    let mut results: BTreeMap<String, Verdict> = BTreeMap::new();
    let mut merge = |testcase: &String, verdict: Verdict| {
        results
            .entry(testcase.clone())
            .and_modify(|v| *v = v.worse(verdict))
            .or_insert(verdict);
    };
    let version_results = match form {
        Form::Invocations => {
            for inv in &invocations {
                for (testcase, &verdict) in &inv.results {
                    merge(testcase, verdict);
                }
            }
            None
        }
        Form::PerVersion => {
            let versions_path = FieldPath::new("versions");
            let mut by_version = BTreeMap::new();
            for (version, entries) in doc.entries(&versions_path, raw.versions)? {
                let version_path = versions_path.join(&version);
                let mut map = BTreeMap::new();
                for (testcase, entry) in doc.entries(&version_path, entries)? {
                    let entry_path = version_path.join(&testcase);
                    let entry = doc.map(&entry_path, entry)?;
                    let verdict = doc.verdict(entry_path.join("result"), entry.result)?;
                    merge(&testcase, verdict);
                    map.insert(testcase, verdict);
                }
                by_version.insert(version, map);
            }
            Some(by_version)
        }
    };

    Ok(Report {
        scope_uuid,
        scope_name,
        subject,
        run_uuid,
        checked_at,
        reference_date,
        form,
        results,
        version_results,
        invocations,
    })
}
