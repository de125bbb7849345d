//! The Nu HTML Checker (vnu): the validator behind validator.w3.org/nu, as a jar run by Java.

use std::path::{Path, PathBuf};
use std::process::Command;

use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::tools::require;

/// The vnu release `scripts/install-deps.sh` installs (npm package `vnu-jar`, exact version).
pub const VNU_VERSION: &str = "26.9.27";

/// Where the vnu jar is: the file `VNU_JAR` names when that variable is set, else where
/// `scripts/install-deps.sh` puts it,
/// `$HOME/.cache/scs-cert-tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar`. `None` (after a
/// `SKIP:` note) when there is no such file and `CI` is unset.
///
/// # Panics
///
/// When there is no such file and `CI` is set.
pub fn vnu_jar() -> Option<PathBuf> {
    let jar = match std::env::var_os("VNU_JAR") {
        Some(path) => PathBuf::from(path),
        None => {
            let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/"), PathBuf::from);
            home.join(".cache/scs-cert-tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
        }
    };
    if jar.is_file() {
        Some(jar)
    } else if std::env::var_os("CI").is_some() {
        panic!(
            "the vnu jar {} is missing and CI is set (scripts/install-deps.sh installs it)",
            jar.display()
        );
    } else {
        eprintln!(
            "SKIP: the vnu jar {} not found (scripts/install-deps.sh installs it, or set \
             VNU_JAR); validator test not run",
            jar.display()
        );
        None
    }
}

/// The HTML errors vnu finds in the pages under `dir` (recursively; every `*.html`, `*.htm`
/// and `*.xhtml`), checked in one Java process, one line each as `FILE:LINE:COLUMN: MESSAGE`
/// with FILE relative to `dir`; empty when every page is valid. Warnings and info messages are
/// not reported. A failure to run vnu, or output it does not understand, is reported as an
/// error line too.
///
/// `None` (after a `SKIP:` note) when `java` or the jar ([`vnu_jar`]) is missing and `CI` is
/// unset.
///
/// # Panics
///
/// When `java` or the jar is missing and `CI` is set.
pub fn validate_html(dir: &Path) -> Option<Vec<String>> {
    let java = require("java")?;
    let jar = vnu_jar()?;
    let output = Command::new(java)
        .arg("-jar")
        .arg(jar)
        .args([
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            "--skip-non-html",
            "--stdout",
        ])
        .arg(dir)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return Some(vec![format!("vnu did not run: {e}")]),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = match serde_json::from_str(&stdout) {
        Ok(report) => report,
        Err(e) => {
            return Some(vec![format!(
                "vnu ({}) gave no JSON report ({e}): {}{}",
                output.status,
                stdout.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            )]);
        }
    };
    let messages = report["messages"].as_array().map_or(&[][..], Vec::as_slice);
    let errors = messages
        .iter()
        .filter(|m| matches!(m["type"].as_str(), Some("error" | "non-document-error")))
        .map(|m| message_line(dir, m))
        .collect();
    Some(errors)
}

/// One vnu message as `FILE:LINE:COLUMN: MESSAGE`.
fn message_line(dir: &Path, message: &Value) -> String {
    let url = message["url"].as_str().unwrap_or("");
    let path = url.strip_prefix("file:").unwrap_or(url);
    let path = percent_decode_str(path).decode_utf8_lossy();
    let file = Path::new(path.as_ref());
    let file = file.strip_prefix(dir).unwrap_or(file).display();
    let line = message["lastLine"].as_u64().unwrap_or(0);
    let column = message["firstColumn"]
        .as_u64()
        .or_else(|| message["lastColumn"].as_u64())
        .unwrap_or(0);
    let text = message["message"].as_str().unwrap_or("(no message)");
    format!("{file}:{line}:{column}: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_install_script_pins_this_version() {
        let script = include_str!("../../../../scripts/install-deps.sh");
        assert!(script.contains(&format!("\nvnu_version={VNU_VERSION}\n")));
    }

    #[test]
    fn vnu_flags_invalid_html_only() {
        let tmp = tempfile::tempdir().unwrap();
        // vnu reports canonical paths; the temporary directory may lie behind a symbolic link.
        let dir = tmp.path().canonicalize().unwrap();
        let head = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                    <title>t</title></head>";
        std::fs::write(
            dir.join("good.html"),
            format!("{head}<body><p>fine</p></body></html>"),
        )
        .unwrap();
        std::fs::create_dir(dir.join("sub dir")).unwrap();
        std::fs::write(
            dir.join("sub dir/bad.html"),
            format!("{head}<body><p>x<div></span></body></html>"),
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), "<not html").unwrap();
        let Some(errors) = validate_html(&dir) else {
            return;
        };
        assert!(!errors.is_empty());
        for error in &errors {
            assert!(error.starts_with("sub dir/bad.html:1:"), "{errors:#?}");
        }
        assert!(
            errors.iter().any(|e| e.contains("Stray end tag")),
            "{errors:#?}"
        );
    }
}
