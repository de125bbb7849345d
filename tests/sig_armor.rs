//! The signature armor is read as strictly as ssh-keygen reads it (issue 10.18): for many
//! mutations of a valid ssh-keygen signature, our verdict equals `ssh-keygen -Y check-novalidate`.

#![allow(clippy::unwrap_used, reason = "test")]

use scs_testkit::tools;

use scs_cert::sig::{Namespace, Signature};
use std::process::{Command, Stdio};

const SIG: &str = include_str!("fixtures/keys/message.txt.alice.sig");
const MESSAGE: &[u8] = include_bytes!("fixtures/keys/message.txt");

fn mutations() -> Vec<(&'static str, Vec<u8>)> {
    let lines: Vec<&str> = SIG.lines().collect();
    let body: String = lines[1..lines.len() - 1].concat();
    let with = |b: &str| format!("{}\n{b}\n{}\n", lines[0], lines[lines.len() - 1]);
    let rewrap = |w: usize| {
        let chunks: Vec<String> = body
            .as_bytes()
            .chunks(w)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        with(&chunks.join("\n"))
    };
    let s = |x: String| x.into_bytes();
    vec![
        ("original", s(SIG.to_owned())),
        ("one line", s(with(&body))),
        ("lines of 10", s(rewrap(10))),
        ("lines of 1", s(rewrap(1))),
        ("crlf", s(SIG.replace('\n', "\r\n"))),
        ("crlf after header only", s(SIG.replacen('\n', "\r\n", 1))),
        ("crlf body", s(with(&body.replace('A', "A\r\n")))),
        ("blank line inside", s(with(&format!("\n{body}\n\n")))),
        ("spaces inside", s(with(&body.replace('Q', " Q\t")))),
        ("trailing garbage", s(format!("{SIG}garbage\n"))),
        (
            "garbage on footer line",
            s(SIG.replace("SIGNATURE-----\n", "SIGNATURE-----xyz\n")),
        ),
        ("no final newline", s(SIG.trim_end().to_owned())),
        ("missing footer", s(format!("{}\n{body}\n", lines[0]))),
        ("leading newline", s(format!("\n{SIG}"))),
        ("leading space", s(format!(" {SIG}"))),
        ("trailing spaces", s(format!("{SIG}   \n\n"))),
        (
            "lowercase header",
            s(SIG.replacen("BEGIN SSH", "begin ssh", 1)),
        ),
        ("lowercase footer", s(SIG.replace("END SSH", "end ssh"))),
        (
            "header without dashes",
            s(SIG.replacen("-----BEGIN", "BEGIN", 1)),
        ),
        (
            "space before footer",
            s(SIG.replace("\n-----END", "\n -----END")),
        ),
        ("padding removed", s(with(body.trim_end_matches('=')))),
        ("extra padding", s(with(&format!("{body}=")))),
        ("padding doubled", s(with(&format!("{body}==")))),
        ("data after padding", s(with(&format!("{body}AAAA")))),
        ("bad character", s(with(&body.replacen('A', "*", 1)))),
        ("truncated by 4", s(with(&body[..body.len() - 4]))),
        ("truncated by 1", s(with(&body[..body.len() - 1]))),
        ("truncated half", s(with(&body[..body.len() / 2]))),
        (
            "empty body",
            s(format!("{}\n{}\n", lines[0], lines[lines.len() - 1])),
        ),
        (
            "two footers",
            s(format!("{SIG}{}\n", lines[lines.len() - 1])),
        ),
        ("nul at end of data", s(with(&format!("{body}\0")))),
        ("nul inside data", s(with(&body.replacen('A', "A\0", 1)))),
        ("tab before padding", s(with(&body.replacen('=', "\t=", 1)))),
    ]
}

#[test]
fn armor_verdicts_equal_ssh_keygens() {
    let Some(keygen) = tools::require("ssh-keygen") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut differ = Vec::new();
    for (name, bytes) in mutations() {
        let path = dir.path().join("m.sig");
        std::fs::write(&path, &bytes).unwrap();
        let mut child = Command::new(&keygen)
            .args(["-Y", "check-novalidate", "-n", "report", "-s"])
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // ssh-keygen may exit before reading the message when it refuses the armor.
        let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), MESSAGE);
        let theirs = child.wait().unwrap().success();
        let ours = Signature::from_armored(&bytes)
            .and_then(|s| s.verify(&Namespace::report(), MESSAGE))
            .is_ok();
        if ours != theirs {
            differ.push(format!("{name}: ssh-keygen {theirs}, ours {ours}"));
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
}
