//! `scs-cert ingest` (`ingest`) and `scs-cert registry verify` (`finding`, `summary`).

use schemars::JsonSchema;
use serde::Serialize;

use super::{Problem, Record};

/// What became of one file handed to `scs-cert ingest --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct IngestRecord {
    /// The path as given.
    pub file: String,
    /// `ingested`, `already-present`, `rejected` or `skipped`.
    pub outcome: &'static str,
    /// The archived body's digest (`ingested`, `already-present`).
    pub sha256: Option<String>,
    /// How many documents it holds (`ingested`).
    pub documents: Option<usize>,
    /// Why it was rejected.
    pub problem: Option<Problem>,
    /// Why it was not read (`skipped`).
    pub reason: Option<String>,
}

impl Record for IngestRecord {
    const TYPE: &'static str = "ingest";
}

impl IngestRecord {
    fn new(file: String, outcome: &'static str) -> IngestRecord {
        IngestRecord {
            file,
            outcome,
            sha256: None,
            documents: None,
            problem: None,
            reason: None,
        }
    }

    /// Accepted: its `documents` ledger lines are added.
    pub fn ingested(file: String, sha256: String, documents: usize) -> IngestRecord {
        IngestRecord {
            sha256: Some(sha256),
            documents: Some(documents),
            ..IngestRecord::new(file, "ingested")
        }
    }

    /// Already in the registry, byte for byte.
    pub fn already_present(file: String, sha256: String) -> IngestRecord {
        IngestRecord {
            sha256: Some(sha256),
            ..IngestRecord::new(file, "already-present")
        }
    }

    /// Refused.
    pub fn rejected(file: String, problem: Problem) -> IngestRecord {
        IngestRecord {
            problem: Some(problem),
            ..IngestRecord::new(file, "rejected")
        }
    }

    /// An entry of a folder that is not read, and why.
    pub fn skipped(file: String, reason: String) -> IngestRecord {
        IngestRecord {
            reason: Some(reason),
            ..IngestRecord::new(file, "skipped")
        }
    }
}

/// One finding of `scs-cert registry verify --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FindingRecord {
    /// The commit it is about (`null`: the registry as a whole).
    pub commit: Option<String>,
    /// Its position in the history, 1 for the first commit.
    pub commit_number: Option<usize>,
    /// Stable, kebab-case.
    pub code: &'static str,
    /// The file it is about.
    pub path: Option<String>,
    /// In words.
    pub message: String,
}

impl Record for FindingRecord {
    const TYPE: &'static str = "finding";
}

/// The last record of `scs-cert registry verify --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SummaryRecord {
    /// No findings.
    pub valid: bool,
    /// Commits walked.
    pub commits: usize,
    /// Ledger lines checked.
    pub ledger_lines: usize,
    /// Whether the archive was checked object by object.
    pub archive_checked: bool,
    /// Archive objects checked.
    pub archive_objects: usize,
    /// How many findings.
    pub findings: usize,
    /// The first commit with a finding.
    pub first_commit: Option<String>,
    /// The forum keys the history rests on (`SHA256:…`): every key of every version of
    /// `keys/allowed_signers` that judged a commit, and of the current one.
    pub forum_keys: Vec<String>,
    /// Whether those are the keys given with `--expect-key` (`null`: none was given).
    pub forum_keys_expected: Option<bool>,
}

impl Record for SummaryRecord {
    const TYPE: &'static str = "summary";
}

/// What `scs-cert publish --json` wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PublishRecord {
    /// The output folder, as given.
    pub dir: String,
    /// The instant the site shows (RFC 3339).
    pub at: String,
    /// The registry commit published.
    pub commit: String,
    /// Files written.
    pub files: usize,
    /// Bytes of the files other than report pages.
    pub bytes: u64,
    /// HTML pages among the files.
    pub pages: usize,
    /// Certificates published.
    pub certificates: usize,
    /// Report pages.
    pub reports: usize,
    /// Reports whose signed body this copy's archive lacks (their pages show no logs).
    pub reports_without_body: usize,
    /// Report pages taken unchanged from the site being replaced.
    pub reports_reused: usize,
    /// Urkunde PDFs rendered.
    pub pdfs: usize,
    /// The overview page to open.
    pub index: String,
    /// What the secretary should know (status URLs the site does not serve, …).
    pub warnings: Vec<String>,
}

impl Record for PublishRecord {
    const TYPE: &'static str = "publish";
}

/// The registry's CRL when it needs re-issuing (`scs-cert attention --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CrlRecord {
    /// The file, `crl.pem`.
    pub file: &'static str,
    /// Its CRL number.
    pub number: u64,
    /// Its nextUpdate (RFC 3339).
    pub next_update: String,
    /// Whole days left (0 or negative once stale).
    pub days_left: i64,
    /// Past its nextUpdate: relying parties take it to say nothing.
    pub stale: bool,
}

impl Record for CrlRecord {
    const TYPE: &'static str = "crl";
}

/// What a command that changes the registry did (`--json` of `init`, `scope add`,
/// `subject add|set|import|key|sigstore`, `trusted-root`, `issue`, `renew`, `suspend`,
/// `reinstate`, `withdraw`, `crl`, `manual record`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ChangeRecord {
    /// The command, e.g. `subject set`, `issue`.
    pub action: String,
    /// The signed commit made (`null`: nothing changed).
    pub commit: Option<String>,
    /// The subject concerned.
    pub subject: Option<String>,
    /// The scope concerned (uuid).
    pub scope: Option<String>,
    /// The certificate concerned (the new one for `issue` and `renew`).
    pub certificate: Option<String>,
    /// The certificate's status after the change.
    pub status: Option<String>,
    /// The certificate's end, exclusive (`issue`, `renew`).
    pub valid_until: Option<String>,
    /// The number of the CRL in force after the change.
    pub crl_number: Option<u64>,
    /// What changed, in words (the line printed without `--json`).
    pub summary: String,
}

impl Record for ChangeRecord {
    const TYPE: &'static str = "change";
}

impl ChangeRecord {
    /// A change by `action`, committed as `commit` (`None`: nothing changed), said in
    /// `summary`; the other keys are set by the caller where they apply.
    pub fn new(action: &str, commit: Option<String>, summary: String) -> ChangeRecord {
        ChangeRecord {
            action: action.to_owned(),
            commit,
            summary,
            ..ChangeRecord::default()
        }
    }
}
