//! The 18-month compliance history of a subject and scope (scs-0004 R4) as bands and as an
//! SVG picture: one row per version, one rectangle per band, month ticks, and a title and text
//! alternative per band so a screen reader reads the same as the eye sees.

use std::fmt::Write as _;

use chrono::{Datelike as _, NaiveDate};
use serde::Serialize;

use scs_cert::eval::Interval;
use scs_cert::spec::Spec;
use scs_cert::time::{Instant, format_instant};

use crate::templates::html_escape;

/// What a band says about a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BandState {
    /// Certifiable and `main` passed throughout.
    Compliant,
    /// Certifiable, but `main` did not pass.
    NotCompliant,
    /// The version could not be certified then (draft, deprecated or not listed).
    NotCertifiable,
}

impl BandState {
    /// Words for the band.
    pub fn label(self) -> &'static str {
        match self {
            BandState::Compliant => "compliant",
            BandState::NotCompliant => "not compliant",
            BandState::NotCertifiable => "not certifiable",
        }
    }
}

/// A stretch of constant state, `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Band {
    /// Start (RFC 3339).
    pub start: String,
    /// End (RFC 3339; the publishing instant for the last band).
    pub end: String,
    /// The state.
    pub state: BandState,
    /// Its words.
    pub label: &'static str,
    #[serde(skip)]
    start_at: Instant,
    #[serde(skip)]
    end_at: Instant,
}

/// One version's history.
#[derive(Clone, Debug, Serialize)]
pub struct VersionHistory {
    /// The version name.
    pub version: String,
    /// Its bands, oldest first.
    pub bands: Vec<Band>,
}

/// Splits the not-compliant intervals of `version` at the spec's timeline dates and tells
/// not-compliant from not-certifiable; neighbours with the same state are merged.
pub fn bands(spec: &Spec, version: &str, intervals: &[Interval]) -> Vec<Band> {
    let mut out: Vec<Band> = Vec::new();
    let mut push = |start: Instant, end: Instant, state: BandState| {
        if start >= end {
            return;
        }
        if let Some(last) = out.last_mut()
            && last.state == state
            && last.end_at == start
        {
            last.end_at = end;
            last.end = format_instant(end);
            return;
        }
        out.push(Band {
            start: format_instant(start),
            end: format_instant(end),
            state,
            label: state.label(),
            start_at: start,
            end_at: end,
        });
    };
    let certifiable = |t: Instant| {
        spec.validity_at(version, t.date_naive())
            .is_some_and(|v| v.is_certifiable())
    };
    for iv in intervals {
        if iv.compliant {
            push(iv.start, iv.end, BandState::Compliant);
            continue;
        }
        let mut cuts: Vec<Instant> = spec
            .timeline()
            .iter()
            .filter_map(|e| e.date().and_hms_opt(0, 0, 0).map(|d| d.and_utc()))
            .filter(|t| *t > iv.start && *t < iv.end)
            .collect();
        cuts.sort();
        let mut from = iv.start;
        for cut in cuts.into_iter().chain([iv.end]) {
            let state = if certifiable(from) {
                BandState::NotCompliant
            } else {
                BandState::NotCertifiable
            };
            push(from, cut, state);
            from = cut;
        }
    }
    out
}

const WIDTH: f64 = 720.0;
const LABEL: f64 = 80.0;
const ROW: f64 = 22.0;
const TOP: f64 = 8.0;

