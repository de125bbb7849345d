//! What each page shows, computed from the snapshot at the publishing instant. Templates only
//! lay these out; every decision (status, marks, grouping) is made here, once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use scs_cert::cert::{CertificateId, CertificateKind, Event, Status};
use scs_cert::eval;
use scs_cert::report::Verdict;
use scs_cert::spec::{Spec, Validity};
use scs_cert::subject::Subject;
use scs_cert::target::TargetVerdict;
use scs_cert::time::{Instant, format_instant};
use scs_registry::state::AdoptedScope;

use crate::paths::{self, visible};
use crate::snapshot::{Certificate, Snapshot};

/// The suffix upstream's tables put after a version name for its validity.
pub fn suffix(validity: Validity) -> &'static str {
    match validity {
        Validity::Draft => "*",
        Validity::Warn => "†",
        Validity::Deprecated => "††",
        Validity::Effective => "",
    }
}

/// A link: text and a root-relative target.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// What the link reads.
    pub text: String,
    /// The target, relative to the site's root.
    pub href: String,
}

/// A subject as rows and headings name it.
#[derive(Clone, Debug, Serialize)]
pub struct SubjectBrief {
    /// The subject id.
    pub subject: String,
    /// Display name (the id when the record has none).
    pub name: String,
    /// Operator.
    pub operator: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Group.
    pub group: Option<String>,
    /// Health monitor URL, when it is a web URL.
    pub health_monitor: Option<String>,
    /// The subject's page.
    pub href: String,
}

pub(crate) fn subject_brief(snap: &Snapshot, subject: &Subject) -> SubjectBrief {
    let record = snap.subjects.get(subject);
    let text = |f: fn(&scs_cert::subject::record::SubjectRecord) -> &Option<String>| {
        record.and_then(|r| f(r).as_deref()).map(visible)
    };
    SubjectBrief {
        subject: subject.as_str().to_owned(),
        name: text(|r| &r.name).unwrap_or_else(|| subject.as_str().to_owned()),
        operator: text(|r| &r.operator),
        description: text(|r| &r.description),
        group: text(|r| &r.group),
        health_monitor: record
            .and_then(|r| r.health_monitor.as_deref())
            .and_then(paths::safe_url),
        href: paths::subject_page(subject),
    }
}

/// The result cell of an overview row, in upstream's form: a mark and the passing versions.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// `pass`, `warn`, `fail`, `missing`, `abort` or `none`: the mark's class.
    pub class: &'static str,
    /// The mark.
    pub symbol: &'static str,
    /// The mark in words (its text alternative).
    pub label: &'static str,
    /// The versions whose `main` passes, with validity suffixes, or `–`.
    pub versions: String,
    /// The detail page.
    pub href: String,
    /// Rank for choosing a group's worst member (upstream's order: FAIL < MISSING < no
    /// result < ABORT < PASS).
    #[serde(skip)]
    pub score: u8,
}

/// The cell for one subject's standing in a scope (`status`, evaluated once by the caller).
pub(crate) fn cell(status: &eval::ScopeStatus<'_>, href: String) -> Cell {
    let passing: Vec<String> = status
        .versions
        .iter()
        .filter(|v| {
            v.main()
                .is_some_and(|m| m.verdict == TargetVerdict::Pass && !m.empty)
        })
        .map(|v| format!("{}{}", v.version.name(), suffix(v.validity)))
        .collect();
    // The deciding version: the best compliant one, else the best certifiable one.
    let winner = status
        .compliant()
        .next()
        .or_else(|| status.versions.iter().find(|v| v.validity.is_certifiable()));
    let (class, symbol, label, score) = match winner {
        None => ("none", "🛑", "no certifiable version", 2),
        Some(v) if v.is_compliant() && v.validity == Validity::Warn => {
            ("warn", "🟧", "compliant, version expiring", 4)
        }
        Some(v) if v.is_compliant() => ("pass", "✅", "compliant", 4),
        Some(v) => match v.main().map(|m| m.verdict) {
            Some(TargetVerdict::Fail) => ("fail", "🛑", "failing", 0),
            Some(TargetVerdict::Abort) => ("abort", "❔", "aborted", 3),
            _ => ("missing", "❓", "results missing", 1),
        },
    };
    Cell {
        class,
        symbol,
        label,
        versions: if passing.is_empty() {
            "–".into()
        } else {
            passing.join(", ")
        },
        href,
        score,
    }
}

