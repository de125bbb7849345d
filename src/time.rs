//! Instants. Every instant is UTC; a naive timestamp (as upstream reports carry) is read as UTC.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// A point in time, UTC.
pub type Instant = DateTime<Utc>;

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
#[error(
    "not a date or RFC 3339 instant: {input:?} (expected e.g. 2026-08-21 or 2026-08-21T15:04:05Z)"
)]
pub struct InstantError {
    input: String,
}

impl FromStr for InstantArg {
    type Err = InstantError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_instant(s)
            .map(InstantArg)
            .ok_or_else(|| InstantError {
                input: s.to_owned(),
            })
    }
}

impl fmt::Display for InstantArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_instant(self.0))
    }
}

/// Reads a date, an RFC 3339 instant or a naive timestamp (read as UTC).
pub fn parse_instant(s: &str) -> Option<Instant> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(t) = parse_naive_timestamp(s) {
        return Some(Utc.from_utc_datetime(&t));
    }
    None
}

/// Reads a naive timestamp the way upstream writes `checked_at` (`2026-08-21 15:04:05.123456`,
/// also with a `T`, or a bare date meaning midnight). Offsets are not accepted here.
pub fn parse_naive_timestamp(s: &str) -> Option<NaiveDateTime> {
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
    fn durations() {
        assert_eq!(parse_duration("28d"), Some(chrono::Duration::days(28)));
        assert_eq!(parse_duration("0"), Some(chrono::Duration::zero()));
        assert_eq!(parse_duration("90m"), Some(chrono::Duration::minutes(90)));
        for bad in ["", "d", "5y", "-3d", "99999999999999999999d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
