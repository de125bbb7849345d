//! The characters the certificate fonts can show.
//!
//! typst prints a character that none of its fonts has as a blank box ("tofu") and says nothing
//! (typst 0.15.1, `--ignore-system-fonts`; see shared/reference/typst.md §2). The template uses
//! only the fonts embedded in the typst binary: Libertinus Serif for the text and DejaVu Sans
//! Mono for the certificate id, fingerprint and URL. Both cover the set below completely; the
//! interop test `tests/interop_pdf.rs` renders every allowed character in both fonts and finds
//! each again in the PDF's text.
//!
//! The set, explicitly:
//!
//! - Basic Latin printable, U+0020–U+007E;
//! - Latin-1 Supplement U+00A0–U+00FF, except U+00AD (soft hyphen: invisible in print);
//! - Latin Extended-A, U+0100–U+017F (all EU Latin-script languages but Romanian);
//! - the Romanian comma-below letters Ș ș Ț ț (U+0218–U+021B);
//! - [`ALLOWED_EXTRA`]: capital sharp s ẞ, dashes – —, quotes ‘ ’ ‚ “ ” „ ‹ ›, † ‡ • … € ™.
//!
//! Control characters (tabs, line breaks) and combining marks are refused: every field is one
//! line of text, and a decomposed "é" (e + U+0301) must be written precomposed.

use super::{Error, UrkundeData};

/// The characters allowed beyond the Latin ranges (see the module docs).
pub const ALLOWED_EXTRA: &[char] = &[
    '\u{1E9E}', // ẞ
    '\u{2013}', // –
    '\u{2014}', // —
    '\u{2018}', // ‘
    '\u{2019}', // ’
    '\u{201A}', // ‚
    '\u{201C}', // “
    '\u{201D}', // ”
    '\u{201E}', // „
    '\u{2020}', // †
    '\u{2021}', // ‡
    '\u{2022}', // •
    '\u{2026}', // …
    '\u{2039}', // ‹
    '\u{203A}', // ›
    '\u{20AC}', // €
    '\u{2122}', // ™
];

/// Whether the certificate fonts can show `c` (the set in the module docs).
pub fn allowed(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7E}'
        | '\u{A0}'..='\u{AC}'
        | '\u{AE}'..='\u{17F}'
        | '\u{218}'..='\u{21B}')
        || ALLOWED_EXTRA.contains(&c)
}

/// Refuses any text field holding a character outside [`allowed`], before typst runs.
///
/// # Errors
///
/// [`Error::UnsupportedCharacter`] with the first such field and character.
pub fn check_glyphs(data: &UrkundeData) -> Result<(), Error> {
    for (field, value) in data.fields() {
        if let Some(character) = value.chars().find(|&c| !allowed(c)) {
            return Err(Error::UnsupportedCharacter { field, character });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set() {
        for c in "Müller & Söhne GmbH ẞß Łódź Ærø Ș „Zitat“ – € † ‡ § … ‚x‘ ™ ©".chars()
        {
            assert!(allowed(c), "{c:?}");
        }
        for c in [
            '中', '🙂', '\t', '\n', '\u{7F}', '\u{9F}', '\u{AD}', '\u{301}', 'Ω', 'Ж',
        ] {
            assert!(!allowed(c), "{c:?}");
        }
    }
}
