//! Certificates through `scs-cert`: issue (and refusal with reasons), override, lifecycle,
//! renewal, attention, manual checks; record signatures judged by the real ssh-keygen.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::cli;
use scs_testkit::schema::json_lines;
use scs_testkit::tools;

use cli::{Run, cert, run};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CERT: &str = scs_testkit::CERT;
const REPORT: &str = scs_testkit::REPORT;
const SCOPE: &str = "7d3f0a52-1c2b-4e8f-9a0d-5b6c7e8f9a01";

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

fn report(subject: &str, n: u32, checked_at: &str, auto: i8) -> String {
    format!(
        "---\nspec:\n  uuid: {SCOPE}\n  name: Example Manual Scope\nchecked_at: {checked_at}\nsubject: {subject}\nrun:\n  uuid: 22222222-2222-4333-8444-{n:012}\n  invocations:\n    i:\n      results:\n        ex-auto-check: {auto}\n"
    )
}

/// A registry with the example scope, subject cloud-a (key `a`), weekly passing reports over
/// March 2026 and a passed manual check on 2026-03-01.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    ok(run(CERT, &dir, &["init", "reg"]));
    ok(cert(
        &dir,
        &[
            "scope",
            "add",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/specs/example-manual.yaml"
            ),
        ],
    ));
    ok(run(REPORT, &dir, &["keygen", "-o", "a"]));
    let public = fs::read_to_string(dir.join("a.pub")).unwrap();
    ok(cert(
        &dir,
        &[
            "subject",
            "add",
            "cloud-a",
            "--name",
            "Wolke Ä",
            "--operator",
            "Müller & Söhne GmbH",
            "--ssh-key",
            public.trim(),
            "--at",
            "2026-01-01",
        ],
    ));
    ok(cert(
        &dir,
        &[
            "manual",
            "record",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "ex-zone-docs",
            "pass",
            "--evidence",
            "https://example.org/zones reviewed",
            "--at",
            "2026-03-01T09:00:00Z",
            "--recorded-at",
            "2026-03-01T10:00:00Z",
        ],
    ));
    for (n, day) in [1u32, 8, 15, 22, 29].into_iter().enumerate() {
        let name = format!("r{day:02}.yaml");
        fs::write(
            dir.join(&name),
            report(
                "cloud-a",
                u32::try_from(n).unwrap(),
                &format!("2026-03-{day:02} 06:00:00"),
                1,
            ),
        )
        .unwrap();
        ok(run(REPORT, &dir, &["sign", "-k", "a", &name]));
        ok(cert(
            &dir,
            &[
                "ingest",
                "--received-at",
                &format!("2026-03-{day:02}T06:30:00Z"),
                &name,
            ],
        ));
    }
    (tmp, dir)
}

fn certificates(dir: &Path, at: &str) -> Vec<serde_json::Value> {
    let r = ok(cert(dir, &["certificates", "--json", "--at", at]));
    json_lines(&r.stdout)
}

