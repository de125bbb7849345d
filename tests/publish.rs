//! `scs-cert publish`: the static site, judged by what a visitor and the tools see — every
//! page type present, the registry's facts on them (a withdrawn certificate reads withdrawn, a
//! failing testcase sits under FAIL), hostile text escaped, links resolving inside the site,
//! the QR code of each Urkunde leading to its status page, `index.json` valid under its
//! published schema, and the same bytes for the same registry and instant.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scs_testkit::cli::{Run, cert, run};
use scs_testkit::registry::report;
use scs_testkit::tools;
use scs_testkit::{CERT, REPORT};

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

const HOSTILE_NAME: &str = "<script>alert(\"x\")</script> Wolke";
const HOSTILE_OPERATOR: &str = "O'Brien & <b>Co</b>";
const HOSTILE_DESCRIPTION: &str = "public \"cloud\" [x](javascript:alert(1)) | pipe";

/// A registry with three subjects reporting now: cloud-a passes and holds an active
/// certificate, cloud-b (hostile texts, a `javascript:` health monitor, a group) fails one
/// testcase, cloud-c passes but its certificate was withdrawn. Returns the instant to publish.
fn scenario() -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    ok(run(CERT, &dir, &["init", "reg"]));
    #[allow(
        clippy::disallowed_methods,
        reason = "the registry's commands run at the wall clock; the site is published just after"
    )]
    let now = chrono::Utc::now();
    let checked = (now - chrono::Duration::hours(2))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let mut files = Vec::new();
    for (n, (subject, extra, fail)) in [
        (
            "cloud-a",
            vec!["--name", "Cloud A", "--operator", "A GmbH"],
            None,
        ),
        (
            "cloud-b",
            vec![
                "--name",
                HOSTILE_NAME,
                "--operator",
                HOSTILE_OPERATOR,
                "--description",
                HOSTILE_DESCRIPTION,
                "--health-monitor",
                "javascript:alert(1)",
                "--group",
                "<g>",
            ],
            Some("scs-0100-syntax-check"),
        ),
        ("cloud-c", vec!["--name", "Cloud C"], None),
    ]
    .into_iter()
    .enumerate()
    {
        ok(run(REPORT, &dir, &["keygen", "-o", subject]));
        let public = fs::read_to_string(dir.join(format!("{subject}.pub"))).unwrap();
        let mut args = vec!["subject", "add", subject];
        args.extend(extra);
        args.extend(["--ssh-key", public.trim(), "--at", "2026-01-01"]);
        ok(cert(&dir, &args));
        let name = format!("{subject}.yaml");
        let mut text = report(subject, u32::try_from(n).unwrap(), &checked, fail);
        // What a checker prints: result lines, and lines that must not be published.
        text.push_str("      stdout: ['host: secret.example', 'scs-0100-syntax-check: PASS']\n      stderr: ['INFO: token abc', 'ERROR: flavor x missing', 'CRITICAL: trace']\n");
        fs::write(dir.join(&name), text).unwrap();
        ok(run(REPORT, &dir, &["sign", "-k", subject, &name]));
        files.push(name);
    }
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    ok(cert(&dir, &args));
    for subject in ["cloud-a", "cloud-c"] {
        ok(cert(
            &dir,
            &[
                "issue",
                subject,
                "--scope",
                "scs-compatible-iaas",
                "--override",
                "reports of one day only: a test registry",
            ],
        ));
    }
    ok(cert(
        &dir,
        &[
            "withdraw",
            "SCS-IAAS-2026-0002",
            "--reason",
            "the operator asked for it <em>now</em>",
        ],
    ));
    let at = (now + chrono::Duration::minutes(5))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    (tmp, dir, at)
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn text(site: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        site.get(path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .clone(),
    )
    .unwrap()
}

