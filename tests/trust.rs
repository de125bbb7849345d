//! Trust files: the upstream bootstrap file (read from ../shared when present), our own
//! bootstrap and allowed-signers fixtures.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::path::Path;

use chrono::{TimeZone, Utc};
use scs_cert::sig::{Fingerprint, Namespace};
use scs_cert::subject::Subject;
use scs_cert::time::Instant;
use scs_cert::trust::{AllowedSigners, Bootstrap, BootstrapProblem, Error, Refusal, Trust};
use ssh_key::PublicKey;

const UPSTREAM_BOOTSTRAP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/scs/bootstrap.yaml"
);
const OWN_BOOTSTRAP: &str = include_str!("fixtures/trust/bootstrap.yaml");
const OWN_ALLOWED: &str = include_str!("fixtures/trust/allowed_signers");
const ALICE: &str = include_str!("fixtures/keys/alice.pub");
const BOB: &str = include_str!("fixtures/keys/bob.pub");
const CAROL: &str = include_str!("fixtures/keys/carol.pub");

/// The zuul_ci key of upstream's bootstrap file (`public_key_name: zuul_ci_sign`).
const ZUUL_CI: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgla2bdGVztsncJNoAEVdAUiZaOW9Lwvf2yCt5GcI1J zuul";

fn upstream_text() -> Option<String> {
    let path = Path::new(UPSTREAM_BOOTSTRAP);
    if !path.exists() {
        if std::env::var_os("CI").is_some() {
            panic!("upstream fixture {UPSTREAM_BOOTSTRAP} is missing and CI is set");
        }
        eprintln!("SKIP: upstream fixture {UPSTREAM_BOOTSTRAP} not present");
        return None;
    }
    Some(std::fs::read_to_string(path).unwrap())
}

fn key(line: &str) -> PublicKey {
    PublicKey::from_openssh(line.trim()).unwrap()
}

fn subject(s: &str) -> Subject {
    s.parse().unwrap()
}

