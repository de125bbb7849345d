//! Issue 13, item 11: a clone is checked as its README says. The registry's README.md, made by
//! `init` and kept by the tool, states the forum's keys and the commands that verify a clone
//! offline; every one of them runs here, as stated, on a plain `git clone` of a registry with an
//! issued certificate, with the real git, ssh-keygen, openssl and scs-cert. `registry verify`
//! and `verify` name the forum keys they trusted and refuse keys other than `--expect-key`;
//! `verify FILE` finds the clone's keys and CRL itself.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scs_testkit::cli::{Run, cert, run};
use scs_testkit::schema::json_lines;
use scs_testkit::tools;

const CERT: &str = scs_testkit::CERT;
/// A key that is not the forum's (tests/fixtures/keys/alice.pub).
const ALICE: &str = "SHA256:l+B95QwIPGYu0w9xdCxvAY3265MPMs5Y6bA/TzQl7DE";

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

/// `command` isolated from the user's git and ssh set-up, in `dir`, with scs-cert on PATH.
fn isolated(command: &mut Command, dir: &Path, home: &Path) {
    let bin = Path::new(CERT).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    command
        .current_dir(dir)
        .env_remove("SCS_REGISTRY")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_CONFIG_PARAMETERS")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .env("PATH", path);
}

/// A registry (`reg`) with a certificate issued now (openssl judges at the wall clock), and a
/// plain clone of it (`clone`): `(tmp, dir, id)`. `None` when git is missing outside CI.
fn issued_and_cloned() -> Option<(tempfile::TempDir, PathBuf, String)> {
    let git = tools::require("git")?;
    let (tmp, dir) = scs_testkit::registry::setup();
    let id = ok(cert(
        &dir,
        &[
            "issue",
            "cloud-a",
            "--scope",
            "scs-compatible-iaas",
            "--override",
            "issued now, so that openssl judges it at the wall clock",
        ],
    ))
    .stdout
    .trim()
    .to_owned();
    let mut clone = Command::new(git);
    clone.args(["clone", "-q", "reg", "clone"]);
    isolated(&mut clone, &dir, &dir);
    tools::succeed(&mut clone);
    Some((tmp, dir, id))
}

/// The commands of the README's `sh` blocks, one per line.
fn stated_commands(readme: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        match (in_block, line.trim()) {
            (false, "```sh") => in_block = true,
            (true, "```") => in_block = false,
            (true, command) if !command.is_empty() => commands.push(command.to_owned()),
            _ => {}
        }
    }
    commands
}

/// The forum key fingerprints the README states.
fn stated_keys(readme: &str) -> Vec<String> {
    readme
        .lines()
        .filter_map(|l| l.strip_prefix("- `SHA256:"))
        .map(|l| format!("SHA256:{}", l.split('`').next().unwrap()))
        .collect()
}

/// Every command the README states, run as stated (with `<ID>` filled in) in a plain clone.
#[test]
fn every_command_the_readme_states_succeeds_on_a_clone() {
    let Some((_t, dir, id)) = issued_and_cloned() else {
        return;
    };
    let (Some(_), Some(_)) = (tools::require("ssh-keygen"), tools::require("openssl")) else {
        return;
    };
    let clone = dir.join("clone");
    let readme = fs::read_to_string(clone.join("README.md")).unwrap();
    assert!(readme.contains("Forum SCS-Standards"), "{readme}");
    assert!(
        readme.contains("https://registry.scs.community/certificates/<ID>"),
        "{readme}"
    );
    assert!(readme.contains("archive/sha256/"), "{readme}");
    let keys = stated_keys(&readme);
    let forum_key = fs::read_to_string(dir.join("reg/keys/allowed_signers")).unwrap();
    let allowed = scs_cert::trust::AllowedSigners::parse(&forum_key, "allowed_signers").unwrap();
    let fingerprint = scs_cert::sig::Fingerprint::of(allowed.entries()[0].key()).to_string();
    assert_eq!(keys, vec![fingerprint.clone()], "{readme}");

    let commands = stated_commands(&readme);
    let ran: Vec<&str> = commands
        .iter()
        .map(|c| c.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ran,
        [
            "git",
            "git",
            "ssh-keygen",
            "openssl",
            "openssl",
            "scs-cert",
            "scs-cert",
            "scs-cert"
        ],
        "{readme}"
    );
    let commits = String::from_utf8(
        tools::succeed(
            Command::new("git")
                .arg("-C")
                .arg(&clone)
                .args(["rev-list", "--count", "HEAD"]),
        )
        .stdout,
    )
    .unwrap();
    let commits: usize = commits.trim().parse().unwrap();
    for command in &commands {
        let line = command.replace("<ID>", &id);
        let mut sh = Command::new("sh");
        sh.args(["-c", &line]);
        isolated(&mut sh, &clone, &dir);
        let out = tools::succeed(&mut sh);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Each tool says yes in its own words (git log exits 0 whatever the signatures).
        let good = "Good \"git\" signature for secretary@forum.invalid";
        if line.contains("log --show-signature") {
            assert_eq!(said.matches(good).count(), commits, "{line}:\n{said}");
        } else if line.contains("verify-commit") {
            assert!(said.contains(good), "{line}:\n{said}");
        } else if line.starts_with("ssh-keygen") {
            assert!(
                said.contains("Good \"scs-certificate\" signature"),
                "{line}:\n{said}"
            );
        } else if line.starts_with("openssl") {
            assert!(said.contains("OK"), "{line}:\n{said}");
        } else {
            assert!(
                said.contains(&format!(
                    "forum key(s) trusted: {fingerprint} (as expected)"
                )),
                "{line}:\n{said}"
            );
        }
    }
}