#[test]
fn the_site_shows_the_registry_escaped_linked_and_reproducible() {
    let (_t, dir, at) = scenario();
    let head = scs_testkit::registry::head(&dir);
    let r = ok(cert(
        &dir,
        &["publish", "-o", "site", "--no-pdf", "--at", &at, "--json"],
    ));
    assert_eq!(
        scs_testkit::registry::head(&dir),
        head,
        "publish changes nothing"
    );
    let status = tools::succeed(
        Command::new("git")
            .arg("-C")
            .arg(dir.join("reg"))
            .args(["status", "--porcelain"]),
    );
    assert!(
        status.stdout.is_empty(),
        "publish leaves the work tree as it was"
    );
    assert!(r.stdout.contains("\"type\":\"publish\""), "{}", r.stdout);
    let site = files(&dir.join("site"));
    for path in [
        "index.html",
        "overview.md",
        "index.json",
        "schema/index.schema.json",
        "feed.atom",
        "expiries.ics",
        "style.css",
        "crl.pem",
        "crl.der",
        "keys/allowed_signers",
        "keys/forum-ca.pem",
        "certificates/SCS-IAAS-2026-0001/index.html",
        "certificates/SCS-IAAS-2026-0001/SCS-IAAS-2026-0001.yaml",
        "certificates/SCS-IAAS-2026-0001/SCS-IAAS-2026-0001.yaml.sig",
        "certificates/SCS-IAAS-2026-0001/SCS-IAAS-2026-0001.pem",
        "certificates/SCS-IAAS-2026-0002/SCS-IAAS-2026-0002.events.jsonl",
        "subjects/cloud-b/index.html",
        "subjects/cloud-b/scs-compatible-iaas.html",
        "scopes/scs-compatible-iaas.html",
        "badges/cloud-a/scs-compatible-iaas.svg",
    ] {
        assert!(site.contains_key(path), "{path} missing");
    }
    assert_eq!(
        site.keys().filter(|p| p.starts_with("reports/")).count(),
        3,
        "one page per report"
    );

    // Report pages show the logs redacted as upstream does, and say so.
    let page = site
        .iter()
        .find(|(p, _)| p.starts_with("reports/"))
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .unwrap();
    assert!(page.contains("scs-0100-syntax-check: PASS"), "{page}");
    assert!(page.contains("ERROR: flavor x missing"));
    assert!(page.contains("redacted"));
    for secret in ["secret.example", "token abc", "CRITICAL: trace"] {
        assert!(!page.contains(secret), "{secret} published");
    }

    // What the registry says, the pages say.
    let withdrawn = text(&site, "certificates/SCS-IAAS-2026-0002/index.html");
    assert!(withdrawn.contains("Status: withdrawn"), "{withdrawn}");
    assert!(
        withdrawn.contains("the operator asked for it &lt;em&gt;now&lt;/em&gt;"),
        "{withdrawn}"
    );
    let active = text(&site, "certificates/SCS-IAAS-2026-0001/index.html");
    assert!(active.contains("Status: active"), "{active}");
    assert!(active.contains("-n scs-certificate -s SCS-IAAS-2026-0001.yaml.sig"));
    let failing = text(&site, "subjects/cloud-b/scs-compatible-iaas.html");
    let fail_section = failing
        .split("<h3 id=\"result-fail\">")
        .nth(1)
        .expect("a FAIL group")
        .split("<h3")
        .next()
        .unwrap();
    assert!(
        fail_section.contains("scs-0100-syntax-check"),
        "{fail_section}"
    );
    let index = text(&site, "index.html");
    let certified = index
        .split("<section id=\"certified-kaas\">")
        .next()
        .unwrap();
    assert!(certified.contains("Cloud A") && !certified.contains("Cloud C"));
    let other = index.split("<section id=\"other\">").nth(1).unwrap();
    assert!(other.contains("Cloud C") && other.contains("(group &lt;g&gt;)"));
    assert!(index.contains("No integrator is certified yet."));

    // Hostile text is text everywhere: no markup, no script URL becomes a link.
    for (path, bytes) in &site {
        // index.json carries the records' text as data (JSON needs no markup escaping);
        // everything a browser, feed reader or Markdown renderer reads must be escaped.
        let is_text = [".html", ".md", ".atom", ".ics", ".svg"]
            .iter()
            .any(|s| path.ends_with(s));
        if !is_text {
            continue;
        }
        let t = String::from_utf8(bytes.clone()).unwrap();
        assert!(!t.contains("<script"), "{path} carries a script tag");
        assert!(!t.contains("<b>Co"), "{path} carries markup from a record");
        assert!(!t.to_lowercase().contains("href=\"javascript:"), "{path}");
        if path.ends_with(".md") {
            assert!(!t.contains("](javascript:"), "{path} links a script URL");
        }
    }
    let md = text(&site, "overview.md");
    assert!(md.contains("&lt;script&gt;"), "{md}");
    assert!(md.contains("\\| pipe"), "a pipe in a cell is escaped: {md}");

    // index.json under its own schema, and the status URLs resolve inside the site.
    let index: serde_json::Value = serde_json::from_slice(&site["index.json"]).unwrap();
    let schema: serde_json::Value =
        serde_json::from_slice(&site["schema/index.schema.json"]).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&index)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let base = index["forum"]["status_base_url"].as_str().unwrap();
    let site_base = base.trim_end_matches('/').trim_end_matches("/certificates");
    for c in index["certificates"].as_array().unwrap() {
        let url = c["status_url"].as_str().unwrap();
        let rel = url.strip_prefix(site_base).unwrap().trim_start_matches('/');
        assert!(
            site.contains_key(&format!("{rel}/index.html")),
            "{url} does not resolve inside the site"
        );
    }
    let statuses: Vec<&str> = index["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["active", "withdrawn"]);
    let feed = text(&site, "feed.atom");
    assert!(feed.contains("SCS-IAAS-2026-0002: withdrawn"), "{feed}");
    // The feed and the badges are XML a real parser reads; entry ids are unique.
    if let Some(python) = tools::require("python3") {
        let out = tools::succeed(
            Command::new(python)
                .args([
                    "-c",
                    "import sys, xml.dom.minidom as m\n\
                 d = m.parse(sys.argv[1])\n\
                 ids = [e.firstChild.data for e in d.getElementsByTagName('id')]\n\
                 assert len(ids) == len(set(ids)), ids\n\
                 print(len(d.getElementsByTagName('entry')))\n\
                 m.parse(sys.argv[2])",
                ])
                .arg(dir.join("site/feed.atom"))
                .arg(dir.join("site/badges/cloud-b/scs-compatible-iaas.svg")),
        );
        // issued twice, withdrawn once, and cloud-a's and cloud-c's expiry lies ahead.
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
    }

    // Byte-identical for the same registry and instant; a previous output is replaced whole.
    ok(cert(
        &dir,
        &["publish", "-o", "again", "--no-pdf", "--at", &at],
    ));
    assert_eq!(
        files(&dir.join("again")),
        site,
        "same registry and instant, same bytes"
    );
    // A page of the site lost is written again; unchanged report pages are reused.
    fs::remove_file(dir.join("site/index.html")).unwrap();
    let r = ok(cert(
        &dir,
        &["publish", "-o", "site", "--no-pdf", "--at", &at, "--json"],
    ));
    assert!(
        r.stdout.contains("\"reports_reused\":3"),
        "unchanged report pages are taken from the site replaced: {}",
        r.stdout
    );
    assert_eq!(files(&dir.join("site")), site, "the site is whole again");
    // A page edited in the served folder, or swapped for a symlink, is rendered again.
    let reports: Vec<String> = site
        .keys()
        .filter(|p| p.starts_with("reports/"))
        .cloned()
        .collect();
    fs::write(dir.join("site").join(&reports[0]), "tampered").unwrap();
    fs::remove_file(dir.join("site").join(&reports[1])).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.join("site").join(&reports[1])).unwrap();
    let r = ok(cert(
        &dir,
        &["publish", "-o", "site", "--no-pdf", "--at", &at, "--json"],
    ));
    assert!(r.stdout.contains("\"reports_reused\":1"), "{}", r.stdout);
    assert_eq!(
        files(&dir.join("site")),
        site,
        "tampered pages are not reused"
    );
    // Publishing from inside the site (`-o .`) replaces it too.
    ok(run(
        CERT,
        &dir.join("site"),
        &[
            "--registry",
            "../reg",
            "publish",
            "-o",
            ".",
            "--no-pdf",
            "--at",
            &at,
        ],
    ));
    assert_eq!(files(&dir.join("site")), site);
    assert!(
        fs::read_dir(&dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".scs-publish")),
        "no temporary folder left beside the site"
    );
}

