//! Command-line definitions of `scs-cert` (clap types and help text only).

#![allow(
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags,
    reason = "the doc comments here are clap's --help text, printed as written"
)]

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueHint};
use scs_cert::time::InstantArg;
use scs_cli::{CompletionsArgs, ManArgs, OutputArgs};

const EXIT_CODES: &str = "Exit status: 0 success (eligible, valid); 1 a definite no (not eligible, \
                          a report rejected, the registry history is broken); 2 could not answer \
                          (usage, I/O, parse or internal error).";

/// The forum's certificate registry: subjects, signed evidence, eligibility.
#[derive(Debug, Parser)]
#[command(
    name = "scs-cert",
    version = scs_cli::version(&[("typst", scs_urkunde::TYPST_VERSION)]),
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

/// The commands that sign a change with the forum key: only their help shows `--key` and
/// `--passphrase-file`.
const SIGNING: &[&str] = &[
    "scope add",
    "subject add",
    "subject set",
    "subject import",
    "subject key add",
    "subject key retire",
    "subject sigstore",
    "ingest",
    "trusted-root",
    "issue",
    "renew",
    "suspend",
    "reinstate",
    "withdraw",
    "crl",
    "manual record",
];

/// The command-line definition as parsed and documented (help, man pages, completions).
pub(crate) fn command() -> clap::Command {
    scs_cli::hide_globals_except(
        <Args as clap::CommandFactory>::command(),
        &["key", "passphrase_file"],
        SIGNING,
    )
}

/// Options every command takes.
#[derive(Debug, ClapArgs)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// The registry to act on (default: $SCS_REGISTRY, else the one the current directory lies
    /// in).
    #[arg(long, global = true, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) registry: Option<PathBuf>,
    /// The forum's private key for signing changes (default: the one `init` recorded in this
    /// clone's local settings).
    #[arg(long, global = true, value_name = "KEY", value_hint = ValueHint::FilePath)]
    pub(crate) key: Option<PathBuf>,
    /// Read the forum key's passphrase from the first line of this file instead of asking.
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a new registry (git repository) with the forum's key and the seed scope specs.
    Init(InitArgs),
    /// Adopt and list scope specs.
    #[command(subcommand)]
    Scope(ScopeCommand),
    /// Keep the subjects: clouds, their keys, delegates.
    #[command(subcommand)]
    Subject(SubjectCommand),
    /// Verify signed reports and record them in the ledger (one commit per call).
    #[command(after_help = EXIT_CODES)]
    Ingest(IngestArgs),
    /// Who is compliant at an instant, per subject and scope, and why not.
    Status(StatusArgs),
    /// May this subject be certified? Compliance over the observation window, with reasons.
    #[command(after_help = EXIT_CODES)]
    Eligible(EligibleArgs),
    /// Issue a certificate (refused unless eligible; --override records why anyway).
    #[command(after_help = EXIT_CODES)]
    Issue(IssueArgs),
    /// Issue the successor of a certificate, under the same eligibility rule.
    #[command(after_help = EXIT_CODES)]
    Renew(RenewArgs),
    /// Suspend a certificate (CRL: certificateHold).
    Suspend(EventArgs),
    /// Reinstate a suspended certificate.
    Reinstate(EventArgs),
    /// Withdraw a certificate for good (CRL: revoked with a reason code).
    Withdraw(WithdrawArgs),
    /// List the certificates with their status at an instant.
    Certificates(CertificatesArgs),
    /// One certificate for a reader: its record, status and events.
    #[command(subcommand)]
    Certificate(CertificateCommand),
    /// What needs the secretary: findings on active certificates, expiries, manual checks due.
    Attention(AttentionArgs),
    /// Set the Sigstore trusted root (trusted_root.json) reports signed with Sigstore are
    /// verified against.
    TrustedRoot(TrustedRootArgs),
    /// Re-issue the certificate revocation list (crl.pem).
    Crl(CrlArgs),
    /// Verify a certificate: record signature, X.509 chain, CRL status, registry history.
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
    /// Render certificates as Urkunde PDFs (PDF/A-2b, one page, reproducible) with typst.
    Render(RenderArgs),
    /// Publish the registry as a static site: overview, status pages, history, feeds.
    Publish(PublishArgs),
    /// Record results of manual checks (forum-signed).
    #[command(subcommand)]
    Manual(ManualCommand),
    /// Check and repair the registry itself.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Run the whole flow on built-in demo data in a new registry.
    Demo(DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions(CompletionsArgs),
    /// Write the man pages (section 1) into a directory.
    Man(ManArgs),
}

