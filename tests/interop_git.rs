//! The registry store against the real `git` (2.47 on the project machines): signed commits
//! that `git verify-commit` accepts (DESIGN §3), a clean `git fsck` and `git status`, and the
//! lock, abort, crash-recovery and path rules of the store.
//!
//! Tests that run git (it needs `ssh-keygen` for SSH signatures) fail when `CI` is set and a
//! tool is missing, and skip visibly otherwise. git runs isolated from the user's setup: no
//! `GIT_DIR`/`GIT_WORK_TREE`/`GIT_INDEX_FILE`, `HOME` in a temporary directory, no system
//! configuration.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use scs_cert::sig::SigningKey;
use scs_cert::trust::AllowedSigners;
use scs_registry::{
    CommitId, CommitIdentity, Error, PathProblem, Recovery, Registry, SignerRefusal,
};

const ALICE_KEY: &str = include_str!("fixtures/keys/alice");
const BOB_KEY: &str = include_str!("fixtures/keys/bob");

fn alice() -> SigningKey {
    SigningKey::from_openssh(ALICE_KEY, None).unwrap()
}

fn bob() -> SigningKey {
    SigningKey::from_openssh(BOB_KEY, None).unwrap()
}

fn at(day: u32) -> CommitIdentity {
    let time = Utc.with_ymd_and_hms(2026, 8, day, 10, 0, 0).unwrap();
    CommitIdentity::new("SCS Forum", "forum@example.org", time).unwrap()
}

fn allowed_line(key: &SigningKey, options: &str) -> String {
    format!("forum@example.org {options} {}\n", key.public_line())
}

/// Path of a tool on PATH, or `None` (with a skip note) when missing and `CI` is unset.
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    match found {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => panic!("{name} not found and CI is set"),
        None => {
            eprintln!("SKIP: {name} not found in PATH; git interop test not run");
            None
        }
    }
}

/// git, when both git and ssh-keygen (which git runs for SSH signatures) are there.
struct Git {
    git: PathBuf,
    home: tempfile::TempDir,
}

impl Git {
    fn find() -> Option<Git> {
        let git = tool("git")?;
        tool("ssh-keygen")?;
        Some(Git {
            git,
            home: tempfile::tempdir().unwrap(),
        })
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(&self.git)
            .args(args)
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_CONFIG_PARAMETERS")
            .env_remove("GIT_CONFIG_GLOBAL")
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TZ", "UTC")
            .output()
            .unwrap()
    }

    fn verify_commit(&self, dir: &Path, rev: &str) -> Output {
        self.run(
            dir,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                "gpg.ssh.allowedSignersFile=keys/allowed_signers",
                "verify-commit",
                rev,
            ],
        )
    }
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

fn assert_clean(git: &Git, dir: &Path) {
    let fsck = git.run(dir, &["fsck", "--strict", "--no-progress"]);
    assert!(fsck.status.success(), "git fsck: {}", text(&fsck.stderr));
    let status = git.run(dir, &["status", "--porcelain", "--untracked-files=all"]);
    assert!(status.status.success());
    assert_eq!(text(&status.stdout), "", "git status not clean");
}

/// A registry whose first commit holds `keys/allowed_signers` (alice, namespace git).
fn first_commit(dir: &Path) -> (Registry, CommitId) {
    let registry = Registry::create(dir).unwrap();
    let mut change = registry.begin().unwrap();
    change
        .write(
            "keys/allowed_signers",
            allowed_line(&alice(), "namespaces=\"git\"").as_bytes(),
        )
        .unwrap();
    change
        .write("forum.toml", b"name = \"Example Forum\"\n")
        .unwrap();
    let id = change.commit("init registry", &alice(), &at(1)).unwrap();
    (registry, id)
}

fn allowed(registry: &Registry, commit: CommitId) -> AllowedSigners {
    let bytes = registry
        .read_at(commit, "keys/allowed_signers")
        .unwrap()
        .unwrap();
    AllowedSigners::parse(&String::from_utf8(bytes).unwrap(), "keys/allowed_signers").unwrap()
}

