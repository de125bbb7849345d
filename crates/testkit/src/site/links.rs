//! The link checker: every relative URL in the site's pages names a file of the site, every
//! fragment into a page names an element there, and the site works from `file://`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use html5gum::{DefaultEmitter, Token, Tokenizer};
use percent_encoding::percent_decode_str;

/// Attributes whose whole value is one URL, on any element (SVG's `xlink:href` included: the
/// tokenizer keeps the prefixed name as written, lower-cased).
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "poster",
    "cite",
];

/// Schemes a page may link to without the link being followed.
const UNCHECKED_SCHEMES: &[&str] = &["http", "https", "mailto", "data"];

/// Problems with the links of every `*.html` file under `dir` (recursively), one line each as
/// `FILE: ATTR="VALUE": WHY` with FILE relative to `dir`, sorted by file; empty when all is well.
///
/// A relative URL (query and fragment stripped, percent-decoded) must name an existing regular
/// file inside `dir`: a directory is a problem (under `file://` there is no `index.html`
/// lookup), so is a path climbing out of `dir`, a root-relative (`/x`) or protocol-relative
/// (`//host/x`) URL. A `#fragment` into an HTML file (or the page itself) must name an `id`
/// there (or an `<a name>`; the empty fragment and `#top` are always fine). `http:`, `https:`,
/// `mailto:` and `data:` URLs are not followed; any other scheme, and `javascript:` in any
/// attribute value, is a problem. So is a `<base>` element, which would change how every link
/// resolves. URLs in CSS (`url(…)`) and in scripts are not looked at.
pub fn check_links(dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    collect_html(dir, &mut files, &mut problems);
    files.sort();
    let mut pages = BTreeMap::new();
    for file in &files {
        match std::fs::read(file) {
            Ok(bytes) => {
                pages.insert(file.clone(), Document::parse(&bytes));
            }
            Err(e) => problems.push(format!("{}: unreadable: {e}", shown(dir, file))),
        }
    }
    for (file, doc) in &pages {
        for link in &doc.links {
            if let Err(why) = check_one(dir, file, link, &pages) {
                problems.push(format!(
                    "{}: {}=\"{}\": {why}",
                    shown(dir, file),
                    link.attribute,
                    link.value
                ));
            }
        }
    }
    problems
}

/// One URL-valued attribute of a page, as the tokenizer decoded it (character references
/// resolved).
#[derive(Debug)]
struct Link {
    attribute: String,
    value: String,
    /// Only the `javascript:` check applies (the attribute is not URL-valued).
    script_only: bool,
}

/// What the checker needs of a page: its links and the names fragments may point to.
#[derive(Debug, Default)]
struct Document {
    links: Vec<Link>,
    ids: BTreeSet<String>,
}

impl Document {
    fn parse(bytes: &[u8]) -> Self {
        let mut emitter = DefaultEmitter::default();
        // Script, style, title and textarea content is text, not tags (the switch a tree
        // builder makes): a `<a href>` inside a script string is no link.
        emitter.naively_switch_states(true);
        let mut doc = Self::default();
        for token in Tokenizer::new_with_emitter(bytes, emitter).flatten() {
            let Token::StartTag(tag) = token else {
                continue;
            };
            let name = String::from_utf8_lossy(&tag.name).into_owned();
            let attr = |key: &str| {
                tag.attributes
                    .get(key.as_bytes())
                    .map(|v| String::from_utf8_lossy(&v.value).into_owned())
            };
            if let Some(id) = attr("id") {
                doc.ids.insert(id);
            }
            if name == "a"
                && let Some(anchor) = attr("name")
            {
                doc.ids.insert(anchor);
            }
            if name == "base" {
                doc.links.push(Link {
                    attribute: "base".into(),
                    value: attr("href").unwrap_or_default(),
                    script_only: false,
                });
            }
            for (key, value) in &tag.attributes {
                let key = String::from_utf8_lossy(key).into_owned();
                let value = String::from_utf8_lossy(&value.value).into_owned();
                let url_valued =
                    URL_ATTRIBUTES.contains(&key.as_str()) || (key == "data" && name == "object");
                if key == "srcset" {
                    for candidate in srcset_urls(&value) {
                        doc.links.push(Link {
                            attribute: key.clone(),
                            value: candidate,
                            script_only: false,
                        });
                    }
                } else if key == "content"
                    && attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
                {
                    if let Some(url) = refresh_url(&value) {
                        doc.links.push(Link {
                            attribute: key.clone(),
                            value: url,
                            script_only: false,
                        });
                    }
                } else {
                    doc.links.push(Link {
                        attribute: key,
                        value,
                        script_only: !url_valued,
                    });
                }
            }
        }
        doc
    }
}

