//! Instants. Every instant is UTC; a naive timestamp (as upstream reports carry) is read as UTC.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike as _, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// A point in time, UTC.
pub type Instant = DateTime<Utc>;

/// The years every instant of the registry lies in: what an RFC 3339 timestamp (four-digit
/// year), a ledger file name (`YYYY-MM`) and an X.509 GeneralizedTime (RFC 5280 §4.1.2.5.2)
/// can all carry. chrono reads far more (`-0001`, `+10000`); nothing outside enters.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// An instant, or the result of arithmetic on one, outside [`YEARS`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} is outside the years 0001 to 9999")]
pub struct OutOfRange {
    what: String,
}

impl OutOfRange {
    /// Names what fell outside (`"the CRL's next update"`, or the instant itself).
    pub fn new(what: impl Into<String>) -> OutOfRange {
        OutOfRange { what: what.into() }
    }
}

/// The first instant of [`YEARS`]: 0001-01-01T00:00:00Z.
pub fn earliest() -> Instant {
    NaiveDate::MIN
        .with_year(*YEARS.start())
        .and_then(|d| d.with_ordinal(1))
        .map_or(DateTime::<Utc>::MIN_UTC, |d| {
            Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
        })
}

/// `t`, when its year is in [`YEARS`].
///
/// # Errors
///
/// [`OutOfRange`], naming `t`.
pub fn in_range(t: Instant) -> Result<Instant, OutOfRange> {
    if YEARS.contains(&t.year()) {
        Ok(t)
    } else {
        Err(OutOfRange::new(format!("{t}")))
    }
}

/// `t + d`, checked: `what` names the result in the error (`"the certificate's end"`).
///
/// # Errors
///
/// The sum overflows or falls outside [`YEARS`].
pub fn add(t: Instant, d: chrono::Duration, what: &str) -> Result<Instant, OutOfRange> {
    t.checked_add_signed(d)
        .filter(|t| YEARS.contains(&t.year()))
        .ok_or_else(|| OutOfRange::new(what))
}

/// `t - d`, checked as [`add`].
///
/// # Errors
///
/// The difference overflows or falls outside [`YEARS`].
pub fn sub(t: Instant, d: chrono::Duration, what: &str) -> Result<Instant, OutOfRange> {
    t.checked_sub_signed(d)
        .filter(|t| YEARS.contains(&t.year()))
        .ok_or_else(|| OutOfRange::new(what))
}

/// An instant given on the command line: a date (`2026-08-21`, meaning its 00:00 UTC) or an
/// RFC 3339 instant (`2026-08-21T15:04:05Z`, `2026-08-21T17:04:05+02:00`). A naive
/// `2026-08-21 15:04:05` is read as UTC, like a report's `checked_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InstantArg(Instant);

impl InstantArg {
    /// The instant.
    pub fn instant(self) -> Instant {
        self.0
    }
}

/// An instant that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InstantError {
    /// Not in any of the accepted forms.
    #[error(
        "not a date or RFC 3339 instant: {input:?} (expected e.g. 2026-08-21 or 2026-08-21T15:04:05Z)"
    )]
    Unreadable {
        /// The text given.
        input: String,
    },
    /// Readable, but outside [`YEARS`].
    #[error("instant {input:?} is outside the years 0001 to 9999")]
    OutOfRange {
        /// The text given.
        input: String,
    },
}

impl FromStr for InstantArg {
    type Err = InstantError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        read_instant(s).map(InstantArg)
    }
}

impl fmt::Display for InstantArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_instant(self.0))
    }
}

/// Reads a date, an RFC 3339 instant or a naive timestamp (read as UTC), in [`YEARS`].
pub fn parse_instant(s: &str) -> Option<Instant> {
    read_instant(s).ok()
}

/// As [`parse_instant`], saying why not.
///
/// # Errors
///
/// Unreadable, or outside [`YEARS`].
pub fn read_instant(s: &str) -> Result<Instant, InstantError> {
    let t = s.trim();
    let read = DateTime::parse_from_rfc3339(t)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| any_naive_timestamp(t).map(|t| Utc.from_utc_datetime(&t)))
        .ok_or_else(|| InstantError::Unreadable {
            input: s.to_owned(),
        })?;
    in_range(read).map_err(|_| InstantError::OutOfRange {
        input: s.to_owned(),
    })
}

/// Reads an RFC 3339 instant (as the registry's records and ledgers write them), in [`YEARS`].
pub fn parse_rfc3339(s: &str) -> Option<Instant> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .and_then(|t| in_range(t).ok())
}