#[test]
fn signed_commits_verify_with_git_and_chain() {
    let Some(git) = Git::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (registry, first) = first_commit(dir.path());
    let root = registry.root().to_owned();

    let out = git.verify_commit(&root, "HEAD");
    assert!(out.status.success(), "verify-commit: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Good \"git\" signature"));
    assert_clean(&git, &root);

    let mut change = registry.begin().unwrap();
    change
        .append("ledger/regio-a/iaas/2026-08.jsonl", b"{\"run\":1}\n")
        .unwrap();
    change
        .append("ledger/regio-a/iaas/2026-08.jsonl", b"{\"run\":2}\n")
        .unwrap();
    let second = change.commit("ingest two runs", &alice(), &at(2)).unwrap();
    let mut change = registry.begin().unwrap();
    change
        .append("ledger/regio-a/iaas/2026-08.jsonl", b"{\"run\":3}\n")
        .unwrap();
    let third = change.commit("ingest a run", &alice(), &at(3)).unwrap();

    for rev in ["HEAD", "HEAD~1", "HEAD~2"] {
        let out = git.verify_commit(&root, rev);
        assert!(out.status.success(), "{rev}: {}", text(&out.stderr));
    }
    assert_clean(&git, &root);
    let log = git.run(&root, &["log", "--format=%H %P"]);
    assert_eq!(
        text(&log.stdout),
        format!("{third} {second}\n{second} {first}\n{first} \n")
    );
    assert_eq!(registry.history().unwrap(), vec![first, second, third]);
    assert_eq!(
        fs::read(root.join("ledger/regio-a/iaas/2026-08.jsonl")).unwrap(),
        b"{\"run\":1}\n{\"run\":2}\n{\"run\":3}\n"
    );
    let listed = git.run(&root, &["ls-files"]);
    assert_eq!(
        text(&listed.stdout),
        ".gitignore\nforum.toml\nkeys/allowed_signers\nledger/regio-a/iaas/2026-08.jsonl\n"
    );

    // Our check agrees with git's.
    let keys = allowed(&registry, first);
    for id in [first, second, third] {
        assert_eq!(
            registry.verify_commit_signature(id, &keys).unwrap(),
            alice().fingerprint()
        );
    }
    // A clone verifies as well.
    let clone = tempfile::tempdir().unwrap();
    let clone_dir = clone.path().join("mirror");
    let out = git.run(
        clone.path(),
        &["clone", "--quiet", root.to_str().unwrap(), "mirror"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mirror = Registry::open(&clone_dir).unwrap();
    assert_eq!(mirror.head().unwrap(), Some(third));
    assert_eq!(
        mirror.verify_commit_signature(third, &keys).unwrap(),
        alice().fingerprint()
    );
}

#[test]
fn commit_layout_is_what_git_commit_s_writes() {
    let Some(git) = Git::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(dir.path());
    let out = git.run(registry.root(), &["cat-file", "commit", "HEAD"]);
    let raw = text(&out.stdout);
    assert!(raw.contains(
        "author SCS Forum <forum@example.org> 1785578400 +0000\n\
         committer SCS Forum <forum@example.org> 1785578400 +0000\n\
         gpgsig -----BEGIN SSH SIGNATURE-----\n"
    ));
    // No blank continuation line before the end marker (the trim_end pitfall).
    assert!(raw.contains("\n -----END SSH SIGNATURE-----\n\ninit registry\n"));
    assert!(!raw.contains("\n \n"));
}

#[test]
fn commit_ids_are_deterministic() {
    let ids: Vec<(CommitId, CommitId)> = (0..2)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let (registry, first) = first_commit(dir.path());
            let mut change = registry.begin().unwrap();
            change.write("subjects/regio-a.yaml", b"name: A\n").unwrap();
            let second = change.commit("add regio-a", &alice(), &at(2)).unwrap();
            (first, second)
        })
        .collect();
    assert_eq!(ids[0], ids[1]);
    // Another time gives another id.
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::create(dir.path()).unwrap();
    let mut change = registry.begin().unwrap();
    change
        .write(
            "keys/allowed_signers",
            allowed_line(&alice(), "namespaces=\"git\"").as_bytes(),
        )
        .unwrap();
    change
        .write("forum.toml", b"name = \"Example Forum\"\n")
        .unwrap();
    let other = change.commit("init registry", &alice(), &at(5)).unwrap();
    assert_ne!(other, ids[0].0);
}