/// A certificate as pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct CertView {
    /// The id.
    pub id: String,
    /// Its status page.
    pub href: String,
    /// "SCS-compatible IaaS" and so on.
    pub kind: &'static str,
    /// Holder.
    pub holder: String,
    /// The subject.
    pub subject: SubjectBrief,
    /// Scope name.
    pub scope: String,
    /// Scope page, when the scope is adopted.
    pub scope_href: Option<String>,
    /// The certified version.
    pub version: String,
    /// Issued (RFC 3339).
    pub issued: String,
    /// Valid until (RFC 3339).
    pub valid_until: String,
    /// Stable status code: `active`, `active-with-findings`, `suspended`, `withdrawn`,
    /// `expired`, `superseded`, `not-yet-issued`.
    pub status: &'static str,
    /// The status in words.
    pub status_text: String,
    /// Since when the status holds, where it began by an event.
    pub since: Option<String>,
    /// Why (suspension, withdrawal).
    pub reason: Option<String>,
    /// The main testcases not passing (active with findings).
    pub findings: Vec<String>,
    /// The renewal that superseded it.
    pub successor: Option<Link>,
    /// The certificate it renews.
    pub renews: Option<Link>,
}

pub(crate) fn kind_name(kind: CertificateKind) -> &'static str {
    match kind {
        CertificateKind::Iaas => "SCS-compatible IaaS",
        CertificateKind::Kaas => "SCS-compatible KaaS",
        CertificateKind::IntegratorIaas => "Certified SCS IaaS Integrator",
        CertificateKind::IntegratorKaas => "Certified SCS KaaS Integrator",
    }
}

fn cert_link(id: &CertificateId) -> Link {
    Link {
        text: id.to_string(),
        href: paths::certificate_page(id),
    }
}

pub(crate) fn cert_view(snap: &Snapshot, cert: &Certificate, at: Instant) -> CertView {
    let record = &cert.held.record;
    let status = cert.held.status_at(at);
    let scope = snap.scopes.get(&record.scope().uuid);
    let mut findings = Vec::new();
    let (code, text, since, reason) = match &status {
        Status::Active => {
            let found = scope.and_then(|s| {
                scs_cert::attention::findings(
                    record,
                    &s.spec,
                    snap.evidence(record.subject(), &record.scope().uuid),
                    at,
                )
            });
            match found {
                Some(f) => {
                    findings = f.testcases;
                    (
                        "active-with-findings",
                        "active, with findings".to_owned(),
                        None,
                        None,
                    )
                }
                None => ("active", "active".to_owned(), None, None),
            }
        }
        Status::Expired { since } => ("expired", "expired".into(), Some(*since), None),
        Status::NotYetIssued => ("not-yet-issued", "not yet issued".into(), None, None),
        Status::Suspended { since, reason } => (
            "suspended",
            "suspended".into(),
            Some(*since),
            Some(visible(reason)),
        ),
        Status::Withdrawn {
            since,
            code,
            reason,
        } => (
            "withdrawn",
            format!("withdrawn ({code})"),
            Some(*since),
            Some(visible(reason)),
        ),
        Status::Superseded { since, .. } => (
            "superseded",
            "superseded by its renewal".into(),
            Some(*since),
            None,
        ),
        _ => ("unknown", status.to_string(), None, None),
    };
    CertView {
        id: record.id().to_string(),
        href: paths::certificate_page(record.id()),
        kind: kind_name(record.kind()),
        holder: visible(record.holder()),
        subject: subject_brief(snap, record.subject()),
        scope: visible(&record.scope().name),
        scope_href: scope.map(|s| paths::scope_page(&s.slug)),
        version: visible(record.version()),
        issued: format_instant(record.issued_at()),
        valid_until: format_instant(record.valid_until_at()),
        status: code,
        status_text: text,
        since: since.map(format_instant),
        reason,
        findings,
        successor: match &status {
            Status::Superseded { successor, .. } => Some(cert_link(successor)),
            _ => None,
        },
        renews: record.renews().map(cert_link),
    }
}

/// Something that happened to a certificate, for its page and the feed.
#[derive(Clone, Debug, Serialize)]
pub struct CertEvent {
    /// When (RFC 3339).
    pub at: String,
    /// `issued`, `renewed`, `suspended`, `reinstated`, `withdrawn`, `superseded`, `expired`,
    /// `findings-started`, `findings-cleared`.
    pub kind: &'static str,
    /// In words.
    pub text: String,
    #[serde(skip)]
    pub(crate) instant: Instant,
}

