//! `scs-cert registry verify`: a registry built with the real CLIs verifies, and each kind of
//! tampering (a ledger rewrite, an archive object changed or swapped, commits by plain git or
//! by a foreign key) is caught at the right commit. A plain `git clone` (no archive) verifies
//! with the archive reported as not checked.
//!
//! git runs isolated from the user's setup; a missing git fails under `CI` and skips otherwise.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use scs_cert::sig::SigningKey;
use scs_registry::audit::{self, ArchiveCoverage, AuditReport, FindingKind, VerifyOptions};
use scs_registry::ledger::{self, LedgerLine};
use scs_registry::{CommitId, CommitIdentity, Registry};

const CERT: &str = scs_testkit::CERT;
const REPORT: &str = scs_testkit::REPORT;
const IAAS: &str = "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f";
const LEDGER: &str = "ledger/cloud-a/50393e6f-2ae1-4c5c-a62c-3b75f2abef3f/2026-03.jsonl";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(exe: &Path, dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .env_remove("SCS_REGISTRY")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_CONFIG_PARAMETERS")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn cert(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--registry", "reg"];
    all.extend_from_slice(args);
    run(Path::new(CERT), dir, &all)
}

/// git in `dir/reg`, as a person would run it (identity given on the command line).
fn git(git: &Path, dir: &Path, args: &[&str]) -> Run {
    let mut all = vec![
        "-c",
        "user.name=Someone",
        "-c",
        "user.email=someone@example.org",
    ];
    all.extend_from_slice(args);
    let r = run(git, &dir.join("reg"), &all);
    assert_eq!(r.code, 0, "git {args:?}: {}", r.stderr);
    r
}

fn report(run_no: u32, day: u32) -> String {
    format!(
        "---\nspec:\n  uuid: {IAAS}\n  name: SCS-compatible IaaS\nchecked_at: 2026-03-{day:02}T10:00:00\nsubject: cloud-a\nrun:\n  uuid: 11111111-2222-4333-8444-{run_no:012}\n  invocations:\n    a0000000-0000-4000-8000-000000000000:\n      results:\n        scs-0100-flavor-naming: 1\n        scs-0101-entropy: 1\n"
    )
}

