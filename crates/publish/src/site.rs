//! The whole site as files in memory: every page rendered, every download in place. Nothing
//! here reads a clock or a directory listing, so the same snapshot and instant give the same
//! bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};

use serde::Serialize;

use scs_cert::cert::CertificateKind;
use scs_cert::report::logs::{self, RedactedInvocation};
use scs_cert::spec::Spec;
use scs_cert::subject::Subject;
use scs_cert::time::{Instant, format_instant};
use scs_registry::ledger::LedgerLine;
use scs_registry::state::AdoptedScope;

use crate::index;
use crate::paths::{self, visible};
use crate::snapshot::{Certificate, Snapshot};
use crate::templates::Templates;
use crate::views::{self, Cell, CertEvent, CertView, SubjectBrief};
use crate::{Error, Options};

/// The site in memory.
#[derive(Debug, Default)]
pub struct Site {
    /// Every file by its path from the site's root.
    pub files: BTreeMap<String, Vec<u8>>,
    /// What the secretary should know (a status URL this site does not serve, …).
    pub warnings: Vec<String>,
    /// Pages written.
    pub pages: usize,
    /// Report pages among them.
    pub reports: usize,
    /// Certificates published.
    pub certificates: usize,
}

impl Site {
    fn put(&mut self, path: String, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path, bytes.into());
    }
}

#[derive(Serialize)]
struct ForumView {
    name: String,
    legal_name: String,
    city: String,
}

struct Renderer<'a> {
    env: Environment<'static>,
    forum: Value,
    generated_at: String,
    /// The site's base URL with a trailing `/`, for the Markdown drop-in (read elsewhere).
    base: String,
    /// The forum's keys, read once (the status pages name each record's signer).
    allowed: Option<scs_cert::trust::AllowedSigners>,
    snap: &'a Snapshot,
}

impl<'a> Renderer<'a> {
    /// The environment and what every page shows of the forum; `generated_at` empty for
    /// pages that must not depend on the publishing instant.
    fn new(
        snap: &'a Snapshot,
        templates: &Templates,
        generated_at: String,
        base: String,
    ) -> Result<Renderer<'a>, Error> {
        let forum = &snap.forum.forum;
        Ok(Renderer {
            env: templates.environment()?,
            forum: Value::from(Serde(&ForumView {
                name: visible(&forum.name),
                legal_name: visible(&forum.legal_name),
                city: visible(&forum.city),
            })),
            generated_at,
            base,
            allowed: scs_cert::trust::AllowedSigners::parse(
                &String::from_utf8_lossy(&snap.allowed_signers),
                "keys/allowed_signers",
            )
            .ok(),
            snap,
        })
    }

    fn page(&self, template: &str, path: &str, title: &str, page: Value) -> Result<Vec<u8>, Error> {
        self.page_with(
            template,
            path,
            title,
            page,
            Value::from_safe_string(String::new()),
        )
    }

    fn page_with(
        &self,
        template: &str,
        path: &str,
        title: &str,
        page: Value,
        svg: Value,
    ) -> Result<Vec<u8>, Error> {
        let t = self
            .env
            .get_template(template)
            .map_err(|e| Error::Template {
                name: template.into(),
                message: e.to_string(),
            })?;
        let text = t
            .render(context! {
                root => paths::root_of(path),
                path => path,
                title => title,
                forum => self.forum.clone(),
                generated_at => self.generated_at.clone(),
                commit => self.snap.commit.to_string(),
                has_crl => self.snap.crl_pem.is_some(),
                base => self.base.clone(),
                page => page,
                svg => svg,
            })
            .map_err(|e| Error::Template {
                name: template.into(),
                message: format!("{e:#}"),
            })?;
        Ok(text.into_bytes())
    }
}

