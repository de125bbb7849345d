//! `scs-report sign`

use anyhow::{Context as _, bail};
use scs_cert::report::MAX_REPORT_BYTES;
use scs_cert::sig::{self, Namespace};
use scs_cli::{self as cli, Outcome, Printer};

use crate::cli::SignArgs;

pub(crate) fn run(printer: &Printer, args: SignArgs) -> anyhow::Result<Outcome> {
    let namespace: Namespace = args
        .namespace
        .parse()
        .with_context(|| format!("invalid namespace {:?}", args.namespace))?;
    let key = cli::load_signing_key(&args.key, args.passphrase_file.as_deref())?;
    for file in &args.files {
        if file.as_os_str() == "-" {
            bail!("sign needs report files, not stdin (FILE.sig is written beside each)");
        }
        let bytes = cli::read_input(file, MAX_REPORT_BYTES)?;
        let signature = sig::sign(&key, &namespace, &bytes)
            .with_context(|| format!("while signing {}", cli::shown(&file)))?;
        let (out, content) = if args.body {
            (
                cli::with_suffix(file, ".body"),
                sig::upload_body(&signature, &bytes),
            )
        } else {
            (
                cli::with_suffix(file, ".sig"),
                signature.to_armored().into_bytes(),
            )
        };
        cli::write_new_file(&out, &content, args.force)?;
        printer.info(&format!(
            "signed {} -> {}",
            cli::shown(&file),
            cli::shown(&out)
        ));
    }
    Ok(Outcome::Success)
}