#[test]
fn publish_refuses_what_it_must_not_touch_or_show() {
    let (_t, dir, at) = scenario();
    // Somebody's folder is not replaced.
    fs::create_dir(dir.join("docs")).unwrap();
    fs::write(dir.join("docs/notes.txt"), "mine").unwrap();
    let r = cert(&dir, &["publish", "-o", "docs", "--no-pdf", "--at", &at]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a previous publish output"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.join("docs/notes.txt")).unwrap(),
        "mine"
    );
    // Files a publish did not write (a forge's CNAME, a pages checkout's .git) are never
    // deleted by replacing the site.
    ok(cert(
        &dir,
        &["publish", "-o", "pages", "--no-pdf", "--at", &at],
    ));
    fs::write(dir.join("pages/CNAME"), "registry.example").unwrap();
    let r = cert(&dir, &["publish", "-o", "pages", "--no-pdf", "--at", &at]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("CNAME"), "{}", r.stderr);
    assert!(dir.join("pages/CNAME").is_file());
    fs::remove_file(dir.join("pages/CNAME")).unwrap();
    fs::create_dir(dir.join("pages/.git")).unwrap();
    fs::write(dir.join("pages/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let r = cert(&dir, &["publish", "-o", "pages", "--no-pdf", "--at", &at]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(dir.join("pages/.git/HEAD").is_file());
    // Not inside the registry: its work tree would no longer equal its last commit.
    let r = cert(
        &dir,
        &["publish", "-o", "reg/site", "--no-pdf", "--at", &at],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("inside the registry"), "{}", r.stderr);
    assert!(!dir.join("reg/site").exists());
    // Unknown templates are named, not ignored.
    fs::create_dir(dir.join("tpl")).unwrap();
    fs::write(dir.join("tpl/indx.html"), "typo").unwrap();
    let r = cert(
        &dir,
        &["publish", "-o", "site", "--no-pdf", "--templates", "tpl"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("indx.html"), "{}", r.stderr);
    // A template of the same name replaces the built-in one (and still escapes).
    fs::write(dir.join("tpl/indx.html"), "").unwrap();
    fs::remove_file(dir.join("tpl/indx.html")).unwrap();
    fs::write(
        dir.join("tpl/index.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head><body>{% for s in page %}{% for r in s.rows %}<p>{{ r.name }}</p>{% endfor %}{% endfor %}</body></html>\n",
    )
    .unwrap();
    ok(cert(
        &dir,
        &[
            "publish",
            "-o",
            "custom",
            "--no-pdf",
            "--templates",
            "tpl",
            "--at",
            &at,
        ],
    ));
    let custom = fs::read_to_string(dir.join("custom/index.html")).unwrap();
    assert!(custom.contains("<p>Cloud A</p>"), "{custom}");
    assert!(custom.contains("&lt;script&gt;"), "{custom}");

    // A history that does not verify is not published: a commit made behind the tool's back.
    fs::write(dir.join("reg/subjects/cloud-a.yaml"), "subject: cloud-a\n").unwrap();
    let git = |args: &[&str]| {
        tools::succeed(
            Command::new("git")
                .arg("-C")
                .arg(dir.join("reg"))
                .args([
                    "-c",
                    "user.name=x",
                    "-c",
                    "user.email=x@example.org",
                    "-c",
                    "commit.gpgsign=false",
                ])
                .args(args),
        );
    };
    git(&["commit", "-qam", "unsigned"]);
    let r = cert(&dir, &["publish", "-o", "site", "--no-pdf", "--at", &at]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("does not verify"), "{}", r.stderr);
    assert!(!dir.join("site").exists(), "nothing written");
}

#[test]
fn each_urkunde_s_qr_code_leads_to_its_status_page_in_the_site() {
    let (_t, dir, at) = scenario();
    let (Some(_), Some(pdftoppm), Some(zbarimg)) = (
        tools::require("typst"),
        tools::require("pdftoppm"),
        tools::require("zbarimg"),
    ) else {
        return;
    };
    ok(cert(&dir, &["publish", "-o", "site", "--at", &at]));
    let site = dir.join("site");
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(site.join("index.json")).unwrap()).unwrap();
    let base = index["forum"]["status_base_url"].as_str().unwrap();
    let site_base = base.trim_end_matches('/').trim_end_matches("/certificates");
    for c in index["certificates"].as_array().unwrap() {
        for link in ["urkunde_de", "urkunde_en"] {
            let pdf = site.join(c["links"][link].as_str().unwrap());
            let png = dir.join("page");
            tools::succeed(
                Command::new(&pdftoppm)
                    .args(["-r", "150", "-png", "-singlefile"])
                    .arg(&pdf)
                    .arg(&png),
            );
            let qr = Command::new(&zbarimg)
                .args(["-q", "--raw"])
                .arg(dir.join("page.png"))
                .output()
                .unwrap();
            let url = String::from_utf8_lossy(&qr.stdout).trim().to_owned();
            let rel = url.strip_prefix(site_base).unwrap().trim_start_matches('/');
            assert!(
                site.join(rel).join("index.html").is_file(),
                "{url} from {} does not resolve inside the site",
                pdf.display()
            );
        }
    }
}

#[test]
fn every_page_type_reads_right_in_a_real_browser_links_resolve_and_pages_validate() {
    let (_t, dir, at) = scenario();
    ok(cert(
        &dir,
        &["publish", "-o", "site", "--no-pdf", "--at", &at],
    ));
    let site = dir.join("site");
    let problems = scs_testkit::site::check_links(&site);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
    if let Some(errors) = scs_testkit::site::validate_html(&site) {
        assert!(errors.is_empty(), "vnu:\n{}", errors.join("\n"));
    }
    let Some(mut browser) = scs_testkit::site::Browser::start() else {
        return;
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("publish");
    fs::create_dir_all(&shots).unwrap();
    let report = files(&site)
        .into_keys()
        .find(|p| p.starts_with("reports/") && p.ends_with(".html"))
        .map(|p| site.join(p))
        .unwrap();
    // (page, what its visible text must say, screenshot)
    let pages: Vec<(PathBuf, Vec<&str>, Option<&str>)> = vec![
        (
            site.join("index.html"),
            vec![
                "Certified SCS-compatible IaaS",
                "Cloud A",
                "SCS-IAAS-2026-0001",
                "No integrator is certified yet.",
                "Other tested environments",
                HOSTILE_NAME,
            ],
            Some("overview.png"),
        ),
        (
            site.join("certificates/SCS-IAAS-2026-0002/index.html"),
            vec![
                "Status: withdrawn",
                "the operator asked for it <em>now</em>",
            ],
            Some("status-withdrawn.png"),
        ),
        (
            site.join("certificates/SCS-IAAS-2026-0001/index.html"),
            vec!["Status: active", "ssh-keygen -Y verify", "openssl verify"],
            None,
        ),
        (
            site.join("subjects/cloud-b/scs-compatible-iaas.html"),
            vec![
                "FAIL (1)",
                "scs-0100-syntax-check",
                "Compliance over the last 18 months",
                HOSTILE_NAME,
            ],
            Some("detail-failing.png"),
        ),
        (
            site.join("subjects/cloud-b/index.html"),
            vec![HOSTILE_OPERATOR],
            None,
        ),
        (
            report.clone(),
            vec!["Logs (redacted)", "ERROR: flavor x missing"],
            None,
        ),
        (
            site.join("scopes/scs-compatible-iaas.html"),
            vec!["Stabilized at", "Effective"],
            None,
        ),
    ];
    for (path, says, shot) in pages {
        let page = browser
            .open(&scs_testkit::site::file_url(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(page.lang, "en", "{}", path.display());
        assert!(
            page.console_errors.is_empty(),
            "{}: {:?}",
            path.display(),
            page.console_errors
        );
        for s in says {
            assert!(
                page.visible_text.contains(s),
                "{} does not show {s:?}:\n{}",
                path.display(),
                page.visible_text
            );
        }
        if let Some(name) = shot {
            browser.screenshot(&shots.join(name)).unwrap();
            eprintln!("screenshot: {}", shots.join(name).display());
        }
    }
    // The FAIL group is where the failing testcase is, as a reader sees it.
    browser
        .open(&scs_testkit::site::file_url(
            &site.join("subjects/cloud-b/scs-compatible-iaas.html"),
        ))
        .unwrap();
    let fail_rows = browser
        .execute(
            "return Array.from(document.querySelectorAll('#result-fail + table tbody th')).map(e => e.innerText)",
            &[],
        )
        .unwrap();
    assert_eq!(fail_rows, serde_json::json!(["scs-0100-syntax-check"]));
}

/// A commit of `reg` signed by the forum key the way `git commit -S` with SSH signing makes it
/// (the registry's own commands cannot change the publishing policy).
fn forum_signed_commit(dir: &Path, message: &str) {
    let reg = dir.join("reg");
    let key = String::from_utf8(
        tools::succeed(
            Command::new("git")
                .arg("-C")
                .arg(&reg)
                .args(["config", "scs-cert.key"]),
        )
        .stdout,
    )
    .unwrap();
    let email = fs::read_to_string(reg.join("forum.toml"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("email = \"")
                .map(|e| e.trim_end_matches('"').to_owned())
        })
        .unwrap();
    tools::succeed(
        Command::new("git")
            .arg("-C")
            .arg(&reg)
            .args(["-c", "gpg.format=ssh", "-c"])
            .arg(format!("user.signingkey={}", key.trim()))
            .args(["-c", "user.name=Secretary", "-c"])
            .arg(format!("user.email={email}"))
            .args(["commit", "-S", "-qam", message]),
    );
}

#[test]
fn the_policy_can_publish_the_signed_reports_which_ssh_keygen_verifies() {
    let (_t, dir, at) = scenario();
    let Some(ssh_keygen) = tools::require("ssh-keygen") else {
        return;
    };
    let forum = dir.join("reg/forum.toml");
    let mut text = fs::read_to_string(&forum).unwrap();
    text.push_str("\n[publishing]\nsigned_reports = true\n");
    fs::write(&forum, text).unwrap();
    forum_signed_commit(&dir, "publishing: the signed reports too");
    ok(cert(&dir, &["registry", "verify"]));
    ok(cert(
        &dir,
        &["publish", "-o", "site", "--no-pdf", "--at", &at],
    ));
    let allowed = ok(cert(&dir, &["subject", "allowed-signers"])).stdout;
    fs::write(dir.join("subjects.allowed"), allowed).unwrap();
    let site = dir.join("site");
    let published = files(&site);
    let mut checked = 0;
    for rel in published.keys().filter(|p| p.starts_with("reports/")) {
        let path = site.join(rel);
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let report = fs::read_to_string(&path).unwrap();
        let subject = report
            .lines()
            .find_map(|l| l.strip_prefix("subject: "))
            .unwrap()
            .to_owned();
        tools::succeed(
            Command::new(&ssh_keygen)
                .args(["-Y", "verify", "-f"])
                .arg(dir.join("subjects.allowed"))
                .args(["-I", &subject, "-n", "report", "-s"])
                .arg(path.with_extension("yaml.sig"))
                .stdin(fs::File::open(&path).unwrap()),
        );
        checked += 1;
    }
    assert_eq!(checked, 3, "every report's signed bytes beside its page");
    let page = published
        .iter()
        .find(|(p, _)| p.starts_with("reports/") && p.ends_with(".html"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .unwrap();
    assert!(page.contains("the signed report"));
    assert!(scs_testkit::site::check_links(&dir.join("site")).is_empty());
}
