//! Display text: every value a person reads later — printed by the tools, or set on the
//! Urkunde — is checked once, where it enters the registry, so that no record can hold what the
//! printer would have to hide or the renderer would refuse.
//!
//! Two levels:
//!
//! - [`Display::Printed`] (descriptions, reasons, evidence): one line, trimmed, not blank, no
//!   control characters and no invisible format characters. Bidi controls such as U+202E
//!   reorder what a reader sees ("Trojan Source", CVE-2021-42574); line breaks forge lines;
//!   zero-width characters make two different names look the same.
//! - [`Display::Urkunde`] (holder, subject name, scope name): also only characters the
//!   certificate fonts show ([`crate::text::allowed`]), and no longer than the Urkunde's
//!   field holds ([`Field::max_chars`]).

mod suggest;
mod urkunde;

pub use suggest::{did_you_mean, suggest};
pub use urkunde::{ALLOWED_EXTRA, Field, allowed};

/// How a value is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    /// Printed by the tools (terminal, JSON, pages).
    Printed,
    /// Also set on the Urkunde, in this field.
    Urkunde(Field),
}

/// The longest printed value, in characters.
pub const MAX_PRINTED_CHARS: usize = 2000;

/// A value that cannot be displayed as it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// Empty or only white space.
    #[error("{field} is blank; give it a value of substance")]
    Blank {
        /// The field.
        field: &'static str,
    },
    /// Starts or ends with white space.
    #[error("{field} starts or ends with white space")]
    Untrimmed {
        /// The field.
        field: &'static str,
    },
    /// A control, line-break or invisible format character.
    #[error("{field} holds the invisible or control character U+{:04X}", u32::from(*character))]
    Invisible {
        /// The field.
        field: &'static str,
        /// The character.
        character: char,
    },
    /// A character the certificate fonts cannot show.
    #[error(
        "{field} holds {character:?} (U+{:04X}), which the Urkunde cannot show (Latin script only)",
        u32::from(*character)
    )]
    NotOnUrkunde {
        /// The field.
        field: &'static str,
        /// The character.
        character: char,
    },
    /// Too long.
    #[error("{field} is longer than {max} characters")]
    TooLong {
        /// The field.
        field: &'static str,
        /// The limit.
        max: usize,
    },
}

/// Checks `value` for the field `field`, shown as `display`.
///
/// # Errors
///
/// The first [`TextError`] found.
pub fn check(field: &'static str, value: &str, display: Display) -> Result<(), TextError> {
    if value.trim().is_empty() {
        return Err(TextError::Blank { field });
    }
    if value.trim() != value {
        return Err(TextError::Untrimmed { field });
    }
    if let Some(character) = value.chars().find(|&c| invisible(c)) {
        return Err(TextError::Invisible { field, character });
    }
    let max = match display {
        Display::Printed => MAX_PRINTED_CHARS,
        Display::Urkunde(f) => f.max_chars(),
    };
    if value.chars().count() > max {
        return Err(TextError::TooLong { field, max });
    }
    if matches!(display, Display::Urkunde(_))
        && let Some(character) = value.chars().find(|&c| !allowed(c))
    {
        return Err(TextError::NotOnUrkunde { field, character });
    }
    Ok(())
}

/// [`check`] on an optional value: `None` is fine.
///
/// # Errors
///
/// As [`check`].
pub fn check_opt(
    field: &'static str,
    value: Option<&str>,
    display: Display,
) -> Result<(), TextError> {
    value.map_or(Ok(()), |v| check(field, v, display))
}

/// Control characters (C0, DEL, C1), line and paragraph separators, and the invisible format
/// characters of Unicode's category Cf that change how text reads: bidi embeddings, overrides,
/// isolates and marks, zero-width characters, word joiners, the byte-order mark, interlinear
/// annotation and tags. A tab is refused too: every value is one line.
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{AD}'                      // soft hyphen
            | '\u{34F}'                   // combining grapheme joiner
            | '\u{61C}'                   // Arabic letter mark
            | '\u{115F}' | '\u{1160}'     // Hangul fillers
            | '\u{17B4}' | '\u{17B5}'     // Khmer inherent vowels
            | '\u{180B}'..='\u{180F}'     // Mongolian variation selectors and vowel separator
            | '\u{200B}'..='\u{200F}'     // zero-width space, (non-)joiner, LRM, RLM
            | '\u{2028}' | '\u{2029}'     // line and paragraph separators
            | '\u{202A}'..='\u{202E}'     // bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}'     // word joiner, invisible operators, isolates
            | '\u{3164}'                  // Hangul filler
            | '\u{FE00}'..='\u{FE0F}'     // variation selectors
            | '\u{FEFF}'                  // byte-order mark, zero-width no-break space
            | '\u{FFA0}'                  // halfwidth Hangul filler
            | '\u{FFF9}'..='\u{FFFB}'     // interlinear annotation
            | '\u{1BCA0}'..='\u{1BCA3}'   // shorthand format controls
            | '\u{1D173}'..='\u{1D17A}'   // musical format controls
            | '\u{E0000}'..='\u{E0FFF}') // tags, variation selectors supplement
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_text_refuses_what_changes_how_it_reads() {
        for ok in ["Müller & Söhne GmbH", "数据中心 Ω", "a\u{A0}b", "x"] {
            assert_eq!(check("f", ok, Display::Printed), Ok(()), "{ok:?}");
        }
        for (bad, code) in [
            ("", "blank"),
            ("   ", "blank"),
            (" lead", "untrimmed"),
            ("trail\t", "untrimmed"),
            ("evil\u{202E}gpj.exe", "invisible"),
            ("two\nlines", "invisible"),
            ("cr\rhere", "invisible"),
            ("tab\there", "invisible"),
            ("zero\u{200B}width", "invisible"),
            ("iso\u{2066}late", "invisible"),
            ("bom\u{FEFF}x", "invisible"),
            ("esc\u{1B}[31m", "invisible"),
            ("c1\u{85}x", "invisible"),
            ("tag\u{E0041}x", "invisible"),
            ("ls\u{2028}x", "invisible"),
        ] {
            let err = check("f", bad, Display::Printed).unwrap_err();
            let kind = match err {
                TextError::Blank { .. } => "blank",
                TextError::Untrimmed { .. } => "untrimmed",
                TextError::Invisible { .. } => "invisible",
                _ => "other",
            };
            assert_eq!(kind, code, "{bad:?}");
        }
        assert!(matches!(
            check("f", &"x".repeat(MAX_PRINTED_CHARS + 1), Display::Printed),
            Err(TextError::TooLong { .. })
        ));
    }

    #[test]
    fn urkunde_text_is_what_the_fonts_show() {
        assert_eq!(
            check(
                "holder",
                "Łódź Ærø „Zitat“",
                Display::Urkunde(Field::Holder)
            ),
            Ok(())
        );
        for bad in ["数据中心", "Ω", "e\u{301}"] {
            assert!(
                matches!(
                    check("holder", bad, Display::Urkunde(Field::Holder)),
                    Err(TextError::NotOnUrkunde { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(matches!(
            check(
                "holder",
                &"x".repeat(Field::Holder.max_chars() + 1),
                Display::Urkunde(Field::Holder)
            ),
            Err(TextError::TooLong { .. })
        ));
        let msg = check("holder", "a\u{202E}b", Display::Urkunde(Field::Holder))
            .unwrap_err()
            .to_string();
        assert_eq!(
            msg,
            "holder holds the invisible or control character U+202E"
        );
    }
}
