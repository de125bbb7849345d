//! What a published report page may show of a run's logs: upstream's redaction rule
//! (scs-upstream §4.5, the monitor's public report view).
//!
//! Of each invocation's captured output only two kinds of line are kept: stdout lines whose
//! text after the last `": "` is `PASS`, `ABORT` or `FAIL` (the result lines), and stderr lines
//! starting with `WARNIN` or `ERROR:`. Everything else (hostnames, tokens a checker printed,
//! `CRITICAL` tracebacks) stays in the signed body, which the forum publishes only where its
//! policy says so.

use serde::Deserialize;

use super::{Error, input, scan};
use crate::yaml;

/// Most invocations read from one document (upstream runs a few dozen).
const MAX_INVOCATIONS: usize = 10_000;

/// One invocation's output, redacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedactedInvocation {
    /// The invocation's key under `run.invocations`.
    pub id: String,
    /// The command line, if recorded.
    pub cmd: Option<String>,
    /// The exit status, if recorded.
    pub rc: Option<i64>,
    /// The stdout lines kept.
    pub stdout: Vec<String>,
    /// The stderr lines kept.
    pub stderr: Vec<String>,
    /// How many lines were left out, stdout and stderr together.
    pub removed: usize,
}

/// Whether a stdout line is a result line: its text after the last `": "` is a verdict.
pub fn keeps_stdout(line: &str) -> bool {
    // The same as "split at the last `": "`, trim the tail's end, compare": no verdict holds
    // a `": "`, so the last one is the one just before the verdict.
    let line = line.trim_end();
    [": PASS", ": ABORT", ": FAIL"]
        .iter()
        .any(|v| line.ends_with(v))
}

/// Whether a stderr line is a warning or an error line.
pub fn keeps_stderr(line: &str) -> bool {
    line.starts_with("WARNIN") || line.starts_with("ERROR:")
}

#[derive(Deserialize)]
struct LogDoc {
    #[serde(default)]
    run: Option<serde_json::Value>,
}

/// The redacted output of every invocation of document `document` (0-based) of a report
/// file, in invocation-key order. A document without invocations (or with logs of an
/// unexpected shape) gives an empty list: the page then says there is nothing to show.
///
/// # Errors
///
/// The report limits and syntax errors of [`super::parse`].
pub fn redacted(bytes: &[u8], document: usize) -> Result<Vec<RedactedInvocation>, Error> {
    let text = input::text(bytes)?;
    let doc: LogDoc = match input::detect(text.as_bytes()) {
        super::Format::Json => {
            input::check_json_depth(text)?;
            serde_json::from_str(text).map_err(|e| Error::Json {
                position: yaml::Position {
                    line: e.line() as u64,
                    column: e.column() as u64,
                },
                message: e.to_string(),
            })?
        }
        super::Format::Yaml => {
            let chunks = input::split_yaml(text)?;
            let Some(chunk) = chunks.into_iter().nth(document) else {
                return Ok(Vec::new());
            };
            if let Some(fast) = scan::parse(chunk.text).and_then(|root| from_scan(&root)) {
                return Ok(fast);
            }
            yaml::from_str(chunk.text).map_err(|source| Error::Yaml { document, source })?
        }
    };
    Ok(from_doc(doc))
}

fn from_doc(doc: LogDoc) -> Vec<RedactedInvocation> {
    let Some(serde_json::Value::Object(mut run)) = doc.run else {
        return Vec::new();
    };
    let Some(serde_json::Value::Object(invocations)) = run.remove("invocations") else {
        return Vec::new();
    };
    // Sorted here, whatever order serde_json's map keeps.
    let mut invocations: Vec<(String, serde_json::Value)> = invocations.into_iter().collect();
    invocations.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (id, inv) in invocations.into_iter().take(MAX_INVOCATIONS) {
        // Every item is a line; only a string can be kept (a plain `12` or `Y` never reads
        // as a result or a warning line, whatever type a parser gives it).
        let lines = |key: &str| -> (Vec<String>, usize) {
            inv.get(key)
                .and_then(|v| v.as_array())
                .map_or((Vec::new(), 0), |a| {
                    let text = a.iter().filter_map(|l| l.as_str().map(str::to_owned));
                    (text.collect(), a.len())
                })
        };
        out.push(invocation(
            id,
            inv.get("cmd").and_then(|v| v.as_str()).map(str::to_owned),
            inv.get("rc").and_then(serde_json::Value::as_i64),
            lines("stdout"),
            lines("stderr"),
        ));
    }
    out
}

