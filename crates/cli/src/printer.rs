//! Where output goes: results on stdout, everything else on stderr; quiet levels; colour only
//! when that stream is a terminal.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Set when stdout turned out to be a closed pipe (`| head`, `| true`): nothing more is
    /// written there, and the command goes on to its own exit status.
    stdout_closed: AtomicBool,
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
            stdout_closed: AtomicBool::new(false),
        }
    }

    /// A primary result line on stdout (kept under `-q`, dropped under `-qq`).
    ///
    /// # Errors
    ///
    /// Write errors other than a closed pipe: a reader that has gone (`| head`) is not the
    /// command's failure, and the exit status must not depend on it.
    pub fn result(&self, line: &str) -> io::Result<()> {
        self.to_stdout(|out| writeln!(out, "{line}"))
    }

    /// A machine-readable record on stdout (JSON Lines); never coloured, kept under `-q`.
    ///
    /// # Errors
    ///
    /// As [`Printer::result`].
    pub fn record<R: scs_cert::output::Record>(&self, record: &R) -> io::Result<()> {
        let value = scs_cert::output::to_json(record).map_err(io::Error::other)?;
        self.to_stdout(|out| {
            serde_json::to_writer(&mut *out, &value)?;
            writeln!(out)
        })
    }

    fn to_stdout(
        &self,
        write: impl FnOnce(&mut io::StdoutLock<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.quiet >= 2 || self.stdout_closed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        match write(&mut out).and_then(|()| out.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.stdout_closed.store(true, Ordering::Relaxed);
                Ok(())
            }
            other => other,
        }
    }

    /// A message for the person at the terminal, on stderr (dropped under `-q`).
    pub fn info(&self, line: &str) {
        if self.quiet == 0 {
            to_stderr(line);
        }
    }

    /// A warning on stderr (dropped under `-qq`).
    pub fn warn(&self, line: &str) {
        if self.quiet < 2 {
            to_stderr(&format!("warning: {line}"));
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

/// Writes a line to stderr; a closed stderr is not an error (`eprintln!` would panic on it).
pub fn to_stderr(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
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

/// Progress of long work on stderr, as a bar (indicatif). It shows only when stderr is a
/// terminal, without `-q`, and for more than one item; otherwise every call does nothing, so
/// logs and pipes never see it. Cleared when dropped or finished.
#[derive(Debug)]
pub struct Progress(indicatif::ProgressBar);

impl Printer {
    /// A progress bar over `total` items of `what` (`"files"`, `"commits"`).
    pub fn progress(&self, total: usize, what: &str) -> Progress {
        let shown = self.quiet == 0 && total > 1 && io::stderr().is_terminal();
        let len = u64::try_from(total).unwrap_or(u64::MAX);
        let bar = if shown {
            let bar = indicatif::ProgressBar::new(len);
            let template = format!("{{bar:40}} {{pos}}/{{len}} {what} {{elapsed}}");
            if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        Progress(bar)
    }
}

impl Progress {
    /// `n` more items done (callable from several threads).
    pub fn inc(&self, n: usize) {
        self.0.inc(u64::try_from(n).unwrap_or(u64::MAX));
    }

    /// `done` items done in all.
    pub fn set(&self, done: usize) {
        self.0.set_position(u64::try_from(done).unwrap_or(u64::MAX));
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
