//! `scs-cert attention` (`attention`) and `scs-cert verify` (`certificate-check`).

use schemars::JsonSchema;
use serde::Serialize;

use super::Record;
use crate::attention::{self, Item};
use crate::cert::CertificateRecord;
use crate::time::format_instant;

/// One thing that needs the secretary (`scs-cert attention --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AttentionRecord {
    /// The certificate.
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// What needs attention; its `kind` is a key of the record.
    #[serde(flatten)]
    pub item: AttentionItem,
}

/// What needs attention on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AttentionItem {
    /// The certified version is not compliant now (scs-0004 R8: notify, not revoke).
    Findings {
        /// `not compliant`, `version no longer certifiable`, or `version not listed in the
        /// timeline`.
        reason: &'static str,
        /// Since when (`null`: not known).
        since: Option<String>,
        /// The main testcases not passing.
        testcases: Vec<String>,
    },
    /// The certificate expires soon.
    Expiring {
        /// Its end (exclusive).
        valid_until: String,
        /// Whole days left.
        days_left: i64,
    },
    /// A manual check of the certified version is due.
    ManualCheckDue {
        /// The testcase.
        testcase: String,
        /// `no unexpired result` or `result expires <instant>`.
        detail: String,
    },
}

impl Record for AttentionRecord {
    const TYPE: &'static str = "attention";
}

impl AttentionRecord {
    /// The record of `item` on the certificate `record`.
    pub fn new(record: &CertificateRecord, item: &Item) -> AttentionRecord {
        let item = match item {
            Item::Findings { findings, since } => AttentionItem::Findings {
                reason: findings.reason.as_str(),
                since: since.map(format_instant),
                testcases: findings.testcases.clone(),
            },
            Item::Expiring { days_left } => AttentionItem::Expiring {
                valid_until: format_instant(record.valid_until_at()),
                days_left: *days_left,
            },
            Item::ManualCheckDue {
                testcase,
                result_expires,
            } => AttentionItem::ManualCheckDue {
                testcase: testcase.clone(),
                detail: attention::manual_check_due(*result_expires),
            },
        };
        AttentionRecord {
            id: record.id().to_string(),
            subject: record.subject().to_string(),
            item,
        }
    }
}

/// A certificate checked as anyone checks it (`scs-cert verify --json`).
///
/// What the record says (`id` to `valid_until`) is filled only once its signature by a key of
/// the `allowed_signers` used has verified; before that nothing in it can be believed (and with
/// status `unexpected-forum-key`, that key is not one the verifier expected).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CertificateCheck {
    /// The certificate as given (an id or a record file).
    pub certificate: String,
    /// Whether it is valid.
    pub valid: bool,
    /// `active`, `forged`, `bad-certificate`, `expired`, `not-yet-valid`, `suspended`,
    /// `superseded`, `withdrawn`, `unknown`, `revocation-not-checked`,
    /// `unexpected-forum-key`.
    pub status: String,
    /// `checked` or `not checked`.
    pub revocation: String,
    /// The answer in words.
    pub message: String,
    /// The certificate id the record names.
    pub id: Option<String>,
    /// Its holder (the organisation certified).
    pub holder: Option<String>,
    /// Its subject (the cloud).
    pub subject: Option<String>,
    /// The subject's display name.
    pub subject_name: Option<String>,
    /// The scope.
    pub scope: Option<ScopeEntry>,
    /// The certified version.
    pub version: Option<String>,
    /// The instant of issue.
    pub issued: Option<String>,
    /// The end of validity (exclusive).
    pub valid_until: Option<String>,
    /// The instant judged at.
    pub at: String,
    /// The forum keys the answer rests on (`SHA256:…`): those of the `allowed_signers` the
    /// record was checked against and, with a registry, of every version its history was
    /// judged by.
    pub forum_keys: Vec<String>,
    /// Each check, in the order they ran.
    pub checks: Vec<CheckEntry>,
}

/// A scope by uuid and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ScopeEntry {
    /// The scope uuid.
    pub uuid: String,
    /// Its name.
    pub name: String,
}