/// A row of an overview table: one subject, or one group shown by its worst member.
#[derive(Clone, Debug, Serialize)]
struct Row {
    name: String,
    href: String,
    description: Option<String>,
    operator: Option<String>,
    scope: String,
    cell: Cell,
    certificates: Vec<CertView>,
    health_monitor: Option<String>,
    group: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
struct Section {
    id: &'static str,
    title: &'static str,
    empty: &'static str,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Command {
    tool: &'static str,
    line: String,
}

#[derive(Serialize)]
struct DecisionView {
    at: String,
    window_start: String,
    eligible: bool,
    decided_by: String,
    override_reason: Option<String>,
    findings: Vec<String>,
    evidence: Vec<EvidenceView>,
}

#[derive(Serialize)]
struct EvidenceView {
    run: String,
    sha256: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct Download {
    text: String,
    href: String,
}

#[derive(Serialize)]
struct ReportResult {
    id: String,
    description: Option<String>,
    result: &'static str,
}

#[derive(Serialize)]
struct LogView {
    id: String,
    cmd: Option<String>,
    rc: Option<i64>,
    stdout: Vec<String>,
    stderr: Vec<String>,
    removed: usize,
}

#[derive(Serialize)]
struct ReportView {
    run: String,
    subject: SubjectBrief,
    scope: String,
    scope_href: Option<String>,
    detail_href: Option<String>,
    checked_at: String,
    received_at: String,
    received_declared: bool,
    ingested_at: String,
    signature: String,
    signer: String,
    signed_by: String,
    sha256: String,
    document: usize,
    results: Vec<ReportResult>,
    logs: Option<Vec<LogView>>,
    signed: Option<Vec<Download>>,
}

#[derive(Serialize)]
struct ParamView {
    key: String,
    value: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct ScopeVersionView {
    name: String,
    state: String,
    stabilized_at: String,
}

#[derive(Serialize)]
struct ModuleRow {
    id: String,
    cells: Vec<Option<Vec<ParamView>>>,
}

/// Builds the site (all but the report pages, [`write_reports`]) with `templates`.
///
/// # Errors
///
/// Templates that do not compile or render.
pub fn build_with(
    snap: &Snapshot,
    options: &Options,
    templates: &Templates,
) -> Result<Site, Error> {
    let at = options.at;
    let forum = &snap.forum.forum;
    let r = Renderer::new(
        snap,
        templates,
        format_instant(at),
        format!("{}/", site_base(&forum.status_base_url)),
    )?;
    let mut site = Site::default();
    check_status_urls(snap, &mut site);

    let reports: BTreeSet<String> = snap
        .ledgers
        .values()
        .flat_map(|l| l.lines.iter().map(|line| line.run.clone()))
        .collect();
    // Certificates: views, events, pages and files.
    let mut cert_views: BTreeMap<String, (CertView, Vec<CertEvent>)> = BTreeMap::new();
    for (id, cert) in &snap.certificates {
        let view = views::cert_view(snap, cert, at);
        let events = views::cert_events(snap, cert, at);
        certificate_page(&r, &mut site, cert, &view, &events, &reports, options.pdf)?;
        cert_views.insert(id.to_string(), (view, events));
    }
    site.certificates = snap.certificates.len();
    let certs_of = |subject: &Subject, uuid: &str| -> Vec<CertView> {
        snap.certificates
            .values()
            .filter(|c| c.held.record.subject() == subject && c.held.record.scope().uuid == uuid)
            .map(|c| cert_views[c.held.record.id().as_str()].0.clone())
            .collect()
    };

    // Subjects × scopes: detail pages and badges.
    let mut pairs: BTreeSet<(Subject, String)> = snap.ledgers.keys().cloned().collect();
    for c in snap.certificates.values() {
        let r = &c.held.record;
        if snap.scopes.contains_key(&r.scope().uuid) {
            pairs.insert((r.subject().clone(), r.scope().uuid.clone()));
        }
    }
    let mut details: BTreeMap<(Subject, String), views::Detail> = BTreeMap::new();
    for (subject, uuid) in &pairs {
        let Some(scope) = snap.scopes.get(uuid) else {
            continue;
        };
        let detail = views::detail(snap, subject, scope, certs_of(subject, uuid), &reports, at);
        let path = paths::detail_page(subject, &scope.slug);
        let title = format!("{} — {}", detail.subject.name, detail.scope);
        let svg = Value::from_safe_string(detail.svg.clone());
        let text = r.page_with(
            "detail.html",
            &path,
            &title,
            Value::from(Serde(&detail)),
            svg,
        )?;
        site.put(path, text);
        site.pages += 1;
        let (label, value, class) = views::badge_text(&detail.certificates, &scope.spec);
        site.put(
            paths::badge(subject, &scope.slug),
            crate::history::badge(&label, &value, class),
        );
        details.insert((subject.clone(), uuid.clone()), detail);
    }

    // Subject pages.
    for subject in snap.subjects.keys() {
        let brief = views::subject_brief(snap, subject);
        let scopes: Vec<&views::Detail> = details
            .iter()
            .filter(|((s, _), _)| s == subject)
            .map(|(_, d)| d)
            .collect();
        let path = paths::subject_page(subject);
        let title = brief.name.clone();
        let bytes = r.page(
            "subject.html",
            &path,
            &title,
            Value::from(Serde(&SubjectPage {
                subject: &brief,
                scopes,
            })),
        )?;
        site.put(path, bytes);
        site.pages += 1;
    }

    // The overview and its groups.
    let sections = overview(snap, &details, &r, &mut site)?;
    let page = Value::from(Serde(&sections));
    let bytes = r.page("index.html", paths::INDEX, "Certified clouds", page.clone())?;
    site.put(paths::INDEX.into(), bytes);
    site.pages += 1;
    let md = r.page("overview.md", "overview.md", "overview", page)?;
    site.put("overview.md".into(), md);

    // Scope pages.
    for scope in snap.scopes.values() {
        let path = paths::scope_page(&scope.slug);
        let bytes = r.page(
            "scope.html",
            &path,
            &visible(scope.spec.name()),
            Value::from(Serde(&scope_view(scope, at))),
        )?;
        site.put(path, bytes);
        site.pages += 1;
    }

    // Report pages are many and never change: [`write_reports`] writes them into place.
    site.reports = snap.ledgers.values().map(|l| l.lines.len()).sum();
    site.pages += site.reports;

    // For machines and calendars.
    let all_views: Vec<&(CertView, Vec<CertEvent>)> = cert_views.values().collect();
    let index = index_json(snap, &cert_views, &details, at, options.pdf);
    site.put("index.json".into(), json_bytes(&index)?);
    site.put(
        "schema/index.schema.json".into(),
        json_bytes(&index::schema())?,
    );
    let items: Vec<crate::feed::FeedItem<'_>> = all_views
        .iter()
        .flat_map(|(c, events)| {
            events
                .iter()
                .map(move |e| crate::feed::FeedItem { cert: c, event: e })
        })
        .collect();
    let base = site_base(&forum.status_base_url);
    let status_url = |id: &str| snap.forum.status_url(id);
    site.put(
        "feed.atom".into(),
        crate::feed::atom(&forum.name, &base, at, &items, &status_url),
    );
    let certs: Vec<CertView> = all_views.iter().map(|(c, _)| c.clone()).collect();
    site.put(
        "expiries.ics".into(),
        crate::feed::ics(&forum.name, &host_of(&base), at, &certs),
    );

    // Revocations and keys.
    if let Some(pem) = &snap.crl_pem {
        site.put("crl.pem".into(), pem.clone());
        if let Ok((_, der)) = der::pem::decode_vec(pem) {
            site.put("crl.der".into(), der);
        }
    }
    site.put("keys/allowed_signers".into(), snap.allowed_signers.clone());
    site.put("keys/forum-ca.pem".into(), snap.forum_ca.clone());
    site.put(
        paths::STYLE.into(),
        templates.source("style.css").as_bytes().to_vec(),
    );
    site.put(
        paths::MARKER.into(),
        format!(
            "scs-cert publish output; registry commit {}; at {}\n",
            snap.commit,
            format_instant(at)
        ),
    );
    Ok(site)
}

fn json_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::Template {
        name: "index.json".into(),
        message: e.to_string(),
    })?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// The site's base URL: the status base without its last segment (`…/certificates`).
pub fn site_base(status_base_url: &str) -> String {
    let base = status_base_url.trim_end_matches('/');
    match base.strip_suffix(&format!("/{}", paths::CERTIFICATES)) {
        Some(site) => site.to_owned(),
        None => base.to_owned(),
    }
}

fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|h| !h.is_empty())
        .unwrap_or("scs-cert.invalid")
        .to_owned()
}