/// The picture, as inline SVG for an HTML page: `role="img"` with a title naming what it
/// shows, and per band a `<title>` ("v5.1: compliant from … to …"). Every text is escaped here;
/// the caller marks the result safe.
pub fn svg(title: &str, from: Instant, to: Instant, rows: &[VersionHistory]) -> String {
    // Minutes fit an f64 exactly for any span the calendar allows.
    let span = (to - from).num_minutes().max(1);
    let x = |t: Instant| {
        let at = (t - from).num_minutes().clamp(0, span);
        LABEL + (WIDTH - LABEL) * float(at) / float(span)
    };
    let height = TOP + ROW * count(rows.len()) + 24.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"history\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" aria-labelledby=\"history-title\"><title id=\"history-title\">{}</title>",
        html_escape(title)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW * count(i);
        let _ = write!(
            s,
            "<text class=\"label\" x=\"0\" y=\"{:.1}\">{}</text>",
            y + 14.0,
            html_escape(&row.version)
        );
        for band in &row.bands {
            let (x0, x1) = (x(band.start_at), x(band.end_at));
            let _ = write!(
                s,
                "<rect class=\"{}\" x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {} from {} to {}</title></rect>",
                match band.state {
                    BandState::Compliant => "compliant",
                    BandState::NotCompliant => "not-compliant",
                    BandState::NotCertifiable => "not-certifiable",
                },
                (x1 - x0).max(0.5),
                ROW - 4.0,
                html_escape(&row.version),
                band.label,
                band.start,
                band.end
            );
        }
    }
    // Month ticks: the first of each month inside the span.
    let axis = TOP + ROW * count(rows.len());
    let mut month = first_of_month_after(from.date_naive());
    while let Some(m) = month {
        let Some(t) = m.and_hms_opt(0, 0, 0).map(|d| d.and_utc()) else {
            break;
        };
        if t >= to {
            break;
        }
        let tx = x(t);
        let _ = write!(
            s,
            "<line class=\"tick\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{TOP}\" y2=\"{:.1}\"/>",
            axis + 4.0
        );
        if m.month() % 3 == 1 {
            let _ = write!(
                s,
                "<text class=\"month\" x=\"{tx:.1}\" y=\"{:.1}\">{}</text>",
                axis + 16.0,
                m.format("%Y-%m")
            );
        }
        month = m.checked_add_months(chrono::Months::new(1));
    }
    s.push_str("</svg>");
    s
}

/// A count as a coordinate factor (counts here are rows and characters: small).
fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Minutes as a coordinate (within ±2^53 they are exact; the calendar's span is far less).
fn float(minutes: i64) -> f64 {
    f64::from(i32::try_from(minutes).unwrap_or(if minutes < 0 { i32::MIN } else { i32::MAX }))
}

fn first_of_month_after(d: NaiveDate) -> Option<NaiveDate> {
    let first = d.with_day(1)?;
    if first == d {
        Some(d)
    } else {
        first.checked_add_months(chrono::Months::new(1))
    }
}

/// A status badge, as projects embed CI badges: a grey label and a coloured value.
pub fn badge(label: &str, value: &str, class: &str) -> String {
    // Width from character counts: good enough for the short texts badges carry.
    let lw = 6.5 * count(label.chars().count()) + 12.0;
    let vw = 6.5 * count(value.chars().count()) + 12.0;
    let colour = match class {
        "certified" => "#1a7f37",
        "findings" => "#9a6700",
        _ => "#6e7781",
    };
    let total = lw + vw;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total:.0}\" height=\"20\" role=\"img\" aria-label=\"{l}: {v}\"><title>{l}: {v}</title><rect width=\"{lw:.0}\" height=\"20\" fill=\"#555\"/><rect x=\"{lw:.0}\" width=\"{vw:.0}\" height=\"20\" fill=\"{colour}\"/><g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\"><text x=\"6\" y=\"14\">{l}</text><text x=\"{vx:.0}\" y=\"14\">{v}</text></g></svg>\n",
        l = html_escape(label),
        v = html_escape(value),
        vx = lw + 6.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_escapes_and_titles_each_band() {
        let t0 = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let t1 = chrono::DateTime::from_timestamp(1_710_000_000, 0).unwrap();
        let rows = vec![VersionHistory {
            version: "<v1>".into(),
            bands: vec![Band {
                start: format_instant(t0),
                end: format_instant(t1),
                state: BandState::Compliant,
                label: "compliant",
                start_at: t0,
                end_at: t1,
            }],
        }];
        let s = svg("x & <y>", t0, t1, &rows);
        assert!(s.contains("x &amp; &lt;y&gt;"));
        assert!(s.contains("&lt;v1&gt;: compliant from"));
        assert!(!s.contains("<v1>"));
        assert!(s.contains("class=\"month\""));
        assert!(badge("<a>", "b", "certified").contains("&lt;a&gt;: b"));
    }
}
