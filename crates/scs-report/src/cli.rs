//! Command-line definitions of `scs-report` (clap types and help text only).

#![allow(
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags,
    reason = "the doc comments here are clap's --help text, printed as written"
)]

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueHint};
use scs_cert::time::InstantArg;
use scs_cli::{CompletionsArgs, ManArgs, OutputArgs};

const EXIT_CODES: &str = "Exit status: 0 success / all valid; 1 a definite no (a report is invalid, or does not pass its scope); \
                          2 could not answer (usage, I/O, parse or internal error).";

const SHOW_EXIT_CODES: &str = "Output: first one verdict line per document, `PASS: <scope> for \
    <subject> (document N): <version> (<validity>) main`, or `FAIL: ... main: 3 failing, 1 missing` \
    naming what keeps each certifiable version from passing; then the details.\n\n\
    Exit status: 0 every document passes (its scope has a certifiable version, effective or warn, \
    whose main target passes); 1 some document does not; 2 could not answer (usage, I/O, parse, \
    a document of a scope no spec is given for).";

/// Sign SCS compliance run reports and verify them (OpenSSH SSHSIG, namespace `report`).
#[derive(Debug, Parser)]
#[command(
    name = "scs-report",
    version = scs_cli::version(&[]),
    about,
    after_help = EXIT_CODES,
    help_expected = true
)]
pub(crate) struct Args {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, ClapArgs)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create an OpenSSH ed25519 key pair for signing reports and print its public line.
    Keygen(KeygenArgs),
    /// Sign report files: writes FILE.sig (as `ssh-keygen -Y sign -n report` does).
    Sign(SignArgs),
    /// Verify signed report files and that the signer is bound to each document's subject.
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
    /// Show a report's verdicts against its scope spec, per version and target; exit 1 when a
    /// document's scope has no certifiable version whose main target passes.
    #[command(after_help = SHOW_EXIT_CODES)]
    Show(ShowArgs),
    /// Run the whole flow on built-in demo data: key, sign, verify, tamper, verdicts.
    Demo(DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions(CompletionsArgs),
    /// Write the man pages (section 1) into a directory.
    Man(ManArgs),
    /// Sigstore bundles: verify offline (conformance-suite protocol).
    #[cfg(feature = "sigstore")]
    Sigstore(crate::cmd::sigstore::SigstoreArgs),
}

#[derive(Debug, ClapArgs)]
pub(crate) struct KeygenArgs {
    /// Where to write the private key (FILE.pub gets the public key); never overwritten.
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) output: PathBuf,
    /// Comment stored with the key (e.g. the subject or the CI job).
    #[arg(short = 'C', long, default_value = "")]
    pub(crate) comment: String,
    /// Protect the private key with the passphrase in the first line of this file.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with = "ask_passphrase")]
    pub(crate) passphrase_file: Option<PathBuf>,
    /// Protect the private key with a passphrase asked for on the terminal.
    #[arg(long)]
    pub(crate) ask_passphrase: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct SignArgs {
    /// The private key (OpenSSH format; passphrase-protected keys are asked for).
    #[arg(short, long, value_name = "KEY", value_hint = ValueHint::FilePath)]
    pub(crate) key: PathBuf,
    /// The SSHSIG namespace.
    #[arg(short, long, default_value = "report")]
    pub(crate) namespace: String,
    /// Write the upload body the compliance monitor accepts (signature, `&`, report bytes) to
    /// FILE.body instead of FILE.sig.
    #[arg(long)]
    pub(crate) body: bool,
    /// Read the key's passphrase from the first line of this file instead of asking.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) passphrase_file: Option<PathBuf>,
    /// Replace existing output files.
    #[arg(long)]
    pub(crate) force: bool,
    /// Report files to sign.
    #[arg(required = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) files: Vec<PathBuf>,
}

#[derive(Debug, ClapArgs)]
#[command(group = clap::ArgGroup::new("trust").args(["allowed_signers", "bootstrap", "subjects", "registry"]))]
pub(crate) struct VerifyArgs {
    /// Trust from an OpenSSH allowed_signers file (principal = subject).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) allowed_signers: Option<PathBuf>,
    /// Trust from a compliance-monitor bootstrap.yaml (accounts, keys, delegates).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) bootstrap: Option<PathBuf>,
    /// Trust from subject records (`subjects/<subject>.yaml` of a registry): SSH keys with
    /// dates, Sigstore identities and managed keys, delegates. Repeatable.
    #[arg(long = "subject-record", value_name = "FILE", value_hint = ValueHint::FilePath, num_args = 1)]
    pub(crate) subjects: Vec<PathBuf>,
    /// Trust from a registry checkout (a clone or the published files): its subject records
    /// and its Sigstore trusted root, as they are in DIR (read without git; `scs-cert verify`
    /// reads what is committed).
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) registry: Option<PathBuf>,
    /// Sigstore trusted root (trusted_root.json) for reports signed with a Sigstore bundle
    /// (default: the registry's).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) trusted_root: Option<PathBuf>,
    /// The Sigstore bundle of the (single) FILE, instead of FILE.sigstore.json.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with = "body")]
    pub(crate) bundle: Option<PathBuf>,
    /// Each FILE is an upload body (signature, `&`, report) instead of a report with FILE.sig.
    #[arg(long)]
    pub(crate) body: bool,
    /// Judge key validity (valid-after/valid-before, key dates) at this instant instead of now.
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// One JSON object per file on stdout.
    #[arg(long)]
    pub(crate) json: bool,
    /// Report files (each with FILE.sig or FILE.sigstore.json beside it) or upload bodies
    /// (--body).
    #[arg(required = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) files: Vec<PathBuf>,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct ShowArgs {
    /// The report (YAML or JSON; multi-document YAML shows every document).
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) file: PathBuf,
    /// A scope spec to judge against (scs-0003 YAML); each document is judged by the spec of
    /// its scope uuid. Repeatable. Default: the specs built into the tool (SCS-compatible IaaS
    /// and KaaS, as in the registry seed).
    #[arg(long, value_name = "SCOPE.yaml", value_hint = ValueHint::FilePath, num_args = 1)]
    pub(crate) spec: Vec<PathBuf>,
    /// Judge at this instant (date or RFC 3339): which timeline entry is in force and which
    /// results have expired. Default: each document's own checked_at.
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// FILE is an upload body (signature, `&`, report); the signature is NOT checked here.
    #[arg(long)]
    pub(crate) body: bool,
    /// One JSON object per document on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct DemoArgs {
    /// Keep the demo's files in this (new or empty) directory instead of a temporary one.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        scs_cli::assert_definition(&<super::Args as clap::CommandFactory>::command());
    }
}
