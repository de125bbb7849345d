//! One line of an allowed_signers file, read as ssh-keygen reads it (sshsig.c, `parse_principals_key_and_options`;
//! sshd(8) AUTHORIZED_KEYS FILE FORMAT for the options).

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::{Entry, LineProblem};
use crate::time::Instant;

/// Parses one line; `None` for blank and comment lines.
pub(super) fn parse_line(raw: &str, line: usize) -> Result<Option<Entry>, LineProblem> {
    let rest = raw.trim_start_matches([' ', '\t', '\r', '\n']);
    if rest.is_empty() || rest.starts_with('#') {
        return Ok(None);
    }
    // Principals: one word, or a double-quoted string (OpenSSH `strdelimw`).
    let (principals, rest) = if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"').ok_or(LineProblem::UnterminatedQuote)?;
        (&quoted[..end], &quoted[end + 1..])
    } else {
        let end = rest.find([' ', '\t']).unwrap_or(rest.len());
        (&rest[..end], &rest[end..])
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return Err(LineProblem::MissingKey);
    }
    // Like ssh-keygen: if the next word is a key type, there are no options.
    let first_word = &rest[..rest.find([' ', '\t']).unwrap_or(rest.len())];
    let is_key_type = matches!(
        ssh_key::Algorithm::new(first_word),
        Ok(alg) if !matches!(alg, ssh_key::Algorithm::Other(_))
    );
    let (options, key_text) = if is_key_type {
        (Options::default(), rest)
    } else {
        let end = end_of_options(rest)?;
        let key_text = rest[end..].trim_start_matches([' ', '\t']);
        if key_text.is_empty() {
            return Err(LineProblem::MissingKey);
        }
        (parse_options(&rest[..end])?, key_text)
    };
    let key_type = &key_text[..key_text.find([' ', '\t']).unwrap_or(key_text.len())];
    let supported =
        ssh_key::Algorithm::new(key_type).is_ok_and(|alg| crate::sig::check_algorithm(alg).is_ok());
    if !supported {
        return Err(LineProblem::UnsupportedKeyType {
            key_type: key_type.chars().take(80).collect(),
        });
    }
    let key =
        ssh_key::PublicKey::from_openssh(key_text).map_err(|source| LineProblem::InvalidKey {
            source: Box::new(source),
        })?;
    Ok(Some(Entry {
        line,
        principals: principals.to_owned(),
        cert_authority: options.cert_authority,
        namespaces: options.namespaces,
        valid_after: options.valid_after,
        valid_before: options.valid_before,
        key,
    }))
}

/// OpenSSH `sshkey_advance_past_options`: options end at the first space or tab outside
/// double quotes.
fn end_of_options(s: &str) -> Result<usize, LineProblem> {
    let mut quoted = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted && bytes.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => quoted = !quoted,
            b' ' | b'\t' if !quoted => return Ok(i),
            _ => {}
        }
        i += 1;
    }
    if quoted {
        Err(LineProblem::UnterminatedQuote)
    } else {
        Ok(bytes.len())
    }
}

#[derive(Default)]
struct Options {
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<Instant>,
    valid_before: Option<Instant>,
}

/// OpenSSH `sshsigopt_parse`: comma-separated, names case-insensitive, values quoted.
fn parse_options(mut s: &str) -> Result<Options, LineProblem> {
    let mut options = Options::default();
    loop {
        if let Some(rest) = strip_prefix_ignore_case(s, "cert-authority") {
            options.cert_authority = true;
            s = rest;
        } else if let Some(rest) = strip_prefix_ignore_case(s, "namespaces=") {
            let option = "namespaces";
            let (value, rest) = dequote(rest, option)?;
            if options.namespaces.replace(value).is_some() {
                return Err(LineProblem::DuplicateOption { option });
            }
            s = rest;
        } else if let Some(rest) = strip_prefix_ignore_case(s, "valid-after=") {
            let option = "valid-after";
            let (value, rest) = dequote(rest, option)?;
            let time = parse_time(&value).ok_or(LineProblem::InvalidTime { option, value })?;
            if options.valid_after.replace(time).is_some() {
                return Err(LineProblem::DuplicateOption { option });
            }
            s = rest;
        } else if let Some(rest) = strip_prefix_ignore_case(s, "valid-before=") {
            let option = "valid-before";
            let (value, rest) = dequote(rest, option)?;
            let time = parse_time(&value).ok_or(LineProblem::InvalidTime { option, value })?;
            if options.valid_before.replace(time).is_some() {
                return Err(LineProblem::DuplicateOption { option });
            }
            s = rest;
        } else {
            return Err(LineProblem::UnknownOption { text: s.to_owned() });
        }
        match s.strip_prefix(',') {
            _ if s.is_empty() => break,
            Some(rest) if !rest.is_empty() => s = rest,
            _ => return Err(LineProblem::UnknownOption { text: s.to_owned() }),
        }
    }
    if let (Some(after), Some(before)) = (options.valid_after, options.valid_before)
        && before <= after
    {
        return Err(LineProblem::EmptyValidity);
    }
    Ok(options)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// OpenSSH `opt_dequote`: a double-quoted value; `\"` stands for a quote inside it.
fn dequote<'a>(s: &'a str, option: &'static str) -> Result<(String, &'a str), LineProblem> {
    let inner = s
        .strip_prefix('"')
        .ok_or(LineProblem::UnquotedValue { option })?;
    let mut value = String::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if inner[i + 1..].starts_with('"') => {
                value.push('"');
                chars.next();
            }
            '"' => return Ok((value, &inner[i + 1..])),
            c => value.push(c),
        }
    }
    Err(LineProblem::UnterminatedQuote)
}

/// OpenSSH `parse_absolute_time`: `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally
/// followed by `Z` or `UTC`. Without a suffix ssh-keygen uses local time; we use UTC.
pub(super) fn parse_time(s: &str) -> Option<Instant> {
    let digits = ["Z", "z", "UTC", "utc"]
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix))
        .unwrap_or(s);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let naive = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?,
        12 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M").ok()?,
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?,
        _ => return None,
    };
    Some(Utc.from_utc_datetime(&naive))
}