/// The QR code of an Urkunde encodes `<status_base_url>/<ID>`; the site serves the page at
/// `certificates/<ID>/index.html`. The two meet when the base ends in `/certificates` and the
/// site is served at its parent; anything else is said, not silently published.
fn check_status_urls(snap: &Snapshot, site: &mut Site) {
    let base = snap.forum.forum.status_base_url.trim_end_matches('/');
    if !base.ends_with(&format!("/{}", paths::CERTIFICATES)) {
        site.warnings.push(format!(
            "forum.toml's status_base_url {base} does not end in /{}: the Urkunden's QR codes will not reach this site's status pages (serve the site at the URL's parent and let it end in /{})",
            paths::CERTIFICATES,
            paths::CERTIFICATES
        ));
    }
    for c in snap.certificates.values() {
        let record = &c.held.record;
        let expected = snap.forum.status_url(record.id().as_str());
        if record.status_url() != expected {
            site.warnings.push(format!(
                "{} encodes {} but the site serves its page at {expected}",
                record.id(),
                record.status_url()
            ));
        }
    }
}

#[derive(Serialize)]
struct SubjectPage<'a> {
    subject: &'a SubjectBrief,
    scopes: Vec<&'a views::Detail>,
}

/// The principal `keys/allowed_signers` names for the key that made `signature`, for the
/// ssh-keygen command on a status page (`PRINCIPAL` when it cannot be told).
fn principal_of(allowed: Option<&scs_cert::trust::AllowedSigners>, signature: &[u8]) -> String {
    let (Some(allowed), Ok(sig)) = (allowed, scs_cert::sig::Signature::from_armored(signature))
    else {
        return "PRINCIPAL".into();
    };
    let key = sig.public_key();
    allowed
        .entries()
        .iter()
        .find(|e| e.key().key_data() == key.key_data())
        .map_or_else(|| "PRINCIPAL".into(), |e| e.principals().to_owned())
}