/// One check of `scs-cert verify` and how it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CheckEntry {
    /// `record-signature`, `x509-certificate`, `revocation`, `validity`, `registry-history`,
    /// `registry-status`, `forum-keys`.
    pub name: String,
    /// `passed`, `failed` or `skipped` (not run: its evidence is not at hand, or an earlier
    /// check already failed).
    pub result: String,
    /// Why it failed or was skipped (`null` when it passed).
    pub detail: Option<String>,
}

impl CheckEntry {
    /// The entry of one step.
    pub fn new(step: &crate::cert::check::Step) -> CheckEntry {
        use crate::cert::check::StepResult;
        let (result, detail) = match &step.result {
            StepResult::Passed => ("passed", None),
            StepResult::Failed(why) => ("failed", Some(why.clone())),
            StepResult::Skipped(why) => ("skipped", Some(why.clone())),
        };
        CheckEntry {
            name: step.name.to_owned(),
            result: result.to_owned(),
            detail,
        }
    }
}

impl CertificateCheck {
    /// The check of `certificate` at `at`, before anything is known of it: fill in the record
    /// with [`CertificateCheck::record`].
    pub fn new(
        certificate: String,
        at: crate::time::Instant,
        valid: bool,
        status: &str,
        revocation: &str,
        message: String,
    ) -> CertificateCheck {
        CertificateCheck {
            certificate,
            valid,
            status: status.to_owned(),
            revocation: revocation.to_owned(),
            message,
            id: None,
            holder: None,
            subject: None,
            subject_name: None,
            scope: None,
            version: None,
            issued: None,
            valid_until: None,
            at: format_instant(at),
            forum_keys: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// What the record (whose signature verified) says.
    #[must_use]
    pub fn record(mut self, record: &CertificateRecord) -> CertificateCheck {
        self.id = Some(record.id().to_string());
        self.holder = Some(record.holder().to_owned());
        self.subject = Some(record.subject().to_string());
        self.subject_name = Some(record.subject_name().to_owned());
        self.scope = Some(ScopeEntry {
            uuid: record.scope().uuid.clone(),
            name: record.scope().name.clone(),
        });
        self.version = Some(record.version().to_owned());
        self.issued = Some(format_instant(record.issued_at()));
        self.valid_until = Some(format_instant(record.valid_until_at()));
        self
    }
}

impl Record for CertificateCheck {
    const TYPE: &'static str = "certificate-check";
}

/// One certificate and its status at an instant (`scs-cert certificates --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CertificateEntry {
    /// The id.
    pub id: String,
    /// `active`, `active-with-findings`, `suspended`, `withdrawn`, `superseded`, `expired`,
    /// `not-yet-issued`.
    pub status: String,
    /// The status in words.
    pub status_detail: String,
    /// For `active-with-findings`: the main testcases not passing (empty: the version is no
    /// longer certifiable).
    pub findings: Option<Vec<String>>,
    /// The subject.
    pub subject: String,
    /// The holder.
    pub holder: String,
    /// The scope uuid.
    pub scope: String,
    /// The scope's name.
    pub scope_name: String,
    /// The certified version.
    pub version: String,
    /// The instant of issue.
    pub issued: String,
    /// The end of validity (exclusive).
    pub valid_until: String,
    /// The certificate this one renews.
    pub renews: Option<String>,
    /// The status page.
    pub status_url: String,
    /// The instant the status is for.
    pub at: String,
}

impl Record for CertificateEntry {
    const TYPE: &'static str = "certificate";
}

impl CertificateEntry {
    /// `record` with its status `code` and `detail` and its findings at `at`.
    pub fn new(
        record: &CertificateRecord,
        code: &str,
        detail: String,
        findings: Option<Vec<String>>,
        at: crate::time::Instant,
    ) -> CertificateEntry {
        CertificateEntry {
            id: record.id().to_string(),
            status: code.to_owned(),
            status_detail: detail,
            findings,
            subject: record.subject().to_string(),
            holder: record.holder().to_owned(),
            scope: record.scope().uuid.clone(),
            scope_name: record.scope().name.clone(),
            version: record.version().to_owned(),
            issued: format_instant(record.issued_at()),
            valid_until: format_instant(record.valid_until_at()),
            renews: record.renews().as_ref().map(ToString::to_string),
            status_url: record.status_url().to_owned(),
            at: format_instant(at),
        }
    }
}
