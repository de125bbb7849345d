//! How long a testcase result stays valid: the `lifetime` of a testcase and upstream's exact expiry
//! arithmetic (`add_period`, standards repo `Tests/scs_cert_lib.py` L149–186 at HEAD; see the
//! reference §1.4).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

/// The lifetime of a testcase result (scs-0003 testcase key `lifetime`).
///
/// Absent means [`Lifetime::Week`], upstream's default since `f851a3cc` (2025-06-04).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lifetime {
    /// Valid through the end of the next calendar day.
    Day,
    /// Valid through the Sunday of the following ISO week.
    #[default]
    Week,
    /// Valid through the end of the next calendar month.
    Month,
    /// Valid through the end of the next calendar quarter.
    Quarter,
    /// Valid through the end of the following month, plus one year.
    Year,
}

/// A `lifetime` value that is none of `day`, `week`, `month`, `quarter`, `year`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown lifetime {found:?} (expected day, week, month, quarter or year)")]
pub struct ParseLifetimeError {
    /// The text that was found.
    pub found: String,
}

impl Lifetime {
    /// The keyword as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifetime::Day => "day",
            Lifetime::Week => "week",
            Lifetime::Month => "month",
            Lifetime::Quarter => "quarter",
            Lifetime::Year => "year",
        }
    }

    /// The instant at which a result checked at `checked_at` expires: the result is valid while
    /// `now < expiry`. Exactly upstream's `add_period`; every expiry is a midnight.
    ///
    /// Instants beyond chrono's range saturate at [`NaiveDateTime::MAX`] (never expired) rather
    /// than panic: only a hostile `checked_at` near year 262143 gets there.
    pub fn expiry(self, checked_at: NaiveDateTime) -> NaiveDateTime {
        let d = checked_at.date();
        let (y, m) = (d.year(), d.month());
        let date = match self {
            // `dt += timedelta(days=2)`, then midnight.
            Lifetime::Day => d.checked_add_signed(TimeDelta::days(2)),
            // `dt += timedelta(days=14 - dt.weekday())` (Monday = 0), then midnight.
            Lifetime::Week => d.checked_add_signed(TimeDelta::days(
                14 - i64::from(d.weekday().num_days_from_monday()),
            )),
            // First day of month + 2.
            Lifetime::Month => first_of_month_plus_two(y, m),
            Lifetime::Quarter => match m {
                10..=12 => ymd(y.checked_add(1), 4),
                7..=9 => ymd(y.checked_add(1), 1),
                4..=6 => ymd(Some(y), 10),
                _ => ymd(Some(y), 7),
            },
            // As `month`, one year later.
            Lifetime::Year => y
                .checked_add(1)
                .and_then(|y1| first_of_month_plus_two(y1, m)),
        };
        date.map_or(NaiveDateTime::MAX, |d| d.and_time(NaiveTime::MIN))
    }
}

/// `month(dt) + 2`, day 1: Nov → Jan 1 next year, Dec → Feb 1 next year.
fn first_of_month_plus_two(y: i32, m: u32) -> Option<NaiveDate> {
    match m {
        11 => ymd(y.checked_add(1), 1),
        12 => ymd(y.checked_add(1), 2),
        _ => ymd(Some(y), m + 2),
    }
}

fn ymd(y: Option<i32>, m: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y?, m, 1)
}

impl FromStr for Lifetime {
    type Err = ParseLifetimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Lifetime::Day),
            "week" => Ok(Lifetime::Week),
            "month" => Ok(Lifetime::Month),
            "quarter" => Ok(Lifetime::Quarter),
            "year" => Ok(Lifetime::Year),
            _ => Err(ParseLifetimeError {
                found: s.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        crate::time::parse_naive_timestamp(s).unwrap()
    }

    #[test]
    fn parse_and_display_round_trip() {
        for l in [
            Lifetime::Day,
            Lifetime::Week,
            Lifetime::Month,
            Lifetime::Quarter,
            Lifetime::Year,
        ] {
            assert_eq!(l.to_string().parse::<Lifetime>(), Ok(l));
        }
        assert_eq!(
            "infinite".parse::<Lifetime>(),
            Err(ParseLifetimeError {
                found: "infinite".into()
            })
        );
        assert_eq!(Lifetime::default(), Lifetime::Week);
    }

    #[test]
    fn keeps_time_of_day_out_of_the_result() {
        assert_eq!(
            Lifetime::Day.expiry(at("2026-08-17 23:59:59.999")),
            at("2026-08-19 00:00")
        );
    }

    #[test]
    fn saturates_instead_of_panicking() {
        let max = NaiveDateTime::MAX;
        for l in [
            Lifetime::Day,
            Lifetime::Week,
            Lifetime::Month,
            Lifetime::Quarter,
            Lifetime::Year,
        ] {
            assert_eq!(l.expiry(max), NaiveDateTime::MAX);
        }
    }
}
