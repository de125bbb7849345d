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
/// A CRL whose nextUpdate is this close is listed: relying parties treat a CRL past its
/// nextUpdate as saying nothing, so every certificate would then fail `openssl verify
/// -crl_check`.
pub const CRL_NOTICE_DAYS: i64 = 3;

/// The CRL needs re-issuing (`scs-cert crl`): its nextUpdate is within [`CRL_NOTICE_DAYS`]
/// of `at`, or past. `None` when it is not due.
pub fn crl_due(next_update: Instant, at: Instant) -> Option<CrlDue> {
    let left = next_update - at;
    let secs = left.num_seconds();
    // Days begun while it is current (1 day 23 hours left reads "in 2 days"), whole days
    // past once stale.
    let days_left = if secs > 0 {
        (secs + 86_399) / 86_400
    } else {
        secs / 86_400
    };
    (left <= chrono::Duration::days(CRL_NOTICE_DAYS)).then_some(CrlDue {
        next_update,
        stale: secs <= 0,
        days_left,
    })
}

/// A CRL that needs re-issuing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrlDue {
    /// Its nextUpdate.
    pub next_update: Instant,
    /// Past it already: the CRL says nothing any more.
    pub stale: bool,
    /// Whole days left (0 or negative once stale).
    pub days_left: i64,
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crl_is_due_three_days_before_its_next_update() {
        let next = crate::time::parse_instant("2026-03-10T00:00:00Z").unwrap();
        let at = |s: &str| crate::time::parse_instant(s).unwrap();
        assert_eq!(crl_due(next, at("2026-03-06T23:59:59Z")), None);
        let due = crl_due(next, at("2026-03-07T00:00:00Z")).unwrap();
        assert_eq!((due.stale, due.days_left), (false, 3));
        let due = crl_due(next, at("2026-03-08T00:00:01Z")).unwrap();
        assert_eq!((due.stale, due.days_left), (false, 2));
        let due = crl_due(next, at("2026-03-10T00:00:00Z")).unwrap();
        assert!(due.stale);
        let due = crl_due(next, at("2026-03-12T12:00:00Z")).unwrap();
        assert_eq!((due.stale, due.days_left), (true, -2));
    }
}
