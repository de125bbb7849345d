//! Where output goes: results on stdout, everything else on stderr; quiet levels; colour only
//! when that stream is a terminal.

use std::io::{self, IsTerminal, Write};

/// When to colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Color {
    /// Colour when the stream is a terminal and neither `NO_COLOR` nor `TERM=dumb` is set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Prints results and messages for a command.
#[derive(Debug)]
pub struct Printer {
    quiet: u8,
    color_stdout: bool,
}

impl Printer {
    /// A printer for `-q` given `quiet` times and the `--color` choice.
    pub fn new(quiet: u8, color: Color) -> Printer {
        let env_off = super::env_var("NO_COLOR").is_some_and(|v| !v.is_empty())
            || super::env_var("TERM").as_deref() == Some("dumb");
        let color_stdout = match color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => !env_off && io::stdout().is_terminal(),
        };
        Printer {
            quiet,
            color_stdout,
        }
    }

    /// A primary result line on stdout (kept under `-q`, dropped under `-qq`).
    ///
    /// # Errors
    ///
    /// Write errors, a broken pipe included (the caller ends quietly on it).
    pub fn result(&self, line: &str) -> io::Result<()> {
        if self.quiet >= 2 {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        writeln!(out, "{line}")
    }

    /// A machine-readable record on stdout (JSON Lines); never coloured, kept under `-q`.
    ///
    /// # Errors
    ///
    /// Write errors.
    pub fn json(&self, value: &serde_json::Value) -> io::Result<()> {
        if self.quiet >= 2 {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        serde_json::to_writer(&mut out, value)?;
        writeln!(out)
    }

    /// A message for the person at the terminal, on stderr (dropped under `-q`).
    pub fn info(&self, line: &str) {
        if self.quiet == 0 {
            eprintln!("{line}");
        }
    }

    /// A warning on stderr (dropped under `-qq`).
    pub fn warn(&self, line: &str) {
        if self.quiet < 2 {
            eprintln!("warning: {line}");
        }
    }

    /// `text` in the colour of a verdict, if stdout is coloured.
    pub fn paint(&self, text: &str, tone: Tone) -> String {
        if !self.color_stdout {
            return text.to_owned();
        }
        let code = match tone {
            Tone::Good => "32",
            Tone::Bad => "31",
            Tone::Doubt => "33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// The colour of a piece of output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Passed, valid.
    Good,
    /// Failed, invalid.
    Bad,
    /// Missing, aborted, could not check.
    Doubt,
}
