//! Batched ingest (`registry::ingest::Ingest`): the same decisions as one `decide` call,
//! duplicates across batches, one commit, the light run index.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::collections::BTreeMap;
use std::path::Path;

use scs_cert::sig::Namespace;
use scs_cert::sig::{self, SigningKey};
use scs_cert::subject::record::{BoundKey, SubjectRecord};
use scs_cert::time::Instant;
use scs_registry::Registry;
use scs_registry::admin;
use scs_registry::forum::{ForumConfig, ForumSigner, Identity, Policy};
use scs_registry::ingest::{FileOutcome, Ingest, Receipt, Submission, decide};
use scs_registry::ledger;
use scs_registry::state::State;

const IAAS: &str = "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f";

fn at(s: &str) -> Instant {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().into()
}

fn report(subject: &str, run: u32, day: u32, verdict: i8) -> String {
    format!(
        "---\nspec:\n  uuid: {IAAS}\n  name: SCS-compatible IaaS\nchecked_at: 2026-01-{day:02} 10:00:00.000001\nreference_date: 2026-01-{day:02}\nsubject: {subject}\nrun:\n  uuid: 00000000-0000-4000-8000-{run:012}\n  invocations:\n    00000000-0000-4000-9000-{run:012}:\n      id: 00000000-0000-4000-9000-{run:012}\n      cmd: ./check.py\n      results:\n        scs-0100-syntax-check: {verdict}\n      rc: 0\n"
    )
}

/// A registry with subject `cloud-a` (key `a`) delegating to `ci` (key `ci`).
fn registry(dir: &Path) -> (Registry, SigningKey, SigningKey, SigningKey) {
    let forum_key = SigningKey::generate("forum").unwrap();
    let forum = ForumConfig {
        forum: Identity {
            name: "Test Forum".into(),
            legal_name: "Test".into(),
            city: "Berlin".into(),
            status_base_url: "https://x.example/c/".into(),
        },
        signers: vec![ForumSigner {
            name: "S".into(),
            role: "Secretary".into(),
            email: "s@x.example".into(),
            key: forum_key.public_line(),
        }],
        policy: Policy::default(),
        publishing: Default::default(),
    };
    let t0 = at("2025-12-01T00:00:00Z");
    let (registry, _) = admin::init(
        dir,
        &forum,
        &forum_key,
        &[("scs-compatible-iaas", scs_cert::seed::IAAS_SPEC)],
        t0,
    )
    .unwrap();
    let a = SigningKey::generate("a").unwrap();
    let ci = SigningKey::generate("ci").unwrap();
    let bound = |k: &SigningKey| BoundKey {
        key: k.public_line(),
        name: None,
        added: "2025-12-01T00:00:00Z".into(),
        retired: None,
    };
    let mut ci_record = SubjectRecord::new("ci".parse().unwrap());
    ci_record.keys = vec![bound(&ci)];
    let state = State::load(&registry).unwrap();
    admin::save_subject(&registry, &state, &ci_record, "ci", &forum_key, t0).unwrap();
    let mut record = SubjectRecord::new("cloud-a".parse().unwrap());
    record.keys = vec![bound(&a)];
    record.delegates = vec!["ci".parse().unwrap()];
    let state = State::load(&registry).unwrap();
    admin::save_subject(&registry, &state, &record, "a", &forum_key, t0).unwrap();
    (registry, forum_key, a, ci)
}

fn signed(key: &SigningKey, text: &str, name: &str) -> Submission {
    let sig = sig::sign(key, &Namespace::report(), text.as_bytes()).unwrap();
    Submission::detached(
        name.into(),
        text.as_bytes(),
        Some(sig.to_armored().as_bytes()),
    )
}

fn kinds(outcomes: &[FileOutcome]) -> Vec<&'static str> {
    outcomes
        .iter()
        .map(|o| match o {
            FileOutcome::Ingested { .. } => "ingested",
            FileOutcome::AlreadyPresent { .. } => "present",
            FileOutcome::Rejected(r) => r.code(),
            _ => "other",
        })
        .collect()
}

#[test]
fn batches_decide_as_one_call_and_commit_once() {
    let dir = tempfile::tempdir().unwrap();
    let (registry, forum_key, a, ci) = registry(dir.path());
    let receipt = Receipt {
        received_at: at("2026-02-01T00:00:00Z"),
        declared: true,
        ingested_at: at("2026-02-02T00:00:00Z"),
    };
    let first = vec![
        signed(&a, &report("cloud-a", 1, 1, 1), "1"),
        signed(&ci, &report("cloud-a", 2, 2, -1), "2"),
    ];
    // Batch two repeats file 1, reuses run 2 with other bytes, and brings a new run
    // twice (the second time as a duplicate of the first within the ingest).
    let second = vec![
        signed(&a, &report("cloud-a", 1, 1, 1), "1 again"),
        signed(&a, &report("cloud-a", 2, 2, 1), "2 changed"),
        signed(&a, &report("cloud-a", 3, 3, 1), "3"),
        signed(&ci, &report("cloud-a", 3, 3, 0), "3 changed"),
        signed(&a, &report("cloud-b", 4, 4, 1), "unknown subject"),
    ];
    let state = State::load(&registry).unwrap();
    // The one-call path, for comparison.
    let all: Vec<Submission> = first.iter().chain(&second).cloned().collect();
    let expected = decide(&state, &Default::default(), &all, receipt).unwrap();

    let mut ingest = Ingest::new(&registry, &state, receipt).unwrap();
    let mut outcomes = ingest.add(&first).unwrap();
    outcomes.extend(ingest.add(&second).unwrap());
    assert_eq!(outcomes, expected);
    assert_eq!(
        kinds(&outcomes),
        [
            "ingested",
            "ingested",
            "present",
            "duplicate-run",
            "ingested",
            "duplicate-run",
            "unknown-subject"
        ]
    );
    let identity = admin::identity(&state.forum, &forum_key, receipt.ingested_at).unwrap();
    let commit = ingest.commit(&forum_key, &identity).unwrap();
    assert!(commit.is_some());
    assert_eq!(
        registry.history().unwrap().len(),
        4,
        "init, 2 subjects, 1 ingest"
    );
    for o in &outcomes {
        if let FileOutcome::Ingested { sha256, .. } = o {
            assert!(ledger::archive_path(&registry.archive_dir(), sha256).exists());
        }
    }

    // The light run index equals the one from fully parsed lines.
    let lines = scs_registry::state::all_ledger_lines(&registry).unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        scs_registry::state::all_known_runs(&registry).unwrap(),
        lines
            .iter()
            .map(|l| (l.run.clone(), l.sha256.clone()))
            .collect::<BTreeMap<_, _>>()
    );

    // Again: everything accepted before is present now; nothing to commit.
    let state = State::load(&registry).unwrap();
    let mut ingest = Ingest::new(&registry, &state, receipt).unwrap();
    let again = ingest.add(&first).unwrap();
    assert_eq!(kinds(&again), ["present", "present"]);
    assert!(ingest.commit(&forum_key, &identity).unwrap().is_none());
}