/// The events of a certificate up to `at`, oldest first: the recorded ones, its expiry, and
/// where the certified version stopped or started passing while the certificate was in force.
pub(crate) fn cert_events(snap: &Snapshot, cert: &Certificate, at: Instant) -> Vec<CertEvent> {
    let record = &cert.held.record;
    let mut out = Vec::new();
    let mut push = |instant: Instant, kind: &'static str, text: String| {
        if instant <= at {
            out.push(CertEvent {
                at: format_instant(instant),
                kind,
                text,
                instant,
            });
        }
    };
    match record.renews() {
        Some(old) => push(
            record.issued_at(),
            "renewed",
            format!("issued, renewing {old}"),
        ),
        None => push(record.issued_at(), "issued", "issued".into()),
    }
    // The certificate is in force from its issue until its first final event or its end.
    let mut end = record.valid_until_at();
    for e in &cert.held.events {
        let (kind, text) = match e {
            Event::Suspended { reason, .. } => ("suspended", format!("suspended: {reason}")),
            Event::Reinstated { reason, .. } => ("reinstated", format!("reinstated: {reason}")),
            Event::Withdrawn { reason, code, .. } => {
                end = end.min(e.at());
                ("withdrawn", format!("withdrawn ({code}): {reason}"))
            }
            Event::Superseded { successor, .. } => {
                end = end.min(e.at());
                (
                    "superseded",
                    format!("superseded by its renewal {successor}"),
                )
            }
        };
        push(e.at(), kind, visible(&text));
    }
    if end == record.valid_until_at() {
        push(end, "expired", "expired".into());
    }
    if let Some(scope) = snap.scopes.get(&record.scope().uuid) {
        let evidence = snap.evidence(record.subject(), &record.scope().uuid);
        let to = end.min(at);
        if record.issued_at() < to
            && let Ok(intervals) = eval::compliance_intervals(
                &scope.spec,
                record.version(),
                evidence,
                record.issued_at(),
                to,
            )
        {
            let mut compliant = true;
            for iv in intervals {
                if iv.compliant != compliant {
                    compliant = iv.compliant;
                    if compliant {
                        push(iv.start, "findings-cleared", "findings cleared".into());
                    } else {
                        push(iv.start, "findings-started", "findings started".into());
                    }
                }
            }
        }
    }
    out.sort_by_key(|e| e.instant);
    out
}

/// One testcase's latest result on a detail page.
#[derive(Clone, Debug, Serialize)]
pub struct TestcaseRow {
    /// Id.
    pub id: String,
    /// Description from the spec.
    pub description: Option<String>,
    /// Its documentation, when a web URL.
    pub url: Option<String>,
    /// `FAIL`, `MISSING`, `ABORT`, `PASS`.
    pub result: &'static str,
    /// When the deciding report ran.
    pub checked_at: Option<String>,
    /// The deciding report's page.
    pub report: Option<String>,
    /// When the result expires.
    pub expires: Option<String>,
    /// Per version (in the page's column order): whether its `main` holds the testcase.
    pub in_main: Vec<bool>,
    /// Whether the testcase is in `main` of a certifiable version (a FAIL there counts).
    pub counts: bool,
}

/// Rows of one result.
#[derive(Clone, Debug, Serialize)]
pub struct TestcaseGroup {
    /// `FAIL`, `MISSING`, `ABORT`, `PASS`.
    pub result: &'static str,
    /// The rows.
    pub rows: Vec<TestcaseRow>,
}

/// One listed version on a detail page.
#[derive(Clone, Debug, Serialize)]
pub struct VersionRow {
    /// Name.
    pub version: String,
    /// Validity keyword.
    pub validity: &'static str,
    /// Validity suffix.
    pub suffix: &'static str,
    /// The `main` verdict.
    pub main: String,
    /// Compliant now.
    pub compliant: bool,
}

/// A subject's detail page for one scope.
#[derive(Clone, Debug, Serialize)]
pub struct Detail {
    /// The subject.
    pub subject: SubjectBrief,
    /// Scope name.
    pub scope: String,
    /// Scope page.
    pub scope_href: String,
    /// The summary cell.
    pub cell: Cell,
    /// Listed versions.
    pub versions: Vec<VersionRow>,
    /// Testcases by result: FAIL, MISSING, ABORT, PASS (empty groups left out).
    pub groups: Vec<TestcaseGroup>,
    /// Version names of the `in_main` columns.
    pub columns: Vec<String>,
    /// The history picture (inline SVG, escaped when made).
    #[serde(skip)]
    pub svg: String,
    /// The history as data.
    pub history: Vec<crate::history::VersionHistory>,
    /// The history's start.
    pub history_from: String,
    /// The subject's certificates for this scope.
    pub certificates: Vec<CertView>,
    /// The badge.
    pub badge: String,
}

