//! OpenSSH pattern lists (ssh_config(5) PATTERNS; OpenSSH `match.c`), as allowed-signers
//! files use them for principals and `namespaces=`.

/// How a string fares against a comma-separated pattern list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListMatch {
    /// No sub-pattern matched.
    None,
    /// A positive sub-pattern matched and no negated one did.
    Positive,
    /// A negated sub-pattern (`!pat`) matched; this wins over any positive match.
    Negated,
}

/// OpenSSH `match_pattern_list(string, pattern, dolower = 0)`: case-sensitive, `,` separates
/// sub-patterns, a leading `!` negates one, and a negated match wins regardless of order.
pub(crate) fn match_pattern_list(string: &str, list: &str) -> ListMatch {
    let mut positive = false;
    for sub in list.split(',') {
        let (negated, pattern) = match sub.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, sub),
        };
        if match_pattern(string.as_bytes(), pattern.as_bytes()) {
            if negated {
                return ListMatch::Negated;
            }
            positive = true;
        }
    }
    if positive {
        ListMatch::Positive
    } else {
        ListMatch::None
    }
}

/// Whether `string` is allowed by `list`, as ssh-keygen requires (`match_pattern_list(..) == 1`).
pub(crate) fn allows(list: &str, string: &str) -> bool {
    match_pattern_list(string, list) == ListMatch::Positive
}

/// OpenSSH `match_pattern`: `*` matches any run of bytes (also empty), `?` exactly one byte,
/// everything else itself. Iterative with one backtrack point, so hostile patterns with many
/// stars stay O(len(string) * len(pattern)).
fn match_pattern(s: &[u8], p: &[u8]) -> bool {
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if c == b'?' || c == s[si] => {
                si += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_patterns() {
        assert!(match_pattern(b"regio-a", b"regio-a"));
        assert!(match_pattern(b"regio-a", b"regio-*"));
        assert!(match_pattern(b"regio-a", b"*"));
        assert!(match_pattern(b"", b"*"));
        assert!(match_pattern(b"regio-a", b"regio-?"));
        assert!(!match_pattern(b"regio-ab", b"regio-?"));
        assert!(match_pattern(b"pco-prod3", b"p*o*3"));
        assert!(!match_pattern(b"Regio-a", b"regio-a"));
        assert!(!match_pattern(b"regio", b"regio-*"));
        assert!(match_pattern(b"aaaaaaaaaaaaaaaaaaab", b"*a*a*a*a*a*b"));
        assert!(!match_pattern(b"aaaaaaaaaaaaaaaaaaaa", b"*a*a*a*a*a*b"));
    }

    #[test]
    fn lists_with_negation() {
        assert_eq!(
            match_pattern_list("pco-prod3", "pco-*,!pco-prod3"),
            ListMatch::Negated
        );
        assert_eq!(
            match_pattern_list("pco-prod3", "!pco-prod3,pco-*"),
            ListMatch::Negated
        );
        assert_eq!(
            match_pattern_list("pco-prod2", "pco-*,!pco-prod3"),
            ListMatch::Positive
        );
        assert_eq!(match_pattern_list("other", "!pco-prod3"), ListMatch::None);
        assert!(!allows("!pco-prod3", "other"));
        assert!(allows("report,git", "git"));
    }

    #[test]
    fn namespace_lists_as_git_reads_them() {
        assert!(allows("git", "git"));
        assert!(allows("report,git", "git"));
        assert!(allows("g*", "git"));
        assert!(allows("g?t", "git"));
        assert!(!allows("report", "git"));
        assert!(!allows("*,!git", "git"));
        assert!(!allows("gi", "git"));
    }
}