fn certificate_page(
    r: &Renderer<'_>,
    site: &mut Site,
    cert: &Certificate,
    view: &CertView,
    events: &[CertEvent],
    reports: &BTreeSet<String>,
    pdf: bool,
) -> Result<(), Error> {
    let record = &cert.held.record;
    let id = record.id();
    let file = |suffix: &str| paths::certificate_file(id, suffix);
    site.put(file(".yaml"), cert.held.bytes.clone());
    site.put(file(".yaml.sig"), cert.signature.clone());
    site.put(file(".pem"), cert.pem.clone());
    let mut downloads = Vec::new();
    if pdf {
        downloads.push(Download {
            text: "Urkunde (Deutsch, PDF)".into(),
            href: file(".de.pdf"),
        });
        downloads.push(Download {
            text: "Urkunde (English, PDF)".into(),
            href: file(".en.pdf"),
        });
    }
    downloads.push(Download {
        text: format!("the signed record ({id}.yaml)"),
        href: file(".yaml"),
    });
    downloads.push(Download {
        text: format!("its signature ({id}.yaml.sig)"),
        href: file(".yaml.sig"),
    });
    downloads.push(Download {
        text: format!("the X.509 certificate ({id}.pem)"),
        href: file(".pem"),
    });
    if !cert.events.is_empty() {
        site.put(file(".events.jsonl"), cert.events.clone());
        downloads.push(Download {
            text: format!("its events ({id}.events.jsonl)"),
            href: file(".events.jsonl"),
        });
    }
    downloads.push(Download {
        text: "the forum's keys (allowed_signers)".into(),
        href: "keys/allowed_signers".into(),
    });
    downloads.push(Download {
        text: "the forum CA (forum-ca.pem)".into(),
        href: "keys/forum-ca.pem".into(),
    });
    if r.snap.crl_pem.is_some() {
        downloads.push(Download {
            text: "the revocation list (crl.pem)".into(),
            href: "crl.pem".into(),
        });
    }
    let principal = principal_of(r.allowed.as_ref(), &cert.signature);
    let commands = vec![
        Command {
            tool: "ssh-keygen",
            line: format!(
                "ssh-keygen -Y verify -f allowed_signers -I {principal} -n scs-certificate -s {id}.yaml.sig < {id}.yaml"
            ),
        },
        Command {
            tool: "openssl",
            line: format!(
                "openssl verify -crl_check -CAfile forum-ca.pem -CRLfile crl.pem {id}.pem"
            ),
        },
        Command {
            tool: "scs-cert",
            line: format!(
                "scs-cert verify {id}.yaml --keys allowed_signers --crl crl.pem --ca forum-ca.pem"
            ),
        },
    ];
    let d = record.decision();
    let decision = DecisionView {
        at: visible(&d.at),
        window_start: visible(&d.window_start),
        eligible: d.eligible,
        decided_by: visible(&format!("{} ({})", d.decided_by.name, d.decided_by.role)),
        override_reason: d.override_reason.as_deref().map(visible),
        findings: d.findings.iter().map(|f| visible(f)).collect(),
        evidence: d
            .evidence
            .iter()
            .map(|e| EvidenceView {
                run: visible(&e.run),
                sha256: visible(&e.sha256),
                href: reports.contains(&e.run).then(|| paths::report_page(&e.run)),
            })
            .collect(),
    };
    #[derive(Serialize)]
    struct CertPage<'a> {
        cert: &'a CertView,
        events: &'a [CertEvent],
        decision: DecisionView,
        downloads: Vec<Download>,
        commands: Vec<Command>,
        status_url: String,
        detail_href: Option<String>,
    }
    let detail_href = r
        .snap
        .scopes
        .get(&record.scope().uuid)
        .map(|s| paths::detail_page(record.subject(), &s.slug));
    let page = CertPage {
        cert: view,
        events,
        decision,
        downloads,
        commands,
        status_url: visible(record.status_url()),
        detail_href,
    };
    let path = paths::certificate_page(id);
    let bytes = r.page(
        "certificate.html",
        &path,
        &format!("{id}: {}", view.status_text),
        Value::from(Serde(&page)),
    )?;
    site.put(path, bytes);
    site.pages += 1;
    Ok(())
}

type Rendered = (Vec<u8>, Vec<(String, Vec<u8>)>, bool);

/// The report pages' manifest in a site: `<key> <path>` per page, sorted by path.
pub(crate) const REPORTS_MANIFEST: &str = ".scs-publish-reports";

/// What [`write_reports`] did.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportCounts {
    /// Pages rendered anew.
    pub rendered: usize,
    /// Pages taken unchanged from the previous site.
    pub reused: usize,
    /// Pages whose body this copy's archive lacks.
    pub without_body: usize,
}