/// Reads a naive timestamp the way upstream writes `checked_at` (`2026-08-21 15:04:05.123456`,
/// also with a `T`, or a bare date meaning midnight), in [`YEARS`]. Offsets are not accepted
/// here.
pub fn parse_naive_timestamp(s: &str) -> Option<NaiveDateTime> {
    any_naive_timestamp(s).filter(|t| YEARS.contains(&t.year()))
}

/// A naive timestamp in any year chrono reads (`%Y` takes a sign and more than four digits).
fn any_naive_timestamp(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN))
}

/// RFC 3339 with seconds and `Z`, the one form this tool prints.
pub fn format_instant(t: Instant) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Serde for an [`Instant`] held as an RFC 3339 string in a file we write: written by
/// [`format_instant`], read by [`parse_rfc3339`], and a string that is not one is an error (never
/// a fallback instant). `#[serde(with = "scs_cert::time::rfc3339")]`.
pub mod rfc3339 {
    use serde::{Deserialize as _, Deserializer, Serializer, de::Error as _};

    use super::{Instant, format_instant, parse_rfc3339};

    /// Writes `t` as [`format_instant`] does.
    ///
    /// # Errors
    ///
    /// The serializer's.
    pub fn serialize<S: Serializer>(t: &Instant, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_instant(*t))
    }

    /// Reads an RFC 3339 instant in the years a registry holds.
    ///
    /// # Errors
    ///
    /// Not a string, or not such an instant.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Instant, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_rfc3339(&text)
            .ok_or_else(|| D::Error::custom(format!("{text:?} is not an RFC 3339 instant")))
    }
}

/// A duration given on the command line: a number with a unit (`28d`, `12h`, `90m`, `2w`,
/// `30s`), or `0`.
pub fn parse_duration(s: &str) -> Option<chrono::Duration> {
    let s = s.trim();
    if s == "0" {
        return Some(chrono::Duration::zero());
    }
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = s.split_at(split);
    let n: i64 = number.parse().ok()?;
    let seconds = match unit {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    chrono::Duration::try_seconds(n.checked_mul(seconds)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_instants_and_naive_timestamps() {
        let midnight = Utc.with_ymd_and_hms(2026, 8, 21, 0, 0, 0).unwrap();
        assert_eq!(parse_instant("2026-08-21"), Some(midnight));
        assert_eq!(
            parse_instant("2026-08-21T17:04:05+02:00"),
            Some(Utc.with_ymd_and_hms(2026, 8, 21, 15, 4, 5).unwrap())
        );
        assert_eq!(
            parse_instant("2026-08-21 15:04:05.5").map(|t| t.timestamp_millis() % 1000),
            Some(500)
        );
        assert_eq!(parse_instant("yesterday"), None);
        assert_eq!(parse_instant("2026-02-30"), None);
    }

    #[test]
    fn only_years_0001_to_9999_are_read() {
        for bad in [
            "-0001-01-01T00:00:00",
            "-0001-01-01",
            "0000-12-31T23:59:59Z",
            "+10000-01-01T00:00:00",
            "-262143-01-01 00:00:00",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
            assert_eq!(parse_naive_timestamp(bad), None, "{bad}");
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert!(matches!(
            "-0001-01-01".parse::<InstantArg>(),
            Err(InstantError::OutOfRange { .. })
        ));
        assert!(matches!(
            "soon".parse::<InstantArg>(),
            Err(InstantError::Unreadable { .. })
        ));
        assert_eq!(parse_instant("0001-01-01"), Some(earliest()));
        assert!(parse_instant("9999-12-31T23:59:59Z").is_some());
    }

    #[test]
    fn arithmetic_is_checked_and_stays_in_range() {
        let end = parse_instant("9999-12-31").unwrap();
        assert!(add(end, chrono::Duration::days(1), "x").is_err());
        assert!(add(end, chrono::Duration::MAX, "x").is_err());
        assert!(sub(earliest(), chrono::Duration::seconds(1), "x").is_err());
        assert_eq!(
            add(earliest(), chrono::Duration::zero(), "x"),
            Ok(earliest())
        );
        assert_eq!(
            add(end, chrono::Duration::days(1), "the CRL's next update")
                .unwrap_err()
                .to_string(),
            "the CRL's next update is outside the years 0001 to 9999"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("28d"), Some(chrono::Duration::days(28)));
        assert_eq!(parse_duration("0"), Some(chrono::Duration::zero()));
        assert_eq!(parse_duration("90m"), Some(chrono::Duration::minutes(90)));
        for bad in ["", "d", "5y", "-3d", "99999999999999999999d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
