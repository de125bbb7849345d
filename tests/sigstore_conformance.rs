//! The Sigstore conformance suite's bundle-verification cases as an external judge (rules in
//! `../shared/fixtures/sigstore-conformance/README.md`), plus our own small fixtures.
#![cfg(feature = "sigstore")]
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use scs_cert::sigstore::{self, Artifact, Bundle, Policy, TrustedRoot};

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Valid cases this verifier cannot judge yet, with the reason. The test fails if one of them
/// starts verifying, so the list stays true. `_fail` cases may never appear here.
const KNOWN_GAPS: &[(&str, &str)] = &[(
    "bundle-with-sct-with-extensions",
    "its Fulcio CA is RSA-4096 (sha256WithRSAEncryption); only ECDSA P-256/P-384 and Ed25519 \
     are supported, so the chain is refused (fail closed)",
)];

fn suite_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sigstore-conformance");
    if dir.join("cases").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI: conformance fixtures missing at {}",
        dir.display()
    );
    eprintln!(
        "SKIP: sigstore conformance fixtures not found at {}",
        dir.display()
    );
    None
}

fn read_trimmed(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok().map(|s| s.trim().to_owned())
}

/// Runs one case by the suite's rules; `Ok` means the bundle verified.
fn run_case(base: &Path, case: &Path) -> Result<sigstore::Verified, String> {
    let artifact_path = if case.join("artifact").exists() {
        case.join("artifact")
    } else {
        base.join("a.txt")
    };
    let root_path = if case.join("trusted_root.json").exists() {
        case.join("trusted_root.json")
    } else {
        base.join("production_trusted_root.json")
    };
    let policy = match read_trimmed(&case.join("key.pub")) {
        Some(pem) => Policy::Key { pem },
        None => Policy::Identity {
            issuer: read_trimmed(&case.join("issuer")).unwrap_or_else(|| DEFAULT_ISSUER.into()),
            identity: read_trimmed(&case.join("identity"))
                .unwrap_or_else(|| DEFAULT_IDENTITY.into()),
        },
    };
    let artifact = std::fs::read(artifact_path).unwrap();
    let root = TrustedRoot::from_json(&std::fs::read(root_path).unwrap())
        .map_err(|e| format!("root: {e:?}"))?;
    let bundle = Bundle::from_json(&std::fs::read(case.join("bundle.sigstore.json")).unwrap())
        .map_err(|e| format!("bundle: {e:?}"))?;
    sigstore::verify(&bundle, Artifact::Bytes(&artifact), &root, &policy)
        .map_err(|e| format!("{e:?}"))
}