/// Writes one page per ingested report into `staging` (whose other files are written), on
/// every core, straight to disk (a registry holds 100,000s of reports: they are never all in
/// memory). A report page depends only on its ledger line, its subject's and scope's names,
/// whether its body is in the archive, the templates and this tool's version — not on the
/// publishing instant — so a page whose inputs are unchanged since `previous` (the site being
/// replaced) is linked from there, after checking its digest, instead of parsing its body
/// again.
///
/// # Errors
///
/// Templates that do not render; I/O errors.
pub fn write_reports(
    snap: &Snapshot,
    templates: &Templates,
    staging: &Path,
    previous: Option<&Path>,
) -> Result<ReportCounts, Error> {
    let r = Renderer::new(snap, templates, String::new(), String::new())?;
    let dir = staging.join("reports");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, &e))?;
    let signed_reports = snap.forum.publishing.signed_reports;
    let templates_digest = scs_cert::digest::sha256_hex(
        format!(
            "{}\0{}\0{}",
            env!("CARGO_PKG_VERSION"),
            templates.source("layout.html"),
            templates.source("report.html")
        )
        .as_bytes(),
    );
    // `<key> <sha256 of the page> <path>` per page.
    let old: BTreeMap<String, (String, String)> = previous
        .and_then(|p| std::fs::read_to_string(p.join(REPORTS_MANIFEST)).ok())
        .map(|text| {
            text.lines()
                .filter_map(|l| {
                    let mut parts = l.splitn(3, ' ');
                    let (key, digest, path) = (parts.next()?, parts.next()?, parts.next()?);
                    Some((path.to_owned(), (key.to_owned(), digest.to_owned())))
                })
                .collect()
        })
        .unwrap_or_default();
    // A report page shows its scope's testcase descriptions: a changed spec changes the key.
    let spec_digests: BTreeMap<&str, String> = snap
        .scopes
        .iter()
        .map(|(uuid, scope)| {
            let mut text = String::new();
            for v in scope.spec.versions() {
                for id in v.main().iter().chain(v.targets().values().flatten()) {
                    if let Some(t) = v.testcase(id) {
                        text.push_str(id);
                        text.push('\0');
                        text.push_str(t.description().unwrap_or(""));
                        text.push('\0');
                    }
                }
            }
            (uuid.as_str(), scs_cert::digest::sha256_hex(text.as_bytes()))
        })
        .collect();
    let lines: Vec<&LedgerLine> = snap.ledgers.values().flat_map(|l| &l.lines).collect();
    let folders: BTreeSet<PathBuf> = lines
        .iter()
        .filter_map(|line| {
            staging
                .join(paths::report_page(&line.run))
                .parent()
                .map(Path::to_path_buf)
        })
        .collect();
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(|e| Error::io("create", folder, &e))?;
    }
    let done = scs_cert::parallel::map(&lines, scs_cert::parallel::workers(), |line| {
        let path = paths::report_page(&line.run);
        let has_body = line.signature != "sshsig"
            || scs_registry::ledger::archive_path(&snap.archive_dir, &line.sha256).is_file();
        let scope = snap.scopes.get(&line.scope);
        // Serialized straight from borrowed fields: no JSON tree is built for each page.
        #[derive(Serialize)]
        struct Inputs<'a> {
            line: &'a LedgerLine,
            subject: SubjectBrief,
            scope: Option<(&'a str, &'a str, Option<&'a String>)>,
            has_body: bool,
            has_crl: bool,
            forum: [&'a String; 2],
            templates: &'a str,
        }
        let inputs = Inputs {
            line,
            subject: views::subject_brief(snap, &line.subject),
            scope: scope.map(|s| {
                (
                    s.slug.as_str(),
                    s.spec.name(),
                    spec_digests.get(line.scope.as_str()),
                )
            }),
            has_body,
            has_crl: snap.crl_pem.is_some(),
            forum: [&snap.forum.forum.name, &snap.forum.forum.legal_name],
            templates: &templates_digest,
        };
        let key = serde_json::to_vec(&inputs).map_err(|e| Error::Template {
            name: "report.html".into(),
            message: e.to_string(),
        })?;
        let key = scs_cert::digest::sha256_hex(&key);
        let target = staging.join(&path);
        // Reused only as the regular file with the bytes the manifest names: a page edited
        // or replaced by a symlink in the served folder is rendered again.
        if !signed_reports
            && let Some(prev) = previous
            && let Some((old_key, old_digest)) = old.get(&path)
            && *old_key == key
            && std::fs::symlink_metadata(prev.join(&path)).is_ok_and(|m| m.is_file())
            && let Ok(bytes) = std::fs::read(prev.join(&path))
            && scs_cert::digest::sha256_hex(&bytes) == *old_digest
            && (std::fs::hard_link(prev.join(&path), &target).is_ok()
                || std::fs::write(&target, &bytes).is_ok())
        {
            return Ok::<_, Error>((path, key, old_digest.clone(), false, has_body));
        }
        let (page, extra, had_body) = report_page(&r, line, signed_reports)?;
        let digest = scs_cert::digest::sha256_hex(&page);
        std::fs::write(&target, page).map_err(|e| Error::io("write", &target, &e))?;
        for (extra_path, bytes) in extra {
            let t = staging.join(extra_path);
            std::fs::write(&t, bytes).map_err(|e| Error::io("write", &t, &e))?;
        }
        Ok((path, key, digest, true, had_body))
    });
    let mut counts = ReportCounts::default();
    let mut manifest = BTreeMap::new();
    for item in done {
        let (path, key, digest, rendered, had_body) = item?;
        if rendered {
            counts.rendered += 1;
        } else {
            counts.reused += 1;
        }
        if !had_body {
            counts.without_body += 1;
        }
        manifest.insert(path, (key, digest));
    }
    let mut text = String::new();
    for (path, (key, digest)) in manifest {
        text.push_str(&key);
        text.push(' ');
        text.push_str(&digest);
        text.push(' ');
        text.push_str(&path);
        text.push('\n');
    }
    let m = staging.join(REPORTS_MANIFEST);
    std::fs::write(&m, text).map_err(|e| Error::io("write", &m, &e))?;
    Ok(counts)
}

