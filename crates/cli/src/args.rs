//! What both tools' command lines share: the output options and the `completions` and `man` commands made from the clap definitions.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::ValueHint;

use crate::{Color, Outcome, Printer};

/// The output options every command of both tools takes (defined once, flattened into each
/// tool's global options).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct OutputArgs {
    /// Print less: -q keeps only results, -qq prints nothing (the exit status still tells).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub quiet: u8,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

impl OutputArgs {
    /// The printer these options ask for.
    pub fn printer(&self) -> Printer {
        Printer::new(self.quiet, self.color)
    }
}

/// `completions SHELL`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for; the script goes to stdout.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man DIR`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Where to write the pages (section 1: the tool and one page per command).
    #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub dir: PathBuf,
}

/// Writes the completion script of `cmd` for `args.shell` to stdout.
///
/// # Errors
///
/// Writing to stdout failed (other than a closed pipe, which ends the output quietly).
pub fn completions(mut cmd: clap::Command, args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let name = cmd.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, name, &mut script);
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("while writing the completion script")
        }
        _ => Ok(Outcome::Success),
    }
}

/// Writes the man pages of `cmd` into `args.dir` (created if missing): `<tool>.1` and one
/// `<tool>-<command>[-<subcommand>].1` per command, each replaced whole.
///
/// # Errors
///
/// The directory cannot be created or a page cannot be written.
pub fn man_pages(cmd: clap::Command, args: &ManArgs, printer: &Printer) -> anyhow::Result<Outcome> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("while creating {}", crate::shown(&args.dir)))?;
    let mut cmd = cmd;
    cmd.build();
    let mut written = 0;
    write_pages(&cmd, cmd.get_name(), &args.dir, &mut written)?;
    printer.info(&format!(
        "wrote {written} man pages to {}",
        crate::shown(&args.dir)
    ));
    Ok(Outcome::Success)
}

fn write_pages(
    cmd: &clap::Command,
    name: &str,
    dir: &Path,
    written: &mut usize,
) -> anyhow::Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let page = cmd.clone().name(name.to_owned());
    let mut bytes = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut bytes)
        .with_context(|| format!("while rendering the man page of {name}"))?;
    crate::write_new_file(&dir.join(format!("{name}.1")), &bytes, true)?;
    *written += 1;
    for sub in cmd.get_subcommands() {
        if sub.get_name() != "help" {
            write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
        }
    }
    Ok(())
}