/// A registry made before the README existed verifies without it, and gains it with its
/// next change; the README follows what forum.toml and the keys say, in the same commit.
#[test]
fn an_older_registry_gains_the_readme_with_its_next_change() {
    let (_t, dir) = scs_testkit::registry::setup();
    let reg = dir.join("reg");
    // The README removed by a commit the forum key signs (as git itself signs), as in a
    // registry made by an older scs-cert.
    let key = reg.join(".git/scs-cert/forum-key");
    let git = |args: &[&str]| {
        let mut c = Command::new("git");
        c.args(["-c", "gpg.format=ssh", "-c"])
            .arg(format!("user.signingkey={}", key.display()))
            .args([
                "-c",
                "user.name=Forum Secretary",
                "-c",
                "user.email=secretary@forum.invalid",
            ])
            .args(args);
        isolated(&mut c, &reg, &dir);
        tools::succeed(&mut c)
    };
    if tools::require("git").is_none() || tools::require("ssh-keygen").is_none() {
        return;
    }
    git(&["rm", "-q", "README.md"]);
    git(&["commit", "-S", "-qm", "an older registry: no README"]);
    assert!(!reg.join("README.md").exists());
    let r = ok(cert(&dir, &["registry", "verify"]));
    assert!(
        r.stdout.contains("registry history verified"),
        "{}",
        r.stdout
    );
    // The next change brings it, in its own commit.
    ok(cert(
        &dir,
        &["subject", "add", "cloud-b", "--at", "2026-01-01"],
    ));
    let shown = git(&["show", "--name-only", "--format=", "HEAD"]);
    let files = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(
        files.lines().eq(["README.md", "subjects/cloud-b.yaml"]),
        "{files}"
    );
    let readme = fs::read_to_string(reg.join("README.md")).unwrap();
    assert_eq!(stated_keys(&readme).len(), 1, "{readme}");
    ok(cert(&dir, &["registry", "verify"]));
    // A change that does not touch what it states leaves it alone.
    ok(cert(
        &dir,
        &["subject", "add", "cloud-c", "--at", "2026-01-01"],
    ));
    let shown = git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        String::from_utf8_lossy(&shown.stdout).trim(),
        "subjects/cloud-c.yaml"
    );
}