#[test]
fn key_not_in_allowed_signers_fails_verify_commit() {
    let Some(git) = Git::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(dir.path());
    let mut change = registry.begin().unwrap();
    change.write("crl.pem", b"not really a crl\n").unwrap();
    let by_bob = change.commit("signed by bob", &bob(), &at(2)).unwrap();

    let out = git.verify_commit(registry.root(), "HEAD");
    assert!(!out.status.success(), "git accepted bob's commit");
    assert!(
        git.verify_commit(registry.root(), "HEAD~1")
            .status
            .success()
    );
    let keys = allowed(&registry, by_bob);
    assert_eq!(
        registry.verify_commit_signature(by_bob, &keys),
        Err(Error::SignerNotAllowed {
            commit: by_bob,
            fingerprint: bob().fingerprint(),
            refusal: SignerRefusal::UnknownKey,
        })
    );
}

#[test]
fn validity_and_namespace_decided_as_git_does() {
    let Some(git) = Git::find() else { return };
    // (options, git accepts, our refusal)
    let cases = [
        ("valid-before=\"20260801Z\"", false, Some("expired")),
        ("valid-after=\"20260901Z\"", false, Some("not yet")),
        (
            "valid-after=\"20260801Z\",valid-before=\"20260901Z\"",
            true,
            None,
        ),
        ("namespaces=\"report\"", false, Some("namespace")),
        ("namespaces=\"report,git\"", true, None),
    ];
    for (options, accepted, refusal) in cases {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::create(dir.path()).unwrap();
        let mut change = registry.begin().unwrap();
        change
            .write(
                "keys/allowed_signers",
                allowed_line(&alice(), options).as_bytes(),
            )
            .unwrap();
        let id = change.commit("init", &alice(), &at(21)).unwrap();
        let out = git.verify_commit(registry.root(), "HEAD");
        assert_eq!(
            out.status.success(),
            accepted,
            "{options}: {}",
            text(&out.stderr)
        );
        let ours = registry.verify_commit_signature(id, &allowed(&registry, id));
        match (refusal, ours) {
            (None, Ok(fp)) => assert_eq!(fp, alice().fingerprint()),
            (Some("expired"), Err(Error::SignerNotAllowed { refusal, .. })) => {
                assert!(
                    matches!(refusal, SignerRefusal::Expired { .. }),
                    "{options}"
                )
            }
            (Some("not yet"), Err(Error::SignerNotAllowed { refusal, .. })) => {
                assert!(
                    matches!(refusal, SignerRefusal::NotYetValid { .. }),
                    "{options}"
                )
            }
            (Some("namespace"), Err(Error::SignerNotAllowed { refusal, .. })) => {
                assert_eq!(refusal, SignerRefusal::NamespaceNotAllowed, "{options}")
            }
            (expected, got) => panic!("{options}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn second_writer_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(dir.path());
    let other = Registry::open(dir.path()).unwrap();
    let change = registry.begin().unwrap();
    for reg in [&registry, &other] {
        match reg.begin() {
            Err(Error::Locked { holder, lock }) => {
                assert_eq!(holder.pid(), Some(std::process::id()));
                assert_eq!(holder.alive(), Some(true));
                assert!(lock.ends_with(".git/scs-cert.lock"));
            }
            other => panic!("expected Locked, got {other:?}"),
        }
    }
    assert!(matches!(
        Registry::recover(dir.path()),
        Err(Error::Locked { .. })
    ));
    drop(change);
    drop(other.begin().unwrap());
}

#[test]
fn stale_lock_is_reported_then_cleared_by_recover_only() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(dir.path());
    let lock = registry.root().join(".git/scs-cert.lock");
    // pid_max on Linux is at most 2^22, so this process cannot exist; nobody holds the OS lock.
    fs::write(&lock, "pid 4294967\n").unwrap();
    match registry.begin() {
        Err(e @ Error::Locked { .. }) => {
            let Error::Locked { holder, .. } = &e else {
                unreachable!()
            };
            assert_eq!(holder.pid(), Some(4_294_967));
            assert_eq!(holder.alive(), Some(false));
            assert!(e.to_string().contains("scs-cert registry recover"), "{e}");
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    assert!(lock.exists(), "a stale lock must not be broken silently");
    let recovered = Registry::recover(dir.path()).unwrap();
    assert_eq!(recovered.change, Recovery::NothingToDo);
    assert_eq!(recovered.stale_lock.unwrap().pid(), Some(4_294_967));
    assert!(!lock.exists());
    drop(registry.begin().unwrap());

    // A process of an earlier boot is gone even if its id is in use now.
    fs::write(
        &lock,
        format!(
            "pid {}\nboot 00000000-0000-0000-0000-000000000000\n",
            std::process::id()
        ),
    )
    .unwrap();
    if Path::new("/proc/sys/kernel/random/boot_id").exists() {
        let recovered = Registry::recover(dir.path()).unwrap();
        assert_eq!(recovered.stale_lock.unwrap().alive(), Some(false));
    }
    // break_lock still removes whatever is there.
    fs::write(&lock, "pid 4294967\n").unwrap();
    let holder = Registry::break_lock(dir.path()).unwrap().unwrap();
    assert_eq!(holder.pid(), Some(4_294_967));
    drop(registry.begin().unwrap());
}

#[test]
fn dropped_change_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, head) = first_commit(dir.path());
    let root = registry.root().to_owned();
    let before = tree_listing(&root);
    {
        let mut change = registry.begin().unwrap();
        change.write("subjects/x.yaml", b"x\n").unwrap();
        change.append("forum.toml", b"more = 1\n").unwrap();
        change.remove("keys/allowed_signers").unwrap();
        assert_eq!(
            change.read("forum.toml").unwrap().unwrap(),
            b"name = \"Example Forum\"\nmore = 1\n"
        );
        assert_eq!(change.read("keys/allowed_signers").unwrap(), None);
    }
    assert_eq!(tree_listing(&root), before);
    assert_eq!(registry.head().unwrap(), Some(head));
    assert!(!root.join(".git/scs-cert.lock").exists());
    if let Some(git) = Git::find() {
        assert_clean(&git, &root);
    }
}

/// Every file under `root` (with `.git` objects and logs left out) and its content.
fn tree_listing(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel.starts_with(".git/objects") || rel.starts_with(".git/logs") {
                continue;
            }
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push((rel, fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

#[test]
fn crash_mid_change_is_refused_then_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, head) = first_commit(dir.path());
    let root = registry.root().to_owned();
    drop(registry);
    // A writer died after writing its journal, one new file, half of another, a temporary
    // file, and the lock.
    fs::write(
        root.join(".git/scs-cert-journal"),
        format!(
            "scs-cert-journal 1\nbase {head}\ncommit 89abcdef0123456789abcdef0123456789abcdef\n\
             path forum.toml\npath ledger/a/b/2026-08.jsonl\npath subjects/new.yaml\n"
        ),
    )
    .unwrap();
    fs::write(root.join("forum.toml"), b"name = \"Exa").unwrap();
    fs::create_dir_all(root.join("ledger/a/b")).unwrap();
    fs::write(root.join("ledger/a/b/2026-08.jsonl"), b"{}\n").unwrap();
    fs::create_dir_all(root.join("subjects")).unwrap();
    fs::write(root.join("subjects/.new.yaml.scs-cert-tmp"), b"part").unwrap();
    fs::write(root.join(".git/scs-cert.lock"), b"pid 4294967\n").unwrap();

    match Registry::open(&root) {
        Err(Error::UnfinishedChange {
            base,
            commit,
            paths,
            ..
        }) => {
            assert_eq!(base, Some(head));
            assert!(commit.is_some());
            assert_eq!(paths.len(), 3);
        }
        other => panic!("expected UnfinishedChange, got {other:?}"),
    }
    // The dead writer's lock is reported to writers, and cleared by recover.
    let recovered = Registry::recover(&root).unwrap();
    assert_eq!(recovered.stale_lock.unwrap().pid(), Some(4_294_967));
    match recovered.change {
        Recovery::Discarded { head: h, removed } => {
            assert_eq!(h, Some(head));
            assert_eq!(removed, vec!["ledger/a/b/2026-08.jsonl".parse().unwrap()]);
        }
        other => panic!("expected Discarded, got {other:?}"),
    }
    assert_eq!(
        fs::read(root.join("forum.toml")).unwrap(),
        b"name = \"Example Forum\"\n"
    );
    assert!(!root.join("ledger").exists());
    assert!(!root.join("subjects").exists());
    assert_eq!(
        Registry::recover(&root).unwrap().change,
        Recovery::NothingToDo
    );
    let registry = Registry::open(&root).unwrap();
    assert_eq!(registry.head().unwrap(), Some(head));
    drop(registry.begin().unwrap());
    if let Some(git) = Git::find() {
        assert_clean(&git, &root);
    }
}

#[test]
fn crash_after_the_ref_moved_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, head) = first_commit(dir.path());
    let root = registry.root().to_owned();
    fs::write(
        root.join(".git/scs-cert-journal"),
        format!("scs-cert-journal 1\nbase -\ncommit {head}\npath forum.toml\n"),
    )
    .unwrap();
    assert!(matches!(
        registry.begin(),
        Err(Error::UnfinishedChange { .. })
    ));
    assert_eq!(
        Registry::recover(&root).unwrap().change,
        Recovery::Completed { commit: head }
    );
    assert!(root.join("forum.toml").exists());
    Registry::open(&root).unwrap();
}

#[test]
fn crash_in_the_first_change_returns_to_the_created_state() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::create(dir.path()).unwrap();
    let root = registry.root().to_owned();
    fs::write(
        root.join(".git/scs-cert-journal"),
        "scs-cert-journal 1\nbase -\npath .gitignore\npath forum.toml\n",
    )
    .unwrap();
    fs::write(root.join("forum.toml"), b"x").unwrap();
    assert!(matches!(
        Registry::open(&root),
        Err(Error::UnfinishedChange { base: None, .. })
    ));
    assert_eq!(
        Registry::recover(&root).unwrap().change,
        Recovery::Discarded {
            head: None,
            removed: vec!["forum.toml".parse().unwrap()]
        }
    );
    assert_eq!(fs::read(root.join(".gitignore")).unwrap(), b"/archive/\n");
    let registry = Registry::open(&root).unwrap();
    let mut change = registry.begin().unwrap();
    change.write("forum.toml", b"name = 1\n").unwrap();
    change.commit("init", &alice(), &at(1)).unwrap();
}