fn invocation(
    id: String,
    cmd: Option<String>,
    rc: Option<i64>,
    (stdout, stdout_items): (Vec<String>, usize),
    (stderr, stderr_items): (Vec<String>, usize),
) -> RedactedInvocation {
    let total = stdout_items + stderr_items;
    let stdout: Vec<String> = stdout.into_iter().filter(|l| keeps_stdout(l)).collect();
    let stderr: Vec<String> = stderr.into_iter().filter(|l| keeps_stderr(l)).collect();
    let removed = total - stdout.len() - stderr.len();
    RedactedInvocation {
        id,
        cmd,
        rc,
        stdout,
        stderr,
        removed,
    }
}

/// What [`redacted`] gives, read from the fast scan of the document; `None` where the scan
/// cannot be sure of a value the full parser would type differently (a plain `12` or `null`
/// where a log line or the command stands), and the full parser decides.
fn from_scan(root: &scan::Node<'_>) -> Option<Vec<RedactedInvocation>> {
    use scan::Node;
    // A document that is no mapping does not deserialize: the parser says why.
    if !matches!(root, Node::Map(_)) {
        return None;
    }
    let Some(Node::Map(invocations)) = root.get("run").and_then(|run| run.get("invocations"))
    else {
        return Some(Vec::new());
    };
    let string = |node: &Node<'_>| -> Option<Option<String>> {
        match node {
            Node::Quoted(s) => Some(Some(s.to_string())),
            Node::Plain(s) if scan::plain_is_string(s) => Some(Some(s.to_string())),
            Node::Plain(_) => None,
            Node::Empty | Node::Map(_) | Node::Seq(_) => Some(None),
        }
    };
    let mut sorted: Vec<&(std::borrow::Cow<'_, str>, Node<'_>)> = invocations.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (id, inv) in sorted.into_iter().take(MAX_INVOCATIONS) {
        // Only the lines kept are copied (most are not).
        let lines = |key: &str, keep: fn(&str) -> bool| -> (Vec<String>, usize) {
            match inv.get(key) {
                Some(Node::Seq(items)) => {
                    let text = items.iter().filter_map(|item| match item {
                        Node::Quoted(s) | Node::Plain(s) if keep(s) => Some(s.to_string()),
                        _ => None,
                    });
                    (text.collect(), items.len())
                }
                _ => (Vec::new(), 0),
            }
        };
        let cmd = match inv.get("cmd") {
            Some(node) => string(node)?,
            None => None,
        };
        let rc = match inv.get("rc") {
            Some(Node::Plain(s)) => Some(Some(plain_int(s)?)),
            _ => None,
        }
        .flatten();
        out.push(invocation(
            id.to_string(),
            cmd,
            rc,
            lines("stdout", keeps_stdout),
            lines("stderr", keeps_stderr),
        ));
    }
    Some(out)
}

/// A plain decimal integer as the full parser reads it; `None` for anything else (`+1`,
/// `007`, `0x1f`, `1e3`), which the full parser decides.
fn plain_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty()
        || digits.len() > 18
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_upstream_keeps() {
        assert!(keeps_stdout("scs-0100-flavor-names-check: PASS"));
        assert!(keeps_stdout("a: b: FAIL"));
        assert!(!keeps_stdout("PASS"));
        assert!(!keeps_stdout("token: hunter2"));
        assert!(!keeps_stdout("FAIL: the next line"));
        assert!(keeps_stderr("WARNING: something"));
        assert!(keeps_stderr("ERROR: broken"));
        assert!(!keeps_stderr("CRITICAL: traceback"));
        assert!(!keeps_stderr("INFO: hostname secret.example"));
    }

    #[test]
    fn redacts_a_yaml_report() {
        let text = "spec: {uuid: x}\nrun:\n  invocations:\n    b1:\n      cmd: ./check\n      rc: 1\n      stdout: ['host: secret.example', 'flavor-check: FAIL']\n      stderr: ['INFO: token abc', 'ERROR: flavor missing', 'CRITICAL: boom']\n";
        let inv = redacted(text.as_bytes(), 0).unwrap();
        assert_eq!(inv.len(), 1);
        assert_eq!(inv[0].cmd.as_deref(), Some("./check"));
        assert_eq!(inv[0].rc, Some(1));
        assert_eq!(inv[0].stdout, ["flavor-check: FAIL"]);
        assert_eq!(inv[0].stderr, ["ERROR: flavor missing"]);
        assert_eq!(inv[0].removed, 3);
        assert!(redacted(text.as_bytes(), 3).unwrap().is_empty());
        assert!(redacted(b"run: 5\n", 0).unwrap().is_empty());
    }
}

