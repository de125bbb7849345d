//! Completion scripts and man pages of a tool, judged by the shells and by groff.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::tools::require;

/// `exe completions SHELL` for every shell clap_complete knows: exit 0 and a script that names
/// the tool; bash's and zsh's parse with `bash -n` / `zsh -n` (when installed; bash always).
pub fn check_completions(exe: &str, tool: &str) {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Command::new(exe)
            .args(["completions", shell])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{tool} completions {shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains(tool),
            "{tool} completions {shell}: {script:.200}"
        );
        let checker = match shell {
            "bash" => require("bash"),
            "zsh" => require("zsh"),
            _ => None,
        };
        if let Some(checker) = checker {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("script");
            std::fs::write(&file, &script).unwrap();
            let check = Command::new(&checker)
                .arg("-n")
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                check.status.success(),
                "{tool} completions {shell} does not parse: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
}

/// `exe man DIR`: a page for the tool and one per command, each of which groff formats
/// without a warning and whose NAME section names the command.
pub fn check_man_pages(exe: &str, tool: &str, commands: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(exe)
        .arg("man")
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{tool} man");
    let groff = require("groff");
    for command in
        std::iter::once(tool.to_owned()).chain(commands.iter().map(|c| format!("{tool}-{c}")))
    {
        let page = dir.path().join(format!("{command}.1"));
        assert!(page.is_file(), "no man page {}", page.display());
        if let Some(groff) = &groff {
            let text = format_page(groff, &page);
            assert!(
                text.contains(&command),
                "{command}.1 does not name it:\n{text:.400}"
            );
        }
    }
}

fn format_page(groff: &Path, page: &Path) -> String {
    let out = Command::new(groff)
        .args(["-man", "-Tutf8", "-ww"])
        .arg(page)
        .output()
        .unwrap();
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && warnings.trim().is_empty(),
        "groff on {}: {warnings}",
        page.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