#[test]
fn dirty_work_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(dir.path());
    let root = registry.root().to_owned();
    // The archive is ignored: files there do not make the tree dirty.
    fs::create_dir_all(registry.archive_dir().join("sha256/ab")).unwrap();
    fs::write(registry.archive_dir().join("sha256/ab/abcd"), b"body").unwrap();
    drop(registry.begin().unwrap());

    fs::write(root.join("forum.toml"), b"edited by hand\n").unwrap();
    fs::write(root.join("stray.txt"), b"?\n").unwrap();
    match registry.begin() {
        Err(Error::DirtyWorkTree { paths, more }) => {
            assert_eq!(paths, vec!["forum.toml".to_owned(), "stray.txt".to_owned()]);
            assert_eq!(more, 0);
        }
        other => panic!("expected DirtyWorkTree, got {other:?}"),
    }
    assert!(!root.join(".git/scs-cert.lock").exists());
}

#[test]
fn bad_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(dir.path());
    let mut change = registry.begin().unwrap();
    for (path, problem) in [
        ("../outside", PathProblem::BadComponent),
        ("/etc/passwd", PathProblem::Absolute),
        (".git/config", PathProblem::GitDir),
        ("keys/.Git/x", PathProblem::GitDir),
        ("archive/sha256/ab", PathProblem::Archive),
        ("", PathProblem::Empty),
        ("a\\b", PathProblem::BadCharacter),
    ] {
        let expected = Err(Error::InvalidPath {
            path: path.to_owned(),
            problem,
        });
        assert_eq!(change.write(path, b"x"), expected, "{path:?}");
        assert_eq!(change.append(path, b"x"), expected, "{path:?}");
        assert_eq!(change.remove(path), expected, "{path:?}");
    }
    assert_eq!(change.paths().count(), 0);
}