fn report_page(
    r: &Renderer<'_>,
    line: &LedgerLine,
    signed_reports: bool,
) -> Result<Rendered, Error> {
    let snap = r.snap;
    let scope = snap.scopes.get(&line.scope);
    let spec: Option<&Spec> = scope.map(|s| &s.spec);
    let results = line
        .verdicts()
        .into_iter()
        .map(|(id, v)| ReportResult {
            description: spec
                .and_then(|s| s.versions().iter().find_map(|ver| ver.testcase(&id)))
                .and_then(|t| t.description())
                .map(visible),
            id: visible(&id),
            result: match v {
                scs_cert::report::Verdict::Pass => "PASS",
                scs_cert::report::Verdict::Fail => "FAIL",
                scs_cert::report::Verdict::Abort => "ABORT",
            },
        })
        .collect();
    let body = if line.signature == "sshsig" {
        snap.body(&line.sha256)
    } else {
        None
    };
    let split = body
        .as_deref()
        .and_then(|b| scs_cert::sig::split_upload_body(b).ok());
    let logs = split.and_then(|(_, report)| logs::redacted(report, line.document).ok());
    let mut extra = Vec::new();
    let mut signed = None;
    if signed_reports && let Some((sig, report)) = split {
        let ext = match scs_cert::report::detect_format(report) {
            scs_cert::report::Format::Json => ".json",
            _ => ".yaml",
        };
        let report_path = paths::report_file(&line.run, ext);
        let sig_path = paths::report_file(&line.run, &format!("{ext}.sig"));
        extra.push((report_path.clone(), report.to_vec()));
        extra.push((sig_path.clone(), sig.to_vec()));
        signed = Some(vec![
            Download {
                text: "the signed report".into(),
                href: report_path,
            },
            Download {
                text: "its signature".into(),
                href: sig_path,
            },
        ]);
    }
    let view = ReportView {
        run: visible(&line.run),
        subject: views::subject_brief(snap, &line.subject),
        scope: scope.map_or_else(|| visible(&line.scope), |s| visible(s.spec.name())),
        scope_href: scope.map(|s| paths::scope_page(&s.slug)),
        detail_href: scope.map(|s| paths::detail_page(&line.subject, &s.slug)),
        checked_at: format_instant(line.checked_at),
        received_at: format_instant(line.received_at),
        received_declared: line.received_at_declared,
        ingested_at: format_instant(line.ingested_at),
        signature: visible(&line.signature),
        signer: visible(&line.signer),
        signed_by: visible(&line.signed_by),
        sha256: visible(&line.sha256),
        document: line.document,
        results,
        logs: logs.as_ref().map(|l| l.iter().map(log_view).collect()),
        signed,
    };
    let had_body = body.is_some() || line.signature != "sshsig";
    let path = paths::report_page(&line.run);
    let page = r.page(
        "report.html",
        &path,
        &format!("Report {}", view.run),
        Value::from(Serde(&view)),
    )?;
    Ok((page, extra, had_body))
}

fn log_view(inv: &RedactedInvocation) -> LogView {
    LogView {
        id: visible(&inv.id),
        cmd: inv.cmd.as_deref().map(visible),
        rc: inv.rc,
        stdout: inv.stdout.iter().map(|l| visible(l)).collect(),
        stderr: inv.stderr.iter().map(|l| visible(l)).collect(),
        removed: inv.removed,
    }
}

