//! `scs-report verify` (`file`) and `scs-report show` (`document`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Problem, Record};
use crate::eval::VersionStatus;
use crate::report::Report;
use crate::spec::{Spec, Version};
use crate::target::{TargetOutcome, TargetVerdict};
use crate::time::format_instant;
use crate::trust::KnownSigners;
use crate::verify::FileCheck;

/// One signed report file checked (`scs-report verify --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FileRecord {
    /// The path as given.
    pub file: String,
    /// `true`: every document signed by a key bound to its subject; `false`: a definite no;
    /// `null`: could not check.
    pub valid: Option<bool>,
    /// `SHA256:…` of the signing key, when the SSH signature could be read.
    pub fingerprint: Option<String>,
    /// The Sigstore signer (`issuer identity` or `key SHA256:…`), for a bundle.
    pub sigstore_signer: Option<String>,
    /// Why the file is not valid.
    pub problem: Option<Problem>,
    /// One entry per document, when the signature verified and the report could be read.
    pub documents: Vec<DocumentEntry>,
    /// When the signing key is unknown or not allowed for a document's subject: for each such
    /// subject, the keys that may sign for it and its delegates (empty otherwise).
    pub known_signers: Vec<SignersEntry>,
}

/// Who may sign for a subject, in a [`FileRecord`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SignersEntry {
    /// The subject.
    pub subject: String,
    /// `SHA256:…` of each of its keys.
    pub keys: Vec<String>,
    /// The accounts whose keys may sign for it too.
    pub delegates: Vec<String>,
}

impl From<&KnownSigners> for SignersEntry {
    fn from(k: &KnownSigners) -> SignersEntry {
        SignersEntry {
            subject: k.subject.to_string(),
            keys: k.keys.iter().map(ToString::to_string).collect(),
            delegates: k.delegates.iter().map(ToString::to_string).collect(),
        }
    }
}

/// One document of a checked file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DocumentEntry {
    /// 0-based.
    pub index: usize,
    /// The report's subject.
    pub subject: String,
    /// The scope uuid.
    pub scope: String,
    /// The run uuid.
    pub run: String,
    /// When its checks ran.
    pub checked_at: String,
    /// Whether its signer may sign for its subject.
    pub valid: bool,
    /// `principal (SHA256:…)`, when it may.
    pub signer: Option<String>,
    /// The delegate account that signed on the subject's behalf, when the key is not the
    /// subject's own.
    pub delegate: Option<String>,
    /// Why not.
    pub problem: Option<Problem>,
}

impl Record for FileRecord {
    const TYPE: &'static str = "file";
}

impl FileRecord {
    /// The record of `check` for `file`.
    pub fn new(file: String, check: &FileCheck) -> FileRecord {
        FileRecord {
            file,
            valid: Some(check.is_valid()),
            fingerprint: check.fingerprint.as_ref().map(ToString::to_string),
            sigstore_signer: check.signer.clone(),
            problem: check
                .result
                .as_ref()
                .err()
                .map(|p| Problem::new(p.code(), p)),
            documents: check
                .documents
                .iter()
                .enumerate()
                .map(|(index, d)| {
                    let r = &d.report;
                    DocumentEntry {
                        index,
                        subject: r.subject().to_string(),
                        scope: r.scope_uuid().to_owned(),
                        run: r.run_uuid().to_string(),
                        checked_at: format_instant(r.checked_at().and_utc()),
                        valid: d.decision.is_ok(),
                        signer: d.decision.as_ref().ok().map(ToString::to_string),
                        delegate: d
                            .decision
                            .as_ref()
                            .ok()
                            .and_then(|s| s.via_delegation())
                            .map(ToString::to_string),
                        problem: d.decision.as_ref().err().map(|e| Problem::new(e.code(), e)),
                    }
                })
                .collect(),
            known_signers: Vec::new(),
        }
    }

    /// The record with who may sign for the subjects its key was refused for.
    #[must_use]
    pub fn with_known_signers(mut self, known: &[KnownSigners]) -> FileRecord {
        self.known_signers = known.iter().map(SignersEntry::from).collect();
        self
    }

