//! Adversarial tests of the Sigstore verifier: hostile bundles made by mutating the
//! conformance suite's valid bundles in memory (`../shared/fixtures/sigstore-conformance`, read
//! only) and our own generated bundles, whose log evidence (SET, checkpoint) is validly signed
//! by our test log so each check is reached on its own. Every case must be rejected with the
//! expected error; nothing may panic.
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

use scs_testkit::sigstore_bundle as support;

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use scs_sigstore::{self as sigstore, Artifact, Bundle, Error, Policy, TlogCheck, TrustedRoot};
use support::sha256;

mod own;

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

/// The upstream conformance suite (`../shared/fixtures/sigstore-conformance`), or `None` after a
/// skip note when it is missing and `CI` is unset.
fn suite_dir() -> Option<PathBuf> {
    let dir = scs_testkit::tools::shared_fixtures()?.join("sigstore-conformance");
    assert!(dir.join("cases").is_dir(), "{} has no cases", dir.display());
    Some(dir)
}

/// One valid conformance case, loaded for mutation.
struct Case {
    bundle: Value,
    root: Value,
    artifact: Vec<u8>,
    policy: Policy,
}

fn case(name: &str) -> Option<Case> {
    let base = suite_dir()?;
    let dir = base.join("cases").join(name);
    let read = |p: PathBuf| std::fs::read(p).unwrap();
    let artifact = if dir.join("artifact").exists() {
        read(dir.join("artifact"))
    } else {
        read(base.join("a.txt"))
    };
    let root = if dir.join("trusted_root.json").exists() {
        read(dir.join("trusted_root.json"))
    } else {
        read(base.join("production_trusted_root.json"))
    };
    Some(Case {
        bundle: serde_json::from_slice(&read(dir.join("bundle.sigstore.json"))).unwrap(),
        root: serde_json::from_slice(&root).unwrap(),
        artifact,
        policy: Policy::Identity {
            issuer: ISSUER.into(),
            identity: IDENTITY.into(),
        },
    })
}

impl Case {
    fn check(&self) -> Result<sigstore::Verified, Error> {
        self.check_with(Artifact::Bytes(&self.artifact), &self.policy)
    }
    fn check_with(&self, a: Artifact<'_>, p: &Policy) -> Result<sigstore::Verified, Error> {
        let bundle = Bundle::from_json(&serde_json::to_vec(&self.bundle).unwrap())?;
        let root = TrustedRoot::from_json(&serde_json::to_vec(&self.root).unwrap())?;
        sigstore::verify(&bundle, a, &root, p)
    }
    fn entry(&mut self) -> &mut Value {
        &mut self.bundle["verificationMaterial"]["tlogEntries"][0]
    }
}

/// Flips one bit in the middle of a base64 field (inside DER signatures this stays in r or s).
fn flip(v: &mut Value) {
    let mut b = B64.decode(v.as_str().unwrap()).unwrap();
    let i = b.len() / 2;
    b[i] ^= 0x01;
    *v = json!(B64.encode(b));
}

/// Flips one bit near the end of a base64 field: in an RFC 3161 response, inside the
/// SignerInfo's signature (the middle may hold the embedded certificates, which are unsigned
/// and unused: the trusted root's are).
fn flip_tail(v: &mut Value) {
    let mut b = B64.decode(v.as_str().unwrap()).unwrap();
    let i = b.len() - 8;
    b[i] ^= 0x01;
    *v = json!(B64.encode(b));
}

const SET: Error = Error::TlogCheckFailed {
    check: TlogCheck::Set,
};
const PROOF: Error = Error::TlogCheckFailed {
    check: TlogCheck::InclusionProof,
};
const CHECKPOINT: Error = Error::TlogCheckFailed {
    check: TlogCheck::Checkpoint,
};

// ---- mutations of the conformance suite's valid bundles -------------------------------------

#[test]
fn baseline_cases_verify() {
    for name in [
        "happy-path-v0.2",
        "happy-path-v0.3",
        "happy-path-intoto-in-dsse-v3",
        "rekor2-happy-path",
    ] {
        let Some(c) = case(name) else { return };
        assert!(c.check().is_ok(), "{name}: {:?}", c.check());
    }
}

