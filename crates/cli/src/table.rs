//! Aligned columns for the lists the tools print (`subject list`, `scope list`,
//! `certificates`): a header row, then one row per item, each column as wide as its widest cell.

/// The rows as lines, columns separated by two spaces and padded to the widest cell (counted in
/// characters, colour escapes not counted); the last column is not padded, so no line ends in
/// spaces.
pub fn table<R: AsRef<[String]>>(rows: &[R]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.as_ref().iter().enumerate() {
            let w = visible_width(cell);
            match widths.get_mut(i) {
                Some(max) => *max = (*max).max(w),
                None => widths.push(w),
            }
        }
    }
    rows.iter()
        .map(|row| {
            let row = row.as_ref();
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    let pad = widths[i] - visible_width(cell);
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            line
        })
        .collect()
}

/// Characters a terminal shows: an SGR colour escape (`ESC [ … m`, what [`crate::Printer::paint`]
/// adds) takes no room.
fn visible_width(cell: &str) -> usize {
    let mut width = 0;
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            width += 1;
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_lines_end_clean() {
        let rows = vec![
            vec!["SUBJECT".to_owned(), "NAME".to_owned(), "KEYS".to_owned()],
            vec!["cloud-ä".to_owned(), "Wolke".to_owned(), "1".to_owned()],
            vec![
                "c".to_owned(),
                "\u{1b}[32m-\u{1b}[0m".to_owned(),
                "12".to_owned(),
            ],
        ];
        assert_eq!(
            table(&rows),
            [
                "SUBJECT  NAME   KEYS",
                "cloud-ä  Wolke  1",
                "c        \u{1b}[32m-\u{1b}[0m      12"
            ]
        );
    }
}
