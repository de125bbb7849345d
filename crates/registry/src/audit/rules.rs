//! How each registry path may change from one commit to the next (DESIGN §5), and the byte
//! comparisons behind "only appended to".

use crate::ledger::LEDGER_DIR;

use scs_cert::cert::CERTIFICATES_DIR;

/// How a path may change from one commit to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// `ledger/**`: append only, and every appended line is checked.
    Ledger,
    /// `certificates/<ID>.events.jsonl`: append only (a certificate's lifecycle events).
    AppendOnly,
    /// Other files under `certificates/` (the record `.yaml`, its `.yaml.sig`, the `.pem`):
    /// written once, never changed.
    WriteOnce,
    /// Anything else (scopes may be replaced, subjects and keys edited).
    Free,
}

/// The rule for a registry path.
pub(super) fn rule(path: &str) -> Rule {
    if path.starts_with(&format!("{LEDGER_DIR}/")) {
        Rule::Ledger
    } else if let Some(rest) = path.strip_prefix(&format!("{CERTIFICATES_DIR}/")) {
        if rest.ends_with(".events.jsonl") && !rest.contains('/') {
            Rule::AppendOnly
        } else {
            Rule::WriteOnce
        }
    } else {
        Rule::Free
    }
}

/// Where the appended bytes start when `new` only appends whole lines to `old`.
pub(super) fn appended_at(old: &[u8], new: &[u8]) -> Option<usize> {
    if !new.starts_with(old) {
        return None;
    }
    // Bytes glued onto an unterminated last line change that line.
    let glued = !old.is_empty()
        && !old.ends_with(b"\n")
        && new.len() > old.len()
        && new[old.len()] != b'\n';
    (!glued).then_some(old.len())
}

/// 1-based number of the first line where `old` and `new` differ.
pub(super) fn first_differing_line(old: &[u8], new: &[u8]) -> usize {
    let same = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    1 + old[..same].iter().filter(|&&b| b == b'\n').count()
}

pub(super) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger;

    #[test]
    fn rules_and_appends() {
        assert_eq!(rule("ledger/a/b/2026-01.jsonl"), Rule::Ledger);
        assert_eq!(rule("certificates/C-1.events.jsonl"), Rule::AppendOnly);
        assert_eq!(rule("certificates/C-1.yaml"), Rule::WriteOnce);
        assert_eq!(rule("certificates/C-1.yaml.sig"), Rule::WriteOnce);
        assert_eq!(rule("certificates/x/C-1.events.jsonl"), Rule::WriteOnce);
        assert_eq!(rule("scopes/x.yaml"), Rule::Free);
        assert_eq!(rule("ledgers.txt"), Rule::Free);
        assert_eq!(appended_at(b"a\n", b"a\nb\n"), Some(2));
        assert_eq!(appended_at(b"", b"b\n"), Some(0));
        assert_eq!(appended_at(b"a", b"ab\n"), None);
        assert_eq!(appended_at(b"a", b"a\nb\n"), Some(1));
        assert_eq!(appended_at(b"a\nb\n", b"a\nc\n"), None);
        assert_eq!(first_differing_line(b"a\nb\nc\n", b"a\nb\nd\n"), 3);
        assert!(is_sha256_hex(&ledger::sha256_hex(b"x")));
        assert!(!is_sha256_hex("../../etc/passwd"));
    }
}
