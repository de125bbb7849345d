//! The site's templates: embedded in the binary, each overridable by a file of the same name in
//! `--templates DIR`. HTML templates auto-escape every value; the Markdown template escapes
//! every value for Markdown (where raw HTML would otherwise pass through to the docs site).

use std::fmt::Write as _;
use std::path::Path;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Output, State};

use crate::Error;

/// Every template, by name, with its built-in text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    ("index.html", include_str!("../templates/index.html")),
    (
        "certificate.html",
        include_str!("../templates/certificate.html"),
    ),
    ("subject.html", include_str!("../templates/subject.html")),
    ("detail.html", include_str!("../templates/detail.html")),
    ("group.html", include_str!("../templates/group.html")),
    ("report.html", include_str!("../templates/report.html")),
    ("scope.html", include_str!("../templates/scope.html")),
    ("overview.md", include_str!("../templates/overview.md")),
    ("style.css", include_str!("../templates/style.css")),
];

/// Largest override file read.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// The templates in use.
#[derive(Debug, Clone)]
pub struct Templates {
    sources: Vec<(&'static str, String)>,
}

impl Templates {
    /// The built-in templates.
    pub fn builtin() -> Templates {
        Templates {
            sources: BUILTIN.iter().map(|(n, s)| (*n, (*s).to_owned())).collect(),
        }
    }

    /// The built-in templates with those in `dir` in their place. A file whose name is no
    /// template's is refused (a typo would otherwise be ignored silently).
    ///
    /// # Errors
    ///
    /// Unreadable files, unknown names, text that is not UTF-8.
    pub fn with_overrides(dir: &Path) -> Result<Templates, Error> {
        let mut templates = Templates::builtin();
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, &e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("read", dir, &e))?;
            names.push(entry.file_name());
        }
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let name = name.to_string_lossy().into_owned();
            let Some(slot) = templates.sources.iter_mut().find(|(n, _)| *n == name) else {
                return Err(Error::UnknownTemplate {
                    name,
                    known: BUILTIN
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            let bytes =
                scs_cert::file::read_regular(&path).map_err(|e| Error::io("read", &path, &e))?;
            if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
                return Err(Error::Template {
                    name,
                    message: format!("larger than {MAX_TEMPLATE_BYTES} bytes"),
                });
            }
            slot.1 = String::from_utf8(bytes).map_err(|_| Error::Template {
                name: name.clone(),
                message: "not UTF-8 text".into(),
            })?;
        }
        Ok(templates)
    }

    /// A template's text.
    pub(crate) fn source(&self, name: &str) -> &str {
        self.sources
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, s)| s.as_str())
    }

    /// The environment with every template compiled.
    ///
    /// # Errors
    ///
    /// A template that does not compile.
    pub(crate) fn environment(&self) -> Result<Environment<'static>, Error> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else if name.ends_with(".md") {
                AutoEscape::Custom("markdown".into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(format_value);
        env.add_filter("mdurl", markdown_url);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let mut syntax = minijinja::syntax::SyntaxConfig::builder();
        syntax
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true);
        env.set_syntax(syntax.build().map_err(|e| Error::Template {
            name: "(syntax)".into(),
            message: e.to_string(),
        })?);
        for (name, source) in &self.sources {
            if name.ends_with(".css") {
                continue;
            }
            env.add_template_owned(*name, source.clone())
                .map_err(|e| Error::Template {
                    name: (*name).to_owned(),
                    message: e.to_string(),
                })?;
        }
        Ok(env)
    }
}

/// HTML escaping, and Markdown escaping for `.md` templates; `none` prints nothing.
fn format_value(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let markdown = match state.auto_escape() {
        AutoEscape::Custom(name) if name == "markdown" => true,
        AutoEscape::Html => false,
        _ => return minijinja::escape_formatter(out, state, value),
    };
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    // Strings (nearly every value) are escaped straight into the page, without a copy.
    let owned;
    let text = match value.as_str() {
        Some(s) => s,
        None => {
            owned = value.to_string();
            &owned
        }
    };
    let written = if value.is_safe() {
        out.write_str(text)
    } else if markdown {
        out.write_str(&markdown_escape(text))
    } else {
        write_html_escaped(out, text)
    };
    written.map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write"))
}

/// HTML text and attribute escaping: `&`, `<`, `>`, `"` and `'` (minijinja's own escaping also
/// turns `/` into `&#x2f;`, which is harmless but makes every link unreadable in the source).
pub fn html_escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    let _ = write_html_escaped(&mut s, text);
    s
}

fn write_html_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    // Copies the runs between special characters whole: they are all ASCII, so a byte search
    // never splits a character.
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..at])?;
        out.write_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        })?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest)
}

/// A URL for a Markdown link target: characters that would end or break the target are
/// percent-encoded, and the result is marked safe (it is not escaped again).
fn markdown_url(url: String) -> Value {
    let mut s = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' | ')' | '<' | '>' | ' ' | '\\' | '[' | ']' | '"' | '\'' | '`' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(s, "%{b:02X}");
                }
            }
            c if c.is_control() => {}
            c => s.push(c),
        }
    }
    Value::from_safe_string(s)
}

/// Text that Markdown shows as it is: every punctuation character with a meaning escaped, `<`
/// and `&` as entities (no HTML passes through), newlines as spaces (a table cell is one line).
pub fn markdown_escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '&' => s.push_str("&amp;"),
            '\n' | '\r' => s.push(' '),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '~' | '"' | '\'' | ':' => {
                let _ = write!(s, "\\{c}");
            }
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_compiles_and_markdown_is_escaped() {
        let env = Templates::builtin().environment().unwrap();
        assert!(env.get_template("index.html").is_ok());
        assert_eq!(
            markdown_escape("<script>[x](javascript:y)|"),
            "&lt;script&gt;\\[x\\]\\(javascript\\:y\\)\\|"
        );
    }
}
