//! `scs-report sigstore verify-bundle`: offline Sigstore bundle verification with the
//! command-line protocol of the Sigstore conformance suite (sigstore/sigstore-conformance,
//! `verify-bundle`), so the suite can drive it directly. Exit 0 verified, 1 rejected, 2 could
//! not answer (usage, I/O).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args as ClapArgs, Subcommand, ValueHint};

use scs_cert::sigstore::{
    self, Artifact, Bundle, MAX_BUNDLE_BYTES, MAX_TRUSTED_ROOT_BYTES, Policy, SignerIdentity,
    TrustedRoot,
};
use scs_cert::time::format_instant;
use scs_cli::{self as cli, Outcome, Printer, Tone};

/// Environment variable naming the default trusted root (used when `--trusted-root` is absent).
const TRUSTED_ROOT_ENV: &str = "SCS_SIGSTORE_TRUSTED_ROOT";
/// Largest artifact read.
const MAX_ARTIFACT_BYTES: usize = 256 * 1024 * 1024;
/// Largest PEM key file read.
const MAX_KEY_BYTES: usize = 64 * 1024;

#[derive(Debug, ClapArgs)]
pub(crate) struct SigstoreArgs {
    #[command(subcommand)]
    pub(crate) command: SigstoreCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SigstoreCommand {
    /// Verify a Sigstore bundle for a file or a `sha256:<hex>` digest, offline.
    VerifyBundle(VerifyBundleArgs),
}

#[derive(Debug, ClapArgs)]
pub(crate) struct VerifyBundleArgs {
    /// The Sigstore bundle (`*.sigstore.json`).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) bundle: PathBuf,
    /// The signer's certificate identity (SAN), exact.
    #[arg(
        long,
        value_name = "ID",
        requires = "certificate_oidc_issuer",
        conflicts_with = "key"
    )]
    pub(crate) certificate_identity: Option<String>,
    /// The OIDC issuer of the signer's certificate, exact.
    #[arg(
        long,
        value_name = "URL",
        requires = "certificate_identity",
        conflicts_with = "key"
    )]
    pub(crate) certificate_oidc_issuer: Option<String>,
    /// A managed key: PEM public key file (instead of a certificate identity).
    #[arg(long, value_name = "PEM", value_hint = ValueHint::FilePath)]
    pub(crate) key: Option<PathBuf>,
    /// The trusted root (`trusted_root.json`); default: the file named by
    /// $SCS_SIGSTORE_TRUSTED_ROOT.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) trusted_root: Option<PathBuf>,
    /// The artifact file, or `sha256:<hex>` for its digest.
    #[arg(value_name = "FILE_OR_DIGEST")]
    pub(crate) artifact: String,
}

pub(crate) fn run(printer: &Printer, args: SigstoreArgs) -> anyhow::Result<Outcome> {
    match args.command {
        SigstoreCommand::VerifyBundle(a) => verify_bundle(printer, a),
    }
}

fn verify_bundle(printer: &Printer, args: VerifyBundleArgs) -> anyhow::Result<Outcome> {
    let policy = match (
        &args.key,
        &args.certificate_identity,
        &args.certificate_oidc_issuer,
    ) {
        (Some(path), None, None) => {
            let pem = cli::read_input(path, MAX_KEY_BYTES)?;
            let pem = String::from_utf8(pem)
                .with_context(|| format!("{} is not text", cli::shown(&path)))?;
            Policy::Key { pem }
        }
        (None, Some(identity), Some(issuer)) => Policy::Identity {
            issuer: issuer.clone(),
            identity: identity.clone(),
        },
        _ => {
            bail!("give either --key, or both --certificate-identity and --certificate-oidc-issuer")
        }
    };
    let root_path = match args.trusted_root.clone() {
        Some(p) => p,
        None => match cli::env_var(TRUSTED_ROOT_ENV) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => bail!("no trusted root: give --trusted-root FILE or set {TRUSTED_ROOT_ENV}"),
        },
    };
    let root = TrustedRoot::from_json(&cli::read_input(&root_path, MAX_TRUSTED_ROOT_BYTES)?)
        .with_context(|| format!("while reading the trusted root {}", cli::shown(&root_path)))?;
    let bundle_bytes = cli::read_input(&args.bundle, MAX_BUNDLE_BYTES)?;
    let artifact_bytes;
    let artifact = if let Some(digest) = sigstore::parse_sha256_digest(&args.artifact) {
        Artifact::Sha256(digest)
    } else if args.artifact.starts_with("sha256:") {
        bail!("{} is not sha256:<64 hex digits>", args.artifact);
    } else {
        artifact_bytes = cli::read_input(args.artifact.as_ref(), MAX_ARTIFACT_BYTES)?;
        Artifact::Bytes(&artifact_bytes)
    };
    // A bundle that does not parse is a rejected bundle (exit 1), as the suite expects.
    let result = Bundle::from_json(&bundle_bytes)
        .and_then(|b| sigstore::verify(&b, artifact, &root, &policy));
    match result {
        Ok(v) => {
            let who = match v.signer() {
                SignerIdentity::Certificate { issuer, identities } => {
                    format!("{} ({issuer})", identities.join(", "))
                }
                SignerIdentity::Key { fingerprint } => fingerprint.clone(),
                _ => String::from("?"),
            };
            let line = format!(
                "{}: {} signed by {who} at {}",
                cli::shown(&args.bundle),
                printer.paint("verified", Tone::Good),
                format_instant(v.signed_at())
            );
            printer.result(&line)?;
            Ok(Outcome::Success)
        }
        Err(e) => {
            let line = format!(
                "{}: {}: {e}",
                cli::shown(&args.bundle),
                printer.paint("rejected", Tone::Bad)
            );
            printer.result(&line)?;
            Ok(Outcome::Negative)
        }
    }
}