fn at(y: i32, m: u32, d: u32) -> Instant {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

/// Reverses the order of the accounts of a bootstrap file written one `  - subject:` per
/// account, as upstream's is.
fn reversed_accounts(text: &str) -> String {
    let (head, body) = text.split_once("\n  - subject:").unwrap();
    let mut chunks: Vec<String> = body
        .split("\n  - subject:")
        .map(|c| format!("\n  - subject:{}", c.trim_end()))
        .collect();
    chunks.reverse();
    format!("{head}{}\n", chunks.concat())
}

#[test]
fn upstream_bootstrap_parses_and_delegates_to_zuul_ci() {
    let Some(text) = upstream_text() else { return };
    let bootstrap = Bootstrap::parse(&text, "bootstrap.yaml").unwrap();
    assert_eq!(bootstrap.accounts().len(), 28);
    let zuul = key(ZUUL_CI);
    let trust = Trust::Bootstrap(bootstrap.clone());
    assert!(trust.knows_key(&zuul));
    let report = Namespace::report();
    let now = at(2026, 8, 21);

    let delegating: Vec<_> = bootstrap
        .accounts()
        .filter(|a| a.delegates().iter().any(|d| d.as_str() == "zuul_ci"))
        .collect();
    assert_eq!(delegating.len(), 24);
    for account in delegating {
        let signer = trust
            .authorize(&zuul, account.subject(), &report, now)
            .unwrap();
        assert_eq!(signer.principal().as_str(), "zuul_ci");
        assert_eq!(signer.via_delegation(), Some(&subject("zuul_ci")));
        assert_eq!(signer.key_name(), Some("zuul_ci_sign"));
    }
    // nsc-iaas has its own key and no delegation.
    assert_eq!(
        trust.authorize(&zuul, &subject("nsc-iaas"), &report, now),
        Err(Refusal::NotAllowedForSubject {
            fingerprint: Fingerprint::of(&zuul),
            subject: subject("nsc-iaas"),
        })
    );
    // zuul_ci's own subject.
    let own = trust
        .authorize(&zuul, &subject("zuul_ci"), &report, now)
        .unwrap();
    assert_eq!(own.via_delegation(), None);
    // Only the report namespace.
    assert_eq!(
        trust.authorize(&zuul, &subject("scs2"), &Namespace::certificate(), now),
        Err(Refusal::NamespaceNotAllowed {
            fingerprint: Fingerprint::of(&zuul),
            namespace: Namespace::certificate(),
        })
    );
    // regio-a has a key but no api key: its key still counts (upstream quirk not copied).
    let regio_a = bootstrap.account(&subject("regio-a")).unwrap();
    assert!(regio_a.api_keys().is_empty());
    let regio_key = regio_a.keys()[0].key().clone();
    assert!(
        trust
            .authorize(&regio_key, &subject("regio-a"), &report, now)
            .is_ok()
    );
    assert!(matches!(
        trust.authorize(&regio_key, &subject("scs2"), &report, now),
        Err(Refusal::NotAllowedForSubject { .. })
    ));
    assert_eq!(
        trust.authorize(&key(CAROL), &subject("scs2"), &report, now),
        Err(Refusal::KeyUnknown {
            fingerprint: Fingerprint::of(&key(CAROL))
        })
    );
    assert_eq!(
        bootstrap.account(&subject("artcodix")).unwrap().group(),
        Some("artcodix")
    );
}

#[test]
fn upstream_delegations_do_not_depend_on_order() {
    let Some(text) = upstream_text() else { return };
    let forward = Bootstrap::parse(&text, "forward").unwrap();
    let reversed = reversed_accounts(&text);
    // zuul_ci now comes after every account that delegates to it.
    assert!(reversed.find("subject: zuul_ci").unwrap() > reversed.find("subject: scs2").unwrap());
    let backward = Bootstrap::parse(&reversed, "backward").unwrap();
    assert_eq!(
        forward.accounts().next().unwrap().subject(),
        backward.accounts().next().unwrap().subject()
    );
    let keys: Vec<PublicKey> = forward
        .accounts()
        .flat_map(|a| a.keys().iter().map(|k| k.key().clone()))
        .collect();
    let (f, b) = (
        Trust::Bootstrap(forward.clone()),
        Trust::Bootstrap(backward),
    );
    for k in &keys {
        for account in forward.accounts() {
            let s = account.subject();
            assert_eq!(
                f.authorize(k, s, &Namespace::report(), at(2026, 1, 1)),
                b.authorize(k, s, &Namespace::report(), at(2026, 1, 1)),
                "{s}"
            );
        }
    }
}

#[test]
fn own_bootstrap_with_delegate_defined_later() {
    let trust = Trust::Bootstrap(Bootstrap::parse(OWN_BOOTSTRAP, "own").unwrap());
    let (alice, bob) = (key(ALICE), key(BOB));
    let report = Namespace::report();
    let now = at(2026, 8, 21);
    let signer = trust
        .authorize(&bob, &subject("alice-cloud"), &report, now)
        .unwrap();
    assert_eq!(signer.principal().as_str(), "bob-ci");
    assert_eq!(signer.via_delegation().map(Subject::as_str), Some("bob-ci"));
    assert_eq!(signer.fingerprint(), Some(Fingerprint::of(&bob)));
    let own = trust
        .authorize(&alice, &subject("alice-cloud"), &report, now)
        .unwrap();
    assert_eq!(own.via_delegation(), None);
    assert_eq!(own.key_name(), Some("primary"));
    // Delegation goes one way only.
    assert!(matches!(
        trust.authorize(&alice, &subject("bob-ci"), &report, now),
        Err(Refusal::NotAllowedForSubject { .. })
    ));
    // Subjects not in the file.
    assert!(matches!(
        trust.authorize(&alice, &subject("nobody"), &report, now),
        Err(Refusal::NotAllowedForSubject { .. })
    ));
}

#[test]
fn bootstrap_errors() {
    let unknown_field = "accounts:\n  - subject: a\n    password: x\n";
    assert!(matches!(
        Bootstrap::parse(unknown_field, "f"),
        Err(Error::Yaml { ref origin, ref source }) if origin == "f" && source.position.line == 3
    ));
    let unknown_delegate = "accounts:\n  - subject: a\n    delegates: [b]\n";
    assert!(matches!(
        Bootstrap::parse(unknown_delegate, "f"),
        Err(Error::Bootstrap { problem: BootstrapProblem::UnknownDelegate { .. }, position, .. })
            if position.line == 3
    ));
    let duplicate = "accounts:\n  - subject: a\n  - subject: a\n";
    assert!(matches!(
        Bootstrap::parse(duplicate, "f"),
        Err(Error::Bootstrap {
            problem: BootstrapProblem::DuplicateAccount { .. },
            ..
        })
    ));
    let b64 = ALICE.split(' ').nth(1).unwrap();
    let wrong_type = format!(
        "accounts:\n  - subject: a\n    keys:\n      - public_key: \"{b64}\"\n        public_key_type: ssh-rsa\n        public_key_name: k\n"
    );
    assert!(matches!(
        Bootstrap::parse(&wrong_type, "f"),
        Err(Error::Bootstrap {
            problem: BootstrapProblem::InvalidKey { .. },
            ..
        })
    ));
    let bad_role = "accounts:\n  - subject: a\n    roles: [root]\n";
    assert!(matches!(
        Bootstrap::parse(bad_role, "f"),
        Err(Error::Yaml { .. })
    ));
    let bad_subject = "accounts:\n  - subject: ../a\n";
    assert!(matches!(
        Bootstrap::parse(bad_subject, "f"),
        Err(Error::Yaml { .. })
    ));
}

#[test]
fn own_allowed_signers() {
    let signers = AllowedSigners::parse(OWN_ALLOWED, "allowed_signers").unwrap();
    assert_eq!(signers.entries().len(), 3);
    let trust = Trust::AllowedSigners(signers);
    let (alice, bob, carol) = (key(ALICE), key(BOB), key(CAROL));
    let report = Namespace::report();
    let fa = Fingerprint::of(&alice);

    let ok = trust.authorize(&alice, &subject("alice-cloud"), &report, at(2026, 6, 1));
    assert_eq!(ok.unwrap().principal().as_str(), "alice-cloud");
    assert!(
        trust
            .authorize(&alice, &subject("alice-x"), &report, at(2026, 6, 1))
            .is_ok()
    );
    assert_eq!(
        trust.authorize(&alice, &subject("alice-retired"), &report, at(2026, 6, 1)),
        Err(Refusal::NotAllowedForSubject {
            fingerprint: fa,
            subject: subject("alice-retired")
        })
    );
    assert_eq!(
        trust.authorize(&alice, &subject("alice-cloud"), &report, at(2025, 12, 31)),
        Err(Refusal::NotYetValid {
            fingerprint: fa,
            valid_after: at(2026, 1, 1)
        })
    );
    // valid-before is inclusive, as in ssh-keygen: the instant itself is still inside.
    assert!(
        trust
            .authorize(&alice, &subject("alice-cloud"), &report, at(2027, 1, 1))
            .is_ok()
    );
    assert_eq!(
        trust.authorize(
            &alice,
            &subject("alice-cloud"),
            &report,
            at(2027, 1, 1) + chrono::Duration::seconds(1)
        ),
        Err(Refusal::Expired {
            fingerprint: fa,
            valid_before: at(2027, 1, 1)
        })
    );
    assert_eq!(
        trust.authorize(
            &alice,
            &subject("alice-cloud"),
            &Namespace::git(),
            at(2026, 6, 1)
        ),
        Err(Refusal::NamespaceNotAllowed {
            fingerprint: fa,
            namespace: Namespace::git()
        })
    );
    // bob: any namespace for bob-*, but the cert-authority line never authorizes his key.
    assert!(
        trust
            .authorize(&bob, &subject("bob-1"), &Namespace::git(), at(1990, 1, 1))
            .is_ok()
    );
    assert!(matches!(
        trust.authorize(&bob, &subject("carol-1"), &report, at(2026, 6, 1)),
        Err(Refusal::NotAllowedForSubject { .. })
    ));
    assert!(!trust.knows_key(&carol));
    assert_eq!(
        trust.authorize(&carol, &subject("carol-1"), &report, at(2026, 6, 1)),
        Err(Refusal::KeyUnknown {
            fingerprint: Fingerprint::of(&carol)
        })
    );
}

#[test]
fn key_on_several_lines_is_allowed_by_any() {
    let a = ALICE.trim();
    let text = format!(
        "x namespaces=\"git\" {a}\nx valid-before=\"20200101\" {a}\nx,y namespaces=\"report\" {a}\n"
    );
    let trust = Trust::AllowedSigners(AllowedSigners::parse(&text, "f").unwrap());
    let alice = key(ALICE);
    assert!(
        trust
            .authorize(&alice, &subject("x"), &Namespace::report(), at(2026, 1, 1))
            .is_ok()
    );
    // The first line that matches the subject gives the refusal.
    assert!(matches!(
        trust.authorize(
            &alice,
            &subject("x"),
            &Namespace::certificate(),
            at(2026, 1, 1)
        ),
        Err(Refusal::NamespaceNotAllowed { .. })
    ));
}