#[test]
fn issue_lifecycle_and_signed_record() {
    let (_t, dir) = setup();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--at",
            "2026-03-30T12:00:00Z",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    assert_eq!(id, "SCS-IAAS-2026-0001");
    let record = fs::read_to_string(dir.join(format!("reg/certificates/{id}.yaml"))).unwrap();
    assert!(record.contains("holder: Müller & Söhne GmbH"), "{record}");
    assert!(
        record.contains("valid_until: \"2027-03-30T12:00:00Z\""),
        "{record}"
    );
    assert!(record.contains("eligible: true"));
    // The record's signature: the real ssh-keygen, the forum's allowed_signers, namespace
    // scs-certificate.
    if let Some(keygen) = tools::require("ssh-keygen") {
        let out = Command::new(keygen)
            .args([
                "-Y",
                "verify",
                "-f",
                "keys/allowed_signers",
                "-I",
                "secretary@forum.invalid",
                "-n",
                "scs-certificate",
                "-s",
            ])
            .arg(format!("certificates/{id}.yaml.sig"))
            .current_dir(dir.join("reg"))
            .stdin(fs::File::open(dir.join(format!("reg/certificates/{id}.yaml"))).unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A second certificate for the same subject, scope and version is refused: a definite
    // no (exit 1, as the README's table says), not an error.
    assert_eq!(
        cert(
            &dir,
            &[
                "issue",
                "cloud-a",
                "--scope",
                "example-manual-scope",
                "--at",
                "2026-03-30T13:00:00Z"
            ]
        )
        .code,
        1
    );

    ok(cert(
        &dir,
        &[
            "suspend",
            &id,
            "--reason",
            "zone docs outdated",
            "--at",
            "2026-04-10T00:00:00Z",
        ],
    ));
    assert_eq!(certificates(&dir, "2026-04-11")[0]["status"], "suspended");
    assert_eq!(
        certificates(&dir, "2026-04-09")[0]["status"],
        "active",
        "the past stays as it was"
    );
    // Suspending twice does not fit the status.
    assert_eq!(
        cert(
            &dir,
            &[
                "suspend",
                &id,
                "--reason",
                "again",
                "--at",
                "2026-04-12T00:00:00Z"
            ]
        )
        .code,
        2
    );
    ok(cert(
        &dir,
        &[
            "reinstate",
            &id,
            "--reason",
            "docs fixed",
            "--at",
            "2026-04-20T00:00:00Z",
        ],
    ));
    assert_eq!(certificates(&dir, "2026-04-21")[0]["status"], "active");
    ok(cert(
        &dir,
        &[
            "withdraw",
            &id,
            "--reason",
            "cloud closed",
            "--code",
            "cessation-of-operation",
            "--at",
            "2026-05-01T00:00:00Z",
        ],
    ));
    let c = &certificates(&dir, "2026-05-02")[0];
    assert_eq!(c["status"], "withdrawn");
    assert!(
        c["status_detail"]
            .as_str()
            .unwrap()
            .contains("cessation-of-operation")
    );
    assert_eq!(certificates(&dir, "2027-04-01")[0]["status"], "withdrawn");
    // The events file only grows.
    let events =
        fs::read_to_string(dir.join(format!("reg/certificates/{id}.events.jsonl"))).unwrap();
    assert_eq!(events.lines().count(), 3);
}

#[test]
fn refusal_names_reasons_and_override_is_recorded() {
    let (_t, dir) = setup();
    // Before any report, nothing is eligible: the refusal lists what is missing.
    let r = cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--at",
            "2026-03-05T00:00:00Z",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("REFUSED"), "{}", r.stdout);
    assert!(
        r.stdout.contains("ex-auto-check: MISSING") || r.stdout.contains("ex-auto-check"),
        "{}",
        r.stdout
    );
    assert!(
        !dir.join("reg/certificates").exists(),
        "nothing written on refusal"
    );
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--at",
            "2026-03-05T00:00:00Z",
            "--override",
            "audit on site",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    let record = fs::read_to_string(dir.join(format!("reg/certificates/{id}.yaml"))).unwrap();
    assert!(
        record.contains("override_reason: audit on site") && record.contains("eligible: false"),
        "{record}"
    );
}

#[test]
fn manual_checks_count_for_a_quarter_and_attention_says_what_to_do() {
    let (_t, dir) = setup();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--at",
            "2026-03-30T12:00:00Z",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    // The manual check of 2026-03-01 (quarter lifetime) expires 2026-07-01: due within 30 days
    // in June; the automated results (month) lapse after April; the certificate expires in 2027.
    let r = ok(cert(
        &dir,
        &["attention", "--json", "--at", "2026-06-10T00:00:00Z"],
    ));
    let items = json_lines(&r.stdout);
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"findings"), "{kinds:?}");
    assert!(kinds.contains(&"manual-check-due"), "{kinds:?}");
    assert!(items.iter().all(|i| i["id"] == id.as_str()));
    // Findings do not revoke (R8): the certificate is "active with findings".
    let c = &certificates(&dir, "2026-06-10")[0];
    assert_eq!(c["status"], "active-with-findings", "{c}");
    assert_eq!(c["findings"][0], "ex-auto-check", "{c}");
    assert_eq!(certificates(&dir, "2026-04-10")[0]["status"], "active");
    let r = ok(cert(
        &dir,
        &["attention", "--json", "--at", "2027-02-15T00:00:00Z"],
    ));
    assert!(r.stdout.contains("\"expiring\""), "{}", r.stdout);
    // Renewal: a successor with a link; refused while not eligible.
    let refused = cert(&dir, &["renew", &id, "--at", "2027-02-15T00:00:00Z"]);
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    // A manual check that is not manual is refused.
    let r = cert(
        &dir,
        &[
            "manual",
            "record",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "ex-auto-check",
            "pass",
            "--evidence",
            "x",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a manual testcase"), "{}", r.stderr);
}

/// Issue 10.8: a renewal is possible only in the last `renewal_window_days` (60) of the
/// predecessor's validity; it supersedes the predecessor from its own start (event, CRL reason
/// superseded), so one (subject, scope, version) never has two certificates in force.
#[test]
fn renewal_opens_in_the_last_days_and_supersedes_its_predecessor() {
    let (_t, dir) = setup();
    let instant = |hours: i64| now_plus(hours).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    // Issued 340 days ago (or when the scope's v1 took effect, if that is later): it ends
    // within 60 days from now, so its renewal window is open.
    let effective = chrono::DateTime::parse_from_rfc3339("2026-01-02T00:00:00Z").unwrap();
    let issued = now_plus(-24 * 340)
        .max(effective.to_utc())
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let day_after = (chrono::DateTime::parse_from_rfc3339(&issued).unwrap()
        + chrono::Duration::days(1))
    .format("%Y-%m-%dT%H:%M:%SZ")
    .to_string();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--at",
            &issued,
            "--override",
            "test: issued before the evidence",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    let head = |dir: &Path| fs::read_to_string(dir.join("reg/.git/refs/heads/main")).ok();
    let before = head(&dir);
    // Right after the issue: refused, saying when renewal opens, and nothing is written.
    let r = cert(&dir, &["renew", &id, "--at", &day_after, "--override", "x"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("REFUSED") && r.stdout.contains("can be renewed from"),
        "{}",
        r.stdout
    );
    assert_eq!(head(&dir), before);
    assert_eq!(certificates(&dir, &instant(0)).len(), 1);

    let renewed_at = instant(-1);
    let new = ok(cert(
        &dir,
        &[
            "renew",
            &id,
            "--at",
            &renewed_at,
            "--override",
            "test: renewal",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    assert_ne!(new, id);
    let record = fs::read_to_string(dir.join(format!("reg/certificates/{new}.yaml"))).unwrap();
    assert!(record.contains(&format!("renews: {id}")), "{record}");
    let status = |at: &str| -> Vec<(String, String)> {
        certificates(&dir, at)
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        status(&instant(-2)),
        [
            // No reports lately: in force, with findings (R8).
            (id.clone(), "active-with-findings".to_owned()),
            (new.clone(), "not-yet-issued".to_owned())
        ]
    );
    assert_eq!(
        status(&instant(0)),
        [
            (id.clone(), "superseded".to_owned()),
            (new.clone(), "active-with-findings".to_owned())
        ]
    );
    // Renewed once: a second renewal of the predecessor is refused.
    let r = cert(&dir, &["renew", &id, "--override", "again"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("renewed already, by {new}")),
        "{}",
        r.stdout
    );
    ok(cert(&dir, &["registry", "verify"]));

    // The CRL says so, as openssl reads it; offline verify of the predecessor is a no.
    if let Some((_, text)) = openssl(
        &dir.join("reg"),
        &["crl", "-in", "crl.pem", "-noout", "-text"],
    ) {
        assert!(text.contains("Superseded"), "{text}");
    }
    let r = verify_offline(&dir, &id, &["--crl", "crl.pem", "--json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("\"status\":\"superseded\""),
        "{}",
        r.stdout
    );
    ok(verify_offline(&dir, &new, &["--crl", "crl.pem"]));
}

fn openssl(dir: &Path, args: &[&str]) -> Option<(bool, String)> {
    let tool = tools::require("openssl")?;
    let out = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    Some((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

/// The CRL follows the lifecycle under the real openssl, and a bare clone verifies a
/// certificate with `scs-cert verify`. Everything happens now: openssl judges certificates and
/// CRLs at the wall clock, so dates in the past would make this test expire.
#[test]
fn crl_follows_the_lifecycle_under_openssl_and_a_clone_verifies() {
    let (_t, dir) = setup();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--override",
            "openssl judges at the wall clock: issue now",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    let reg = dir.join("reg");
    let pem = format!("certificates/{id}.pem");
    let check = |expect_ok: bool, expect: &str| {
        let Some((success, text)) = openssl(
            &reg,
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                "keys/forum-ca.pem",
                "-CRLfile",
                "crl.pem",
                &pem,
            ],
        ) else {
            return;
        };
        assert_eq!(success, expect_ok, "{text}");
        assert!(text.contains(expect), "{text}");
    };
    let Some((_, text)) = openssl(
        &reg,
        &["x509", "-in", &pem, "-noout", "-text", "-nameopt", "utf8"],
    ) else {
        return;
    };
    assert!(
        text.contains("Wolke Ä") && text.contains("Müller & Söhne GmbH"),
        "{text}"
    );
    let Some((crl_ok, crl_text)) = openssl(
        &reg,
        &[
            "crl",
            "-in",
            "crl.pem",
            "-CAfile",
            "keys/forum-ca.pem",
            "-noout",
            "-verify",
        ],
    ) else {
        return;
    };
    assert!(crl_ok && crl_text.contains("verify OK"), "{crl_text}");
    check(true, "OK");
    ok(cert(&dir, &["suspend", &id, "--reason", "finding"]));
    check(false, "certificate revoked");
    let text = openssl(&reg, &["crl", "-in", "crl.pem", "-noout", "-text"])
        .unwrap()
        .1;
    assert!(text.contains("Certificate Hold"), "{text}");
    ok(cert(&dir, &["reinstate", &id, "--reason", "fixed"]));
    check(true, "OK");
    let r = ok(cert(&dir, &["verify", &id, "--json"]));
    assert!(r.stdout.contains("\"valid\":true"), "{}", r.stdout);
    ok(cert(
        &dir,
        &[
            "withdraw",
            &id,
            "--reason",
            "closed",
            "--code",
            "privilege-withdrawn",
        ],
    ));
    check(false, "certificate revoked");
    let text = openssl(&reg, &["crl", "-in", "crl.pem", "-noout", "-text"])
        .unwrap()
        .1;
    assert!(text.contains("Privilege Withdrawn"), "{text}");
    ok(cert(&dir, &["crl", "--next-update", "30d"]));
    let text = openssl(&reg, &["crl", "-in", "crl.pem", "-noout", "-text"])
        .unwrap()
        .1;
    assert!(
        text.contains("Privilege Withdrawn"),
        "withdrawn stays listed: {text}"
    );

    // A bare clone (no archive, no forum key) verifies from files.
    let Some(git) = tools::require("git") else {
        return;
    };
    let clone = dir.join("clone");
    let out = Command::new(git)
        .args(["clone", "-q"])
        .arg(&reg)
        .arg(&clone)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", &dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r = run(
        CERT,
        &clone,
        &[
            "verify",
            &format!("certificates/{id}.yaml"),
            "--keys",
            "keys/allowed_signers",
            "--crl",
            "crl.pem",
            "--json",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("\"status\":\"withdrawn\""),
        "{}",
        r.stdout
    );
    // A forged record (one byte changed) is caught.
    let record = clone.join(format!("certificates/{id}.yaml"));
    let text = fs::read_to_string(&record)
        .unwrap()
        .replace("Wolke", "Walke");
    fs::write(&record, text).unwrap();
    let r = run(
        CERT,
        &clone,
        &[
            "verify",
            &format!("certificates/{id}.yaml"),
            "--keys",
            "keys/allowed_signers",
            "--crl",
            "crl.pem",
            "--json",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("\"status\":\"forged\""), "{}", r.stdout);
    // Unknown ids are a definite no.
    assert_eq!(cert(&dir, &["verify", "SCS-IAAS-2026-0099"]).code, 1);
}

/// `scs-cert render`: one PDF per certificate, judged by pdfinfo and zbarimg, reproducible.
#[test]
fn render_makes_one_reproducible_page_whose_qr_leads_to_the_status_page() {
    let (_t, dir) = setup();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--at",
            "2026-03-30T12:00:00Z",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    let (Some(_), Some(pdfinfo), Some(pdftoppm), Some(zbarimg)) = (
        tools::require("typst"),
        tools::require("pdfinfo"),
        tools::require("pdftoppm"),
        tools::require("zbarimg"),
    ) else {
        return;
    };
    let r = ok(cert(&dir, &["render", &id, "-o", "out"]));
    assert!(r.stdout.contains(&format!("out/{id}.pdf")), "{}", r.stdout);
    let pdf = dir.join(format!("out/{id}.pdf"));
    let first = fs::read(&pdf).unwrap();
    let info = Command::new(pdfinfo).arg(&pdf).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("Pages:           1"));
    // Refuses to overwrite; --force renders the same bytes again.
    assert_eq!(cert(&dir, &["render", &id, "-o", "out"]).code, 2);
    ok(cert(&dir, &["render", &id, "-o", "out", "--force"]));
    assert_eq!(fs::read(&pdf).unwrap(), first, "byte-identical renders");
    let png = dir.join("page");
    let out = Command::new(pdftoppm)
        .args(["-r", "150", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success());
    let qr = Command::new(zbarimg)
        .args(["-q", "--raw"])
        .arg(dir.join("page.png"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&qr.stdout).trim(),
        format!("https://registry.scs.community/certificates/{id}")
    );
    // A wrong typst is one clear line with the install command.
    let r = cert(
        &dir,
        &["render", &id, "-o", "out2", "--typst", "/nonexistent/typst"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cargo install typst-cli --locked --version 0.15.1"),
        "{}",
        r.stderr
    );
}

/// An Urkunde claims the certificate is in force: `render` refuses a suspended or withdrawn
/// one unless --force, and then stamps the status across the page (pdftotext reads it).
#[test]
fn render_refuses_a_certificate_not_in_force_and_stamps_it_when_forced() {
    let (_t, dir) = setup();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--at",
            "2026-03-30T12:00:00Z",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    let (Some(_), Some(pdftotext)) = (tools::require("typst"), tools::require("pdftotext")) else {
        return;
    };
    let text = |pdf: &Path| {
        // -raw: in drawing order, so the rotated stamp reads as its words.
        let out = tools::succeed(Command::new(&pdftotext).arg("-raw").arg(pdf).arg("-"));
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // In force: a clean Urkunde.
    ok(cert(
        &dir,
        &["render", &id, "-o", "before.pdf", "--at", "2026-04-01"],
    ));
    let before = text(&dir.join("before.pdf"));
    assert!(!before.contains("AUSGESETZT"), "{before}");
    ok(cert(
        &dir,
        &[
            "suspend",
            &id,
            "--reason",
            "findings not answered",
            "--at",
            "2026-04-10T00:00:00Z",
        ],
    ));
    // Suspended since: an --at before the suspension does not make a clean copy.
    let r = cert(
        &dir,
        &["render", &id, "-o", "old.pdf", "--at", "2026-04-01"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!dir.join("old.pdf").exists());
    // After it: refused, nothing written.
    let r = cert(
        &dir,
        &["render", &id, "-o", "after.pdf", "--at", "2026-04-20"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("REFUSED {id} is suspended")),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert!(!dir.join("after.pdf").exists());
    // Forced: stamped, in both languages.
    for (lang, status, since) in [
        ("de", "AUSGESETZT", "seit dem 10. April 2026 nicht in Kraft"),
        ("en", "SUSPENDED", "not in force since 10 April 2026"),
    ] {
        let out = format!("after-{lang}.pdf");
        ok(cert(
            &dir,
            &[
                "render",
                &id,
                "-o",
                &out,
                "--at",
                "2026-04-20",
                "--force",
                "--lang",
                lang,
            ],
        ));
        let after = text(&dir.join(&out));
        assert!(after.contains(status) && after.contains(since), "{after}");
    }
}

/// A certificate issued now, its record checked offline from the registry's files (no
/// archive, no forum key): `(dir, id)`.
fn issued_now() -> (tempfile::TempDir, PathBuf, String) {
    let (t, dir) = setup();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "example-manual-scope",
            "--override",
            "openssl judges at the wall clock: issue now",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    (t, dir, id)
}

/// The wall clock shifted by `hours`, as an instant argument: openssl judges at the wall clock.
#[allow(
    clippy::disallowed_methods,
    reason = "the test lines up with openssl's clock"
)]
fn now_plus(hours: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::Duration::hours(hours)
}

fn verify_offline(dir: &Path, id: &str, extra: &[&str]) -> Run {
    let record = format!("certificates/{id}.yaml");
    let mut args = vec!["verify", &record, "--keys", "keys/allowed_signers"];
    args.extend_from_slice(extra);
    run(CERT, &dir.join("reg"), &args)
}

/// Issue 10.3: a CRL past its nextUpdate says nothing about now. Offline verify cannot decide
/// (exit 2, saying why), as `openssl verify -crl_check` refuses the stale CRL; so does a CRL
/// whose thisUpdate lies after the instant asked about.
#[test]
fn a_stale_crl_leaves_offline_verify_undecided_as_under_openssl() {
    let (_t, dir, id) = issued_now();
    ok(cert(&dir, &["crl", "--next-update", "1d"]));
    let later = now_plus(48);
    let at = later.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let r = verify_offline(&dir, &id, &["--crl", "crl.pem", "--at", &at]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("stale") && r.stderr.contains("nextUpdate"),
        "{}",
        r.stderr
    );
    let r = verify_offline(&dir, &id, &["--crl", "crl.pem", "--at", &at, "--json"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    // A current CRL answers.
    ok(verify_offline(&dir, &id, &["--crl", "crl.pem"]));
    // Before the CRL was made: it cannot speak for that instant either.
    let earlier = now_plus(-1);
    let before = earlier.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let r = verify_offline(&dir, &id, &["--crl", "crl.pem", "--at", &before]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("thisUpdate"), "{}", r.stderr);

    let attime = later.timestamp().to_string();
    let pem = format!("certificates/{id}.pem");
    let Some((success, text)) = openssl(
        &dir.join("reg"),
        &[
            "verify",
            "-crl_check",
            "-attime",
            &attime,
            "-CAfile",
            "keys/forum-ca.pem",
            "-CRLfile",
            "crl.pem",
            &pem,
        ],
    ) else {
        return;
    };
    assert!(!success && text.contains("CRL has expired"), "{text}");
}

/// Issue 10.16: offline verify without a CRL cannot see a withdrawal. It says so on stderr and
/// in --json (`"revocation": "not checked"`); `--require-crl` makes it undecided (exit 2).
#[test]
fn offline_verify_without_a_crl_says_revocation_was_not_checked() {
    let (_t, dir, id) = issued_now();
    ok(cert(
        &dir,
        &[
            "withdraw",
            &id,
            "--reason",
            "closed",
            "--code",
            "privilege-withdrawn",
        ],
    ));
    let r = verify_offline(&dir, &id, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("revocation not checked"), "{}", r.stderr);
    let r = verify_offline(&dir, &id, &["--json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = json_lines(&r.stdout).remove(0);
    assert_eq!(v["revocation"], "not checked", "{}", r.stdout);
    let r = verify_offline(&dir, &id, &["--require-crl"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("revocation not checked"), "{}", r.stderr);
    let r = verify_offline(&dir, &id, &["--require-crl", "--json"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    // With the CRL: withdrawn, and the record says revocation was checked.
    let r = verify_offline(&dir, &id, &["--crl", "crl.pem", "--require-crl", "--json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = json_lines(&r.stdout).remove(0);
    assert_eq!(v["status"], "withdrawn");
    assert_eq!(v["revocation"], "checked", "{}", r.stdout);
    // A CRL without the CA to check it is not silently ignored.
    fs::rename(dir.join("reg/keys/forum-ca.pem"), dir.join("ca.pem")).unwrap();
    let r = verify_offline(&dir, &id, &["--crl", "crl.pem"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let r = verify_offline(&dir, &id, &["--crl", "crl.pem", "--ca", "../ca.pem"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    fs::rename(dir.join("ca.pem"), dir.join("reg/keys/forum-ca.pem")).unwrap();
    // With a registry, the events decide.
    let r = cert(&dir, &["verify", &id, "--json"]);
    let v = json_lines(&r.stdout).remove(0);
    assert_eq!(v["revocation"], "checked", "{}", r.stdout);
}