#[derive(Debug, ClapArgs)]
pub(crate) struct InitArgs {
    /// Where to create the registry (a new or empty directory).
    #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) dir: PathBuf,
    /// Use this existing OpenSSH key as the forum key instead of generating one.
    #[arg(long, value_name = "KEY", value_hint = ValueHint::FilePath)]
    pub(crate) use_key: Option<PathBuf>,
    /// Protect a generated forum key with a passphrase asked for on the terminal.
    #[arg(long)]
    pub(crate) ask_passphrase: bool,
    /// The forum's short name.
    #[arg(long, default_value = "Forum SCS-Standards")]
    pub(crate) name: String,
    /// The legal name of the body behind it.
    #[arg(long, default_value = "Open Source Business Alliance e.V.")]
    pub(crate) legal_name: String,
    /// Place of issue printed on certificates.
    #[arg(long, default_value = "Berlin")]
    pub(crate) city: String,
    /// Base URL of the certificate status pages.
    #[arg(long, default_value = "https://registry.scs.community/certificates/")]
    pub(crate) status_base_url: String,
    /// The signer's name (git author, printed on certificates).
    #[arg(long, default_value = "Forum Secretary")]
    pub(crate) signer_name: String,
    /// The signer's role.
    #[arg(long, default_value = "Secretary")]
    pub(crate) signer_role: String,
    /// The signer's e-mail (git author and committer).
    #[arg(long, default_value = "secretary@forum.invalid")]
    pub(crate) signer_email: String,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ScopeCommand {
    /// Adopt a scope spec file (kept byte for byte).
    Add(ScopeAddArgs),
    /// List the adopted scopes.
    List,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct ScopeAddArgs {
    /// The scope spec (scs-0003 YAML).
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) file: PathBuf,
    /// Replace an adopted spec with the same uuid (the old one stays in the history).
    #[arg(long)]
    pub(crate) replace: bool,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SubjectCommand {
    /// Add a subject.
    Add(SubjectAddArgs),
    /// Show one subject's record.
    Show(SubjectShowArgs),
    /// Change what is printed about a subject: name, operator, description, group, health
    /// monitor (an empty value removes the field).
    Set(SubjectSetArgs),
    /// List the subjects.
    List,
    /// Import the accounts, keys and delegations of a compliance-monitor bootstrap.yaml.
    Import(SubjectImportArgs),
    /// Bind or retire a subject's report-signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Print the subjects' keys as an OpenSSH allowed_signers file (for ssh-keygen or
    /// `scs-report verify --allowed-signers`).
    AllowedSigners,
    /// Bind a Sigstore signer to a subject: a keyless CI identity or a managed key.
    Sigstore(SigstoreBindArgs),
}

#[derive(Debug, ClapArgs)]
#[command(group = clap::ArgGroup::new("signer").required(true).args(["identity", "public_key"]))]
pub(crate) struct SigstoreBindArgs {
    /// The subject.
    pub(crate) subject: String,
    /// The OIDC issuer of the identity, e.g. https://token.actions.githubusercontent.com.
    #[arg(long, requires = "identity")]
    pub(crate) issuer: Option<String>,
    /// The exact certificate identity (SAN), e.g. a workflow URI.
    #[arg(long, requires = "issuer")]
    pub(crate) identity: Option<String>,
    /// A managed public key (PEM file) instead of an identity.
    #[arg(long, value_name = "PEM", value_hint = ValueHint::FilePath)]
    pub(crate) public_key: Option<PathBuf>,
    /// Bound from this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct SubjectAddArgs {
    /// The subject name (letters, digits, '.', '_', '-').
    pub(crate) subject: String,
    #[command(flatten)]
    pub(crate) display: SubjectDisplayArgs,
    /// A subject whose keys may sign for this one (repeatable).
    #[arg(long = "delegate", value_name = "SUBJECT")]
    pub(crate) delegates: Vec<String>,
    /// An OpenSSH public key line to bind (repeatable).
    #[arg(long = "ssh-key", value_name = "KEYLINE")]
    pub(crate) keys: Vec<String>,
    /// Bind keys from this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

/// What is printed about a subject (certificates, Urkunden, the site).
#[derive(Debug, ClapArgs)]
pub(crate) struct SubjectDisplayArgs {
    /// Display name (of the cloud or environment).
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Operator (company): the certificate's holder unless `issue --holder` says otherwise.
    #[arg(long)]
    pub(crate) operator: Option<String>,
    /// Description, e.g. "public cloud, 1 SCS region".
    #[arg(long)]
    pub(crate) description: Option<String>,
    /// Group (several subjects of one cloud).
    #[arg(long)]
    pub(crate) group: Option<String>,
    /// Link to the health monitor.
    #[arg(long)]
    pub(crate) health_monitor: Option<String>,
}

#[derive(Debug, ClapArgs)]
#[command(group = clap::ArgGroup::new("fields").required(true).multiple(true)
    .args(["name", "operator", "description", "group", "health_monitor"]))]
pub(crate) struct SubjectSetArgs {
    /// The subject.
    pub(crate) subject: String,
    #[command(flatten)]
    pub(crate) display: SubjectDisplayArgs,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct SubjectShowArgs {
    /// The subject.
    pub(crate) subject: String,
    /// The record as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct SubjectImportArgs {
    /// The bootstrap file.
    #[arg(value_name = "BOOTSTRAP.yaml", value_hint = ValueHint::FilePath)]
    pub(crate) file: PathBuf,
    /// Bind the imported keys from this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) keys_valid_from: Option<InstantArg>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Bind a key to a subject.
    Add(KeyAddArgs),
    /// Retire a subject's key (reports signed later with it are refused).
    Retire(KeyRetireArgs),
}

#[derive(Debug, ClapArgs)]
pub(crate) struct KeyAddArgs {
    /// The subject.
    pub(crate) subject: String,
    /// The OpenSSH public key line, or a .pub file.
    // Not `key`: the global `--key` (the forum's key) has that id, and clap panics on the clash.
    #[arg(id = "public_key", value_name = "KEYLINE|FILE.pub")]
    pub(crate) public_key: String,
    /// A name for the key.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Bound from this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct KeyRetireArgs {
    /// The subject.
    pub(crate) subject: String,
    /// The key's fingerprint (SHA256:…).
    pub(crate) fingerprint: String,
    /// Retired from this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["files", "manifest"]))]
pub(crate) struct IngestArgs {
    /// Report files (each with FILE.sig beside it), or upload bodies with --body; a directory
    /// stands for every *.yaml, *.yml and *.json file in it (and in its subfolders with -r).
    #[arg(value_name = "FILE", value_hint = ValueHint::AnyPath)]
    pub(crate) files: Vec<PathBuf>,
    /// Read directories recursively.
    #[arg(short = 'r', long)]
    pub(crate) recursive: bool,
    /// An archive to import: a JSON file {"files": [{"path": PATH, "received_at": INSTANT}]}
    /// (paths relative to it), ingested in receipt order in one commit, each file recorded as
    /// received at its declared instant.
    #[arg(
        long,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        conflicts_with_all = ["files", "received_at"]
    )]
    pub(crate) manifest: Option<PathBuf>,
    /// The files are upload bodies (signature, `&`, report).
    #[arg(long)]
    pub(crate) body: bool,
    /// Record this receive instant instead of now (for importing archives of past reports;
    /// recorded as declared).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) received_at: Option<InstantArg>,
    /// One JSON object per file on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct StatusArgs {
    /// Subjects to show (default: all).
    pub(crate) subjects: Vec<String>,
    /// Only this scope (uuid, alias such as scs-compatible-iaas, or iaas / kaas).
    #[arg(long, value_name = "SCOPE")]
    pub(crate) scope: Option<String>,
    /// Judge at this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// One row per listed version (default: one per subject and scope, with its best version:
    /// compliant, else certifiable).
    #[arg(long)]
    pub(crate) all_versions: bool,
    /// One JSON object per (subject, scope) on stdout, with every listed version.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct EligibleArgs {
    /// The subject.
    pub(crate) subject: String,
    /// The scope (uuid, alias such as scs-compatible-iaas, or iaas / kaas; default: every
    /// scope the subject has reported, one answer each).
    #[arg(long, value_name = "SCOPE")]
    pub(crate) scope: Option<String>,
    /// The scope version (default: every certifiable version, newest first, until one is
    /// eligible).
    #[arg(long, value_name = "VERSION", requires = "scope")]
    pub(crate) version: Option<String>,
    /// Decide at this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// Observation window, e.g. 28d, 12h, 0 (default: forum.toml's policy).
    #[arg(long, value_name = "DURATION")]
    pub(crate) window: Option<String>,
    /// The decision as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RegistryCommand {
    /// Replay the whole history: commit signatures, append-only ledgers and certificate
    /// records, ledger consistency, and the archived bodies (digest, signature, content).
    /// Names the first commit where anything is wrong.
    #[command(after_help = EXIT_CODES)]
    Verify {
        /// One JSON object per finding on stdout, then a summary object.
        #[arg(long)]
        json: bool,
        /// Treat a missing archive folder as a finding (a plain clone has none; by default
        /// the archive is then reported as not checked).
        #[arg(long)]
        require_archive: bool,
        /// A forum key fingerprint (SHA256:...) learned out of band, e.g. from the forum's web
        /// site. Repeatable. A finding (exit 1) when the history rests on any forum key not
        /// given here.
        #[arg(long, value_name = "FINGERPRINT")]
        expect_key: Vec<scs_cert::sig::Fingerprint>,
    },
    /// Discard a change a crash left unfinished (back to the last commit).
    Recover,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct DemoArgs {
    /// Keep the demo registry in this (new or empty) directory instead of a temporary one.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) dir: Option<PathBuf>,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct IssueArgs {
    /// The subject.
    pub(crate) subject: String,
    /// The scope (uuid, alias such as scs-compatible-iaas, or iaas / kaas).
    #[arg(long, value_name = "SCOPE")]
    pub(crate) scope: String,
    /// The scope version (default: the best eligible certifiable version).
    #[arg(long, value_name = "VERSION")]
    pub(crate) version: Option<String>,
    /// The holder organisation (default: the subject's operator).
    #[arg(long, value_name = "ORG")]
    pub(crate) holder: Option<String>,
    /// The instant of issue (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// Issue although not eligible; the reason is recorded in the decision.
    #[arg(long = "override", value_name = "REASON")]
    pub(crate) override_reason: Option<String>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct RenewArgs {
    /// The certificate to renew.
    pub(crate) id: String,
    /// The scope version of the successor (default: the best eligible one).
    #[arg(long, value_name = "VERSION")]
    pub(crate) version: Option<String>,
    /// The instant of issue (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// Renew although not eligible; the reason is recorded.
    #[arg(long = "override", value_name = "REASON")]
    pub(crate) override_reason: Option<String>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct EventArgs {
    /// The certificate.
    pub(crate) id: String,
    /// Why (recorded, shown on the status page).
    #[arg(long)]
    pub(crate) reason: String,
    /// When (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct WithdrawArgs {
    #[command(flatten)]
    pub(crate) event: EventArgs,
    /// RFC 5280 reason code: unspecified, affiliation-changed, superseded,
    /// cessation-of-operation, privilege-withdrawn.
    #[arg(long, default_value = "unspecified")]
    pub(crate) code: String,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct CertificatesArgs {
    /// Status at this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// One JSON object per certificate on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CertificateCommand {
    /// Print a certificate's record, its status at an instant and its events.
    Show(CertificateShowArgs),
}

#[derive(Debug, ClapArgs)]
pub(crate) struct CertificateShowArgs {
    /// The certificate id (SCS-IAAS-2026-0001).
    pub(crate) id: String,
    /// Status at this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// The certificate as one JSON object on stdout (as `certificates --json`).
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct AttentionArgs {
    /// At this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// One JSON object per item on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ManualCommand {
    /// Record the result of a manual check.
    Record(ManualRecordArgs),
}

#[derive(Debug, ClapArgs)]
pub(crate) struct ManualRecordArgs {
    /// The subject.
    pub(crate) subject: String,
    /// The scope (uuid or alias).
    #[arg(long, value_name = "SCOPE")]
    pub(crate) scope: String,
    /// The manual testcase id.
    pub(crate) testcase: String,
    /// The result: pass or fail.
    pub(crate) result: String,
    /// What the check was based on (text or URL).
    #[arg(long)]
    pub(crate) evidence: String,
    /// When the check was made (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// Record it as received at this instant instead of now (importing past checks; recorded
    /// as declared).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) recorded_at: Option<InstantArg>,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct CrlArgs {
    /// How long the new CRL is valid (nextUpdate - thisUpdate), e.g. 7d.
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    pub(crate) next_update: String,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct VerifyArgs {
    /// A certificate id (with a registry) or a record file (certificates/<ID>.yaml, with its
    /// .yaml.sig and .pem beside it). A record file inside a clone of the registry (or a
    /// published site) is checked with that copy's keys/allowed_signers, keys/forum-ca.pem
    /// and crl.pem, found by walking up from the file, unless --keys names the keys.
    pub(crate) certificate: String,
    /// A record file checked with these forum keys (keys/allowed_signers) instead of those of
    /// the clone it is in; then only the files named are used.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) keys: Option<PathBuf>,
    /// A record file checked against this CRL (crl.pem) instead of the clone's.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) crl: Option<PathBuf>,
    /// A record file checked under this CA certificate (default: forum-ca.pem beside --keys,
    /// or the clone's keys/forum-ca.pem).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) ca: Option<PathBuf>,
    /// For a record file: refuse to answer "valid" (exit 2) when there is no CRL, since
    /// suspension and withdrawal cannot be seen without one.
    #[arg(long)]
    pub(crate) require_crl: bool,
    /// A forum key fingerprint (SHA256:...) learned out of band, e.g. from the forum's web site.
    /// Repeatable. The answer is a no (exit 1) when it rests on any forum key not given here.
    #[arg(long, value_name = "FINGERPRINT")]
    pub(crate) expect_key: Vec<scs_cert::sig::Fingerprint>,
    /// Judge at this instant (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// The result as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct TrustedRootArgs {
    /// The trusted_root.json file (Sigstore's format).
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) file: PathBuf,
    /// What was done as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct RenderArgs {
    /// Certificate ids to render.
    #[arg(value_name = "ID", required_unless_present = "all")]
    pub(crate) ids: Vec<String>,
    /// Render every active certificate.
    #[arg(long, conflicts_with = "ids")]
    pub(crate) all: bool,
    /// Output directory (default: the current one), or a .pdf file for a single certificate.
    #[arg(short, long, value_name = "DIR|FILE", value_hint = ValueHint::AnyPath)]
    pub(crate) output: Option<PathBuf>,
    /// Language: de (default) or en.
    #[arg(long, default_value = "de")]
    pub(crate) lang: String,
    /// The typst binary (default: $TYPST, else typst on PATH); must be the pinned version.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub(crate) typst: Option<PathBuf>,
    /// Replace existing PDFs, and render certificates that are withdrawn or suspended (with
    /// their status stamped across the page).
    #[arg(long)]
    pub(crate) force: bool,
    /// Which are active for --all at this instant (default: now). Whether one is refused or
    /// stamped is judged now, or at this instant if later.
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
}

/// `scs-cert publish`
#[derive(Debug, clap::Args)]
pub(crate) struct PublishArgs {
    /// The output directory: new, empty, or a previous publish output (replaced whole).
    #[arg(short, long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) output: PathBuf,
    /// The instant the site shows (default: now).
    #[arg(long, value_name = "INSTANT")]
    pub(crate) at: Option<InstantArg>,
    /// Templates that replace the built-in ones of the same name (layout.html, index.html, …).
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) templates: Option<PathBuf>,
    /// Do not render the Urkunde PDFs (status pages then link none).
    #[arg(long)]
    pub(crate) no_pdf: bool,
    /// The typst binary for the PDFs (default: $TYPST, else typst on PATH).
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub(crate) typst: Option<PathBuf>,
    /// One JSON record of what was written.
    #[arg(long)]
    pub(crate) json: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        scs_cli::assert_definition(&<super::Args as clap::CommandFactory>::command());
    }
}
