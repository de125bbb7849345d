//! A fast reader for the block-style YAML that upstream's checker writes (`yaml.safe_dump`
//! with `default_flow_style=False`): nested block mappings and sequences of plain, single- and
//! double-quoted scalars, folded over several lines where they are long.
//!
//! It is a shortcut, never a referee. It reads only documents the full parser (`crate::yaml`)
//! has already accepted, and it answers `None` for anything outside that narrow form (anchors,
//! tags, block scalars, flow collections other than `[]` and `{}`, tabs in indentation, keys
//! over several lines, CRLF, duplicate keys), so the caller falls back to the full parser.
//! Where it answers, it must give what the full parser gives; the tests hold it to that on
//! generated documents, hostile ones included.

use std::borrow::Cow;

/// A parsed node. Plain scalars keep their text: what type the full parser would give them
/// (string, number, null, boolean) is for the reader of the node to decide, or to give up on.
#[derive(Debug)]
pub(super) enum Node<'a> {
    Map(Vec<(Cow<'a, str>, Node<'a>)>),
    Seq(Vec<Node<'a>>),
    /// A quoted scalar: always a string.
    Quoted(Cow<'a, str>),
    /// A plain scalar.
    Plain(Cow<'a, str>),
    /// No value at all (`key:` with nothing under it): null.
    Empty,
}

impl Node<'_> {
    /// The value under `key` of a mapping.
    pub(super) fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Whether the full parser certainly reads this plain scalar as a string (not as a null, a
/// boolean or a number, in YAML 1.1 or 1.2 spellings). Conservative: `false` means "not sure".
pub(super) fn plain_is_string(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    // Nulls, booleans and numbers (`.5`, `-1_000`, `0x1f`, `1:30`, `.inf`) are spelled with
    // these characters only: anything else (a slash, a space) makes it a string.
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_' | ':' | '~'))
    {
        return true;
    }
    if first.is_ascii_digit() || matches!(first, '+' | '-' | '.' | '~') {
        return false;
    }
    !matches!(
        text.to_ascii_lowercase().as_str(),
        "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    )
}

/// Parses one document (the text of one chunk, with or without its leading `---` line).
pub(super) fn parse(text: &str) -> Option<Node<'_>> {
    if text.contains('\r') || text.contains('\t') {
        return None;
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    // A `---` line with anything after it (a tag, an inline node) is left to the parser.
    if let Some(first) = lines.first()
        && first.starts_with("---")
    {
        if !first[3..].trim().is_empty() {
            return None;
        }
        lines.remove(0);
    }
    let mut p = Parser { lines, i: 0 };
    p.skip_ignorable();
    let node = match p.peek() {
        None => return None,
        Some(line) if indent(line) != 0 => return None,
        Some(_) => p.block(0)?,
    };
    p.skip_ignorable();
    p.peek().is_none().then_some(node)
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    i: usize,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_ignorable(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    t.is_empty() || t.starts_with('#')
}

/// `-` followed by a space or the end of the line.
fn dash_rest(content: &str) -> Option<&str> {
    let rest = content.strip_prefix('-')?;
    if rest.is_empty() {
        Some(rest)
    } else {
        rest.strip_prefix(' ')
    }
}

/// Characters that start something this reader leaves to the parser.
fn starts_unsupported(s: &str) -> bool {
    s.starts_with([
        '&', '*', '!', '|', '>', '%', '@', '`', '?', '[', '{', ']', '}', ',',
    ])
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.lines.get(self.i).copied()
    }

    fn skip_ignorable(&mut self) {
        while self.peek().is_some_and(is_ignorable) {
            self.i += 1;
        }
    }

    /// The node whose first line is the next one, at column `col`.
    fn block(&mut self, col: usize) -> Option<Node<'a>> {
        let line = self.peek()?;
        let content = &line[col..];
        if dash_rest(content).is_some() {
            self.seq(col)
        } else if split_key(content)?.is_some() {
            self.map(col, None)
        } else {
            // A bare scalar on its own line (`key:` then the value below it).
            self.i += 1;
            self.scalar(content, col.checked_sub(1)?)
        }
    }

    /// A block mapping at column `col`. `first` is its first entry's text when it began on a
    /// line already consumed (after a sequence dash).
    fn map(&mut self, col: usize, mut first: Option<&'a str>) -> Option<Node<'a>> {
        let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::new();
        loop {
            let content = if let Some(f) = first.take() {
                f
            } else {
                self.skip_ignorable();
                let Some(line) = self.peek() else { break };
                let ind = indent(line);
                if ind < col {
                    break;
                }
                if ind > col {
                    return None;
                }
                self.i += 1;
                &line[col..]
            };
            let (key, rest) = split_key(content)??;
            let value = self.value(rest, col, true)?;
            if entries.iter().any(|(k, _)| *k == key) {
                return None;
            }
            entries.push((key, value));
        }
        Some(Node::Map(entries))
    }

    /// A block sequence whose dashes stand at column `col`.
    fn seq(&mut self, col: usize) -> Option<Node<'a>> {
        let mut items = Vec::new();
        loop {
            self.skip_ignorable();
            let Some(line) = self.peek() else { break };
            let ind = indent(line);
            if ind < col {
                break;
            }
            if ind > col {
                return None;
            }
            let Some(rest) = dash_rest(&line[col..]) else {
                break;
            };
            self.i += 1;
            let trimmed = rest.trim_start_matches(' ');
            let item_col = col + 1 + (rest.len() - trimmed.len());
            if dash_rest(trimmed).is_some() {
                return None;
            }
            let item = if !trimmed.is_empty()
                && !trimmed.starts_with('#')
                && split_key(trimmed)?.is_some()
            {
                self.map(item_col, Some(trimmed))?
            } else {
                self.value(trimmed, col, false)?
            };
            items.push(item);
        }
        Some(Node::Seq(items))
    }

    /// The value that starts with `rest` on the line just consumed, whose owner (a key or a
    /// dash) stands at column `n`. After a key, a sequence may stand at the key's own column.
    fn value(&mut self, rest: &'a str, n: usize, after_key: bool) -> Option<Node<'a>> {
        let rest = rest.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with('#') {
            let at = self.i;
            self.skip_ignorable();
            let Some(line) = self.peek() else {
                return Some(Node::Empty);
            };
            let ind = indent(line);
            if ind > n {
                return self.block(ind);
            }
            if after_key && ind == n && dash_rest(&line[n..]).is_some() {
                return self.seq(n);
            }
            self.i = at;
            return Some(Node::Empty);
        }
        match rest.trim_end_matches(' ') {
            "[]" => return Some(Node::Seq(Vec::new())),
            "{}" => return Some(Node::Map(Vec::new())),
            _ => {}
        }
        self.scalar(rest, n)
    }

    /// A scalar that starts with `text` on the line just consumed; continuation lines of a
    /// plain scalar stand deeper than column `n`.
    fn scalar(&mut self, text: &'a str, n: usize) -> Option<Node<'a>> {
        if starts_unsupported(text) {
            return None;
        }
        if text.starts_with(['\'', '"']) {
            let (value, after) = self.quoted(text)?;
            let after = after.trim_start_matches(' ');
            return (after.is_empty() || after.starts_with('#')).then_some(Node::Quoted(value));
        }
        let (first, commented) = plain_line(text)?;
        let mut value = Cow::Borrowed(first);
        if commented {
            return Some(Node::Plain(value));
        }
        // Continuation lines: deeper than the owner, neither comments nor keys.
        let mut blank = 0;
        let mut j = self.i;
        while let Some(line) = self.lines.get(j) {
            let t = line.trim_start_matches(' ');
            if t.is_empty() {
                blank += 1;
                j += 1;
                continue;
            }
            if indent(line) <= n || t.starts_with('#') {
                break;
            }
            let (part, commented) = plain_line(t)?;
            if split_key(t)?.is_some() || part.is_empty() {
                return None;
            }
            let v = value.to_mut();
            if blank == 0 {
                v.push(' ');
            } else {
                v.extend(std::iter::repeat_n('\n', blank));
            }
            v.push_str(part);
            blank = 0;
            j += 1;
            self.i = j;
            if commented {
                break;
            }
        }
        Some(Node::Plain(value))
    }

    /// A quoted scalar starting at `text` (its opening quote), on the line just consumed and
    /// maybe the next ones. Gives the value and what follows the closing quote on its line.
    fn quoted(&mut self, text: &'a str) -> Option<(Cow<'a, str>, &'a str)> {
        let double = text.starts_with('"');
        let body = &text[1..];
        // The common case: one line, nothing to unescape.
        let plain_end = if double {
            body.find(['"', '\\'])
        } else {
            body.find('\'')
        };
        if let Some(end) = plain_end
            && body[end..].starts_with(if double { '"' } else { '\'' })
            && (double || !body[end + 1..].starts_with('\''))
        {
            return Some((Cow::Borrowed(&body[..end]), &body[end + 1..]));
        }
        let mut out = String::new();
        // Where trailing literal whitespace of `out` begins (it is dropped at a line break).
        let mut ws_from = 0;
        let mut line = body;
        loop {
            let mut chars = line.char_indices();
            let mut escaped_break = false;
            while let Some((at, c)) = chars.next() {
                match c {
                    '\'' if !double => {
                        if line[at + 1..].starts_with('\'') {
                            chars.next();
                            out.push('\'');
                            ws_from = out.len();
                        } else {
                            return Some((Cow::Owned(out), &line[at + 1..]));
                        }
                    }
                    '"' if double => return Some((Cow::Owned(out), &line[at + 1..])),
                    '\\' if double => {
                        let Some((_, e)) = chars.next() else {
                            escaped_break = true;
                            break;
                        };
                        let hex = |len: usize, chars: &mut std::str::CharIndices<'_>| {
                            let start = chars.offset();
                            let digits = line.get(start..start + len)?;
                            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return None;
                            }
                            for _ in 0..len {
                                chars.next();
                            }
                            char::from_u32(u32::from_str_radix(digits, 16).ok()?)
                        };
                        let ch = match e {
                            '0' => '\0',
                            'a' => '\x07',
                            'b' => '\x08',
                            't' => '\t',
                            'n' => '\n',
                            'v' => '\x0b',
                            'f' => '\x0c',
                            'r' => '\r',
                            'e' => '\x1b',
                            ' ' => ' ',
                            '"' => '"',
                            '/' => '/',
                            '\\' => '\\',
                            'N' => '\u{85}',
                            '_' => '\u{a0}',
                            'L' => '\u{2028}',
                            'P' => '\u{2029}',
                            'x' => hex(2, &mut chars)?,
                            'u' => hex(4, &mut chars)?,
                            'U' => hex(8, &mut chars)?,
                            _ => return None,
                        };
                        out.push(ch);
                        ws_from = out.len();
                    }
                    ' ' => out.push(' '),
                    _ => {
                        out.push(c);
                        ws_from = out.len();
                    }
                }
            }
            // A line break inside the scalar.
            if !escaped_break {
                out.truncate(ws_from);
            }
            let mut blank = 0;
            loop {
                let next = self.peek()?;
                if next.starts_with("---") || next.starts_with("...") {
                    return None;
                }
                self.i += 1;
                let t = next.trim_start_matches(' ');
                if t.is_empty() {
                    blank += 1;
                } else {
                    line = t;
                    break;
                }
            }
            if blank > 0 {
                out.extend(std::iter::repeat_n('\n', blank));
            } else if !escaped_break {
                out.push(' ');
            }
            ws_from = out.len();
        }
    }
}

/// The text of a plain scalar on one line, up to a comment (` #`), and whether one follows.
/// `None` where a `: ` inside it would make it a key or an error.
fn plain_line(text: &str) -> Option<(&str, bool)> {
    let (text, commented) = match text.find(" #") {
        Some(at) => (&text[..at], true),
        None => (text, false),
    };
    let text = text.trim_end_matches(' ');
    if text.contains(": ") || text.ends_with(':') {
        return None;
    }
    Some((text, commented))
}

/// Splits `key: rest` (or `key:` at the end of the line). `Some(None)` when the line is no
/// key line; `None` when it is one this reader leaves to the parser (a quoted key with
/// escapes, an explicit `?` key, ...).
#[allow(
    clippy::type_complexity,
    reason = "a nested Option says three things: a key, no key, not sure"
)]
fn split_key(content: &str) -> Option<Option<(Cow<'_, str>, &str)>> {
    if content.starts_with('?') && (content.len() == 1 || content[1..].starts_with(' ')) {
        return None;
    }
    if let Some(q) = content.chars().next().filter(|c| matches!(c, '\'' | '"')) {
        let body = &content[1..];
        let Some(end) = body.find(q) else {
            // A quoted scalar running on: a value, or a key over several lines (refused later
            // by `scalar`, which sees a `:` after the closing quote).
            return Some(None);
        };
        let after = body[end + 1..].trim_start_matches(' ');
        let Some(rest) = after.strip_prefix(':') else {
            return Some(None);
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return Some(None);
        }
        // Keys with escapes or doubled quotes are rare: leave them to the parser.
        if body[..end].contains(['\\', '\'']) || body[end + 1..].starts_with(q) {
            return None;
        }
        return Some(Some((Cow::Borrowed(&body[..end]), rest)));
    }
    let comment = content.find(" #").unwrap_or(content.len());
    let head = &content[..comment];
    let colon = head.find(": ").or_else(|| {
        head.trim_end_matches(' ')
            .ends_with(':')
            .then(|| head.trim_end_matches(' ').len() - 1)
    });
    let Some(colon) = colon else {
        return Some(None);
    };
    let key = content[..colon].trim_end_matches(' ');
    if key.is_empty()
        || starts_unsupported(key)
        || key.starts_with(['#', '\'', '"'])
        || dash_rest(key).is_some()
    {
        return None;
    }
    Some(Some((Cow::Borrowed(key), &content[colon + 1..])))
}
