//! Interop with the real `ssh-keygen` (OpenSSH 9.2 on the project machines): signatures both
//! ways, key files both ways, and allowed-signers decisions.
//!
//! A missing ssh-keygen fails these tests when `CI` is set and skips them visibly otherwise.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{TimeZone, Utc};
use scs_cert::sig::{self, Error, Namespace, Signature, SigningKey};
use scs_cert::subject::Subject;
use scs_cert::trust::{AllowedSigners, Trust};

const MESSAGE: &[u8] = b"subject: alice-cloud\nchecked_at: 2026-08-21 10:00:00\nresult: 1\n";
const ALICE_KEY: &str = include_str!("fixtures/keys/alice");

/// Path of ssh-keygen, or `None` (with a skip note) when it is missing and `CI` is unset.
fn ssh_keygen() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("ssh-keygen"))
            .find(|p| p.is_file())
    });
    match found {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => panic!("ssh-keygen not found and CI is set"),
        None => {
            eprintln!("SKIP: ssh-keygen not found in PATH; interop test not run");
            None
        }
    }
}

/// Runs ssh-keygen in `dir` with TZ=UTC (so its local-time readings are UTC, like ours).
fn run(tool: &Path, dir: &Path, args: &[&str], stdin: Option<&Path>) -> Output {
    let mut cmd = Command::new(tool);
    cmd.args(args).current_dir(dir).env("TZ", "UTC");
    cmd.stdin(match stdin {
        Some(path) => Stdio::from(fs::File::open(path).unwrap()),
        None => Stdio::null(),
    });
    cmd.output().unwrap()
}

fn write_private(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    // ssh-keygen refuses private keys readable by others.
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
}

/// ssh-keygen's decision: `-Y verify` exit status.
#[allow(clippy::too_many_arguments)]
fn keygen_verifies(
    tool: &Path,
    dir: &Path,
    allowed: &str,
    principal: &str,
    namespace: &str,
    sig: &str,
    data: &str,
    time: Option<&str>,
) -> bool {
    let mut args = vec![
        "-Y", "verify", "-f", allowed, "-I", principal, "-n", namespace, "-s", sig,
    ];
    let opt;
    if let Some(time) = time {
        opt = format!("-Overify-time={time}");
        args.push(&opt);
    }
    run(tool, dir, &args, Some(&dir.join(data)))
        .status
        .success()
}

#[test]
fn we_sign_ssh_keygen_verifies() {
    let Some(tool) = ssh_keygen() else { return };
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::generate("we@test").unwrap();
    let signature = sig::sign(&key, &Namespace::report(), MESSAGE).unwrap();
    fs::write(dir.path().join("file"), MESSAGE).unwrap();
    fs::write(dir.path().join("file.sig"), signature.to_armored()).unwrap();
    fs::write(
        dir.path().join("allowed"),
        format!("subj {}\n", key.public_line()),
    )
    .unwrap();

    let d = dir.path();
    assert!(keygen_verifies(
        &tool, d, "allowed", "subj", "report", "file.sig", "file", None
    ));
    assert!(!keygen_verifies(
        &tool, d, "allowed", "subj", "git", "file.sig", "file", None
    ));
    assert!(!keygen_verifies(
        &tool, d, "allowed", "other", "report", "file.sig", "file", None
    ));
}