#[test]
fn flipped_signature_bit_is_rejected() {
    let Some(mut c) = case("happy-path-v0.2") else {
        return;
    };
    flip(&mut c.bundle["messageSignature"]["signature"]);
    assert_eq!(c.check().unwrap_err(), Error::SignatureInvalid);
}

#[test]
fn flipped_set_bit_is_rejected() {
    let Some(mut c) = case("happy-path-v0.2") else {
        return;
    };
    flip(&mut c.entry()["inclusionPromise"]["signedEntryTimestamp"]);
    assert_eq!(c.check().unwrap_err(), SET);
}

#[test]
fn flipped_inclusion_proof_hash_is_rejected() {
    let Some(mut c) = case("happy-path-v0.3") else {
        return;
    };
    flip(&mut c.entry()["inclusionProof"]["hashes"][0]);
    assert_eq!(c.check().unwrap_err(), PROOF);
}

#[test]
fn changed_log_index_or_integrated_time_breaks_the_set() {
    let Some(mut c) = case("happy-path-v0.2") else {
        return;
    };
    let idx: u64 = c.entry()["logIndex"].as_str().unwrap().parse().unwrap();
    c.entry()["logIndex"] = json!((idx + 1).to_string());
    assert_eq!(c.check().unwrap_err(), SET);

    let Some(mut c) = case("happy-path-v0.2") else {
        return;
    };
    let t: u64 = c.entry()["integratedTime"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    c.entry()["integratedTime"] = json!((t - 1).to_string());
    assert_eq!(c.check().unwrap_err(), SET);
}

/// `u64::from_str` takes `+7` and `07`; the SET is over the canonical number, so before the
/// fix such a bundle verified with a log index spelled differently from what the log signed.
#[test]
fn noncanonical_log_index_is_rejected() {
    for spelling in ["+{}", "0{}", " {}", "{} "] {
        let Some(mut c) = case("happy-path-v0.2") else {
            return;
        };
        let idx = c.entry()["logIndex"].as_str().unwrap().to_owned();
        c.entry()["logIndex"] = json!(spelling.replace("{}", &idx));
        assert_eq!(c.check().unwrap_err(), Error::TlogMalformed, "{spelling}");
    }
}

#[test]
fn swapped_certificate_is_rejected() {
    let Some(other) = case("happy-path-v0.3") else {
        return;
    };
    let Some(mut c) = case("happy-path-v0.2") else {
        return;
    };
    let cert = other.bundle["verificationMaterial"]["certificate"]["rawBytes"].clone();
    c.bundle["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"] = cert;
    assert_eq!(c.check().unwrap_err(), Error::SignatureInvalid);
}

#[test]
fn near_miss_identities_and_issuers_are_rejected() {
    let Some(c) = case("happy-path-v0.2") else {
        return;
    };
    let upper = IDENTITY.replace("github.com", "GitHub.com");
    let identities = [
        format!("{IDENTITY}/"),
        upper,
        IDENTITY.trim_end_matches("main").to_owned(),
        format!("{IDENTITY}x"),
        String::new(),
    ];
    for identity in identities {
        let p = Policy::Identity {
            issuer: ISSUER.into(),
            identity: identity.clone(),
        };
        let err = c.check_with(Artifact::Bytes(&c.artifact), &p).unwrap_err();
        assert!(matches!(err, Error::IdentityMismatch { .. }), "{identity}");
    }
    for issuer in [
        format!("{ISSUER}/"),
        ISSUER.to_uppercase(),
        "https://accounts.google.com".into(),
    ] {
        let p = Policy::Identity {
            issuer: issuer.clone(),
            identity: IDENTITY.into(),
        };
        let err = c.check_with(Artifact::Bytes(&c.artifact), &p).unwrap_err();
        assert!(matches!(err, Error::IdentityMismatch { .. }), "{issuer}");
    }
}

#[test]
fn log_key_validity_ending_before_the_entry_is_rejected() {
    let Some(mut c) = case("happy-path-v0.2") else {
        return;
    };
    let id = c.entry()["logId"]["keyId"].clone();
    for log in c.root["tlogs"].as_array_mut().unwrap() {
        if log["logId"]["keyId"] == id {
            log["publicKey"]["validFor"]["end"] = json!("2021-01-13T00:00:00Z");
        }
    }
    assert!(matches!(
        c.check().unwrap_err(),
        Error::LogKeyNotValidAt { .. }
    ));
}

#[test]
fn message_digest_algorithm_confusion_is_rejected() {
    let Some(mut c) = case("happy-path-v0.2") else {
        return;
    };
    c.bundle["messageSignature"]["messageDigest"]["algorithm"] = json!("SHA2_384");
    assert_eq!(c.check().unwrap_err(), Error::DigestMismatch);
}

#[test]
fn artifact_by_digest_is_equivalent_to_bytes() {
    let Some(c) = case("happy-path-v0.2") else {
        return;
    };
    let by_bytes = c.check().unwrap();
    let by_digest = c
        .check_with(Artifact::Sha256(sha256(&c.artifact)), &c.policy)
        .unwrap();
    assert_eq!(by_bytes, by_digest);
    let mut other = sha256(&c.artifact);
    other[0] ^= 1;
    assert_eq!(
        c.check_with(Artifact::Sha256(other), &c.policy)
            .unwrap_err(),
        Error::DigestMismatch
    );
    assert_eq!(
        c.check_with(Artifact::Bytes(b"other"), &c.policy)
            .unwrap_err(),
        Error::DigestMismatch
    );
}

#[test]
fn tampered_checkpoints_are_rejected() {
    let envelope = |c: &mut Case| -> String {
        c.entry()["inclusionProof"]["checkpoint"]["envelope"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let Some(mut c) = case("happy-path-v0.3") else {
        return;
    };
    let env = envelope(&mut c);
    let (text, sigs) = env.split_once("\n\n").unwrap();
    let set = |c: &mut Case, e: String| {
        c.entry()["inclusionProof"]["checkpoint"]["envelope"] = json!(e);
    };
    // Another origin, no signature, a signature line that is not one, no blank line.
    for bad in [
        format!("x{text}\n\n{sigs}"),
        format!("{text}\n\n"),
        format!("{text}\n\n{sigs}garbage\n"),
        format!("{text}\n{sigs}"),
    ] {
        let mut m = case("happy-path-v0.3").unwrap();
        set(&mut m, bad.clone());
        assert_eq!(m.check().unwrap_err(), CHECKPOINT, "{bad:?}");
    }
    // An unknown cosignature next to the log's does not hurt.
    let cosig = format!(
        "\u{2014} witness.test {}\n",
        B64.encode([1u8, 2, 3, 4, 5, 6, 7, 8])
    );
    set(&mut c, format!("{text}\n\n{cosig}{sigs}"));
    assert!(c.check().is_ok(), "{:?}", c.check());
}

#[test]
fn dsse_envelope_tampering_is_rejected() {
    let Some(mut c) = case("happy-path-intoto-in-dsse-v3") else {
        return;
    };
    c.bundle["dsseEnvelope"]["payloadType"] = json!("application/vnd.in-toto+json ");
    assert_eq!(c.check().unwrap_err(), Error::DsseMalformed);
    let Some(mut c) = case("happy-path-intoto-in-dsse-v3") else {
        return;
    };
    flip(&mut c.bundle["dsseEnvelope"]["payload"]);
    assert_eq!(c.check().unwrap_err(), Error::SignatureInvalid);
    let Some(mut c) = case("happy-path-intoto-in-dsse-v3") else {
        return;
    };
    let sig = c.bundle["dsseEnvelope"]["signatures"][0].clone();
    c.bundle["dsseEnvelope"]["signatures"] = json!([sig.clone(), sig]);
    assert_eq!(c.check().unwrap_err(), Error::DsseMalformed);
}

/// Rekor v2 has no SET: before the fix the entry's `logIndex` was covered by nothing and any
/// value was accepted next to a proof for another index.
#[test]
fn rekor2_entry_log_index_must_be_the_proven_one() {
    let Some(mut c) = case("rekor2-happy-path") else {
        return;
    };
    let idx: u64 = c.entry()["logIndex"].as_str().unwrap().parse().unwrap();
    c.entry()["logIndex"] = json!((idx + 1).to_string());
    assert_eq!(c.check().unwrap_err(), Error::TlogMalformed);
}

#[test]
fn rekor2_timestamp_tampering_is_rejected() {
    fn ts(c: &mut Case) -> &mut Value {
        &mut c.bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
    }
    let Some(mut c) = case("rekor2-happy-path") else {
        return;
    };
    flip_tail(&mut ts(&mut c)[0]["signedTimestamp"]);
    assert_eq!(c.check().unwrap_err(), Error::TimestampInvalid { index: 0 });

    let mut c = case("rekor2-happy-path").unwrap();
    *ts(&mut c) = json!([]);
    assert_eq!(c.check().unwrap_err(), Error::NoVerifiedTime);

    // A second, broken timestamp next to a good one is not ignored.
    let mut c = case("rekor2-happy-path").unwrap();
    let good = ts(&mut c)[0].clone();
    let mut bad = good.clone();
    flip_tail(&mut bad["signedTimestamp"]);
    *ts(&mut c) = json!([good, bad]);
    assert_eq!(c.check().unwrap_err(), Error::TimestampInvalid { index: 1 });

    // The TSA's validity in the trusted root ends before the timestamp.
    let mut c = case("rekor2-happy-path").unwrap();
    for tsa in c.root["timestampAuthorities"].as_array_mut().unwrap() {
        tsa["validFor"] = json!({"start": "2020-01-01T00:00:00Z", "end": "2021-01-01T00:00:00Z"});
    }
    assert_eq!(c.check().unwrap_err(), Error::TimestampInvalid { index: 0 });
}

#[test]
fn hostile_json_is_refused_without_panic() {
    let Some(c) = case("happy-path-v0.3") else {
        return;
    };
    let text = serde_json::to_vec(&c.bundle).unwrap();
    for cut in [1, text.len() / 3, text.len() / 2, text.len() - 1] {
        assert!(
            matches!(Bundle::from_json(&text[..cut]), Err(Error::Json { .. })),
            "cut at {cut}"
        );
    }
    // 5 MB.
    let mut big = c.bundle.clone();
    big["padding"] = json!("x".repeat(5 * 1024 * 1024));
    let big = serde_json::to_vec(&big).unwrap();
    assert!(matches!(
        Bundle::from_json(&big),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        TrustedRoot::from_json(&big),
        Err(Error::TooLarge { .. })
    ));
    // Deeply nested (under the size limit), where a value is expected and in an ignored
    // field: a parse error or an ignored field, never a stack overflow.
    for depth in [200usize, 100_000, 1_000_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for (media, field) in [
            (
                "application/vnd.dev.sigstore.bundle.v0.3+json",
                "verificationMaterial",
            ),
            (
                "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
                "tlogs",
            ),
        ] {
            let known = format!(r#"{{"mediaType":"{media}","{field}":{deep}}}"#);
            let err = if field == "tlogs" {
                TrustedRoot::from_json(known.as_bytes()).unwrap_err()
            } else {
                Bundle::from_json(known.as_bytes()).unwrap_err()
            };
            assert!(matches!(err, Error::Json { .. }), "{field} {depth}");
            let ignored = format!(r#"{{"mediaType":"{media}","x":{deep}}}"#);
            let _ = Bundle::from_json(ignored.as_bytes());
            let _ = TrustedRoot::from_json(ignored.as_bytes());
        }
    }
    // A duplicated field cannot smuggle a second value past the first.
    let s = String::from_utf8(text).unwrap();
    let dup = s.replacen(
        r#""messageSignature":"#,
        r#""messageSignature":{"signature":""},"messageSignature":"#,
        1,
    );
    assert_ne!(dup, s);
    assert!(matches!(
        Bundle::from_json(dup.as_bytes()),
        Err(Error::Json { .. })
    ));
    assert!(matches!(Bundle::from_json(b""), Err(Error::Json { .. })));
    assert!(matches!(
        Bundle::from_json(b"null"),
        Err(Error::Json { .. })
    ));
    assert!(matches!(
        Bundle::from_json(&[0xff, 0xfe, 0x00]),
        Err(Error::Json { .. })
    ));
}
