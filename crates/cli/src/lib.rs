//! Plumbing shared by the binaries: exit codes, the printer (stdout for results, stderr for
//! everything else), reading inputs, atomic writes, passphrase prompts and error rendering.
//!
//! This is the only part of the library that may print, read the environment or the clock.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

mod args;
mod fs;
mod printer;
mod table;

pub use args::{CompletionsArgs, ManArgs, OutputArgs, completions, man_pages};

pub use fs::{
    MAX_BUNDLE_BYTES, MAX_SIGNATURE_BYTES, Seal as SealFile, read_if_present, read_input,
    read_passphrase_file, read_seal, with_suffix, write_new_file,
};
pub use printer::{Color, Printer, Progress, Tone, to_stderr};
pub use table::table;

use std::process::ExitCode;

/// How a command ended, as the exit codes every tool of this project shares.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success, or valid / eligible |
/// | 1 | a definite negative answer: signature invalid, not eligible |
/// | 2 | could not answer: usage, I/O, parse or internal error |
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1.
    Negative,
    /// Exit 2.
    Error,
}

impl Outcome {
    /// The worse of two outcomes: a batch ends with its worst item.
    pub fn worst(self, other: Outcome) -> Outcome {
        self.max(other)
    }
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        match o {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Negative => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }
}

/// The wall clock, read only here and passed into the library; whole seconds, so records,
/// ledgers and commits carry readable instants.
#[allow(clippy::disallowed_methods)]
pub fn now() -> scs_cert::time::Instant {
    let t = chrono::Utc::now();
    chrono::DurationRound::duration_trunc(t, chrono::TimeDelta::seconds(1)).unwrap_or(t)
}

/// Reads an environment variable (binaries only).
#[allow(clippy::disallowed_methods)]
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Prints `tool: error: …` and one `caused by: …` line per cause, then a hint if one applies.
/// A cause whose text the line before already shows is left out: errors that print their
/// source in their own message (`malformed key: <source>`), as some dependencies' do, would
/// otherwise repeat it once per level.
pub fn print_error(tool: &str, err: &anyhow::Error) {
    let mut lines = causes(err).into_iter();
    to_stderr(&format!(
        "{tool}: error: {}",
        lines.next().unwrap_or_default()
    ));
    for cause in lines {
        to_stderr(&format!("  caused by: {cause}"));
    }
}

/// An error's message and its causes, without a cause whose text the one before already
/// shows (see [`print_error`]).
pub fn causes(err: &anyhow::Error) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.is_empty() || !last.contains(&text) {
            out.push(text.clone());
        }
        last = text;
    }
    out
}

/// An error and its causes on one line, `outer: inner`, as [`causes`] lists them.
pub fn one_line(err: &anyhow::Error) -> String {
    causes(err).join(": ")
}

/// The commit the tools were built from (`unknown` without git; `-modified` with changes not
/// committed).
pub const COMMIT: &str = env!("SCS_COMMIT");

/// `--version`: the package version and the commit, then what else decides the output.
pub fn version(extra: &[(&str, &str)]) -> String {
    let mut v = format!("{} (commit {COMMIT}", env!("CARGO_PKG_VERSION"));
    for (what, value) in extra {
        v.push_str(&format!(", {what} {value}"));
    }
    v.push(')');
    v
}

/// Parses the command line by `command` (the tool's definition, as adjusted by it). Help and
/// `--version` print as clap prints them (exit 0); a usage error prints under the same
/// `tool: error:` prefix as every other error (exit 2).
pub fn parse_args<P: clap::FromArgMatches>(tool: &str, command: clap::Command) -> P {
    use clap::error::ErrorKind;
    let parsed = command
        .try_get_matches()
        .and_then(|m| P::from_arg_matches(&m));
    match parsed {
        Ok(args) => args,
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            e.exit()
        }
        Err(e) => {
            let text = e.render().to_string();
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            eprint!("{tool}: error: {text}");
            std::process::exit(2) // Outcome::Error
        }
    }
}

/// `command` with its global options `ids` hidden from the help of every leaf command whose
/// path (`subject key add`) is not in `keep`: options that only some commands use (the forum
/// key's) are shown only where they do something. Each such leaf gets a hidden copy of the
/// option, which clap then does not replace by the global one; the value still reaches the
/// global option's field.
pub fn hide_globals_except(command: clap::Command, ids: &[&str], keep: &[&str]) -> clap::Command {
    let hidden: Vec<clap::Arg> = ids
        .iter()
        .filter_map(|id| command.get_arguments().find(|a| a.get_id() == *id))
        .map(|a| a.clone().hide(true))
        .collect();
    hide_below(command, "", &hidden, keep)
}