/// The URLs of a `srcset` value: comma-separated candidates of a URL and a descriptor.
fn srcset_urls(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter_map(|candidate| candidate.split_ascii_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The URL of a `<meta http-equiv=refresh content="5; url=next.html">`.
fn refresh_url(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("url")?;
    let rest = content[at + 3..].trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    Some(rest.trim_matches(['"', '\'']).to_owned())
}

/// Checks one link of `file`; the error says why it is a problem.
fn check_one(
    dir: &Path,
    file: &Path,
    link: &Link,
    pages: &BTreeMap<PathBuf, Document>,
) -> Result<(), String> {
    // The URL parser drops leading and trailing C0 controls and spaces, and every tab and
    // newline inside: `java\nscript:` is still a javascript: URL.
    let url: String = link
        .value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme = scheme(&url).map(str::to_ascii_lowercase);
    if scheme.as_deref() == Some("javascript") {
        return Err("javascript: URL".into());
    }
    if link.script_only {
        return Ok(());
    }
    if link.attribute == "base" {
        return Err("a <base> element changes how every link resolves".into());
    }
    if let Some(scheme) = scheme {
        return if UNCHECKED_SCHEMES.contains(&scheme.as_str()) {
            Ok(())
        } else {
            Err(format!("scheme {scheme}: is not allowed"))
        };
    }
    if url.contains('\\') {
        return Err("backslash in a URL (browsers read it as /)".into());
    }
    if url.starts_with("//") {
        return Err("protocol-relative URL: under file:// it names a host".into());
    }
    if url.starts_with('/') {
        return Err("root-relative URL: under file:// it starts at the file system root".into());
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (url.as_str(), None),
    };
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    let target = if path.is_empty() {
        file.to_path_buf()
    } else {
        resolve(dir, file, path)?
    };
    let Some(fragment) = fragment else {
        return Ok(());
    };
    if !is_html(&target) {
        return Ok(());
    }
    let fragment = decode(fragment)?;
    if fragment.is_empty() || fragment.eq_ignore_ascii_case("top") {
        return Ok(());
    }
    let found = match pages.get(&target) {
        Some(doc) => doc.ids.contains(&fragment),
        // An HTML file the walk did not list (reached through a symbolic link).
        None => std::fs::read(&target).is_ok_and(|b| Document::parse(&b).ids.contains(&fragment)),
    };
    if found {
        Ok(())
    } else {
        Err(format!(
            "no element with id \"{fragment}\" in {}",
            shown(dir, &target)
        ))
    }
}

/// The file a relative path of `file` names, lexically resolved (`.` and `..`) inside `dir`.
fn resolve(dir: &Path, file: &Path, path: &str) -> Result<PathBuf, String> {
    let path = decode(path)?;
    let from = file.parent().unwrap_or(dir);
    let mut segments: Vec<String> = from
        .strip_prefix(dir)
        .unwrap_or(Path::new(""))
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err("climbs out of the site directory".into());
                }
            }
            name => segments.push(name.to_owned()),
        }
    }
    let target = segments.iter().fold(dir.to_path_buf(), |p, s| p.join(s));
    if path.ends_with('/') || target.is_dir() {
        return Err("names a directory: file:// shows no index.html, link the file".into());
    }
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => Ok(target),
        Ok(_) => Err("not a regular file".into()),
        Err(_) => Err(format!("no such file {}", shown(dir, &target))),
    }
}

/// The scheme of an absolute URL (RFC 3986 §3.1: a letter, then letters, digits, `+`, `-`,
/// `.`, up to the first `:`), or `None` for a relative reference.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

fn decode(s: &str) -> Result<String, String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| "percent-encoding that is not UTF-8".to_owned())
}

fn is_html(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html"))
}

