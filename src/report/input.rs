//! From bytes to document texts: size and encoding checks, the YAML document split, and the
//! JSON depth check.

use super::{Error, Format, MAX_REPORT_BYTES};
use crate::yaml;

/// The text of one YAML document and the number of lines before it in the file.
#[derive(Debug)]
pub(super) struct Chunk<'a> {
    pub(super) text: &'a str,
    pub(super) lines_before: u64,
}

/// Checks size and encoding and drops a leading byte order mark.
///
/// A BOM is accepted: YAML 1.2 (§5.2) allows one at the start of a stream, and RFC 8259 §8.1
/// lets a JSON parser ignore it. Only the text after it is parsed; the signed bytes are the
/// caller's, untouched.
pub(super) fn text(bytes: &[u8]) -> Result<&str, Error> {
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(Error::TooLarge {
            size: bytes.len(),
            limit: MAX_REPORT_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// JSON when the first byte that is not whitespace (nor a leading BOM) is `{`, else YAML.
pub(super) fn detect(bytes: &[u8]) -> Format {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Json,
        _ => Format::Yaml,
    }
}

/// A directives-end marker line: `---` at the start of a line, then a space, tab, line break or
/// the end of input. YAML 1.2 (§9.1.2, `c-forbidden`) lets no scalar contain such a line, and a
/// block scalar ends before it, so it always starts a new document.
fn is_document_start(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// A line that holds no content: blank, a comment, or a directive (`%YAML`, `%TAG`).
fn is_ignorable(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#') || t.starts_with('%')
}

/// Splits a YAML stream into its documents, so each is parsed on its own and errors can name
/// the document. Text before the first `---` that holds only blank lines, comments and
/// directives belongs to the first document; with content it is a document of its own (a bare
/// document, as a hand-written single report may be). A chunk holding `...` followed by another
/// bare document is refused by the parser ("more than one document"), never silently misread.
pub(super) fn split_yaml(text: &str) -> Result<Vec<Chunk<'_>>, Error> {
    let mut starts: Vec<(usize, u64)> = Vec::new();
    let mut prefix_has_content = false;
    let mut offset = 0;
    for (line_no, line) in (0u64..).zip(text.split_inclusive('\n')) {
        if is_document_start(line) {
            starts.push((offset, line_no));
        } else if starts.is_empty() && !is_ignorable(line) {
            prefix_has_content = true;
        }
        offset += line.len();
    }
    match starts.first_mut() {
        None if !prefix_has_content => return Err(Error::NoDocuments),
        None => starts.push((0, 0)),
        Some(first) if !prefix_has_content => *first = (0, 0),
        Some(_) => starts.insert(0, (0, 0)),
    }
    if starts.len() > yaml::MAX_DOCUMENTS {
        return Err(Error::TooManyDocuments {
            limit: yaml::MAX_DOCUMENTS,
        });
    }
    let ends = starts.iter().skip(1).map(|&(o, _)| o).chain([text.len()]);
    Ok(starts
        .iter()
        .zip(ends)
        .map(|(&(start, lines_before), end)| Chunk {
            text: &text[start..end],
            lines_before,
        })
        .collect())
}

/// Refuses JSON nesting deeper than YAML input may nest ([`yaml::MAX_DEPTH`]), before serde
/// sees it: the parts of a report we skip are read without serde_json's recursion limit.
pub(super) fn check_json_depth(text: &str) -> Result<(), Error> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > yaml::MAX_DEPTH {
                    return Err(Error::TooDeep {
                        limit: yaml::MAX_DEPTH,
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(&str, u64)> {
        split_yaml(text)
            .unwrap()
            .into_iter()
            .map(|c| (c.text, c.lines_before))
            .collect()
    }

    #[test]
    fn splits_on_marker_lines_only() {
        assert_eq!(
            split("---\na: 1\n---\nb: 2\n"),
            [("---\na: 1\n", 0), ("---\nb: 2\n", 2)]
        );
        assert_eq!(
            split("# c\n%YAML 1.2\n--- x\n"),
            [("# c\n%YAML 1.2\n--- x\n", 0)]
        );
        assert_eq!(
            split("a: 1\n---\r\nb: 2"),
            [("a: 1\n", 0), ("---\r\nb: 2", 1)]
        );
        assert_eq!(split("a: '---'\nb: ----\n"), [("a: '---'\nb: ----\n", 0)]);
        assert_eq!(split("---"), [("---", 0)]);
        assert!(matches!(split_yaml(" \n# only\n"), Err(Error::NoDocuments)));
        assert!(matches!(split_yaml(""), Err(Error::NoDocuments)));
    }

    #[test]
    fn json_depth_ignores_brackets_in_strings() {
        let deep = format!("{}{}", "[".repeat(49), "]".repeat(49));
        assert!(check_json_depth(&deep).is_err());
        let ok = format!(r#"{{"a": "{}\"[[", "b": [[]]}}"#, "[".repeat(100));
        assert!(check_json_depth(&ok).is_ok());
    }

    #[test]
    fn detects_json_by_first_byte() {
        assert_eq!(detect(b" \r\n\t{\"a\": 1}"), Format::Json);
        assert_eq!(detect(b"\xef\xbb\xbf{}"), Format::Json);
        assert_eq!(detect(b"---\n{}"), Format::Yaml);
        assert_eq!(detect(b""), Format::Yaml);
    }
}