fn hide_below(
    command: clap::Command,
    path: &str,
    hidden: &[clap::Arg],
    keep: &[&str],
) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    if names.is_empty() {
        if path.is_empty() || keep.contains(&path) {
            return command;
        }
        return hidden.iter().fold(command, |c, a| c.arg(a.clone()));
    }
    names.iter().fold(command, |c, name| {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        c.mut_subcommand(name, |s| hide_below(s, &sub_path, hidden, keep))
    })
}

/// A panic is a bug, but the exit status still keeps its promise (0, 1 or 2, never Rust's
/// 101): the message names the tool and says what to do, and the process ends with 2.
pub fn exit_2_on_panic(tool: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        to_stderr(&format!(
            "{tool}: error: internal error (a bug; please report it): {info}"
        ));
        std::process::exit(2) // Outcome::Error;
    }));
}

/// Runs a command body and maps its result to an exit code; errors print as [`print_error`].
/// The [`Printer`] swallows a closed stdout (`| head`), so the command reaches its own
/// outcome; a broken pipe that still comes back here (output written past the printer) means
/// the product was not delivered: exit 2, quietly.
pub fn finish(tool: &str, result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(outcome) => outcome.into(),
        Err(err) if is_broken_pipe(&err) => Outcome::Error.into(),
        Err(err) => {
            print_error(tool, &err);
            Outcome::Error.into()
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Asks for a passphrase on the terminal (never on stdin, which may carry data).
///
/// # Errors
///
/// When there is no terminal to ask on.
pub fn prompt_passphrase(prompt: &str) -> anyhow::Result<zeroize::Zeroizing<String>> {
    use anyhow::Context as _;
    let pass = rpassword::prompt_password(prompt)
        .context("cannot ask for the passphrase: no terminal (use --passphrase-file FILE)")?;
    Ok(zeroize::Zeroizing::new(pass))
}

/// Largest private key file read.
const MAX_KEY_BYTES: usize = 64 * 1024;

/// Loads an OpenSSH private key, asking for its passphrase on the terminal (or reading it from
/// `passphrase_file`) when it has one.
///
/// # Errors
///
/// I/O errors, a malformed key, a wrong passphrase, no terminal to ask on.
pub fn load_signing_key(
    path: &std::path::Path,
    passphrase_file: Option<&std::path::Path>,
) -> anyhow::Result<scs_cert::sig::SigningKey> {
    use anyhow::Context as _;
    let bytes = read_input(path, MAX_KEY_BYTES)?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{} is not an OpenSSH private key (not text)", shown(path)))?;
    let context = || format!("while loading the private key {}", shown(path));
    let encrypted = match scs_cert::sig::SigningKey::is_encrypted_openssh(&text) {
        Err(scs_cert::sig::Error::NotAPrivateKey { found }) => {
            return Err(not_a_private_key(path, &found));
        }
        other => other.with_context(context)?,
    };
    let passphrase = match (encrypted, passphrase_file) {
        (false, _) => None,
        (true, Some(file)) => Some(read_passphrase_file(file)?),
        (true, None) => Some(prompt_passphrase(&format!(
            "Passphrase for {}: ",
            shown(path)
        ))?),
    };
    scs_cert::sig::SigningKey::from_openssh(&text, passphrase.as_ref().map(|p| p.as_bytes()))
        .with_context(context)
}

/// One line that says what a file given as a private key is instead, and what to pass.
fn not_a_private_key(
    path: &std::path::Path,
    found: &scs_cert::sig::KeyFileContent,
) -> anyhow::Error {
    use scs_cert::sig::KeyFileContent;
    let name = shown(path);
    match found {
        KeyFileContent::PublicKey if path.extension().is_some_and(|e| e == "pub") => {
            anyhow::anyhow!("{name} is a public key; pass the private key file (without .pub)")
        }
        KeyFileContent::PublicKey => {
            anyhow::anyhow!("{name} is a public key; pass the private key file")
        }
        KeyFileContent::Signature => {
            anyhow::anyhow!("{name} is an SSH signature; pass the private key file")
        }
        KeyFileContent::OtherPem { label } if label.ends_with("PRIVATE KEY") => anyhow::anyhow!(
            "{name} is a private key in another format (PEM {label:?}); `ssh-keygen -p -f {name}` rewrites it in the OpenSSH format"
        ),
        other => anyhow::anyhow!(
            "{name} is not an OpenSSH private key ({other}; expected -----BEGIN OPENSSH PRIVATE KEY-----)"
        ),
    }
}

/// Where a demo works: `dir` (created; it must be new or empty), or a temporary folder that is
/// removed when the returned guard drops.
///
/// # Errors
///
/// A non-empty `dir`, I/O errors.
pub fn demo_dir(
    dir: Option<std::path::PathBuf>,
) -> anyhow::Result<(Option<tempfile::TempDir>, std::path::PathBuf)> {
    use anyhow::Context as _;
    match dir {
        Some(d) => {
            std::fs::create_dir_all(&d).with_context(|| format!("while creating {}", shown(&d)))?;
            if std::fs::read_dir(&d)?.next().is_some() {
                anyhow::bail!("{} is not empty; give a new or empty directory", shown(&d));
            }
            Ok((None, d))
        }
        None => {
            let tmp = tempfile::tempdir().context("while creating a temporary directory")?;
            let path = tmp.path().to_owned();
            Ok((Some(tmp), path))
        }
    }
}

/// A file name (or any name from outside) as human output shows it: as is when every
/// character is printable, else in double quotes with C-style escapes (`"a\nb"`, `"\xff"`), as
/// `git` does, so that a name with a newline cannot forge an output line and a bidi control
/// cannot reorder one. JSON output needs none of this: it escapes by construction.
pub fn shown<P: AsRef<std::path::Path> + ?Sized>(name: &P) -> String {
    use std::fmt::Write as _;
    let bytes = name.as_ref().as_os_str().as_encoded_bytes();
    let mut plain = true;
    let mut escaped = String::with_capacity(bytes.len() + 2);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => escaped.push_str("\\\""),
                '\\' => escaped.push_str("\\\\"),
                '\n' => escaped.push_str("\\n"),
                '\t' => escaped.push_str("\\t"),
                '\r' => escaped.push_str("\\r"),
                c if scs_cert::text::invisible(c) => {
                    let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
                }
                c => escaped.push(c),
            }
            plain &= !scs_cert::text::invisible(c);
        }
        for b in chunk.invalid() {
            let _ = write!(escaped, "\\x{b:02x}");
            plain = false;
        }
    }
    if plain {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        format!("\"{escaped}\"")
    }
}

