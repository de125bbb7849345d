//! What needs the secretary now, per certificate in force: findings (scs-0004 R8: the
//! certified version is not compliant; the certificate stays active and the operator is
//! notified), an expiry soon, and manual checks due. Shared by `scs-cert attention`, the
//! status pages and the notifier.

use crate::cert::CertificateRecord;
use crate::eval::{self, Evidence};
use crate::spec::Spec;
use crate::time::Instant;

/// Certificates expiring within this many days are listed.
pub const EXPIRY_NOTICE_DAYS: i64 = 60;
/// Manual checks whose result expires within this many days are listed as due.
pub const MANUAL_NOTICE_DAYS: i64 = 30;

/// Why a certificate has findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingsReason {
    /// The certified version is certifiable, and the subject is not compliant with it.
    NotCompliant,
    /// The certified version is listed but no longer certifiable.
    NoLongerCertifiable,
    /// The scope's timeline no longer lists the certified version at all (or the scope or
    /// subject is unknown to the registry).
    NotListed,
}

impl FindingsReason {
    /// The reason in words, as records and lines print it.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingsReason::NotCompliant => "not compliant",
            FindingsReason::NoLongerCertifiable => "version no longer certifiable",
            FindingsReason::NotListed => "version not listed in the timeline",
        }
    }
}

/// What a due manual check needs, in words: `no unexpired result` or `result expires <t>`.
pub fn manual_check_due(result_expires: Option<Instant>) -> String {
    result_expires.map_or_else(
        || "no unexpired result".to_owned(),
        |t| format!("result expires {}", crate::time::format_instant(t)),
    )
}

/// The findings on a certificate at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Findings {
    /// Why.
    pub reason: FindingsReason,
    /// The main testcases of the certified version not passing (empty for
    /// [`FindingsReason::NotListed`]).
    pub testcases: Vec<String>,
}

/// The findings on `record` at `at`, judged on `spec` and the subject's `evidence`; `None` when
/// the subject is compliant with the certified version then.
pub fn findings(
    record: &CertificateRecord,
    spec: &Spec,
    evidence: &[Evidence],
    at: Instant,
) -> Option<Findings> {
    let status = eval::status_at(spec, evidence, at);
    match status.version(record.version()) {
        Some(v) if v.is_compliant() => None,
        Some(v) => Some(Findings {
            reason: if v.validity.is_certifiable() {
                FindingsReason::NotCompliant
            } else {
                FindingsReason::NoLongerCertifiable
            },
            testcases: v.not_passing(),
        }),
        None => Some(Findings {
            reason: FindingsReason::NotListed,
            testcases: Vec::new(),
        }),
    }
}

/// One thing to attend to on a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// The certificate has findings, since the start of the current non-compliant stretch
    /// (`None`: not known, e.g. for a version no longer listed).
    Findings {
        /// The findings.
        findings: Findings,
        /// Since when.
        since: Option<Instant>,
    },
    /// The certificate expires within [`EXPIRY_NOTICE_DAYS`].
    Expiring {
        /// Whole days left (negative once expired).
        days_left: i64,
    },
    /// A manual check of the certified version has no unexpired result, or one expiring
    /// within [`MANUAL_NOTICE_DAYS`].
    ManualCheckDue {
        /// The testcase.
        testcase: String,
        /// When its current result expires (`None`: there is none).
        result_expires: Option<Instant>,
    },
}

/// What needs attention on `record` at `at`, in this order: findings, expiry, manual checks
/// (in the version's order of main testcases). The caller passes only certificates in force.
pub fn items(
    record: &CertificateRecord,
    spec: &Spec,
    evidence: &[Evidence],
    at: Instant,
) -> Vec<Item> {
    let mut items = Vec::new();
    if let Some(findings) = findings(record, spec, evidence, at) {
        let since = (findings.reason != FindingsReason::NotListed)
            .then(|| {
                eval::compliance_intervals(
                    spec,
                    record.version(),
                    evidence,
                    record.issued_at().min(at),
                    at,
                )
                .ok()
                .and_then(|iv| iv.last().filter(|i| !i.compliant).map(|i| i.start))
            })
            .flatten();
        items.push(Item::Findings { findings, since });
    }
    let left = record.valid_until_at() - at;
    if left <= chrono::Duration::days(EXPIRY_NOTICE_DAYS) {
        items.push(Item::Expiring {
            days_left: left.num_days(),
        });
    }
    if let Some(version) = spec.version(record.version()) {
        let results = eval::results_at(spec, Some(version), evidence, at);
        for id in version.main() {
            if !version.testcase(id).is_some_and(|tc| tc.is_manual()) {
                continue;
            }
            let due = match results.get(id) {
                None => Some(None),
                Some(r) if r.expires - at <= chrono::Duration::days(MANUAL_NOTICE_DAYS) => {
                    Some(Some(r.expires))
                }
                Some(_) => None,
            };
            if let Some(result_expires) = due {
                items.push(Item::ManualCheckDue {
                    testcase: id.clone(),
                    result_expires,
                });
            }
        }
    }
    items
}