fn scope_view(scope: &AdoptedScope, at: Instant) -> impl Serialize {
    #[derive(Serialize)]
    struct ScopePage {
        name: String,
        uuid: String,
        url: Option<String>,
        versions: Vec<ScopeVersionView>,
        modules: Vec<ModuleRow>,
    }
    let spec = &scope.spec;
    let versions: Vec<ScopeVersionView> = spec
        .versions()
        .iter()
        .map(|v| ScopeVersionView {
            name: visible(v.name()),
            state: spec
                .validity_at(v.name(), at.date_naive())
                .map_or_else(|| "Not listed".to_owned(), |s| capitalised(s.as_str())),
            stabilized_at: v
                .stabilized_at()
                .map_or_else(|| "–".to_owned(), |d| d.format("%Y-%m-%d").to_string()),
        })
        .collect();
    let mut modules: BTreeMap<String, Vec<Option<Vec<ParamView>>>> = BTreeMap::new();
    let n = spec.versions().len();
    for (i, v) in spec.versions().iter().enumerate() {
        for inc in v.includes() {
            let cells = modules
                .entry(inc.module().to_owned())
                .or_insert_with(|| (0..n).map(|_| None).collect());
            cells[i] = Some(
                inc.parameters()
                    .iter()
                    .map(|(k, val)| ParamView {
                        key: visible(k),
                        value: visible(val),
                        url: paths::safe_url(val),
                    })
                    .collect(),
            );
        }
    }
    ScopePage {
        name: visible(spec.name()),
        uuid: visible(spec.uuid()),
        url: spec.url().and_then(paths::safe_url),
        versions,
        modules: modules
            .into_iter()
            .map(|(id, cells)| ModuleRow {
                id: visible(&id),
                cells,
            })
            .collect(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The overview's sections, and the group pages their rows link to.
fn overview(
    snap: &Snapshot,
    details: &BTreeMap<(Subject, String), views::Detail>,
    r: &Renderer<'_>,
    site: &mut Site,
) -> Result<Vec<Section>, Error> {
    // Units: a subject alone, or a group of subjects (by the records' `group`).
    let mut groups: BTreeMap<String, Vec<Subject>> = BTreeMap::new();
    let mut alone: Vec<Subject> = Vec::new();
    let mut seen: BTreeSet<&Subject> = BTreeSet::new();
    for (subject, _) in details.keys() {
        if !seen.insert(subject) {
            continue;
        }
        match snap.subjects.get(subject).and_then(|r| r.group.clone()) {
            Some(g) => groups.entry(g).or_default().push(subject.clone()),
            None => alone.push(subject.clone()),
        }
    }
    let mut certified_iaas = Vec::new();
    let mut certified_kaas = Vec::new();
    let mut other = Vec::new();
    let in_force = |c: &CertView| c.status == "active" || c.status == "active-with-findings";
    for scope in snap.scopes.values() {
        let kind = CertificateKind::of_scope(scope.spec.uuid(), scope.spec.name());
        let uuid = scope.spec.uuid().to_owned();
        let mut rows = Vec::new();
        for subject in &alone {
            let Some(d) = details.get(&(subject.clone(), uuid.clone())) else {
                continue;
            };
            rows.push(Row {
                name: d.subject.name.clone(),
                href: d.subject.href.clone(),
                description: d.subject.description.clone(),
                operator: d.subject.operator.clone(),
                scope: d.scope.clone(),
                cell: d.cell.clone(),
                certificates: d
                    .certificates
                    .iter()
                    .filter(|c| in_force(c) || c.status == "suspended")
                    .cloned()
                    .collect(),
                health_monitor: d.subject.health_monitor.clone(),
                group: None,
            });
        }
        for (group, members) in &groups {
            let member_details: Vec<&views::Detail> = members
                .iter()
                .filter_map(|m| details.get(&(m.clone(), uuid.clone())))
                .collect();
            let Some(worst) = member_details.iter().min_by_key(|d| d.cell.score) else {
                continue;
            };
            let href = paths::group_page(group, &scope.slug);
            let mut cell = worst.cell.clone();
            cell.href = href.clone();
            let first = &member_details[0].subject;
            let row = Row {
                name: first.name.clone(),
                href: href.clone(),
                description: first.description.clone(),
                operator: first.operator.clone(),
                scope: worst.scope.clone(),
                cell,
                certificates: member_details
                    .iter()
                    .flat_map(|d| d.certificates.iter())
                    .filter(|c| in_force(c) || c.status == "suspended")
                    .cloned()
                    .collect(),
                health_monitor: first.health_monitor.clone(),
                group: Some(visible(group)),
            };
            #[derive(Serialize)]
            struct GroupPage<'a> {
                group: String,
                row: &'a Row,
                members: &'a [&'a views::Detail],
            }
            let bytes = r.page(
                "group.html",
                &href,
                &format!("{} — {}", row.name, row.scope),
                Value::from(Serde(&GroupPage {
                    group: visible(group),
                    row: &row,
                    members: &member_details,
                })),
            )?;
            site.put(href, bytes);
            site.pages += 1;
            rows.push(row);
        }
        rows.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.href.cmp(&b.href))
        });
        for row in rows {
            let certified = row.certificates.iter().any(in_force);
            match (certified, kind) {
                (true, CertificateKind::Kaas) => certified_kaas.push(row),
                (true, _) => certified_iaas.push(row),
                (false, _) => other.push(row),
            }
        }
    }
    Ok(vec![
        Section {
            id: "certified-iaas",
            title: "Certified SCS-compatible IaaS",
            empty: "No IaaS environment holds a certificate.",
            rows: certified_iaas,
        },
        Section {
            id: "certified-kaas",
            title: "Certified SCS-compatible KaaS",
            empty: "No KaaS environment holds a certificate.",
            rows: certified_kaas,
        },
        Section {
            id: "certified-integrators",
            title: "Certified SCS Integrators",
            empty: "No integrator is certified yet.",
            rows: Vec::new(),
        },
        Section {
            id: "other",
            title: "Other tested environments",
            empty: "No other environment has sent test results.",
            rows: other,
        },
    ])
}

