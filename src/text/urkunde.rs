//! What the Urkunde can print: its text fields and the characters its fonts show.
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

/// A text field of the Urkunde (the renderer's `UrkundeData`), named in errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `issuer_name`.
    IssuerName,
    /// `issuer_legal_name`.
    IssuerLegalName,
    /// `holder`.
    Holder,
    /// `environment`.
    Environment,
    /// `scope_name`.
    ScopeName,
    /// `scope_version`.
    ScopeVersion,
    /// `place`.
    Place,
    /// `signer_name`.
    SignerName,
    /// `signer_role`.
    SignerRole,
    /// `certificate_id`.
    CertificateId,
    /// `record_fingerprint`.
    RecordFingerprint,
    /// `status_url`.
    StatusUrl,
}

impl Field {
    /// Longest value in characters (longer values are refused where they enter and by the
    /// renderer). With every field at its limit the
    /// built-in template still fits one page (tested); the limits leave room above real values,
    /// e.g. an 87-character company name or a 71-character `SHA256:` hex fingerprint.
    pub fn max_chars(self) -> usize {
        match self {
            Field::IssuerName | Field::SignerName | Field::ScopeName => 60,
            Field::IssuerLegalName | Field::SignerRole => 80,
            Field::Holder | Field::Environment => 120,
            Field::ScopeVersion => 20,
            Field::Place => 40,
            Field::CertificateId => 64,
            Field::RecordFingerprint => 100,
            Field::StatusUrl => 200,
        }
    }

    /// Every field, in print order.
    pub const ALL: [Field; 12] = [
        Field::IssuerName,
        Field::IssuerLegalName,
        Field::Holder,
        Field::Environment,
        Field::ScopeName,
        Field::ScopeVersion,
        Field::Place,
        Field::SignerName,
        Field::SignerRole,
        Field::CertificateId,
        Field::RecordFingerprint,
        Field::StatusUrl,
    ];

    /// The field's name as in the template's JSON.
    pub fn name(self) -> &'static str {
        match self {
            Field::IssuerName => "issuer_name",
            Field::IssuerLegalName => "issuer_legal_name",
            Field::Holder => "holder",
            Field::Environment => "environment",
            Field::ScopeName => "scope_name",
            Field::ScopeVersion => "scope_version",
            Field::Place => "place",
            Field::SignerName => "signer_name",
            Field::SignerRole => "signer_role",
            Field::CertificateId => "certificate_id",
            Field::RecordFingerprint => "record_fingerprint",
            Field::StatusUrl => "status_url",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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