#[cfg(unix)]
#[test]
fn committed_symlink_cannot_redirect_writes() {
    let Some(git) = Git::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(dir.path());
    let root = registry.root().to_owned();
    // Someone commits a symlink with plain git (git can hold them).
    std::os::unix::fs::symlink(outside.path(), root.join("ledger")).unwrap();
    assert!(matches!(registry.begin(), Err(Error::DirtyWorkTree { .. })));
    for args in [
        &["add", "ledger"][..],
        &[
            "-c",
            "user.name=x",
            "-c",
            "user.email=x@y",
            "commit",
            "-q",
            "-m",
            "symlink",
        ],
    ] {
        let out = git.run(&root, args);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut change = registry.begin().unwrap();
    change.append("ledger/x.jsonl", b"{}\n").unwrap();
    assert_eq!(
        change.commit("through the symlink", &alice(), &at(2)),
        Err(Error::PathConflict {
            path: "ledger/x.jsonl".parse().unwrap(),
            at: "ledger".into(),
        })
    );
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    assert_clean(&git, &root);
}

#[test]
fn empty_change_and_message_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, head) = first_commit(dir.path());
    let mut change = registry.begin().unwrap();
    change
        .write("forum.toml", b"name = \"Example Forum\"\n")
        .unwrap();
    assert_eq!(
        change.commit("nothing", &alice(), &at(2)),
        Err(Error::EmptyChange)
    );
    let mut change = registry.begin().unwrap();
    change.write("a", b"a").unwrap();
    assert_eq!(
        change.commit(" \n", &alice(), &at(2)),
        Err(Error::InvalidMessage)
    );
    assert_eq!(registry.head().unwrap(), Some(head));
    assert!(!registry.root().join("a").exists());
    let mut change = registry.begin().unwrap();
    change.write("a", b"a").unwrap();
    change.write("a/b", b"b").unwrap();
    assert!(matches!(
        change.commit("conflict", &alice(), &at(2)),
        Err(Error::PathConflict { .. })
    ));
    assert!(!registry.root().join("a").exists());
}