/// `path` relative to `dir`, for messages.
fn shown(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

/// Every `*.html` regular file under `dir`; symbolic links are not followed.
fn collect_html(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(format!("{}: unreadable directory: {e}", dir.display()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_html(&path, files, problems),
            Ok(t) if t.is_file() && is_html(&path) => files.push(path),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, body: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }

    fn page(body: &str) -> String {
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title>\
             </head><body>{body}</body></html>"
        )
    }

    /// The problems of one page of the site, with the page's name stripped.
    fn of<'a>(problems: &'a [String], file: &str) -> Vec<&'a str> {
        let prefix = format!("{file}: ");
        problems
            .iter()
            .filter_map(|p| p.strip_prefix(&prefix))
            .collect()
    }

    #[test]
    fn a_small_site() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(
            dir,
            "index.html",
            &page(
                "<h1 id=\"top-of\">x</h1>\
                 <a href=\"page.html\">p</a> <a href=\"page.html#sec\">s</a>\
                 <a href=\"#top-of\">t</a> <a href=\"#\">t</a> <a href=\"\">self</a>\
                 <a href=\"sub/other.html?x=1#\">o</a> <a href=\"./sub/../page.html#old\">o</a>\
                 <a href=\"https://example.org/\">e</a> <a href=\"mailto:a@example.org\">m</a>\
                 <img src=\"img/a%20b.png\" srcset=\"img/a%20b.png 1x, img/c.png 2x\" alt=\"\">\
                 <svg><a xlink:href=\"page.html\"><text>s</text></a><use href=\"#top-of\"/></svg>\
                 <script>var s = '<a href=\"nowhere.html\">';</script>",
            ),
        );
        write(
            dir,
            "page.html",
            &page("<h2 id=\"sec\">s</h2><a name=\"old\"></a><a href=\"index.html\">i</a>"),
        );
        write(
            dir,
            "sub/other.html",
            &page("<a href=\"../index.html\">i</a>"),
        );
        write(dir, "img/a b.png", "png");
        write(dir, "img/c.png", "png");
        write(dir, "style.css", "");
        write(dir, "broken.html", &page("<a href=\"missing.html\">m</a>"));
        write(
            dir,
            "dir.html",
            &page("<a href=\"sub/\">d</a><a href=\"sub\">d</a>"),
        );
        write(dir, "frag.html", &page("<a href=\"page.html#nope\">f</a>"));
        write(
            dir,
            "escape.html",
            &page("<a href=\"../outside.html\">o</a>"),
        );
        write(dir, "root.html", &page("<img src=\"/img/c.png\" alt=\"\">"));
        write(
            dir,
            "js.html",
            &page("<a href=\" JavaScript:alert(1)\">j</a><p onclick=\"javascript:x()\">p</p>"),
        );
        write(
            dir,
            "base.html",
            &page("<base href=\"https://example.org/\">"),
        );

        let problems = check_links(dir);
        for good in ["index.html", "page.html", "sub/other.html"] {
            assert_eq!(of(&problems, good), Vec::<&str>::new(), "{problems:#?}");
        }
        let expect = |file: &str, needles: &[&str]| {
            let found = of(&problems, file);
            assert_eq!(found.len(), needles.len(), "{file}: {found:#?}");
            for (found, needle) in found.iter().zip(needles) {
                assert!(found.contains(needle), "{file}: {found} lacks {needle}");
            }
        };
        expect(
            "broken.html",
            &["href=\"missing.html\": no such file missing.html"],
        );
        expect("dir.html", &["names a directory", "names a directory"]);
        expect("frag.html", &["no element with id \"nope\" in page.html"]);
        expect("escape.html", &["climbs out of the site directory"]);
        expect("root.html", &["root-relative"]);
        expect("js.html", &["javascript: URL", "javascript: URL"]);
        expect("base.html", &["<base>"]);
        assert_eq!(problems.len(), 9, "{problems:#?}");
    }

    #[test]
    fn schemes_and_refresh() {
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("a/b:c"), None);
        assert_eq!(scheme("x.html#a:b"), None);
        assert_eq!(scheme("1a:b"), None);
        assert_eq!(
            refresh_url("0; URL='next.html'").as_deref(),
            Some("next.html")
        );
        assert_eq!(refresh_url("5"), None);
    }
}
