//! The timeline of a scope spec: dated entries assigning validity codes to versions (scs-0003-v1
//! L238–269; upstream `annotate_validity`, `Tests/scs_cert_lib.py` L136–146; reference §1.3).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::diagnostic::{Sink, codes};
use super::raw::RawTimelineEntry;
use crate::yaml::Spanned;

/// What a timeline entry says about a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Validity {
    /// Out of use: may be tested, cannot be certified.
    Deprecated,
    /// In preparation: may be tested, cannot be certified, need not be stable.
    Draft,
    /// Certifiable; the version must be stable.
    Effective,
    /// Certifiable but about to expire; the version must be stable.
    Warn,
}

/// A validity code other than `deprecated`, `draft`, `effective`, `warn`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown validity {found:?} (expected effective, warn, draft or deprecated)")]
pub struct ParseValidityError {
    /// The text that was found.
    pub found: String,
}

impl Validity {
    /// Whether a version with this validity can be certified: `effective` and `warn` only.
    pub fn is_certifiable(self) -> bool {
        matches!(self, Validity::Effective | Validity::Warn)
    }

    /// The keyword as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Deprecated => "deprecated",
            Validity::Draft => "draft",
            Validity::Effective => "effective",
            Validity::Warn => "warn",
        }
    }

    /// Position in [`Spec::listed_versions_at`](super::Spec::listed_versions_at) order.
    pub(crate) fn rank(self) -> u8 {
        match self {
            Validity::Effective => 0,
            Validity::Warn => 1,
            Validity::Draft => 2,
            Validity::Deprecated => 3,
        }
    }
}

impl FromStr for Validity {
    type Err = ParseValidityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "deprecated" => Ok(Validity::Deprecated),
            "draft" => Ok(Validity::Draft),
            "effective" => Ok(Validity::Effective),
            "warn" => Ok(Validity::Warn),
            _ => Err(ParseValidityError {
                found: s.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Validity {
    /// The validity's name; honours width and alignment (`{:<11}`), so tables line up.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One timeline entry: in force from its date (inclusive) until the next later entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    date: NaiveDate,
    versions: BTreeMap<String, Validity>,
}

impl TimelineEntry {
    /// The first day this entry is in force.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The versions this entry lists, with their validity. A version not listed is implicitly
    /// deprecated and, as upstream does, neither tested nor evaluated.
    pub fn versions(&self) -> &BTreeMap<String, Validity> {
        &self.versions
    }
}

/// Reads a `YYYY-MM-DD` date, reporting `bad-date` otherwise.
pub(crate) fn parse_date(
    sink: &mut Sink<'_>,
    raw: &Spanned<String>,
    what: &str,
) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(&raw.value, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            sink.on(
                codes::BAD_DATE,
                raw,
                format!(
                    "{what} {:?} is not a date of the form YYYY-MM-DD",
                    raw.value
                ),
            );
            None
        }
    }
}

/// What the timeline check needs to know about a version.
#[derive(Debug)]
pub(crate) struct VersionFacts {
    /// `stabilized_at`, or `None` if absent (or unreadable, already reported).
    pub(crate) stabilized_at: Option<NaiveDate>,
    /// Whether `stabilized_at` was written (an unreadable date is not reported twice).
    pub(crate) stabilized_written: bool,
}

/// Validates the timeline and returns it sorted by date, ascending.
///
/// `check_stability` enables this project's rule that an `effective`/`warn` version be stable on
/// or before the entry date (reference §1.3: "no upstream tool checks these rules").
pub(crate) fn build(
    sink: &mut Sink<'_>,
    raw: &[RawTimelineEntry],
    versions: &BTreeMap<String, VersionFacts>,
    check_stability: bool,
) -> Vec<TimelineEntry> {
    let mut seen_dates = BTreeSet::new();
    let mut entries = Vec::new();
    for entry in raw {
        let date = parse_date(sink, &entry.date, "timeline date");
        if let Some(d) = date
            && !seen_dates.insert(d)
        {
            sink.on(
                codes::DUPLICATE_DATE,
                &entry.date,
                format!("a timeline entry for {d} exists already"),
            );
        }
        let mut listed = BTreeMap::new();
        for (name, code) in &entry.versions.0 {
            let validity = match code.value.parse::<Validity>() {
                Ok(v) => Some(v),
                Err(e) => {
                    sink.on(codes::UNKNOWN_VALIDITY, code, e.to_string());
                    None
                }
            };
            let Some(facts) = versions.get(&name.value) else {
                sink.on(
                    codes::UNKNOWN_VERSION,
                    name,
                    format!(
                        "timeline names version {:?}, which does not exist",
                        name.value
                    ),
                );
                continue;
            };
            let (Some(validity), Some(date)) = (validity, date) else {
                continue;
            };
            if check_stability && validity.is_certifiable() {
                match facts.stabilized_at {
                    None if !facts.stabilized_written => sink.on(
                        codes::NOT_STABILIZED,
                        code,
                        format!(
                            "version {:?} is {validity} from {date} but has no stabilized_at",
                            name.value
                        ),
                    ),
                    Some(s) if s > date => sink.on(
                        codes::STABILIZED_TOO_LATE,
                        code,
                        format!(
                            "version {:?} is {validity} from {date} but only stabilized at {s}",
                            name.value
                        ),
                    ),
                    _ => {}
                }
            }
            listed.insert(name.value.clone(), validity);
        }
        if let Some(date) = date {
            entries.push(TimelineEntry {
                date,
                versions: listed,
            });
        }
    }
    entries.sort_by_key(|e| e.date);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13.3: a validity in a table column is padded like any string.
    #[test]
    fn validity_honours_width() {
        assert_eq!(format!("[{:<10}]", Validity::Warn), "[warn      ]");
    }

    #[test]
    fn validity_round_trips_and_classifies() {
        for v in [
            Validity::Deprecated,
            Validity::Draft,
            Validity::Effective,
            Validity::Warn,
        ] {
            assert_eq!(v.to_string().parse::<Validity>(), Ok(v));
        }
        assert!(Validity::Effective.is_certifiable());
        assert!(Validity::Warn.is_certifiable());
        assert!(!Validity::Draft.is_certifiable());
        assert!(!Validity::Deprecated.is_certifiable());
        assert_eq!(
            "Effective".parse::<Validity>(),
            Err(ParseValidityError {
                found: "Effective".into()
            })
        );
    }
}
