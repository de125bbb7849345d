//! `feed.atom` (RFC 4287): one entry per certificate event, with ids that never change; and
//! `expiries.ics` (RFC 5545): one all-day event per certificate's valid-until date.

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};

use scs_cert::time::Instant;

use crate::views::{CertEvent, CertView};

/// An event with its certificate, for the feed.
pub(crate) struct FeedItem<'a> {
    pub(crate) cert: &'a CertView,
    pub(crate) event: &'a CertEvent,
}

fn fixed(t: Instant) -> FixedDateTime {
    t.fixed_offset()
}

/// A stable id: the certificate's status-page URL and the event's kind and instant. Ids are
/// URLs under the forum's base, as RFC 4287 recommends, so two registries never collide.
/// Two events of one kind at the same second (suspended, reinstated, suspended again) differ
/// by their ordinal among those: events are only ever appended, so the ordinal never changes.
fn entry_id(status_url: &str, event: &CertEvent, ordinal: usize) -> String {
    if ordinal == 0 {
        format!("{status_url}#{}-{}", event.kind, event.at)
    } else {
        format!("{status_url}#{}-{}-{ordinal}", event.kind, event.at)
    }
}

/// The Atom feed; `status_urls` maps each certificate id to its status URL.
pub(crate) fn atom(
    forum_name: &str,
    base_url: &str,
    at: Instant,
    items: &[FeedItem<'_>],
    status_url: &dyn Fn(&str) -> String,
) -> String {
    let mut seen: std::collections::BTreeMap<(&str, &str, &str), usize> =
        std::collections::BTreeMap::new();
    let mut entries: Vec<Entry> = items
        .iter()
        .map(|item| {
            let url = status_url(&item.cert.id);
            let ordinal = seen
                .entry((
                    item.cert.id.as_str(),
                    item.event.kind,
                    item.event.at.as_str(),
                ))
                .or_insert(0);
            let id = entry_id(&url, item.event, *ordinal);
            *ordinal += 1;
            let mut entry = Entry::default();
            entry.set_id(id);
            entry.set_title(Text::plain(format!(
                "{}: {} ({}, {} {})",
                item.cert.id,
                item.event.text,
                item.cert.subject.name,
                item.cert.scope,
                item.cert.version
            )));
            entry.set_updated(fixed(item.event.instant));
            entry.set_summary(Some(Text::plain(format!(
                "{} {} for {} ({}), held by {}: {} on {}.",
                item.cert.kind,
                item.cert.id,
                item.cert.subject.name,
                item.cert.subject.subject,
                item.cert.holder,
                item.event.text,
                item.event.at
            ))));
            let mut link = Link::default();
            link.set_href(url);
            link.set_rel("alternate");
            entry.set_links(vec![link]);
            entry
        })
        .collect();
    // Newest first; ties in a fixed order (by id, then kind).
    entries.sort_by(|a, b| {
        b.updated()
            .cmp(a.updated())
            .then_with(|| a.id().cmp(b.id()))
    });
    let mut feed = Feed::default();
    feed.set_title(Text::plain(format!("{forum_name}: certificates")));
    feed.set_id(format!("{}/feed.atom", base_url.trim_end_matches('/')));
    let latest = items.iter().map(|i| i.event.instant).max().unwrap_or(at);
    feed.set_updated(fixed(latest));
    let mut author = Person::default();
    author.set_name(forum_name);
    feed.set_authors(vec![author]);
    let mut link = Link::default();
    link.set_href(format!("{}/feed.atom", base_url.trim_end_matches('/')));
    link.set_rel("self");
    feed.set_links(vec![link]);
    feed.set_entries(entries);
    let mut text = feed.to_string();
    text.push('\n');
    text
}

/// RFC 5545 TEXT: backslash, semicolon, comma and newline escaped.
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// The calendar of valid-until dates of the certificates in force (active or suspended).
pub(crate) fn ics(forum_name: &str, host: &str, at: Instant, certs: &[CertView]) -> String {
    let stamp = at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//scs-cert//publish//EN",
        "CALSCALE:GREGORIAN",
    ] {
        fold(line, &mut out);
    }
    fold(
        &format!(
            "X-WR-CALNAME:{}",
            ics_text(&format!("{forum_name}: certificate expiries"))
        ),
        &mut out,
    );
    for c in certs {
        if !matches!(c.status, "active" | "active-with-findings" | "suspended") {
            continue;
        }
        let Some(until) = chrono::DateTime::parse_from_rfc3339(&c.valid_until).ok() else {
            continue;
        };
        let day = until.format("%Y%m%d").to_string();
        let next = until
            .date_naive()
            .succ_opt()
            .map_or_else(|| day.clone(), |d| d.format("%Y%m%d").to_string());
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}@{}", c.id, ics_text(host)), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        fold(&format!("DTSTART;VALUE=DATE:{day}"), &mut out);
        fold(&format!("DTEND;VALUE=DATE:{next}"), &mut out);
        fold(
            &format!(
                "SUMMARY:{}",
                ics_text(&format!(
                    "{} expires ({}, {} {})",
                    c.id, c.subject.name, c.scope, c.version
                ))
            ),
            &mut out,
        );
        fold(
            &format!(
                "DESCRIPTION:{}",
                ics_text(&format!(
                    "{} held by {} is valid until {}.",
                    c.id, c.holder, c.valid_until
                ))
            ),
            &mut out,
        );
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_of_one_kind_in_one_second_have_distinct_ids() {
        let t = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let event = CertEvent {
            at: scs_cert::time::format_instant(t),
            kind: "suspended",
            text: "suspended".into(),
            instant: t,
        };
        let a = entry_id("https://x/certificates/ID", &event, 0);
        let b = entry_id("https://x/certificates/ID", &event, 1);
        assert_ne!(a, b);
        assert_eq!(
            a,
            format!("https://x/certificates/ID#suspended-{}", event.at)
        );
    }

    #[test]
    fn ics_lines_are_escaped_and_folded() {
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        fold(&"ä".repeat(60), &mut out);
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), "ä".repeat(60));
    }
}