/// `--expect-key` pins the forum keys: the right one passes, any other is a definite no that
/// names the key trusted; `--json` says which keys were trusted and whether as expected.
#[test]
fn expect_key_pins_the_forum_keys_of_registry_verify_and_verify() {
    let Some((_t, dir, id)) = issued_and_cloned() else {
        return;
    };
    let clone = dir.join("clone");
    let readme = fs::read_to_string(clone.join("README.md")).unwrap();
    let forum = stated_keys(&readme).remove(0);

    let r = ok(run(
        CERT,
        &clone,
        &["registry", "verify", "--expect-key", &forum],
    ));
    assert!(r.stdout.contains("(as expected)"), "{}", r.stdout);
    // Another key besides the forum's is fine: pinning the old and the new key across a
    // rotation.
    ok(run(
        CERT,
        &clone,
        &[
            "registry",
            "verify",
            "--expect-key",
            ALICE,
            "--expect-key",
            &forum,
        ],
    ));
    let r = run(CERT, &clone, &["registry", "verify", "--expect-key", ALICE]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "unexpected-forum-key  keys/allowed_signers: the forum keys trusted here include {forum} not among the expected keys"
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "broken  registry history verified, but by forum keys other than the expected ones"
        ),
        "{}",
        r.stdout
    );
    let r = run(
        CERT,
        &clone,
        &["registry", "verify", "--expect-key", ALICE, "--json"],
    );
    assert_eq!(r.code, 1);
    let records = json_lines(&r.stdout);
    assert_eq!(records[0]["type"], "finding");
    assert_eq!(records[0]["code"], "unexpected-forum-key");
    assert_eq!(records[1]["type"], "summary");
    assert_eq!(records[1]["valid"], false);
    assert_eq!(records[1]["forum_keys"], serde_json::json!([forum]));
    assert_eq!(records[1]["forum_keys_expected"], false);
    let r = ok(run(CERT, &clone, &["registry", "verify", "--json"]));
    assert_eq!(
        json_lines(&r.stdout)[0]["forum_keys_expected"],
        serde_json::Value::Null
    );
    // A fingerprint that is not one is a usage error.
    let r = run(
        CERT,
        &clone,
        &["registry", "verify", "--expect-key", "SHA256:nope"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);

    // verify, by id and by record file.
    let record = format!("certificates/{id}.yaml");
    for what in [id.as_str(), record.as_str()] {
        let r = ok(run(CERT, &clone, &["verify", what, "--expect-key", &forum]));
        assert!(
            r.stdout.lines().nth(1)
                == Some(&*format!("forum key(s) trusted: {forum} (as expected)")),
            "{}",
            r.stdout
        );
        let r = run(
            CERT,
            &clone,
            &["verify", what, "--expect-key", ALICE, "--json"],
        );
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        let v = json_lines(&r.stdout).remove(0);
        assert_eq!(v["valid"], false);
        assert_eq!(v["status"], "unexpected-forum-key");
        assert_eq!(v["forum_keys"], serde_json::json!([forum]));
        let last = v["checks"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["name"], "forum-keys");
        assert_eq!(last["result"], "failed");
        assert!(last["detail"].as_str().unwrap().contains(&forum), "{last}");
    }
}