#[test]
fn create_and_open_refusals() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("x"), b"x").unwrap();
    assert!(matches!(
        Registry::create(dir.path()),
        Err(Error::DirectoryNotEmpty { .. })
    ));
    assert!(matches!(
        Registry::open(dir.path()),
        Err(Error::NotARegistry { .. })
    ));
    // Opening a subdirectory of a registry does not find the registry above it.
    let reg = tempfile::tempdir().unwrap();
    let (registry, _) = first_commit(reg.path());
    assert!(matches!(
        Registry::open(&registry.root().join("keys")),
        Err(Error::NotARegistry { .. })
    ));
    let created = tempfile::tempdir().unwrap();
    let fresh = Registry::create(&created.path().join("new/registry")).unwrap();
    assert_eq!(fresh.head().unwrap(), None);
    assert_eq!(fresh.archive_dir(), fresh.root().join("archive"));
    assert_eq!(fresh.read("forum.toml").unwrap(), None);
}

#[test]
fn failure_midway_through_commit_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, head) = first_commit(dir.path());
    let root = registry.root().to_owned();
    // A directory where the temporary file of zz/new.yaml must go makes that write fail
    // after forum.toml was already replaced (paths are applied in order).
    fs::create_dir_all(root.join("zz/.new.yaml.scs-cert-tmp")).unwrap();
    let mut change = registry.begin().unwrap();
    change.write("forum.toml", b"name = \"Changed\"\n").unwrap();
    change.write("zz/new.yaml", b"new\n").unwrap();
    assert!(matches!(
        change.commit("fails halfway", &alice(), &at(2)),
        Err(Error::Io { .. })
    ));
    assert_eq!(registry.head().unwrap(), Some(head));
    assert_eq!(
        fs::read(root.join("forum.toml")).unwrap(),
        b"name = \"Example Forum\"\n"
    );
    assert!(!root.join("zz/new.yaml").exists());
    assert!(!root.join(".git/scs-cert-journal").exists());
    assert!(!root.join(".git/scs-cert.lock").exists());
    fs::remove_dir_all(root.join("zz")).unwrap();
    Registry::open(&root).unwrap();
    if let Some(git) = Git::find() {
        assert_clean(&git, &root);
    }
}