pub(crate) fn detail(
    snap: &Snapshot,
    subject: &Subject,
    scope: &AdoptedScope,
    certs: Vec<CertView>,
    reports: &BTreeSet<String>,
    at: Instant,
) -> Detail {
    let spec = &scope.spec;
    let evidence = snap.evidence(subject, spec.uuid());
    let status = eval::status_at(spec, evidence, at);
    let columns: Vec<String> = status
        .versions
        .iter()
        .map(|v| v.version.name().to_owned())
        .collect();
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for v in &status.versions {
        ids.extend(v.version.main().iter().map(String::as_str));
        for set in v.version.targets().values() {
            ids.extend(set.iter().map(String::as_str));
        }
    }
    let results = eval::results_at(spec, None, evidence, at);
    let mut groups: BTreeMap<u8, Vec<TestcaseRow>> = BTreeMap::new();
    for id in ids {
        let testcase = spec.versions().iter().find_map(|v| v.testcase(id));
        let result = results.get(id);
        let (rank, name) = match result.map(|r| r.verdict) {
            Some(Verdict::Fail) => (0, "FAIL"),
            None => (1, "MISSING"),
            Some(Verdict::Abort) => (2, "ABORT"),
            Some(Verdict::Pass) => (3, "PASS"),
        };
        let in_main: Vec<bool> = status
            .versions
            .iter()
            .map(|v| v.version.main().contains(id))
            .collect();
        let counts = status
            .versions
            .iter()
            .any(|v| v.validity.is_certifiable() && v.version.main().contains(id));
        groups.entry(rank).or_default().push(TestcaseRow {
            id: visible(id),
            description: testcase.and_then(|t| t.description()).map(visible),
            url: testcase.and_then(|t| t.url()).and_then(paths::safe_url),
            result: name,
            checked_at: result.map(|r| format_instant(r.checked_at.and_utc())),
            report: result
                .filter(|r| reports.contains(&r.run))
                .map(|r| paths::report_page(&r.run)),
            expires: result.map(|r| format_instant(r.expires)),
            in_main,
            counts,
        });
    }
    let groups = groups
        .into_values()
        .map(|rows| TestcaseGroup {
            result: rows.first().map_or("", |r| r.result),
            rows,
        })
        .collect();
    let versions = status
        .versions
        .iter()
        .map(|v| VersionRow {
            version: visible(v.version.name()),
            validity: v.validity.as_str(),
            suffix: suffix(v.validity),
            main: v.main().map_or("MISSING".into(), |m| m.verdict.to_string()),
            compliant: v.is_compliant(),
        })
        .collect();
    let from = scs_cert::time::sub(
        at,
        chrono::Duration::days(eval::HISTORY_DAYS),
        "the history's start",
    )
    .unwrap_or_else(|_| scs_cert::time::earliest());
    let history: Vec<crate::history::VersionHistory> = eval::history(spec, evidence, at)
        .into_iter()
        .map(|(version, intervals)| crate::history::VersionHistory {
            bands: crate::history::bands(spec, &version, &intervals),
            version: visible(&version),
        })
        .collect();
    let brief = subject_brief(snap, subject);
    let svg = crate::history::svg(
        &format!(
            "Compliance of {} with {} per version, {} to {}",
            brief.name,
            spec.name(),
            from.format("%Y-%m-%d"),
            at.format("%Y-%m-%d")
        ),
        from,
        at,
        &history,
    );
    Detail {
        cell: cell(&status, paths::detail_page(subject, &scope.slug)),
        subject: brief,
        scope: visible(spec.name()),
        scope_href: paths::scope_page(&scope.slug),
        versions,
        groups,
        columns: columns.iter().map(|c| visible(c)).collect(),
        svg,
        history,
        history_from: format_instant(from),
        certificates: certs,
        badge: paths::badge(subject, &scope.slug),
    }
}

/// A badge's label, value and class for a subject and scope.
pub(crate) fn badge_text(certs: &[CertView], scope: &Spec) -> (String, String, &'static str) {
    let label = format!("SCS {}", short_scope(scope.name()));
    let in_force = |c: &&CertView| c.status == "active" || c.status == "active-with-findings";
    match certs.iter().find(in_force) {
        Some(c) if c.status == "active" => (label, format!("certified {}", c.version), "certified"),
        Some(_) => (label, "findings".into(), "findings"),
        None => (label, "not certified".into(), "none"),
    }
}

fn short_scope(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.contains("kaas") {
        "KaaS".into()
    } else if lower.contains("iaas") {
        "IaaS".into()
    } else {
        visible(name)
    }
}
