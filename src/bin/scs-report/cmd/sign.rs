//! `scs-report sign`

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use scs_cert::cli::{self, Outcome, Printer};
use scs_cert::report::MAX_REPORT_BYTES;
use scs_cert::sig::{self, Namespace, SigningKey};

use crate::cli::SignArgs;

/// Largest private key file read.
const MAX_KEY_BYTES: usize = 64 * 1024;

pub(crate) fn run(printer: &Printer, args: SignArgs) -> anyhow::Result<Outcome> {
    let namespace: Namespace = args
        .namespace
        .parse()
        .with_context(|| format!("invalid namespace {:?}", args.namespace))?;
    let key = load_key(&args.key, args.passphrase_file.as_deref())?;
    for file in &args.files {
        if file.as_os_str() == "-" {
            bail!("sign needs report files, not stdin (FILE.sig is written beside each)");
        }
        let bytes = cli::read_input(file, MAX_REPORT_BYTES)?;
        let signature = sig::sign(&key, &namespace, &bytes)
            .with_context(|| format!("while signing {}", file.display()))?;
        let (out, content) = if args.body {
            (
                with_suffix(file, ".body"),
                sig::upload_body(&signature, &bytes),
            )
        } else {
            (
                with_suffix(file, ".sig"),
                signature.to_armored().into_bytes(),
            )
        };
        cli::write_new_file(&out, &content, args.force)?;
        printer.info(&format!("signed {} -> {}", file.display(), out.display()));
    }
    Ok(Outcome::Success)
}

/// Loads a private key, asking for its passphrase when it has one.
pub(crate) fn load_key(path: &Path, passphrase_file: Option<&Path>) -> anyhow::Result<SigningKey> {
    let bytes = cli::read_input(path, MAX_KEY_BYTES)?;
    let text = String::from_utf8(bytes).with_context(|| {
        format!(
            "{} is not an OpenSSH private key (not text)",
            path.display()
        )
    })?;
    let context = || format!("while loading the private key {}", path.display());
    let encrypted = SigningKey::is_encrypted_openssh(&text).with_context(context)?;
    let passphrase = match (encrypted, passphrase_file) {
        (false, _) => None,
        (true, Some(file)) => Some(cli::read_passphrase_file(file)?),
        (true, None) => Some(cli::prompt_passphrase(&format!(
            "Passphrase for {}: ",
            path.display()
        ))?),
    };
    SigningKey::from_openssh(&text, passphrase.as_ref().map(|p| p.as_bytes())).with_context(context)
}

/// `report.yaml` -> `report.yaml.sig`
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