/// `verify --json` is structured: the record's facts and each check with its result; a
/// withdrawn certificate fails the revocation check and the later checks are not reached.
#[test]
fn verify_json_names_the_certificate_and_each_check() {
    let Some((_t, dir, id)) = issued_and_cloned() else {
        return;
    };
    let r = ok(cert(&dir, &["verify", &id, "--json"]));
    let v = json_lines(&r.stdout).remove(0);
    assert_eq!(v["valid"], true);
    assert_eq!(v["status"], "active");
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["holder"], "Cloud A");
    assert_eq!(v["subject"], "cloud-a");
    assert_eq!(v["subject_name"], "Cloud A");
    assert_eq!(v["scope"]["name"], "SCS-compatible IaaS");
    assert_eq!(v["scope"]["uuid"], scs_testkit::registry::IAAS);
    assert_eq!(v["version"], "v5.1");
    assert!(v["valid_until"].as_str().unwrap().ends_with('Z'));
    let checks: Vec<(String, String)> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        checks,
        expect(&[
            ("record-signature", "passed"),
            ("x509-certificate", "passed"),
            ("revocation", "passed"),
            ("validity", "passed"),
            ("registry-history", "passed"),
            ("registry-status", "passed"),
            ("forum-keys", "skipped"),
        ])
    );
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
    let r = run(
        CERT,
        &dir.join("reg"),
        &["verify", &format!("certificates/{id}.yaml"), "--json"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = json_lines(&r.stdout).remove(0);
    assert_eq!(v["status"], "withdrawn");
    assert_eq!(v["holder"], "Cloud A", "the record's signature verified");
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks[2]["name"], "revocation");
    assert_eq!(checks[2]["result"], "failed");
    assert!(
        checks[2]["detail"]
            .as_str()
            .unwrap()
            .starts_with("withdrawn since"),
        "{}",
        checks[2]
    );
    assert_eq!(checks[3]["result"], "skipped");
    assert_eq!(checks[4]["name"], "registry-history");
    assert_eq!(checks[4]["result"], "skipped");
    // A forged record: nothing it says is reported.
    let clone = dir.join("clone");
    let record = clone.join(format!("certificates/{id}.yaml"));
    let text = fs::read_to_string(&record)
        .unwrap()
        .replace("cloud-a", "cloud-x");
    fs::write(&record, text).unwrap();
    let r = run(
        CERT,
        &clone,
        &["verify", &format!("certificates/{id}.yaml"), "--json"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = json_lines(&r.stdout).remove(0);
    assert_eq!(v["status"], "forged");
    assert_eq!(v["holder"], serde_json::Value::Null);
    assert_eq!(v["checks"][0]["result"], "failed");
}

/// `verify FILE` of a record in a clone finds the clone's keys, CA and CRL by walking up from
/// the file, from wherever it is run; outside any clone it asks for `--keys`.
#[test]
fn verify_of_a_record_file_finds_the_clone_it_sits_in() {
    let Some((_t, dir, id)) = issued_and_cloned() else {
        return;
    };
    let clone = dir.join("clone");
    let r = ok(run(
        CERT,
        &clone.join("certificates"),
        &["verify", &format!("{id}.yaml")],
    ));
    assert!(
        r.stdout
            .contains("[record signature by a forum key, X.509 chain to the forum CA, CRL]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("checking with the forum keys, CA and CRL of"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("revocation not checked"), "{}", r.stderr);
    // From outside the clone, by path.
    ok(run(
        CERT,
        &dir,
        &["verify", &format!("clone/certificates/{id}.yaml")],
    ));
    // The clone's CRL is used: a suspension shows.
    ok(cert(&dir, &["suspend", &id, "--reason", "finding"]));
    let r = run(
        CERT,
        &dir,
        &["verify", &format!("reg/certificates/{id}.yaml"), "--json"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(json_lines(&r.stdout)[0]["status"], "suspended");
    // A record copied out of any clone needs the keys named.
    fs::copy(
        clone.join(format!("certificates/{id}.yaml")),
        dir.join("stray.yaml"),
    )
    .unwrap();
    fs::copy(
        clone.join(format!("certificates/{id}.yaml.sig")),
        dir.join("stray.yaml.sig"),
    )
    .unwrap();
    let r = run(CERT, &dir, &["verify", "stray.yaml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--keys allowed_signers"), "{}", r.stderr);
    let r = ok(run(
        CERT,
        &dir,
        &[
            "verify",
            "stray.yaml",
            "--keys",
            "clone/keys/allowed_signers",
            "--crl",
            "clone/crl.pem",
        ],
    ));
    assert!(r.stdout.starts_with("valid "), "{}", r.stdout);
}

/// The project README's own verifier section (its `sh` block that starts with `git -c`), run
/// line by line on a clone as stated, with the certificate id and forum key filled in.
#[test]
fn the_project_readme_verifier_commands_succeed_on_a_clone() {
    let Some((_t, dir, id)) = issued_and_cloned() else {
        return;
    };
    let (Some(_), Some(_)) = (tools::require("ssh-keygen"), tools::require("openssl")) else {
        return;
    };
    let clone = dir.join("clone");
    let forum_key = fs::read_to_string(dir.join("reg/keys/allowed_signers")).unwrap();
    let allowed = scs_cert::trust::AllowedSigners::parse(&forum_key, "allowed_signers").unwrap();
    let fingerprint = scs_cert::sig::Fingerprint::of(allowed.entries()[0].key()).to_string();
    let readme = include_str!("../README.md");
    let block = scs_testkit::readme::sh_blocks(readme)
        .into_iter()
        .find(|b| {
            b.first()
                .is_some_and(|l| l.starts_with("git -c gpg.format=ssh"))
        })
        .expect("the README's verifier block");
    assert!(block.len() >= 7, "{block:?}");
    for line in block {
        let line = line
            .replace("SCS-IAAS-2026-0001", &id)
            .replace("SHA256:…", &fingerprint);
        let mut sh = Command::new("sh");
        sh.args(["-c", &line]);
        isolated(&mut sh, &clone, &dir);
        tools::succeed(&mut sh);
    }
}
