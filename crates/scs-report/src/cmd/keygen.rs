//! `scs-report keygen`

use anyhow::{Context as _, bail};
use scs_cert::sig::{self, SigningKey};
use scs_cli::{self as cli, Outcome, Printer};

use crate::cli::KeygenArgs;

pub(crate) fn run(printer: &Printer, args: KeygenArgs) -> anyhow::Result<Outcome> {
    let passphrase = if let Some(file) = &args.passphrase_file {
        Some(cli::read_passphrase_file(file)?)
    } else if args.ask_passphrase {
        let first = cli::prompt_passphrase("Passphrase for the new key: ")?;
        let again = cli::prompt_passphrase("The same passphrase again: ")?;
        if *first != *again {
            bail!("the passphrases differ; nothing was written");
        }
        Some(first)
    } else {
        None
    };
    if passphrase.as_ref().is_some_and(|p| p.is_empty()) {
        bail!("the passphrase is empty; leave out --passphrase-file for a key without one");
    }
    let key = SigningKey::generate(&args.comment).context("while generating the key")?;
    sig::write_key_pair(
        &args.output,
        &key,
        passphrase.as_ref().map(|p| p.as_bytes()),
    )
    .with_context(|| format!("while writing the key pair {}", cli::shown(&args.output)))?;
    printer.info(&format!(
        "wrote {} (private, mode 0600) and {}.pub",
        cli::shown(&args.output),
        cli::shown(&args.output)
    ));
    printer.result(&key.public_line())?;
    Ok(Outcome::Success)
}