#[test]
fn ssh_keygen_signs_we_verify_and_bytes_are_equal() {
    let Some(tool) = ssh_keygen() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_private(&d.join("key"), ALICE_KEY);
    fs::write(d.join("file"), MESSAGE).unwrap();
    let out = run(
        &tool,
        d,
        &["-Y", "sign", "-f", "key", "-n", "report", "file"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = fs::read(d.join("file.sig")).unwrap();

    let signature = Signature::from_armored(&theirs).unwrap();
    signature.verify(&Namespace::report(), MESSAGE).unwrap();
    let mut tampered = MESSAGE.to_vec();
    tampered[0] ^= 1;
    assert_eq!(
        signature.verify(&Namespace::report(), &tampered),
        Err(Error::BadSignature)
    );
    assert_eq!(
        signature.verify(&Namespace::git(), MESSAGE),
        Err(Error::NamespaceMismatch {
            expected: Namespace::git(),
            found: "report".into()
        })
    );

    // (e) Ed25519 is deterministic: our signature is ssh-keygen's, byte for byte.
    let key = SigningKey::from_openssh(ALICE_KEY, None).unwrap();
    let ours = sig::sign(&key, &Namespace::report(), MESSAGE).unwrap();
    assert_eq!(ours.to_armored().as_bytes(), &theirs[..]);
    assert_eq!(signature.to_armored().as_bytes(), &theirs[..]);
}

#[test]
fn our_key_files_work_with_ssh_keygen() {
    let Some(tool) = ssh_keygen() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = SigningKey::generate("ours@test").unwrap();
    sig::write_key_pair(&d.join("id"), &key, None).unwrap();

    let out = run(&tool, d, &["-y", "-f", "id"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim_end(),
        key.public_line()
    );
    let out = run(&tool, d, &["-l", "-f", "id.pub"], None);
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains(&key.fingerprint().to_string()),
        "{listing}"
    );

    fs::write(d.join("file"), MESSAGE).unwrap();
    let out = run(
        &tool,
        d,
        &["-Y", "sign", "-f", "id", "-n", "report", "file"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = Signature::from_armored(&fs::read(d.join("file.sig")).unwrap()).unwrap();
    theirs.verify(&Namespace::report(), MESSAGE).unwrap();
    assert_eq!(theirs.fingerprint(), key.fingerprint());

    // An encrypted key of ours opens with ssh-keygen and the passphrase.
    sig::write_key_pair(&d.join("locked"), &key, Some(b"s3cret")).unwrap();
    let out = run(&tool, d, &["-y", "-P", "s3cret", "-f", "locked"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&tool, d, &["-y", "-P", "wrong", "-f", "locked"], None);
    assert!(!out.status.success());
}

#[test]
fn passphrase_protected_ssh_keygen_key() {
    let Some(tool) = ssh_keygen() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = [
        "-q", "-t", "ed25519", "-N", "secret", "-C", "p@test", "-f", "pk",
    ];
    assert!(run(&tool, d, &args, None).status.success());
    let text = fs::read_to_string(d.join("pk")).unwrap();
    assert!(SigningKey::is_encrypted_openssh(&text).unwrap());
    assert_eq!(
        SigningKey::from_openssh(&text, None).unwrap_err(),
        Error::PassphraseRequired
    );
    assert_eq!(
        SigningKey::from_openssh(&text, Some(b"not it")).unwrap_err(),
        Error::WrongPassphrase
    );
    let key = SigningKey::from_openssh(&text, Some(b"secret")).unwrap();
    let public = fs::read_to_string(d.join("pk.pub")).unwrap();
    assert_eq!(key.public_line(), public.trim_end());
}

#[test]
fn write_key_pair_modes_and_no_overwrite() {
    // No ssh-keygen needed; kept with the key-file interop tests.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = SigningKey::generate("k@test").unwrap();
    let path = d.join("id");
    sig::write_key_pair(&path, &key, None).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&d.join("id.pub")) & 0o600, 0o600);
    assert_eq!(
        mode(&d.join("id.pub")) & 0o022,
        0,
        "public key writable by others"
    );
    let before = fs::read(&path).unwrap();

    let other = SigningKey::generate("other@test").unwrap();
    assert_eq!(
        sig::write_key_pair(&path, &other, None),
        Err(Error::KeyFileExists { path: path.clone() })
    );
    assert_eq!(fs::read(&path).unwrap(), before);

    // A stray public file alone also refuses, and leaves no private key behind.
    let lone = d.join("lone");
    fs::write(d.join("lone.pub"), "x").unwrap();
    assert_eq!(
        sig::write_key_pair(&lone, &other, None),
        Err(Error::KeyFileExists {
            path: d.join("lone.pub")
        })
    );
    assert!(!lone.exists());

    // A missing directory: an io error naming the path, nothing created.
    let missing = d.join("no/such/dir/id");
    assert!(matches!(
        sig::write_key_pair(&missing, &other, None),
        Err(Error::Io { path, kind: std::io::ErrorKind::NotFound }) if path == missing
    ));
}

#[test]
fn allowed_signers_decisions_agree_with_ssh_keygen() {
    let Some(tool) = ssh_keygen() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = SigningKey::from_openssh(ALICE_KEY, None).unwrap();
    let line = key.public_line();
    // Without Z: ssh-keygen reads local time; it runs with TZ=UTC here, so it agrees with our
    // UTC reading.
    let allowed = format!(
        "# test\n\
         alice-cloud,alice-*,!alice-retired namespaces=\"report,scs-*\",valid-after=\"20260101\",valid-before=\"20270101Z\" {line}\n\
         bob-? valid-after=\"202601011200\" {line}\n\
         carol-* cert-authority {line}\n"
    );
    fs::write(d.join("allowed"), &allowed).unwrap();
    let trust = Trust::AllowedSigners(AllowedSigners::parse(&allowed, "allowed").unwrap());
    fs::write(d.join("file"), MESSAGE).unwrap();
    for ns in ["report", "git", "scs-certificate"] {
        let namespace: Namespace = ns.parse().unwrap();
        let s = sig::sign(&key, &namespace, MESSAGE).unwrap();
        fs::write(d.join(format!("file.{ns}.sig")), s.to_armored()).unwrap();
    }

    let mut agreed = 0;
    for principal in [
        "alice-cloud",
        "alice-x",
        "alice-retired",
        "bob-1",
        "bob-12",
        "carol-1",
    ] {
        for ns in ["report", "git", "scs-certificate"] {
            for day in ["20251231", "20260101", "20260615", "20261231", "20270102"] {
                let theirs = keygen_verifies(
                    &tool,
                    d,
                    "allowed",
                    principal,
                    ns,
                    &format!("file.{ns}.sig"),
                    "file",
                    Some(day),
                );
                let namespace: Namespace = ns.parse().unwrap();
                let signature =
                    Signature::from_armored(&fs::read(d.join(format!("file.{ns}.sig"))).unwrap())
                        .unwrap();
                let subject: Subject = principal.parse().unwrap();
                let at = Utc.from_utc_datetime(
                    &chrono::NaiveDate::parse_from_str(day, "%Y%m%d")
                        .unwrap()
                        .and_hms_opt(0, 0, 0)
                        .unwrap(),
                );
                let ours = signature.verify(&namespace, MESSAGE).is_ok()
                    && trust
                        .authorize(&signature.public_key(), &subject, &namespace, at)
                        .is_ok();
                assert_eq!(ours, theirs, "{principal} {ns} {day}");
                agreed += usize::from(theirs);
            }
        }
    }
    assert!(agreed > 5, "too few positive cases: {agreed}");

    // The boundary: ssh-keygen accepts the valid-before instant itself ("at or before",
    // ssh-keygen(1); `verify_time > valid_before` fails in sshsig.c), and so do we.
    assert!(keygen_verifies(
        &tool,
        d,
        "allowed",
        "alice-cloud",
        "report",
        "file.report.sig",
        "file",
        Some("20270101")
    ));
    let signature = Signature::from_armored(&fs::read(d.join("file.report.sig")).unwrap()).unwrap();
    let at = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    assert!(
        trust
            .authorize(
                &signature.public_key(),
                &"alice-cloud".parse().unwrap(),
                &Namespace::report(),
                at
            )
            .is_ok()
    );
}

#[test]
fn ecdsa_p256_and_rsa_signatures_verify_as_ssh_keygen_decides() {
    let Some(tool) = ssh_keygen() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("file"), MESSAGE).unwrap();
    let mut tampered = MESSAGE.to_vec();
    tampered[0] ^= 1;
    fs::write(d.join("tampered"), &tampered).unwrap();
    for (kind, bits) in [("ecdsa", "256"), ("rsa", "3072"), ("rsa", "2048")] {
        let name = format!("{kind}{bits}");
        let args = ["-q", "-t", kind, "-b", bits, "-N", "", "-f", &name];
        assert!(run(&tool, d, &args, None).status.success());
        let out = run(
            &tool,
            d,
            &["-Y", "sign", "-f", &name, "-n", "report", "file"],
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let public = fs::read_to_string(d.join(format!("{name}.pub"))).unwrap();
        fs::write(d.join("allowed"), format!("subj {public}")).unwrap();
        let armored = fs::read(d.join("file.sig")).unwrap();
        let ours = |data: &[u8]| {
            Signature::from_armored(&armored)
                .and_then(|s| s.verify(&Namespace::report(), data).map(|()| s))
                .is_ok()
        };
        for (data, file) in [(MESSAGE, "file"), (&tampered[..], "tampered")] {
            let theirs = keygen_verifies(
                &tool, d, "allowed", "subj", "report", "file.sig", file, None,
            );
            assert_eq!(ours(data), theirs, "{name} over {file}");
        }
        assert!(ours(MESSAGE), "{name}: verifies");
        // Through the allowed_signers file, as scs-report verify reads it.
        let allowed = AllowedSigners::parse(&format!("subj {public}"), "allowed").unwrap();
        let signature = Signature::from_armored(&armored).unwrap();
        let subject: Subject = "subj".parse().unwrap();
        let trust = Trust::AllowedSigners(allowed);
        assert!(
            trust
                .authorize(
                    &signature.public_key(),
                    &subject,
                    &Namespace::report(),
                    at_now()
                )
                .is_ok(),
            "{name}"
        );
        fs::remove_file(d.join("file.sig")).unwrap();
        // The project itself signs with Ed25519 only.
        let text = fs::read_to_string(d.join(&name)).unwrap();
        if let Ok(key) = SigningKey::from_openssh(&text, None) {
            assert!(matches!(
                sig::sign(&key, &Namespace::report(), MESSAGE),
                Err(Error::UnsupportedAlgorithm { .. })
            ));
        }
    }
}

#[test]
fn an_unsupported_key_type_is_reported_for_its_line_and_the_rest_stands() {
    let Some(tool) = ssh_keygen() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = ["-q", "-t", "ecdsa", "-b", "384", "-N", "", "-f", "p384"];
    assert!(run(&tool, d, &args, None).status.success());
    fs::write(d.join("file"), MESSAGE).unwrap();
    assert!(
        run(
            &tool,
            d,
            &["-Y", "sign", "-f", "p384", "-n", "report", "file"],
            None
        )
        .status
        .success()
    );
    let p384 = fs::read_to_string(d.join("p384.pub")).unwrap();
    let alice = SigningKey::from_openssh(ALICE_KEY, None).unwrap();
    let text = format!(
        "subj {}\nsubj {}\nsubj ssh-dss AAAAB3NzaC1kc3MAAACBAP\n",
        p384.trim(),
        alice.public_line()
    );
    let allowed = AllowedSigners::parse(&text, "allowed").unwrap();
    assert_eq!(
        allowed.unsupported(),
        [
            (1, "ecdsa-sha2-nistp384".to_owned()),
            (3, "ssh-dss".to_owned())
        ]
    );
    assert_eq!(allowed.entries().len(), 1);
    // The Ed25519 line stands; the P-384 signature is refused for its algorithm.
    let ours = sig::sign(&alice, &Namespace::report(), MESSAGE).unwrap();
    let subject: Subject = "subj".parse().unwrap();
    let trust = Trust::AllowedSigners(allowed);
    assert!(
        trust
            .authorize(&ours.public_key(), &subject, &Namespace::report(), at_now())
            .is_ok()
    );
    let theirs = fs::read(d.join("file.sig")).unwrap();
    let refused =
        Signature::from_armored(&theirs).and_then(|s| s.verify(&Namespace::report(), MESSAGE));
    assert!(
        matches!(refused, Err(Error::UnsupportedAlgorithm { .. })),
        "{refused:?}"
    );
}

fn at_now() -> scs_cert::time::Instant {
    scs_cli::now()
}
