//! Findings about a scope spec: collected, not fail-fast, each with a stable code.

use std::fmt;

use crate::yaml::{Position, Spanned};

/// The stable diagnostic codes. Tools and tests match on these, never on message text.
pub mod codes {
    /// `versions[].targets` selector string that cannot be read (Gen 1).
    pub const BAD_SELECTOR: &str = "bad-selector";
    /// A date that is not `YYYY-MM-DD`.
    pub const BAD_DATE: &str = "bad-date";
    /// A `variables` item that is neither a name nor a one-entry `{name: default}` map.
    pub const BAD_VARIABLE: &str = "bad-variable";
    /// Two timeline entries with the same date: which one is in force would be ambiguous.
    pub const DUPLICATE_DATE: &str = "duplicate-date";
    /// Two modules with the same id.
    pub const DUPLICATE_MODULE: &str = "duplicate-module";
    /// Two testcases with the same id (Gen 2: anywhere; Gen 1: within one module or version).
    pub const DUPLICATE_TESTCASE: &str = "duplicate-testcase";
    /// Two versions with the same name.
    pub const DUPLICATE_VERSION: &str = "duplicate-version";
    /// A version that is `effective`/`warn` in a timeline entry but has no `stabilized_at`.
    pub const NOT_STABILIZED: &str = "not-stabilized";
    /// A version that is `effective`/`warn` in a timeline entry dated before its `stabilized_at`.
    pub const STABILIZED_TOO_LATE: &str = "stabilized-too-late";
    /// A key the format does not know.
    pub const UNKNOWN_KEY: &str = "unknown-key";
    /// A `lifetime` other than day, week, month, quarter, year.
    pub const UNKNOWN_LIFETIME: &str = "unknown-lifetime";
    /// An `include` naming a module that does not exist.
    pub const UNKNOWN_MODULE: &str = "unknown-module";
    /// A module target naming a testcase that no script defines (Gen 2).
    pub const UNKNOWN_TESTCASE: &str = "unknown-testcase";
    /// A validity code other than effective, warn, draft, deprecated.
    pub const UNKNOWN_VALIDITY: &str = "unknown-validity";
    /// A timeline entry naming a version that does not exist.
    pub const UNKNOWN_VERSION: &str = "unknown-version";

    /// Every code, for uniqueness tests and documentation.
    pub const ALL: &[&str] = &[
        BAD_DATE,
        BAD_SELECTOR,
        BAD_VARIABLE,
        DUPLICATE_DATE,
        DUPLICATE_MODULE,
        DUPLICATE_TESTCASE,
        DUPLICATE_VERSION,
        NOT_STABILIZED,
        STABILIZED_TOO_LATE,
        UNKNOWN_KEY,
        UNKNOWN_LIFETIME,
        UNKNOWN_MODULE,
        UNKNOWN_TESTCASE,
        UNKNOWN_VALIDITY,
        UNKNOWN_VERSION,
    ];
}

/// One problem found in a scope spec, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    origin: String,
    position: Position,
    code: &'static str,
    message: String,
}

impl Diagnostic {
    /// A diagnostic at `position` of the file named `origin`.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        origin: &str,
        position: Position,
    ) -> Diagnostic {
        Diagnostic {
            origin: origin.to_owned(),
            position,
            code,
            message: message.into(),
        }
    }

    /// The stable kebab-case code, one of [`codes::ALL`].
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// What is wrong, one line.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file (or other source) the caller named when loading.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Where in the file: 1-based line and column.
    pub fn position(&self) -> Position {
        self.position
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} [{}]",
            self.origin, self.position, self.message, self.code
        )
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub(crate) struct Sink<'a> {
    origin: &'a str,
    found: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(origin: &'a str) -> Sink<'a> {
        Sink {
            origin,
            found: Vec::new(),
        }
    }

    pub(crate) fn at(&mut self, code: &'static str, position: Position, message: String) {
        self.found
            .push(Diagnostic::new(code, message, self.origin, position));
    }

    pub(crate) fn on<T>(&mut self, code: &'static str, spanned: &Spanned<T>, message: String) {
        self.at(code, Position::of(spanned), message);
    }

    /// The diagnostics in file order.
    pub(crate) fn finish(mut self) -> Vec<Diagnostic> {
        self.found.sort_by_key(|d| d.position);
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let set: BTreeSet<_> = codes::ALL.iter().collect();
        assert_eq!(set.len(), codes::ALL.len());
        for code in codes::ALL {
            assert!(
                !code.is_empty()
                    && !code.starts_with('-')
                    && !code.ends_with('-')
                    && !code.contains("--")
                    && code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code}"
            );
        }
    }
}
