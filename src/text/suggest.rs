//! "Did you mean …": the known name closest to a mistyped one, as clap does for flags.

/// The candidate closest to `input` by edit distance (ignoring letter case), if it is close
/// enough to be a typo: at most a third of the input's length, and at least one edit. Ties go
/// to the first candidate.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_lowercase();
    let limit = (input.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&input, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The suggestion as the end of an error message: `` (did you mean `x`?)`` or nothing.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

/// Levenshtein distance over characters (names are short: the quadratic cost does not matter).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name_and_strangers_find_none() {
        let names = ["cloud-a", "cloud-b", "regio-cloud", "scs-compatible-iaas"];
        assert_eq!(suggest("cluod-a", names), Some("cloud-a"));
        assert_eq!(suggest("Cloud-B", names), Some("cloud-b"));
        assert_eq!(suggest("regiocloud", names), Some("regio-cloud"));
        assert_eq!(
            suggest("scs-compatible-iass", names),
            Some("scs-compatible-iaas")
        );
        assert_eq!(suggest("wolke", names), None);
        assert_eq!(suggest("", names), None);
        assert_eq!(suggest("x", []), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(did_you_mean(Some("v5.1")), " (did you mean `v5.1`?)");
    }
}