/// The fast scan against the full parser: wherever the scan answers, it answers what the
/// parser does.
#[cfg(test)]
mod scan_agrees {
    use super::*;
    use proptest::prelude::*;

    fn full(text: &str) -> Option<Vec<RedactedInvocation>> {
        yaml::from_str::<LogDoc>(text).ok().map(from_doc)
    }

    fn fast(text: &str) -> Option<Vec<RedactedInvocation>> {
        scan::parse(text).and_then(|root| from_scan(&root))
    }

    /// Checks agreement; gives whether the scan answered.
    fn agree(text: &str) -> bool {
        let Some(f) = fast(text) else { return false };
        let Some(reference) = full(text) else {
            // Not a document the parser accepts: the scan's answer is never used there.
            return true;
        };
        assert_eq!(f, reference, "scan and parser differ on:\n{text}");
        true
    }

    /// How a string is written: plain, single- or double-quoted, folded at spaces onto lines
    /// indented by `cont` (quoted scalars may continue at any column; plain ones deeper).
    #[derive(Clone, Debug)]
    enum Style {
        Plain,
        Single,
        Double,
    }

    fn emit(s: &str, style: &Style, fold: &[usize], cont: usize, escapes: bool) -> String {
        let mut body = match style {
            Style::Plain => s.to_owned(),
            Style::Single => s.replace('\'', "''"),
            Style::Double => {
                let mut o = String::new();
                for c in s.chars() {
                    match c {
                        '"' => o.push_str("\\\""),
                        '\\' => o.push_str("\\\\"),
                        '\n' => o.push_str("\\n"),
                        c if (c as u32) < 0x20 => o.push_str(&format!("\\x{:02x}", c as u32)),
                        c if escapes && !c.is_ascii() => {
                            o.push_str(&format!("\\u{:04x}", c as u32 & 0xffff))
                        }
                        c => o.push(c),
                    }
                }
                o
            }
        };
        // Fold at some single spaces: a line break there reads back as that space.
        let spaces: Vec<usize> = body.match_indices(' ').map(|(i, _)| i).collect();
        let mut at: Vec<usize> = fold
            .iter()
            .filter_map(|k| spaces.get(k % spaces.len().max(1)).copied())
            .filter(|&i| {
                i > 0
                    && !body[..i].ends_with(' ')
                    && !body[i + 1..].starts_with(' ')
                    && i + 1 < body.len()
            })
            .collect();
        at.sort_unstable();
        at.dedup();
        for &i in at.iter().rev() {
            body.replace_range(i..i + 1, &format!("\n{}", " ".repeat(cont)));
        }
        match style {
            Style::Plain => body,
            Style::Single => format!("'{body}'"),
            Style::Double => format!("\"{body}\""),
        }
    }