/// For the binaries' tests: clap checks its definition only for the subcommand being parsed,
/// at run time (debug builds), and an argument with a global one's id panics only when it is
/// read (issue 10.2). Both are checked here for every subcommand at once.
///
/// # Panics
///
/// When the definition is inconsistent: that is the test failing.
pub fn assert_definition(cmd: &clap::Command) {
    cmd.clone().debug_assert();
    assert_eq!(
        shadowed_globals(cmd),
        Vec::<String>::new(),
        "arguments with a global argument's id"
    );
}

/// Arguments anywhere in `cmd`'s tree whose id is a global argument's: clap panics when
/// either is read (a positional `key` beside the global `--key`), and neither its
/// `debug_assert` nor `--help` sees it. For the binaries' tests.
pub fn shadowed_globals(cmd: &clap::Command) -> Vec<String> {
    fn walk(cmd: &clap::Command, globals: &[&str], path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments().filter(|a| !a.is_global_set()) {
            if globals.contains(&arg.get_id().as_str()) {
                out.push(format!("{path}: {}", arg.get_id()));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, globals, &format!("{path} {}", sub.get_name()), out);
        }
    }
    let globals: Vec<&str> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().as_str())
        .collect();
    let mut out = Vec::new();
    walk(cmd, &globals, cmd.get_name(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::{causes, shown};

    #[test]
    fn a_cause_the_line_before_shows_is_left_out() {
        #[derive(Debug)]
        struct Leaf;
        impl std::fmt::Display for Leaf {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("PEM preamble contains invalid data")
            }
        }
        impl std::error::Error for Leaf {}
        #[derive(Debug)]
        struct Wrapper(Leaf);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "malformed key: {}", self.0)
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let err = anyhow::Error::new(Wrapper(Leaf)).context("while loading k.pub");
        assert_eq!(
            causes(&err),
            [
                "while loading k.pub",
                "malformed key: PEM preamble contains invalid data"
            ]
        );
    }

    #[test]
    fn names_are_shown_plain_or_quoted_and_escaped() {
        assert_eq!(shown("reports/r 1.yaml"), "reports/r 1.yaml");
        assert_eq!(shown("Müller \"x\".yaml"), "Müller \"x\".yaml");
        assert_eq!(shown("a\nok  b.yaml"), "\"a\\nok  b.yaml\"");
        assert_eq!(shown("x\u{202E}lmay.exe"), "\"x\\u{202e}lmay.exe\"");
        assert_eq!(shown("tab\t\"q\"\\"), "\"tab\\t\\\"q\\\"\\\\\"");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt as _;
            let name = std::ffi::OsStr::from_bytes(b"bad\xffname");
            assert_eq!(shown(name), "\"bad\\xffname\"");
        }
    }
}
