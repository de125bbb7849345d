//! Subjects: the clouds, regions and KaaS configurations that reports are about.

pub mod record;

use std::fmt;
use std::str::FromStr;

/// A test subject, e.g. `regio-a`, `pco-prod3`, `syself-1.35`. Also the name of a compliance
/// monitor account and the principal of an `allowed_signers` line.
///
/// Upstream's `add_subject.py` allows `[a-zA-Z0-9_-]+`; the monitor's data also has dots
/// (`syself-1.35`). We accept ASCII letters, digits, `.`, `_` and `-`, 1 to 128 characters, not
/// starting with `.` or `-`, so a subject is always safe as a file name and a URL segment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Subject(String);

/// A string that is not a valid subject.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a valid subject name: {input:?} (letters, digits, '.', '_', '-'; at most 128)")]
pub struct SubjectError {
    input: String,
}

/// Longest subject accepted.
pub const MAX_SUBJECT_LEN: usize = 128;

impl Subject {
    /// The subject as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Subject {
    type Err = SubjectError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = !s.is_empty()
            && s.len() <= MAX_SUBJECT_LEN
            && !s.starts_with(['.', '-'])
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Ok(Subject(s.to_owned()))
        } else {
            Err(SubjectError {
                input: s.chars().take(200).collect(),
            })
        }
    }
}

impl TryFrom<String> for Subject {
    type Error = SubjectError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl<'de> serde::Deserialize<'de> for Subject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_upstream_subjects_and_refuses_paths() {
        for ok in [
            "regio-a",
            "pco-prod3",
            "syself-1.35",
            "zuul_ci",
            "group-artcodix",
        ] {
            assert_eq!(ok.parse::<Subject>().unwrap().to_string(), ok);
        }
        for bad in ["", "../x", "a/b", "-x", ".x", "a b", "ä"] {
            assert!(bad.parse::<Subject>().is_err(), "{bad}");
        }
    }
}