#[test]
fn conformance_suite() {
    let Some(base) = suite_dir() else { return };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(base.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for (gap, _) in KNOWN_GAPS {
        assert!(
            !gap.ends_with("_fail"),
            "a _fail case can never be a known gap: {gap}"
        );
    }
    let (mut judged, mut problems) = (0usize, Vec::new());
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let result = run_case(&base, case);
        let should_pass = !name.ends_with("_fail");
        let gap = KNOWN_GAPS.iter().find(|(g, _)| *g == name);
        let as_expected = result.is_ok() == should_pass;
        if as_expected {
            judged += 1;
        }
        eprintln!(
            "{} {name}: {:?}",
            if as_expected { "ok  " } else { "MISS" },
            result.as_ref().err()
        );
        match (as_expected, gap, should_pass) {
            (true, Some(_), _) => {
                problems.push(format!("{name} is listed in KNOWN_GAPS but now verifies"))
            }
            (false, None, true) => {
                problems.push(format!("{name} should verify: {:?}", result.err()))
            }
            (false, _, false) => problems.push(format!("SECURITY: {name} was accepted")),
            _ => {}
        }
    }
    eprintln!(
        "sigstore conformance score: {judged}/{} cases judged as expected",
        cases.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Our own offline fixture, built here from fixed test keys: a managed-key (P-256) bundle v0.3
/// with a Rekor v1 `hashedrekord` entry from a test log of our own (SET, one-leaf inclusion
/// proof, signed checkpoint) and the trusted root naming that log.
mod own {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD as B64;
    use p256::ecdsa::signature::Signer as _;
    use p256::ecdsa::signature::hazmat::PrehashSigner as _;
    use p256::ecdsa::{Signature, SigningKey};
    use sha2::{Digest as _, Sha256};

    use scs_cert::sigstore::{
        self, Artifact, Bundle, Error, Policy, Signer, TlogCheck, TrustedRoot,
    };

    pub(super) const ARTIFACT: &[u8] = b"scs-cert test report: our own words, signed offline\n";
    /// 2026-01-01T00:00:00Z.
    const INTEGRATED: u64 = 1_767_225_600;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    /// SubjectPublicKeyInfo for a P-256 key (RFC 5480 §2): fixed prefix + SEC1 point.
    fn spki(k: &SigningKey) -> Vec<u8> {
        let mut der = hex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
        der.extend_from_slice(k.verifying_key().to_sec1_point(false).as_bytes());
        der
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn pem(der: &[u8]) -> String {
        let b = B64.encode(der);
        let lines: Vec<&str> = b
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }

    pub(super) struct Fixture {
        pub(super) bundle: serde_json::Value,
        pub(super) root: Vec<u8>,
        pub(super) key_pem: String,
    }

    pub(super) fn build() -> Fixture {
        let (signer, log) = (key(7), key(9));
        let digest: [u8; 32] = Sha256::digest(ARTIFACT).into();
        let sig: Signature = signer.sign_prehash(&digest).unwrap();
        let sig = sig.to_der().as_bytes().to_vec();
        let key_pem = pem(&spki(&signer));
        let digest_hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let body = format!(
            r#"{{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{{"data":{{"hash":{{"algorithm":"sha256","value":"{digest_hex}"}}}},"signature":{{"content":"{}","publicKey":{{"content":"{}"}}}}}}}}"#,
            B64.encode(&sig),
            B64.encode(&key_pem)
        );
        let body_b64 = B64.encode(&body);
        let log_id: [u8; 32] = Sha256::digest(spki(&log)).into();
        let log_id_hex: String = log_id.iter().map(|b| format!("{b:02x}")).collect();
        let set_payload = format!(
            r#"{{"body":"{body_b64}","integratedTime":{INTEGRATED},"logID":"{log_id_hex}","logIndex":7}}"#
        );
        let set: Signature = log.sign(set_payload.as_bytes());
        let mut leaf = vec![0u8];
        leaf.extend_from_slice(body.as_bytes());
        let root_hash = Sha256::digest(&leaf);
        let note = format!("scs-test-log\n1\n{}\n", B64.encode(root_hash));
        let note_sig: Signature = log.sign(note.as_bytes());
        let mut hinted = log_id[..4].to_vec();
        hinted.extend_from_slice(note_sig.to_der().as_bytes());
        let checkpoint = format!("{note}\n\u{2014} scs-test-log {}\n", B64.encode(hinted));
        let bundle = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {
                "publicKey": {"hint": "scs-test"},
                "tlogEntries": [{
                    "logIndex": "7",
                    "logId": {"keyId": B64.encode(log_id)},
                    "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"},
                    "integratedTime": INTEGRATED.to_string(),
                    "inclusionPromise": {"signedEntryTimestamp": B64.encode(set.to_der().as_bytes())},
                    "inclusionProof": {
                        "logIndex": "0", "rootHash": B64.encode(root_hash), "treeSize": "1",
                        "hashes": [], "checkpoint": {"envelope": checkpoint}
                    },
                    "canonicalizedBody": body_b64
                }]
            },
            "messageSignature": {
                "messageDigest": {"algorithm": "SHA2_256", "digest": B64.encode(digest)},
                "signature": B64.encode(&sig)
            }
        });
        let root = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [{
                "baseUrl": "https://log.test.invalid",
                "hashAlgorithm": "SHA2_256",
                "publicKey": {"rawBytes": B64.encode(spki(&log)), "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                              "validFor": {"start": "2025-01-01T00:00:00Z"}},
                "logId": {"keyId": B64.encode(log_id)}
            }],
            "certificateAuthorities": [], "ctlogs": [], "timestampAuthorities": []
        });
        Fixture {
            bundle,
            root: serde_json::to_vec(&root).unwrap(),
            key_pem,
        }
    }

    pub(super) fn check(
        f: &Fixture,
        artifact: &[u8],
        policy: &Policy,
    ) -> Result<sigstore::Verified, Error> {
        let bundle = Bundle::from_json(&serde_json::to_vec(&f.bundle).unwrap())?;
        let root = TrustedRoot::from_json(&f.root)?;
        sigstore::verify(&bundle, Artifact::Bytes(artifact), &root, policy)
    }

    #[test]
    fn managed_key_bundle_verifies_and_tampering_is_caught() {
        let f = build();
        let policy = Policy::Key {
            pem: f.key_pem.clone(),
        };
        let v = check(&f, ARTIFACT, &policy).unwrap();
        assert!(
            matches!(v.signer(), Signer::Key { fingerprint } if fingerprint.starts_with("SHA256:"))
        );
        assert_eq!(
            v.signed_at().timestamp(),
            i64::try_from(INTEGRATED).unwrap()
        );
        // By digest only.
        let bundle = Bundle::from_json(&serde_json::to_vec(&f.bundle).unwrap()).unwrap();
        let root = TrustedRoot::from_json(&f.root).unwrap();
        let digest: [u8; 32] = Sha256::digest(ARTIFACT).into();
        assert!(sigstore::verify(&bundle, Artifact::Sha256(digest), &root, &policy).is_ok());
        assert_eq!(
            sigstore::verify_any_identity(&bundle, Artifact::Bytes(ARTIFACT), &root),
            Err(Error::KeyRequired)
        );

        assert_eq!(
            check(&f, b"another report\n", &policy).unwrap_err(),
            Error::DigestMismatch
        );
        let other = Policy::Key {
            pem: pem(&spki(&key(8))),
        };
        assert!(check(&f, ARTIFACT, &other).is_err());
        let identity = Policy::Identity {
            issuer: "https://issuer.test".into(),
            identity: "x".into(),
        };
        assert_eq!(
            check(&f, ARTIFACT, &identity).unwrap_err(),
            Error::PolicyKind {
                found: "public key"
            }
        );

        let mut bad_set = build();
        let entry = &mut bad_set.bundle["verificationMaterial"]["tlogEntries"][0];
        entry["integratedTime"] = serde_json::json!((INTEGRATED + 1).to_string());
        assert_eq!(
            check(&bad_set, ARTIFACT, &policy).unwrap_err(),
            Error::TlogCheckFailed {
                check: TlogCheck::Set
            }
        );

        let mut bad_root = build();
        let entry = &mut bad_root.bundle["verificationMaterial"]["tlogEntries"][0];
        entry["inclusionProof"]["rootHash"] = serde_json::json!(B64.encode([0u8; 32]));
        assert_eq!(
            check(&bad_root, ARTIFACT, &policy).unwrap_err(),
            Error::TlogCheckFailed {
                check: TlogCheck::InclusionProof
            }
        );

        let mut no_log = build();
        no_log.bundle["verificationMaterial"]["tlogEntries"] = serde_json::json!([]);
        assert_eq!(
            check(&no_log, ARTIFACT, &policy).unwrap_err(),
            Error::TlogEntryCount { found: 0 }
        );
    }

    #[test]
    fn oversized_and_malformed_input_is_refused() {
        let big = vec![b' '; sigstore::MAX_BUNDLE_BYTES + 1];
        assert!(matches!(
            Bundle::from_json(&big),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(Bundle::from_json(b"{"), Err(Error::Json { .. })));
        assert!(matches!(
            Bundle::from_json(br#"{"mediaType":"x","verificationMaterial":{}}"#),
            Err(Error::MediaType { .. })
        ));
    }
}
