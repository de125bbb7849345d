//! The project README's command blocks, for the tests that run them as written.

/// The lines of each ```` ```sh ```` block, a line continued with `\` joined to the next.
pub fn sh_blocks(readme: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    let mut pending = String::new();
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(lines), text) => {
                if let Some(head) = text.strip_suffix('\\') {
                    pending.push_str(head);
                    continue;
                }
                pending.push_str(text);
                let joined = std::mem::take(&mut pending);
                if !joined.trim().is_empty() {
                    lines.push(joined.trim().to_owned());
                }
            }
            (None, _) => {}
        }
    }
    blocks
}
