//! Checking texts that go into certificates, and building distinguished names from them.
//!
//! Names are built attribute by attribute (not through `Name::from_str`), so no RFC 4514
//! escaping is involved: a holder called `Müller, Meier & Co. "Cloud"` is written as is.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc4519::{C, CN, O};
use der::asn1::{Any, PrintableStringRef, Utf8StringRef};
use der::{Decode as _, Encode as _};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use super::{Error, Field, MAX_NAME_CHARS, TextProblem};

/// Checks a text for a UTF8String: not blank, no control or invisible format characters
/// ([`crate::text::invisible`]), at most `max` characters.
pub(crate) fn check_text(field: Field, value: &str, max: usize) -> Result<(), Error> {
    let problem = if value.trim().is_empty() {
        Some(TextProblem::Empty)
    } else if value.chars().any(crate::text::invisible) {
        Some(TextProblem::ControlCharacter)
    } else if value.chars().count() > max {
        Some(TextProblem::TooLong { max })
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::InvalidText { field, problem }),
        None => Ok(()),
    }
}

/// Checks a status page URL: `https://` or `http://`, printable ASCII without spaces (an
/// IA5String, and a URI as subjectAltName needs it, RFC 5280 §4.2.1.6).
pub(crate) fn check_url(value: &str) -> Result<(), Error> {
    check_text(Field::StatusUrl, value, 2048)?;
    let ascii = value.bytes().all(|b| b.is_ascii_graphic());
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(host) if ascii && !host.is_empty() && !host.starts_with('/') => Ok(()),
        _ => Err(Error::InvalidText {
            field: Field::StatusUrl,
            problem: TextProblem::BadFormat,
        }),
    }
}

/// One attribute of a name, as the caller gives it.
pub(crate) enum Attr<'a> {
    /// countryName, PrintableString (RFC 5280 Appendix A: two letters).
    Country(&'a str),
    /// organizationName, UTF8String.
    Organization(&'a str),
    /// commonName, UTF8String.
    CommonName(&'a str),
}

/// A name with one attribute per RDN, in the order given (most general first, the way it is
/// encoded: `C, O, CN`).
pub(crate) fn name(attrs: &[Attr<'_>]) -> Result<Name, der::Error> {
    let mut seq = RdnSequence::default();
    for attr in attrs {
        let (oid, value): (ObjectIdentifier, Any) = match attr {
            Attr::Country(c) => (C, Any::encode_from(&PrintableStringRef::new(c)?)?),
            Attr::Organization(o) => (O, Any::encode_from(&Utf8StringRef::new(o)?)?),
            Attr::CommonName(cn) => (CN, Any::encode_from(&Utf8StringRef::new(cn)?)?),
        };
        let atv = AttributeTypeAndValue { oid, value };
        seq.push(RelativeDistinguishedName::try_from(vec![atv])?);
    }
    // `Name`'s field is private; its encoding is the RDN sequence's.
    Name::from_der(&seq.to_der()?)
}

/// Checks a country code (two upper-case ASCII letters, ISO 3166-1 alpha-2).
pub(crate) fn check_country(value: &str) -> Result<(), Error> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::InvalidText {
            field: Field::Country,
            problem: TextProblem::BadFormat,
        })
    }
}

/// Checks a common or organization name.
pub(crate) fn check_name(field: Field, value: &str) -> Result<(), Error> {
    check_text(field, value, MAX_NAME_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_checked() {
        assert_eq!(
            check_name(Field::Holder, "Müller & Söhne GmbH, \"Cloud\""),
            Ok(())
        );
        let err = |problem| {
            Err(Error::InvalidText {
                field: Field::Holder,
                problem,
            })
        };
        assert_eq!(check_name(Field::Holder, "  "), err(TextProblem::Empty));
        assert_eq!(
            check_name(Field::Holder, "a\nb"),
            err(TextProblem::ControlCharacter)
        );
        assert_eq!(
            check_name(Field::Holder, &"ü".repeat(65)),
            err(TextProblem::TooLong { max: 64 })
        );
        assert_eq!(check_name(Field::Holder, &"ü".repeat(64)), Ok(()));
    }

    #[test]
    fn urls_are_checked() {
        assert_eq!(
            check_url("https://example.org/status/SCS-IAAS-2026-0001"),
            Ok(())
        );
        let bad = Err(Error::InvalidText {
            field: Field::StatusUrl,
            problem: TextProblem::BadFormat,
        });
        assert_eq!(check_url("ftp://example.org/x"), bad);
        assert_eq!(check_url("https://exämple.org/"), bad);
        assert_eq!(check_url("https://example.org/a b"), bad);
        assert_eq!(check_url("https://"), bad);
    }

    #[test]
    fn names_keep_order_and_special_characters() {
        let n = name(&[
            Attr::Country("DE"),
            Attr::Organization("Müller, Meier + Co"),
            Attr::CommonName("Cloud=1"),
        ])
        .unwrap();
        assert_eq!(n.iter_rdn().count(), 3);
        let cn = n.common_name().unwrap().unwrap();
        assert_eq!(cn.value(), "Cloud=1");
        let o = n.organization().unwrap().unwrap();
        assert_eq!(o.value(), "Müller, Meier + Co");
    }
}
