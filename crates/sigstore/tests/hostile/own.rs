//! Hostile content in our own bundles (`support/sigstore_bundle.rs`), whose log evidence (SET,
//! checkpoint) is validly signed by our test log, so each check is reached on its own.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use super::support::{self, Spec, build, sha256, to_hex};
use super::{CHECKPOINT, PROOF};
use scs_sigstore::{self as sigstore, Error};

#[test]
fn own_bundle_baseline_verifies() {
    let f = build(Spec::default());
    f.check().unwrap();
}

#[test]
fn own_log_body_naming_another_digest_is_rejected() {
    let f = build(Spec {
        body_digest: Some(sha256(b"another artifact")),
        ..Spec::default()
    });
    assert_eq!(f.check().unwrap_err(), Error::TlogBodyMismatch);
}

/// A log body `{"spec":{"data":A,...,"data":B}}`: serde_json's `Value` keeps the last `data`,
/// other readers the first. Before the fix the body was accepted when the last one matched.
#[test]
fn own_log_body_with_duplicated_key_is_rejected() {
    let good = build(Spec::default());
    let body = String::from_utf8(
        B64.decode(
            good.bundle["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"]
                .as_str()
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let other = to_hex(&sha256(b"another artifact"));
    let dup = body.replacen(
        r#""spec":{"#,
        &format!(r#""spec":{{"data":{{"hash":{{"algorithm":"sha256","value":"{other}"}}}},"#),
        1,
    );
    assert_ne!(dup, body);
    let f = build(Spec {
        body: Some(dup),
        ..Spec::default()
    });
    assert_eq!(f.check().unwrap_err(), Error::TlogBodyMismatch);
    // Same at the top level of the body.
    let dup = body.replacen(
        r#""kind":"hashedrekord","#,
        r#""kind":"x","kind":"hashedrekord","#,
        1,
    );
    let f = build(Spec {
        body: Some(dup),
        ..Spec::default()
    });
    assert_eq!(f.check().unwrap_err(), Error::TlogBodyMismatch);
}

#[test]
fn own_log_validity_window_must_cover_the_entry() {
    for valid_for in [
        json!({"start": "2025-01-01T00:00:00Z", "end": "2025-12-31T23:59:59Z"}),
        json!({"start": "2026-01-01T00:00:01Z"}),
    ] {
        let f = build(Spec {
            log_valid_for: valid_for.clone(),
            ..Spec::default()
        });
        assert!(
            matches!(f.check().unwrap_err(), Error::LogKeyNotValidAt { .. }),
            "{valid_for}"
        );
    }
    // The end is inclusive (as the conformance suite expects).
    let f = build(Spec {
        log_valid_for: json!({"start": "2025-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}),
        ..Spec::default()
    });
    f.check().unwrap();
    // No start: the log is left out of the trusted root.
    let f = build(Spec {
        log_valid_for: json!({"end": "2027-01-01T00:00:00Z"}),
        ..Spec::default()
    });
    assert_eq!(f.check().unwrap_err(), Error::UnknownLog);
}

#[test]
fn own_inclusion_proofs_verify_for_every_tree_shape() {
    for before in 0..=9 {
        let f = build(Spec {
            leaves_before: before,
            ..Spec::default()
        });
        f.check().unwrap_or_else(|e| panic!("{before}: {e:?}"));
    }
}

#[test]
fn own_hostile_inclusion_proofs_are_rejected() {
    let spec = || Spec {
        leaves_before: 5,
        ..Spec::default()
    };
    type Mutation = fn(&mut Value);
    let mutations: [(&str, Mutation); 8] = [
        ("index = size", |p| p["logIndex"] = json!("6")),
        ("index left of ours", |p| p["logIndex"] = json!("4")),
        ("index huge", |p| {
            p["logIndex"] = json!(u64::MAX.to_string())
        }),
        ("extra hash", |p| {
            let h = p["hashes"][0].clone();
            p["hashes"].as_array_mut().unwrap().push(h);
        }),
        ("missing hash", |p| {
            p["hashes"].as_array_mut().unwrap().pop();
        }),
        ("hashes reversed", |p| {
            p["hashes"].as_array_mut().unwrap().reverse();
        }),
        ("short hash", |p| {
            p["hashes"][0] = json!(B64.encode([0u8; 31]))
        }),
        ("size 0", |p| p["treeSize"] = json!("0")),
    ];
    for (what, m) in mutations {
        let mut f = build(spec());
        m(&mut f.entry()["inclusionProof"]);
        assert_eq!(f.check().unwrap_err(), PROOF, "{what}");
    }
    // A larger tree size than the checkpoint's: the proof math or the checkpoint catches it.
    let mut f = build(spec());
    f.entry()["inclusionProof"]["treeSize"] = json!("7");
    assert!(matches!(
        f.check().unwrap_err(),
        Error::TlogCheckFailed { .. }
    ));
    let mut f = build(spec());
    f.entry()["inclusionProof"]["treeSize"] = json!(u64::MAX.to_string());
    assert!(matches!(
        f.check().unwrap_err(),
        Error::TlogCheckFailed { .. }
    ));
}

#[test]
fn own_hostile_checkpoints_are_rejected() {
    use support::{key, log_key, note_signature};
    let envelope = |f: &mut support::Fixture, e: String| {
        f.entry()["inclusionProof"]["checkpoint"]["envelope"] = json!(e);
    };
    let base = build(Spec::default());
    let hint = base.log_key_id[..4].to_vec();
    let note = base.note.clone();
    let ok = |e: String| {
        let mut f = build(Spec::default());
        envelope(&mut f, e);
        f.check()
    };
    // Accepted: cosignatures by others around ours, empty lines in the signature block,
    // extension lines in the (signed) note.
    let ours = note_signature("scs-test-log", &hint, &log_key(), &note);
    let theirs = note_signature("witness", &[1, 2, 3, 4], &key(3), &note);
    ok(format!("{note}\n{theirs}{ours}{theirs}")).unwrap();
    ok(format!("{note}\n{ours}\n")).unwrap();
    let ext = format!("{note}extension line\n");
    ok(format!(
        "{ext}\n{}",
        note_signature("scs-test-log", &hint, &log_key(), &ext)
    ))
    .unwrap();

    let root = note.lines().nth(2).unwrap();
    let bad = [
        // signed by another key under our hint
        format!(
            "{note}\n{}",
            note_signature("scs-test-log", &hint, &key(3), &note)
        ),
        // our signature under another hint
        format!(
            "{note}\n{}",
            note_signature("scs-test-log", &[0; 4], &log_key(), &note)
        ),
        // validly signed notes that commit to another size or root
        {
            let n = format!("scs-test-log\n2\n{root}\n");
            format!(
                "{n}\n{}",
                note_signature("scs-test-log", &hint, &log_key(), &n)
            )
        },
        {
            let n = format!("scs-test-log\n1\n{}\n", B64.encode([0u8; 32]));
            format!(
                "{n}\n{}",
                note_signature("scs-test-log", &hint, &log_key(), &n)
            )
        },
        // validly signed but without origin, or with a non-decimal size
        {
            let n = format!("1\n{root}\n");
            format!(
                "{n}\n{}",
                note_signature("scs-test-log", &hint, &log_key(), &n)
            )
        },
        {
            let n = format!("scs-test-log\n+1\n{root}\n");
            format!(
                "{n}\n{}",
                note_signature("scs-test-log", &hint, &log_key(), &n)
            )
        },
        // signature over a different text than the one shown
        format!("{}\n{ours}", note.replace("scs-test-log", "scs-other-log")),
        // the signature line without the em dash
        format!("{note}\n{}", ours.trim_start_matches('\u{2014}')),
        String::new(),
    ];
    for e in bad {
        assert_eq!(ok(e.clone()).unwrap_err(), CHECKPOINT, "{e:?}");
    }
}

/// A trusted root naming a log by a key ID shorter than the 4-byte note key hint made the
/// checkpoint check slice out of bounds (panic) before the fix.
#[test]
fn own_short_log_key_id_does_not_panic() {
    for id in [vec![], vec![1u8, 2]] {
        let f = build(Spec {
            log_key_id: Some(id.clone()),
            set: false,
            ..Spec::default()
        });
        assert_eq!(f.check().unwrap_err(), CHECKPOINT, "{id:?}");
    }
}

#[test]
fn own_noncanonical_numbers_are_rejected() {
    for (field, value) in [
        ("logIndex", "+7"),
        ("logIndex", "07"),
        ("logIndex", "-7"),
        ("integratedTime", "+1767225600"),
        ("integratedTime", "01767225600"),
    ] {
        let mut f = build(Spec::default());
        f.entry()[field] = json!(value);
        assert_eq!(
            f.check().unwrap_err(),
            Error::TlogMalformed,
            "{field} {value}"
        );
    }
}

#[test]
fn own_artifact_digest_input_is_strict() {
    let hex = to_hex(&sha256(support::ARTIFACT));
    assert!(sigstore::parse_sha256_digest(&format!("sha256:{hex}")).is_some());
    // `from_str_radix` takes "+a": a digest with signs must not parse.
    let signed = format!("sha256:+{}", &hex[1..]);
    assert_eq!(sigstore::parse_sha256_digest(&signed), None);
    assert_eq!(
        sigstore::parse_sha256_digest(&format!("sha256:{}", &hex[..62])),
        None
    );
    assert_eq!(
        sigstore::parse_sha256_digest(&format!("SHA256:{hex}")),
        None
    );
    assert_eq!(
        sigstore::parse_sha256_digest(&format!("sha256:{hex}é")),
        None
    );
}

fn statement(subjects: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": "https://scs.test/predicate",
        "predicate": {}
    }))
    .unwrap()
}

#[test]
fn own_dsse_statements_must_name_the_artifact() {
    let hex = to_hex(&sha256(support::ARTIFACT));
    let other = to_hex(&sha256(b"another artifact"));
    let dsse = |payload: Vec<u8>| {
        build(Spec {
            dsse_payload: Some(payload),
            ..Spec::default()
        })
    };
    // Any one subject may be the artifact.
    dsse(statement(json!([
        {"name": "x", "digest": {"sha256": other}},
        {"name": "a", "digest": {"sha256": hex, "sha512": "00"}}
    ])))
    .check()
    .unwrap();
    for subjects in [
        json!([{"name": "x", "digest": {"sha256": other}}]),
        json!([{"name": "a", "digest": {"sha512": hex}}]),
        json!([{"name": "a", "digest": {"sha256": format!("{hex}00")}}]),
        json!([]),
    ] {
        assert_eq!(
            dsse(statement(subjects.clone())).check().unwrap_err(),
            Error::DigestMismatch,
            "{subjects}"
        );
    }
    let wrong_type = String::from_utf8(statement(json!([{"digest": {"sha256": hex}}])))
        .unwrap()
        .replace("Statement/v1", "Statement/v2");
    assert_eq!(
        dsse(wrong_type.into_bytes()).check().unwrap_err(),
        Error::DsseMalformed
    );
    // The log's payload hash must be the envelope's.
    let f = build(Spec {
        dsse_payload: Some(statement(json!([{"digest": {"sha256": hex}}]))),
        body_digest: Some(sha256(b"another payload")),
        ..Spec::default()
    });
    assert_eq!(f.check().unwrap_err(), Error::TlogBodyMismatch);
}

/// `{"sha256": OTHER, "sha256": ARTIFACT}`: a first-wins reader sees another artifact than a
/// last-wins one. Before the fix the last value decided and the statement verified.
#[test]
fn own_dsse_subject_with_duplicated_digest_key_is_rejected() {
    let hex = to_hex(&sha256(support::ARTIFACT));
    let other = to_hex(&sha256(b"another artifact"));
    let payload = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"a","digest":{{"sha256":"{other}","sha256":"{hex}"}}}}],"predicateType":"https://scs.test/p","predicate":{{}}}}"#
    );
    let f = build(Spec {
        dsse_payload: Some(payload.into_bytes()),
        ..Spec::default()
    });
    assert_eq!(f.check().unwrap_err(), Error::DsseMalformed);
}
