//! The Urkunde: a one-page PDF/A-2b certificate rendered by the typst CLI (DESIGN §7).
//!
//! The template ([`TEMPLATE`], `templates/urkunde.typ`, or a registry's own copy) reads all of its
//! data as one JSON value from `sys.inputs.data` ([`UrkundeData::template_input`]), so no value
//! is ever interpreted as Typst markup. The library prepares that value (dates in words per
//! language, the QR code of the status page as SVG), refuses text the embedded fonts cannot show
//! ([`check_glyphs`]), and runs a pinned typst ([`Typst`]) with `--ignore-system-fonts`,
//! `--pdf-standard a-2b` and a creation timestamp from the certificate: the same certificate
//! always gives the same bytes.
//!
//! Nothing here reads the environment: [`Typst::locate`] takes the `--typst` option, the `TYPST`
//! variable and `PATH` as parameters. [`Typst`] is `Sync`; several documents may render in
//! parallel (each render is its own typst process).

mod certificate;
mod data;
mod glyphs;
mod qr;
mod typst;

use std::path::PathBuf;

pub use certificate::Issuer;
pub use data::{
    Lang, Layer, Stamp, StampStatus, Tier, UnknownLang, UrkundeData, UrkundeKind, format_date,
};
pub use glyphs::check_glyphs;
pub use qr::qr_svg;
pub use scs_cert::text::{ALLOWED_EXTRA, Field, allowed};
pub use typst::Typst;

/// The typst version this template is made and tested for; [`Typst::locate`] refuses others.
pub const TYPST_VERSION: &str = "0.15.1";

/// The command that installs the pinned typst ([`TYPST_VERSION`]).
pub const TYPST_INSTALL: &str = "cargo install typst-cli --locked --version 0.15.1";

/// The built-in template; a registry may override it with its own `templates/urkunde.typ`.
pub const TEMPLATE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../templates/urkunde.typ"
));

/// How the typst binary was looked for, for [`Error::TypstNotFound`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Searched {
    /// An explicit path (`--typst` or `TYPST`) that is not a file.
    Path(PathBuf),
    /// `PATH`, which held no `typst`.
    PathVar,
    /// There was no `PATH` at all.
    NoPathVar,
}

impl std::fmt::Display for Searched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Searched::Path(p) => write!(f, "{} does not exist", p.display()),
            Searched::PathVar => f.write_str("typst is not on PATH"),
            Searched::NoPathVar => f.write_str("PATH is not set"),
        }
    }
}

/// Errors of rendering an Urkunde.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A character outside [`allowed`]: the embedded fonts would print a blank box.
    #[error("{field} contains {:?} (U+{:04X}), which the certificate fonts cannot show", .character.to_string(), u32::from(*.character))]
    UnsupportedCharacter {
        /// The field.
        field: Field,
        /// The first such character.
        character: char,
    },
    /// A field that must not be empty (or only spaces) is.
    #[error("{field} is empty")]
    EmptyField {
        /// The field.
        field: Field,
    },
    /// A field longer than its [`Field::max_chars`].
    #[error("{field} has {chars} characters, more than the {max} that fit on the certificate")]
    FieldTooLong {
        /// The field.
        field: Field,
        /// Its length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A scope certificate without a scope version.
    #[error("a scope certificate needs a scope version")]
    MissingScopeVersion,
    /// The validity ends before the date of issue.
    #[error("valid until {valid_until} lies before the date of issue {issued_on}")]
    ValidityBeforeIssue {
        /// Date of issue.
        issued_on: chrono::NaiveDate,
        /// End of validity.
        valid_until: chrono::NaiveDate,
    },
    /// The status URL is too long for a QR code.
    #[error("the status URL ({len} bytes) is too long for a QR code")]
    QrTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The creation instant lies before 1970, which PDF metadata via typst cannot carry.
    #[error("creation time {0} lies before 1970-01-01")]
    CreationBeforeEpoch(chrono::DateTime<chrono::Utc>),
    /// No typst binary where it was looked for.
    #[error(
        "typst not found ({searched}); install typst {TYPST_VERSION} with `{TYPST_INSTALL}`, or name it with --typst PATH or TYPST"
    )]
    TypstNotFound {
        /// Where it was looked for.
        searched: Searched,
    },
    /// The typst binary could not be started.
    #[error("cannot run {}: {kind}; install typst {TYPST_VERSION} with `{TYPST_INSTALL}`", path.display())]
    TypstUnusable {
        /// The binary.
        path: PathBuf,
        /// Why not.
        kind: std::io::ErrorKind,
    },
    /// The typst binary is not the pinned version.
    #[error("{} is {found:?}, but typst {TYPST_VERSION} is needed; install it with `{TYPST_INSTALL}`", path.display())]
    TypstVersion {
        /// The binary.
        path: PathBuf,
        /// The first line `typst --version` printed.
        found: String,
    },
    /// typst ran but failed, or warned (a warning means the page is not as designed).
    #[error("typst failed ({}): {}", status.map_or_else(|| "killed".to_owned(), |c| format!("exit code {c}")), first_line(stderr))]
    TypstFailed {
        /// Exit code (`None` if killed by a signal; `Some(0)` when it only warned).
        status: Option<i32>,
        /// What typst wrote to stderr.
        stderr: String,
    },
    /// The template's own check refused the layout: the certificate ran over one page.
    #[error("the certificate does not fit on one page; shorten the longest values")]
    Overflow,
    /// typst succeeded but what it wrote is not a PDF.
    #[error("typst wrote {len} bytes that are not a PDF")]
    NotPdf {
        /// How many bytes it wrote.
        len: usize,
    },
    /// Talking to the typst process (or making its scratch directory) failed.
    #[error("cannot {operation}: {kind}")]
    Io {
        /// What was being done.
        operation: &'static str,
        /// The I/O error kind.
        kind: std::io::ErrorKind,
    },
}

/// The first non-empty line of typst's diagnostics, for the one-line error message.
fn first_line(stderr: &str) -> &str {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_hint_names_the_pinned_version() {
        assert!(TYPST_INSTALL.ends_with(TYPST_VERSION));
    }

    #[test]
    fn glyph_error_names_field_and_code_point() {
        let e = Error::UnsupportedCharacter {
            field: Field::Holder,
            character: '中',
        };
        assert_eq!(
            e.to_string(),
            "holder contains \"中\" (U+4E2D), which the certificate fonts cannot show"
        );
    }

    #[test]
    fn template_reads_data_only_through_sys_inputs() {
        assert!(TEMPLATE.contains("json(bytes(sys.inputs.at(\"data\")))"));
        assert!(!TEMPLATE.contains("eval("));
    }
}
