//! What a published report page may show of a run's logs: upstream's redaction rule
//! (scs-upstream §4.5, the monitor's public report view).
//!
//! Of each invocation's captured output only two kinds of line are kept: stdout lines whose
//! text after the last `": "` is `PASS`, `ABORT` or `FAIL` (the result lines), and stderr lines
//! starting with `WARNIN` or `ERROR:`. Everything else (hostnames, tokens a checker printed,
//! `CRITICAL` tracebacks) stays in the signed body, which the forum publishes only where its
//! policy says so.

use serde::Deserialize;

use super::{Error, input};
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
    line.rsplit_once(": ")
        .is_some_and(|(_, tail)| matches!(tail.trim_end(), "PASS" | "ABORT" | "FAIL"))
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
            yaml::from_str(chunk.text).map_err(|source| Error::Yaml { document, source })?
        }
    };
    let Some(serde_json::Value::Object(invocations)) = doc
        .run
        .as_ref()
        .and_then(|run| run.get("invocations"))
        .cloned()
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (id, inv) in invocations.into_iter().take(MAX_INVOCATIONS) {
        let lines = |key: &str| -> Vec<String> {
            inv.get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|l| l.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (stdout, stderr) = (lines("stdout"), lines("stderr"));
        let total = stdout.len() + stderr.len();
        let stdout: Vec<String> = stdout.into_iter().filter(|l| keeps_stdout(l)).collect();
        let stderr: Vec<String> = stderr.into_iter().filter(|l| keeps_stderr(l)).collect();
        let removed = total - stdout.len() - stderr.len();
        out.push(RedactedInvocation {
            id,
            cmd: inv.get("cmd").and_then(|v| v.as_str()).map(str::to_owned),
            rc: inv.get("rc").and_then(serde_json::Value::as_i64),
            stdout,
            stderr,
            removed,
        });
    }
    Ok(out)
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