/// `name` written and signed (`name.sig`) with key file `key`.
fn write_signed(dir: &Path, name: &str, text: &str, key: &str) {
    fs::write(dir.join(name), text).unwrap();
    let r = run(Path::new(REPORT), dir, &["sign", "-k", key, name]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A registry `reg` with subject `cloud-a` (key `a`) and three reports ingested in two commits
/// (r1, r2; then r3). Returns the temp dir, its path, git, and the two ingest commits.
struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    git: PathBuf,
    ingest1: CommitId,
    ingest2: CommitId,
}

fn setup() -> Option<Fixture> {
    let git = tools::require("git")?;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    assert_eq!(run(Path::new(CERT), &dir, &["init", "reg"]).code, 0);
    assert_eq!(run(Path::new(REPORT), &dir, &["keygen", "-o", "a"]).code, 0);
    let public = fs::read_to_string(dir.join("a.pub")).unwrap();
    let r = cert(
        &dir,
        &[
            "subject",
            "add",
            "cloud-a",
            "--ssh-key",
            public.trim(),
            "--at",
            "2026-01-01",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for n in 1..=3 {
        write_signed(&dir, &format!("r{n}.yaml"), &report(n, n), "a");
    }
    let received = ["ingest", "--received-at", "2026-03-05T00:00:00Z"];
    let r = cert(&dir, &[&received[..], &["r1.yaml", "r2.yaml"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ingest1 = head(&dir);
    let r = cert(&dir, &[&received[..], &["r3.yaml"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ingest2 = head(&dir);
    Some(Fixture {
        _tmp: tmp,
        dir,
        git,
        ingest1,
        ingest2,
    })
}

fn registry(dir: &Path) -> Registry {
    Registry::open(&dir.join("reg")).unwrap()
}

fn head(dir: &Path) -> CommitId {
    registry(dir).head().unwrap().unwrap()
}

fn verify(dir: &Path) -> AuditReport {
    audit::verify_history(&registry(dir), &VerifyOptions::default()).unwrap()
}

fn kinds(report: &AuditReport) -> Vec<FindingKind> {
    report.findings().iter().map(|f| f.kind()).collect()
}

/// An identity valid for the forum key now (its `valid-after` is the moment of `init`).
fn identity() -> CommitIdentity {
    CommitIdentity::new("Forum Secretary", "secretary@forum.invalid", scs_cli::now()).unwrap()
}

/// The forum key `init` generated (kept in the clone's `.git`).
fn forum_key(dir: &Path) -> SigningKey {
    let text = fs::read_to_string(dir.join("reg/.git/scs-cert/forum-key")).unwrap();
    SigningKey::from_openssh(&text, None).unwrap()
}

/// One change through the library, signed by `key` (a compromised tool, or a foreign key).
fn library_commit(
    dir: &Path,
    key: &SigningKey,
    edit: impl FnOnce(&mut scs_registry::Change<'_>),
) -> CommitId {
    let registry = registry(dir);
    let mut change = registry.begin().unwrap();
    edit(&mut change);
    change.commit("edit", key, &identity()).unwrap()
}

fn ledger_lines(dir: &Path) -> Vec<LedgerLine> {
    let bytes = registry(dir).read(LEDGER).unwrap().unwrap();
    ledger::parse(LEDGER, &bytes).unwrap()
}

#[test]
fn a_clean_registry_verifies_and_a_plain_clone_says_the_archive_was_not_checked() {
    let Some(fx) = setup() else { return };
    let report = verify(&fx.dir);
    assert!(report.is_clean(), "{:?}", report.findings());
    assert_eq!(report.commits(), 4);
    assert_eq!(report.ledger_lines(), 3);
    assert_eq!(report.archive(), ArchiveCoverage::Checked { objects: 3 });

    let r = cert(&fx.dir, &["registry", "verify"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("3 archive object(s) checked"),
        "{}",
        r.stdout
    );
    let r = cert(&fx.dir, &["registry", "verify", "--json"]);
    assert_eq!(r.code, 0);
    let summary = scs_testkit::schema::json_lines(&r.stdout).remove(0);
    assert_eq!(summary["valid"], true);
    assert_eq!(summary["ledger_lines"], 3);

    // Distribution is plain git: a clone verifies on its own, without the archive.
    let clone = run(&fx.git, &fx.dir, &["clone", "-q", "reg", "copy"]);
    assert_eq!(clone.code, 0, "{}", clone.stderr);
    let copy = Registry::open(&fx.dir.join("copy")).unwrap();
    let report = audit::verify_history(&copy, &VerifyOptions::default()).unwrap();
    assert!(report.is_clean(), "{:?}", report.findings());
    assert_eq!(report.archive(), ArchiveCoverage::Absent);
    let r = run(
        Path::new(CERT),
        &fx.dir,
        &["--registry", "copy", "registry", "verify"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("archive NOT checked"), "{}", r.stdout);
    let strict = VerifyOptions {
        require_archive: true,
        skip_archive: false,
    };
    let report = audit::verify_history(&copy, &strict).unwrap();
    assert_eq!(kinds(&report), [FindingKind::ArchiveMissing]);
    let r = run(
        Path::new(CERT),
        &fx.dir,
        &[
            "--registry",
            "copy",
            "registry",
            "verify",
            "--require-archive",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_rewritten_ledger_line_is_caught_even_when_the_forum_key_signed_it() {
    let Some(fx) = setup() else { return };
    let key = forum_key(&fx.dir);
    // A compromised tool turns a failing verdict into a pass: a validly signed commit.
    let lines = ledger_lines(&fx.dir);
    let mut text = String::new();
    for (i, mut l) in lines.into_iter().enumerate() {
        if i == 1 {
            l.results.insert("scs-0101-entropy".into(), -1);
        }
        text.push_str(&l.to_line());
    }
    let rewrite = library_commit(&fx.dir, &key, |c| c.write(LEDGER, text.as_bytes()).unwrap());
    let report = verify(&fx.dir);
    let first = report.first().unwrap();
    assert_eq!(first.commit(), Some(rewrite));
    assert_eq!(first.kind(), FindingKind::NotAppendOnly);
    assert_eq!(first.path(), Some(LEDGER));
    // The changed line no longer matches its signed body; nothing else is wrong.
    assert_eq!(
        kinds(&report),
        [
            FindingKind::NotAppendOnly,
            FindingKind::ArchiveDocumentMismatch
        ]
    );
    assert!(
        report
            .findings()
            .iter()
            .all(|f| f.commit() == Some(rewrite))
    );

    let r = cert(&fx.dir, &["registry", "verify"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains(&format!("the first wrong commit is {rewrite}")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("not-append-only"), "{}", r.stdout);
}

#[test]
fn invented_and_deleted_ledger_lines_are_caught() {
    let Some(fx) = setup() else { return };
    let key = forum_key(&fx.dir);
    // An appended line claiming a new run on an existing body: append-only holds, the
    // archive does not back it.
    let mut forged = ledger_lines(&fx.dir).remove(0);
    forged.run = "99999999-2222-4333-8444-000000000099".into();
    let append = library_commit(&fx.dir, &key, |c| {
        c.append(LEDGER, forged.to_line().as_bytes()).unwrap()
    });
    let report = verify(&fx.dir);
    assert_eq!(kinds(&report), [FindingKind::ArchiveDocumentMismatch]);
    assert_eq!(report.first().unwrap().commit(), Some(append));

    // A line for a subject the registry does not have, in the wrong file; then the ledger
    // file deleted.
    let mut stranger = forged.clone();
    stranger.run = "99999999-2222-4333-8444-000000000098".into();
    stranger.subject = "nobody".parse().unwrap();
    let strange = library_commit(&fx.dir, &key, |c| {
        c.append(LEDGER, stranger.to_line().as_bytes()).unwrap()
    });
    let delete = library_commit(&fx.dir, &key, |c| c.remove(LEDGER).unwrap());
    let report = verify(&fx.dir);
    let by_commit = |id| -> Vec<FindingKind> {
        report
            .findings()
            .iter()
            .filter(|f| f.commit() == Some(id))
            .map(|f| f.kind())
            .collect()
    };
    assert_eq!(by_commit(strange), [FindingKind::MisplacedLedgerLine]);
    assert_eq!(by_commit(delete), [FindingKind::FileDeleted]);
    assert_eq!(report.first().unwrap().commit(), Some(strange));
    // After the deletion no ledger line is live, so the archive has nothing left to back.
    assert_eq!(report.ledger_lines(), 0);
}

#[test]
fn archive_objects_changed_swapped_or_lost_are_caught() {
    let Some(fx) = setup() else { return };
    let lines = ledger_lines(&fx.dir);
    let archive = fx.dir.join("reg/archive");
    let object = ledger::archive_path(&archive, &lines[0].sha256);
    let original = fs::read(&object).unwrap();

    // One byte of the report flipped.
    let mut flipped = original.clone();
    let at = flipped.len() - 5;
    flipped[at] ^= 0x01;
    fs::write(&object, &flipped).unwrap();
    let report = verify(&fx.dir);
    assert_eq!(kinds(&report), [FindingKind::DigestMismatch]);
    assert_eq!(report.first().unwrap().commit(), Some(fx.ingest1));

    // Another validly signed body put in its place under the same name.
    let other = ledger::archive_path(&archive, &lines[2].sha256);
    fs::copy(&other, &object).unwrap();
    let report = verify(&fx.dir);
    assert_eq!(kinds(&report), [FindingKind::DigestMismatch]);

    // Lost.
    fs::remove_file(&object).unwrap();
    let report = verify(&fx.dir);
    assert_eq!(kinds(&report), [FindingKind::ArchiveObjectMissing]);
    assert_eq!(report.first().unwrap().commit(), Some(fx.ingest1));

    fs::write(&object, &original).unwrap();
    assert!(verify(&fx.dir).is_clean());
    // The second ingest's object, checked the same way.
    let third = ledger::archive_path(&archive, &lines[2].sha256);
    fs::write(&third, b"not a body").unwrap();
    let report = verify(&fx.dir);
    assert_eq!(report.first().unwrap().commit(), Some(fx.ingest2));
    let r = cert(&fx.dir, &["registry", "verify", "--json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("\"code\":\"digest-mismatch\""),
        "{}",
        r.stdout
    );
}

#[test]
fn commits_by_plain_git_or_by_a_foreign_key_are_caught() {
    let Some(fx) = setup() else { return };
    // A commit made with plain git: unsigned.
    fs::write(fx.dir.join("reg/NOTES.txt"), "hello\n").unwrap();
    git(&fx.git, &fx.dir, &["add", "NOTES.txt"]);
    git(&fx.git, &fx.dir, &["commit", "-q", "-m", "notes"]);
    let unsigned = head(&fx.dir);
    let report = verify(&fx.dir);
    assert_eq!(kinds(&report), [FindingKind::UnsignedCommit]);
    assert_eq!(report.first().unwrap().commit(), Some(unsigned));
    let r = cert(&fx.dir, &["registry", "verify"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(&unsigned.to_string()), "{}", r.stdout);

    // A foreign key that admits itself to the forum signers in the same commit: judged by the
    // signers in force before the commit, it is not allowed.
    let foreign = SigningKey::generate("mallory").unwrap();
    let line = format!(
        "mallory@example.org namespaces=\"git\" {}\n",
        foreign.public_line()
    );
    let admit = library_commit(&fx.dir, &foreign, |c| {
        c.append("keys/allowed_signers", line.as_bytes()).unwrap()
    });
    // Once admitted, its later commits pass the signature check (the damage is the admission).
    let later = library_commit(&fx.dir, &foreign, |c| {
        c.write("NOTES.txt", b"bye\n").unwrap()
    });
    let report = verify(&fx.dir);
    // The admission is also a key forum.toml does not name.
    assert_eq!(
        kinds(&report),
        [
            FindingKind::UnsignedCommit,
            FindingKind::SignerNotAllowed,
            FindingKind::ForumSignersMismatch
        ]
    );
    assert_eq!(report.findings()[1].commit(), Some(admit));
    assert_eq!(report.findings()[2].commit(), Some(admit));
    assert!(report.findings().iter().all(|f| f.commit() != Some(later)));
}

/// Timing on a registry of the size the forum reaches after years: `LARGE_COMMITS` ingest
/// commits of `LARGE_FILES` reports each, built through the library (run with
/// `cargo test --release --test registry_verify -- --ignored --nocapture`).
#[test]
#[ignore = "builds a large registry; run by hand for timing"]
fn a_large_registry_verifies_in_reasonable_time() {
    use scs_cert::sig::{self, Namespace};
    use scs_cert::subject::record::{BoundKey, SubjectRecord};
    use scs_registry::admin;
    use scs_registry::forum::{ForumConfig, ForumSigner, Identity, Policy};
    use scs_registry::ingest::{self, Receipt, Submission};
    use scs_registry::state::State;

    const LARGE_COMMITS: usize = 300;
    const LARGE_FILES: usize = 370;
    const SUBJECTS: usize = 50;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let now = scs_cli::now();
    let forum_key = SigningKey::generate("forum").unwrap();
    let forum = ForumConfig {
        forum: Identity {
            name: "Forum".into(),
            legal_name: "Forum e.V.".into(),
            city: "Berlin".into(),
            status_base_url: "https://example.org/".into(),
        },
        signers: vec![ForumSigner {
            name: "Secretary".into(),
            role: "Secretary".into(),
            email: "secretary@forum.invalid".into(),
            key: forum_key.public_line(),
        }],
        policy: Policy::default(),
        publishing: Default::default(),
    };
    let seed = [("scs-compatible-iaas", scs_cert::seed::IAAS_SPEC)];
    let (registry, _) = admin::init(&dir, &forum, &forum_key, &seed, now).unwrap();
    let mut keys = Vec::new();
    for s in 0..SUBJECTS {
        let key = SigningKey::generate("cloud").unwrap();
        let mut record = SubjectRecord::new(format!("cloud-{s:02}").parse().unwrap());
        record.keys.push(BoundKey {
            key: key.public_line(),
            name: None,
            added: "2026-01-01T00:00:00Z".into(),
            retired: None,
        });
        let state = State::load(&registry).unwrap();
        admin::save_subject(&registry, &state, &record, "add", &forum_key, now).unwrap();
        keys.push(key);
    }
    let state = State::load(&registry).unwrap();
    let identity = admin::identity(&state.forum, &forum_key, now).unwrap();
    let receipt = Receipt {
        received_at: "2026-12-31T00:00:00Z".parse().unwrap(),
        declared: true,
        ingested_at: now,
    };
    let started = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..LARGE_COMMITS {
        let mut submissions = Vec::new();
        for _ in 0..LARGE_FILES {
            n += 1;
            let s = n % SUBJECTS;
            let text = format!(
                "---\nspec:\n  uuid: {IAAS}\nchecked_at: 2026-{:02}-{:02}T10:00:00\nsubject: cloud-{s:02}\nrun:\n  uuid: 11111111-2222-4333-8444-{n:012}\n  invocations:\n    a0000000-0000-4000-8000-000000000000:\n      results:\n        scs-0100-flavor-naming: 1\n",
                1 + (n / 10_000) % 12,
                1 + n % 28
            );
            let signature = sig::sign(&keys[s], &Namespace::report(), text.as_bytes()).unwrap();
            let body = sig::upload_body(&signature, text.as_bytes());
            submissions.push(Submission::upload_body(format!("r{n}"), body));
        }
        let mut batch = ingest::Ingest::new(&registry, &state, receipt).unwrap();
        for o in batch.add(&submissions).unwrap() {
            assert!(matches!(o, ingest::FileOutcome::Ingested { .. }), "{o:?}");
        }
        batch.commit(&forum_key, &identity).unwrap();
    }
    eprintln!("built {n} ledger lines in {:?}", started.elapsed());
    let started = std::time::Instant::now();
    let report = audit::verify_history(&registry, &VerifyOptions::default()).unwrap();
    eprintln!(
        "verified {} commits, {} ledger lines, {:?} in {:?}",
        report.commits(),
        report.ledger_lines(),
        report.archive(),
        started.elapsed()
    );
    assert!(report.is_clean(), "{:?}", report.first());
    assert_eq!(report.ledger_lines(), n);
}

/// The kinds of the findings at `commit`.
fn kinds_at(report: &AuditReport, commit: CommitId) -> Vec<FindingKind> {
    report
        .findings()
        .iter()
        .filter(|f| f.commit() == Some(commit))
        .map(|f| f.kind())
        .collect()
}

/// Issue 10.7: the CRL at every commit is the one the certificate events imply. A forum-signed
/// commit that puts an older CRL back (dropping a withdrawn certificate), a fresh CRL that
/// leaves it out, an event recorded without the CRL that publishes it, and a CRL the CA did not
/// sign are each caught at their commit.
#[test]
fn a_crl_rolled_back_or_out_of_step_with_the_events_is_caught() {
    let Some(fx) = setup() else { return };
    let issue = || {
        let r = cert(
            &fx.dir,
            &[
                "issue",
                "cloud-a",
                "--scope",
                IAAS,
                "--holder",
                "Cloud A GmbH",
                "--override",
                "test: no window needed",
            ],
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        r.stdout.trim().to_owned()
    };
    let id = issue();
    let before = registry(&fx.dir).read("crl.pem").unwrap().unwrap();
    let r = cert(
        &fx.dir,
        &[
            "withdraw",
            &id,
            "--reason",
            "closed",
            "--code",
            "cessation-of-operation",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = cert(&fx.dir, &["crl", "--next-update", "7d"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let second = issue();
    assert!(
        verify(&fx.dir).is_clean(),
        "{:?}",
        verify(&fx.dir).findings()
    );

    // A suspension appended by hand, one second after the last CRL, without a new CRL.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let key = forum_key(&fx.dir);
    let now = scs_cli::now();
    let line = format!(
        "{{\"event\":\"suspended\",\"at\":\"{}\",\"reason\":\"quiet\",\"by\":\"x\"}}\n",
        scs_cert::time::format_instant(now)
    );
    let quiet = library_commit(&fx.dir, &key, |c| {
        c.append(
            &format!("certificates/{second}.events.jsonl"),
            line.as_bytes(),
        )
        .unwrap()
    });
    let report = verify(&fx.dir);
    assert_eq!(
        kinds(&report),
        [FindingKind::CrlMismatch],
        "{:?}",
        report.findings()
    );
    assert_eq!(report.first().unwrap().commit(), Some(quiet));
    assert!(
        report
            .first()
            .unwrap()
            .message()
            .contains("does not reflect")
    );

    let rollback = library_commit(&fx.dir, &key, |c| c.write("crl.pem", &before).unwrap());
    let report = verify(&fx.dir);
    assert!(
        kinds_at(&report, rollback).contains(&FindingKind::CrlRollback),
        "{:?}",
        report.findings()
    );
    let message = report
        .findings()
        .iter()
        .find(|f| f.kind() == FindingKind::CrlRollback)
        .unwrap()
        .message();
    assert!(message.contains("number 1 is not above"), "{message}");
    let r = cert(&fx.dir, &["registry", "verify"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("crl-rollback"), "{}", r.stdout);

    // A new number and a current date do not help a list that leaves the withdrawal out.
    let ca = String::from_utf8(
        registry(&fx.dir)
            .read("keys/forum-ca.pem")
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    let now = scs_cli::now() + chrono::Duration::seconds(1);
    let empty =
        scs_cert::x509::crl(&key, &ca, 99, now, now + chrono::Duration::days(7), &[]).unwrap();
    let forged = library_commit(&fx.dir, &key, |c| {
        c.write("crl.pem", empty.as_bytes()).unwrap()
    });
    // And a CRL no CA signed.
    let junk = library_commit(&fx.dir, &key, |c| {
        c.write("crl.pem", b"not a crl\n").unwrap()
    });
    let report = verify(&fx.dir);
    assert_eq!(
        kinds_at(&report, forged),
        [FindingKind::CrlMismatch],
        "{:?}",
        report.findings()
    );
    let message = report
        .findings()
        .iter()
        .find(|f| f.commit() == Some(forged))
        .unwrap()
        .message();
    assert!(message.contains(&format!("{id} is revoked")), "{message}");
    assert_eq!(kinds_at(&report, junk), [FindingKind::CrlInvalid]);
}

/// Issue 10.19: `keys/allowed_signers` and `forum.toml`'s signers name the same keys; a key in
/// one and not the other is a finding at the commit that made them differ.
#[test]
fn forum_signers_and_allowed_signers_must_agree() {
    let Some(fx) = setup() else { return };
    let key = forum_key(&fx.dir);
    let other = SigningKey::generate("second").unwrap();
    let line = format!(
        "second@forum.invalid namespaces=\"git\" {}\n",
        other.public_line()
    );
    let only_file = library_commit(&fx.dir, &key, |c| {
        c.append("keys/allowed_signers", line.as_bytes()).unwrap()
    });
    let report = verify(&fx.dir);
    assert_eq!(kinds(&report), [FindingKind::ForumSignersMismatch]);
    assert_eq!(report.first().unwrap().commit(), Some(only_file));
    assert!(
        report
            .first()
            .unwrap()
            .message()
            .contains("is no signer's in forum.toml"),
        "{}",
        report.first().unwrap().message()
    );
    // Naming the signer in forum.toml repairs it from that commit on.
    let toml = String::from_utf8(registry(&fx.dir).read("forum.toml").unwrap().unwrap()).unwrap();
    let signer = format!(
        "\n[[signers]]\nname = \"Second\"\nrole = \"Deputy\"\nemail = \"second@forum.invalid\"\nkey = \"{}\"\n",
        other.public_line()
    );
    let both = format!("{toml}{signer}");
    let repaired = library_commit(&fx.dir, &key, |c| {
        c.write("forum.toml", both.as_bytes()).unwrap()
    });
    let report = verify(&fx.dir);
    assert!(
        report
            .findings()
            .iter()
            .all(|f| f.commit() != Some(repaired))
    );
    assert_eq!(report.findings().len(), 1);
    // A signer in forum.toml whose key the file does not hold.
    let third = SigningKey::generate("third").unwrap();
    let more = format!(
        "{both}\n[[signers]]\nname = \"Third\"\nrole = \"Deputy\"\nemail = \"third@forum.invalid\"\nkey = \"{}\"\n",
        third.public_line()
    );
    let only_toml = library_commit(&fx.dir, &key, |c| {
        c.write("forum.toml", more.as_bytes()).unwrap()
    });
    let report = verify(&fx.dir);
    let last = report.findings().last().unwrap();
    assert_eq!(last.kind(), FindingKind::ForumSignersMismatch);
    assert_eq!(last.commit(), Some(only_toml));
    assert!(last.message().contains("\"Third\""), "{}", last.message());
}
