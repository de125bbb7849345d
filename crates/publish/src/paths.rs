//! Where each thing lives in the site, and how text from records reaches a page.
//!
//! Every path here is relative to the site's root and names a file (never a directory), so the
//! site works from `file://`, from a sub-path and from a forge's pages. Pages link with the
//! `root` prefix of their own depth (`../../`), never with absolute paths.

use scs_cert::cert::CertificateId;
use scs_cert::subject::Subject;

/// The overview.
pub const INDEX: &str = "index.html";
/// The stylesheet.
pub const STYLE: &str = "style.css";
/// The site's marker: its presence makes a directory a previous `publish` output.
pub const MARKER: &str = ".scs-publish";
/// The folder of certificate status pages. The forum's `status_base_url` must name it, so
/// that `<status_base_url>/<ID>` (what the Urkunde's QR code encodes) is
/// `certificates/<ID>/index.html` when the site is served at the URL's parent.
pub const CERTIFICATES: &str = "certificates";

/// A name as one path segment: kept when it is plainly safe, else a digest of it (so two names
/// never share a file and nothing can climb out of its folder).
pub fn segment(name: &str) -> String {
    // `x-` names are the digests' own form: hashed too, so no name can take another's file.
    let plain = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && !name.starts_with("x-")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if plain {
        name.to_owned()
    } else {
        format!("x-{}", &scs_cert::digest::sha256_hex(name.as_bytes())[..16])
    }
}

/// A certificate's status page.
pub fn certificate_page(id: &CertificateId) -> String {
    format!("{CERTIFICATES}/{id}/index.html")
}

/// A file published beside a certificate's status page.
pub fn certificate_file(id: &CertificateId, suffix: &str) -> String {
    format!("{CERTIFICATES}/{id}/{id}{suffix}")
}

/// A subject's page.
pub fn subject_page(subject: &Subject) -> String {
    format!("subjects/{}/index.html", segment(subject.as_str()))
}

/// A subject's detail page for one scope.
pub fn detail_page(subject: &Subject, slug: &str) -> String {
    format!(
        "subjects/{}/{}.html",
        segment(subject.as_str()),
        segment(slug)
    )
}

/// A group's detail page for one scope.
pub fn group_page(group: &str, slug: &str) -> String {
    format!("groups/{}/{}.html", segment(group), segment(slug))
}

/// A report's page.
///
/// Report pages are spread over folders by the first two characters of the run's name
/// (`reports/4f/4f1c….html`, 256 folders for uuids): a hundred thousand files in one folder
/// make every file creation slower, and the writers on both cores wait on that one folder.
pub fn report_page(run: &str) -> String {
    report_file(run, ".html")
}

/// A report's signed bytes (`suffix` `.yaml`/`.json` or with `.sig`), published by policy.
pub fn report_file(run: &str, suffix: &str) -> String {
    let name = segment(run);
    let shard = name.get(..2).unwrap_or(&name);
    format!("reports/{shard}/{name}{suffix}")
}

/// A scope's page.
pub fn scope_page(slug: &str) -> String {
    format!("scopes/{}.html", segment(slug))
}

/// A subject's status badge for one scope.
pub fn badge(subject: &Subject, slug: &str) -> String {
    format!("badges/{}/{}.svg", segment(subject.as_str()), segment(slug))
}

/// The prefix that leads from `page` back to the site's root (`""`, `"../"`, …).
pub fn root_of(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// A link target from a record, report or spec that may become an `href`: only `https://` and
/// `http://` URLs without spaces or control characters; anything else (`javascript:`,
/// `data:`, relative paths) is shown as text instead.
pub fn safe_url(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = url
        .chars()
        .all(|c| !c.is_whitespace() && !c.is_control() && !is_bidi_control(c));
    (web && clean && url.len() <= 2048).then(|| url.to_owned())
}

/// Unicode's explicit direction controls (embeddings, overrides, isolates, marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from a record, report or spec as a page shows it: control and direction-control
/// characters become U+FFFD, so no value can reorder what is around it or hide text (markup is
/// escaped by the templates).
pub fn visible(text: &str) -> String {
    // Printable ASCII (most of every page) needs no look at each character.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_safe() {
        assert_eq!(segment("cloud-a"), "cloud-a");
        assert_eq!(segment("scs-compatible-iaas"), "scs-compatible-iaas");
        for hostile in ["..", "../x", "a/b", "", ".hidden", "<script>", "a b"] {
            let s = segment(hostile);
            assert!(s.starts_with("x-") && s.len() == 18, "{hostile} -> {s}");
        }
        assert_ne!(segment("a/b"), segment("a\\b"));
        // A name in the digests' own form cannot take the file of the name it is the digest of.
        let hashed = segment("a b");
        assert_ne!(segment(&hashed), hashed);
    }

    #[test]
    fn only_web_urls_become_links() {
        assert!(safe_url("https://example.org/x").is_some());
        assert!(safe_url("HTTP://example.org").is_some());
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "//evil.example",
            "https://a b",
            "https://x\u{202e}y",
            "../index.html",
        ] {
            assert!(safe_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn roots_and_visible_text() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("certificates/X/index.html"), "../../");
        assert_eq!(visible("a\u{202e}b\u{7}c"), "a\u{fffd}b\u{fffd}c");
    }
}
