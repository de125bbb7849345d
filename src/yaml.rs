//! The one place that knows which YAML crate we use (serde-saphyr), and the limits every
//! YAML input is read under. Everything else calls [`from_str`] / [`from_str_multiple`] and
//! sees [`Error`], so the parser can be swapped in this file alone.
//!
//! Limits exist because reports and specs come from outside: an alias bomb ("billion laughs"),
//! deep nesting or a document storm must end in an error, not in memory exhaustion or a stack
//! overflow.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options};

pub use serde_saphyr::Spanned;

/// Deepest nesting of collections accepted. Upstream reports nest 5 levels deep.
pub const MAX_DEPTH: usize = 48;
/// Most documents in one YAML stream (a runner file holds one per scope x subject).
pub const MAX_DOCUMENTS: usize = 1_000;
/// Most alias (`*ref`) uses in one stream; upstream writers never emit aliases.
pub const MAX_ALIASES: usize = 1_000;

/// Where a YAML problem sits: 1-based line and column; 0 when the parser could not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line, 0 if unknown.
    pub line: u64,
    /// 1-based column, 0 if unknown.
    pub column: u64,
}

impl Position {
    /// The position a span starts at.
    pub fn of<T>(spanned: &Spanned<T>) -> Position {
        let loc = spanned.referenced;
        Position {
            line: loc.line(),
            column: loc.column(),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// YAML that could not be read into the expected shape.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{position}: {message}")]
pub struct Error {
    /// Where the problem was found.
    pub position: Position,
    /// What was wrong, one line.
    pub message: String,
}

fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_documents = MAX_DOCUMENTS;
    budget.max_aliases = MAX_ALIASES;
    budget.max_anchors = MAX_ALIASES;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

fn convert(err: serde_saphyr::Error) -> Error {
    let position = err
        .location()
        .map(|loc| Position {
            line: loc.line(),
            column: loc.column(),
        })
        .unwrap_or_default();
    let text = err.to_string();
    // The crate appends " at line L column C"; we carry the position separately.
    let message = match text.rfind(" at line ") {
        Some(i) if position.line > 0 => text[..i].to_owned(),
        _ => text,
    };
    let message = message.lines().next().unwrap_or_default().trim().to_owned();
    Error { position, message }
}

/// Reads one YAML document into `T`, under the limits of this module.
///
/// # Errors
///
/// Syntax errors, shape mismatches (unknown keys where `T` denies them, wrong types), duplicate
/// keys, more than one document, and breaches of the limits.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_saphyr::from_str_with_options(text, options()).map_err(convert)
}

/// Reads every document of a YAML stream into `T`. Empty documents are skipped.
///
/// # Errors
///
/// As [`from_str`], for the first document that fails.
pub fn from_str_multiple<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, Error> {
    serde_saphyr::from_multiple_with_options(text, options()).map_err(convert)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: Spanned<String>,
    }

    #[test]
    fn unknown_key_has_position() {
        let err = from_str::<Doc>("a: x\nb: y\n").unwrap_err();
        assert_eq!(err.position.line, 2, "{err}");
    }

    #[test]
    fn span_of_value() {
        let doc: Doc = from_str("\n\na:   hello\n").unwrap();
        assert_eq!(Position::of(&doc.a), Position { line: 3, column: 6 });
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='j' {
            bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let res = from_str::<BTreeMap<String, serde_json::Value>>(&bomb);
        assert!(res.is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(from_str::<serde_json::Value>(&deep).is_err());
    }

    #[test]
    fn duplicate_keys_are_refused() {
        assert!(from_str::<BTreeMap<String, String>>("a: 1\na: 2\n").is_err());
    }
}