fn index_json(
    snap: &Snapshot,
    certs: &BTreeMap<String, (CertView, Vec<CertEvent>)>,
    details: &BTreeMap<(Subject, String), views::Detail>,
    at: Instant,
    pdf: bool,
) -> index::Index {
    let forum = &snap.forum.forum;
    let certificates = snap
        .certificates
        .values()
        .map(|c| {
            let record = &c.held.record;
            let id = record.id();
            let (view, _) = &certs[id.as_str()];
            index::Certificate {
                id: id.to_string(),
                kind: view.kind.into(),
                holder: view.holder.clone(),
                subject: record.subject().as_str().into(),
                scope_uuid: record.scope().uuid.clone(),
                scope: view.scope.clone(),
                version: view.version.clone(),
                issued: view.issued.clone(),
                valid_until: view.valid_until.clone(),
                status: view.status.into(),
                status_since: view.since.clone(),
                reason: view.reason.clone(),
                findings: view.findings.clone(),
                status_url: record.status_url().into(),
                links: index::CertificateLinks {
                    page: paths::certificate_page(id),
                    record: paths::certificate_file(id, ".yaml"),
                    signature: paths::certificate_file(id, ".yaml.sig"),
                    x509: paths::certificate_file(id, ".pem"),
                    urkunde_de: pdf.then(|| paths::certificate_file(id, ".de.pdf")),
                    urkunde_en: pdf.then(|| paths::certificate_file(id, ".en.pdf")),
                },
            }
        })
        .collect();
    let subjects = snap
        .subjects
        .keys()
        .map(|subject| {
            let brief = views::subject_brief(snap, subject);
            let scopes = details
                .iter()
                .filter(|((s, _), _)| s == subject)
                .map(|((_, uuid), d)| index::SubjectScope {
                    uuid: uuid.clone(),
                    name: d.scope.clone(),
                    page: d.cell.href.clone(),
                    badge: d.badge.clone(),
                    versions: d
                        .versions
                        .iter()
                        .map(|v| index::VersionVerdict {
                            version: v.version.clone(),
                            validity: v.validity.into(),
                            main: v.main.clone(),
                            compliant: v.compliant,
                        })
                        .collect(),
                    history: d
                        .history
                        .iter()
                        .map(|h| index::VersionIntervals {
                            version: h.version.clone(),
                            intervals: h
                                .bands
                                .iter()
                                .map(|b| index::Interval {
                                    start: b.start.clone(),
                                    end: b.end.clone(),
                                    state: serde_json::to_value(b.state)
                                        .ok()
                                        .and_then(|v| v.as_str().map(str::to_owned))
                                        .unwrap_or_default(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect();
            index::Subject {
                subject: brief.subject,
                name: brief.name,
                operator: brief.operator,
                description: brief.description,
                group: brief.group,
                page: brief.href,
                scopes,
            }
        })
        .collect();
    index::Index {
        version: index::INDEX_VERSION,
        generated_at: format_instant(at),
        registry_commit: snap.commit.to_string(),
        forum: index::Forum {
            name: forum.name.clone(),
            legal_name: forum.legal_name.clone(),
            city: forum.city.clone(),
            status_base_url: forum.status_base_url.clone(),
        },
        certificates,
        subjects,
        integrators: Vec::new(),
    }
}