    /// A file that could not be checked at all (unreadable), and why.
    pub fn not_checked(file: String, message: String) -> FileRecord {
        FileRecord {
            file,
            valid: None,
            fingerprint: None,
            sigstore_signer: None,
            problem: Some(Problem::new("could-not-check", message)),
            documents: Vec::new(),
            known_signers: Vec::new(),
        }
    }
}

/// One report document judged against a scope spec (`scs-report show --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DocumentRecord {
    /// Where the document came from.
    pub file: String,
    /// 0-based.
    pub index: usize,
    /// The report's subject.
    pub subject: String,
    /// The scope uuid.
    pub scope: String,
    /// The name of the scope spec it was judged against.
    pub scope_name: String,
    /// The run uuid.
    pub run: String,
    /// When its checks ran.
    pub checked_at: String,
    /// The instant judged at.
    pub at: String,
    /// The document's verdict on its scope: some version is compliant (certifiable, `effective`
    /// or `warn`, and its `main` target PASS). `scs-report show` exits 1 when a document is not.
    pub compliant: bool,
    /// Every version the timeline entry in force lists at `at`.
    pub versions: Vec<VersionEntry>,
}

/// A version's targets in a [`DocumentRecord`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct VersionEntry {
    /// The version.
    pub version: String,
    /// `effective`, `warn`, `draft`, `deprecated`.
    pub validity: String,
    /// Whether it is certifiable (`effective` or `warn`) and its `main` target passes.
    pub compliant: bool,
    /// Target name to its outcome.
    pub targets: BTreeMap<String, TargetEntry>,
}

/// A target's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TargetEntry {
    /// FAIL > MISSING > ABORT > PASS.
    pub verdict: TargetVerdict,
    /// A target without testcases (never a PASS).
    pub empty: bool,
    /// The failed testcases.
    pub failed: Vec<TestcaseEntry>,
    /// The aborted testcases.
    pub aborted: Vec<TestcaseEntry>,
    /// The testcases without a result.
    pub missing: Vec<TestcaseEntry>,
}

/// A testcase named in a [`TargetEntry`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TestcaseEntry {
    /// Its id.
    pub id: String,
    /// The spec's description.
    pub description: Option<String>,
    /// The spec's URL.
    pub url: Option<String>,
}

impl Record for DocumentRecord {
    const TYPE: &'static str = "document";
}

impl DocumentRecord {
    /// The record of document `index` of `file`, judged against `spec` at `at` as `versions`.
    pub fn new(
        file: String,
        index: usize,
        doc: &Report,
        spec: &Spec,
        at: chrono::NaiveDateTime,
        versions: &[VersionStatus<'_>],
    ) -> DocumentRecord {
        DocumentRecord {
            file,
            index,
            subject: doc.subject().to_string(),
            scope: doc.scope_uuid().to_owned(),
            scope_name: spec.name().to_owned(),
            run: doc.run_uuid().to_string(),
            checked_at: format_instant(doc.checked_at().and_utc()),
            at: format_instant(at.and_utc()),
            compliant: versions.iter().any(VersionStatus::is_compliant),
            versions: versions
                .iter()
                .map(|v| VersionEntry {
                    version: v.version.name().to_owned(),
                    validity: v.validity.to_string(),
                    compliant: v.is_compliant(),
                    targets: v
                        .targets
                        .iter()
                        .map(|(name, t)| (name.clone(), TargetEntry::new(v.version, t)))
                        .collect(),
                })
                .collect(),
        }
    }
}

impl TargetEntry {
    fn new(version: &Version, t: &TargetOutcome) -> TargetEntry {
        let testcases = |ids: &[String]| {
            ids.iter()
                .map(|id| {
                    let tc = version.testcase(id);
                    TestcaseEntry {
                        id: id.clone(),
                        description: tc.and_then(|t| t.description()).map(str::to_owned),
                        url: tc.and_then(|t| t.url()).map(str::to_owned),
                    }
                })
                .collect()
        };
        TargetEntry {
            verdict: t.verdict,
            empty: t.empty,
            failed: testcases(&t.failed),
            aborted: testcases(&t.aborted),
            missing: testcases(&t.missing),
        }
    }
}