    fn style() -> impl Strategy<Value = Style> {
        prop_oneof![Just(Style::Plain), Just(Style::Single), Just(Style::Double)]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{1,8}(: (PASS|FAIL|ABORT))?",
            "(WARNING|ERROR|INFO|DEBUG|CRITICAL): [ -~]{0,60}",
            "[ -~]{0,40}",
            "[a-zA-Zé€ \"'\\\\:#-]{0,50}",
            Just(String::new()),
            Just("null".to_owned()),
            Just("12".to_owned()),
            Just("- x".to_owned()),
        ]
    }

    fn item() -> impl Strategy<Value = (String, Style, Vec<usize>, usize, bool)> {
        (
            text(),
            style(),
            prop::collection::vec(0usize..20, 0..3),
            0usize..12,
            any::<bool>(),
        )
    }

    fn written(item: &(String, Style, Vec<usize>, usize, bool), min_cont: usize) -> String {
        let (s, style, fold, cont, esc) = item;
        let cont = match style {
            Style::Plain => min_cont + cont,
            _ => *cont,
        };
        emit(s, style, fold, cont, *esc)
    }

    prop_compose! {
        fn document()(
            invs in prop::collection::vec(
                ("[0-9a-f]{1,8}", item(), prop::option::of("-?[0-9]{1,3}"),
                 prop::collection::vec(item(), 0..6), prop::collection::vec(item(), 0..4),
                 any::<bool>(), any::<bool>()),
                0..4),
            head in item(),
            comment in any::<bool>(),
            run_indent in 1usize..4,
        ) -> String {
            let r = " ".repeat(run_indent);
            let mut d = String::from("---\nspec:\n  uuid: x\n");
            d.push_str(&format!("subject: {}\n", written(&head, 1)));
            if comment {
                d.push_str("# run:\n\n");
            }
            d.push_str(&format!("run:\n{r}uuid: abc\n{r}argv:\n{r}- a\n{r}- 'b c'\n{r}invocations:\n"));
            let i1 = format!("{r}{r}");
            let i2 = format!("{r}{r}{r}");
            for (id, cmd, rc, out, err, indentless, empty_err) in invs {
                d.push_str(&format!("{i1}{id}:\n{i2}id: {id}\n"));
                d.push_str(&format!("{i2}cmd: {}\n", written(&cmd, i2.len() + 1)));
                if let Some(rc) = rc {
                    d.push_str(&format!("{i2}rc: {rc}\n"));
                }
                let seq = if indentless { i2.clone() } else { format!("{i2}  ") };
                d.push_str(&format!("{i2}results:\n{i2}  a: 1\n{i2}stdout:\n"));
                if out.is_empty() {
                    d.pop();
                    d.push_str(" []\n");
                }
                for line in &out {
                    d.push_str(&format!("{seq}- {}\n", written(line, seq.len() + 1)));
                }
                if empty_err {
                    d.push_str(&format!("{i2}stderr: []\n"));
                } else {
                    d.push_str(&format!("{i2}stderr:\n"));
                    for line in &err {
                        d.push_str(&format!("{seq}- {}\n", written(line, seq.len() + 1)));
                    }
                }
                d.push_str(&format!("{i2}info: 0\n"));
            }
            d
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The suffix test is upstream's split at the last `": "`, trimmed.
        #[test]
        fn result_lines_as_upstream_splits(line in "[a-z :]{0,6}(: ?)?(PASS|ABORT|FAIL|PAS)?[ \t\u{a0}]{0,2}") {
            let upstream = line
                .rsplit_once(": ")
                .is_some_and(|(_, tail)| matches!(tail.trim_end(), "PASS" | "ABORT" | "FAIL"));
            prop_assert_eq!(keeps_stdout(&line), upstream);
        }

        #[test]
        fn on_documents_like_upstreams(doc in document()) {
            agree(&doc);
        }

        /// Hostile edits of such documents: wherever the scan still answers, it agrees.
        #[test]
        fn on_edited_documents(
            doc in document(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(),
                 prop::sample::select(vec![":", ": ", "#", " #", "'", "\"", "\n", " ", "-", "- ",
                     "\\", "\n  ", "\n\n", "&a ", "*a", "!!str ", "? ", "[", "{", "|", "...", "---"])),
                1..4),
        ) {
            let mut doc = doc;
            for (at, s) in edits {
                let mut i = at.index(doc.len() + 1);
                while !doc.is_char_boundary(i) {
                    i -= 1;
                }
                doc.insert_str(i, s);
            }
            agree(&doc);
        }
    }

    #[test]
    fn answers_for_upstreams_form() {
        let doc = "---\nspec:\n  uuid: x\nsubject: c\nrun:\n  invocations:\n    b1:\n      id: b1\n      cmd: OS_CLOUD=c ./check\n        --long\n      rc: 0\n      stdout:\n      - 'scs-0100: PASS'\n      - 'DEBUG: a very long line that was folded\n        at a space'\n      stderr:\n      - \"ERROR: caf\\xE9\\\n        \\ au lait\"\n      info: 0\n";
        assert!(agree(doc));
        let inv = fast(doc).unwrap();
        assert_eq!(inv[0].cmd.as_deref(), Some("OS_CLOUD=c ./check --long"));
        assert_eq!(inv[0].stderr, ["ERROR: café au lait"]);
    }
}
