//! Our own Sigstore bundles for tests, built from fixed test keys: a managed P-256 signing key,
//! and a test Rekor v1 log (SET, Merkle inclusion proof, signed checkpoint) with the trusted
//! root naming it. Every knob of [`Spec`] changes what the log signs, so a hostile bundle can be
//! built whose log evidence is validly signed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::signature::hazmat::PrehashSigner as _;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest as _, Sha256};

use scs_sigstore::{self as sigstore, Artifact, Bundle, Error, Policy, TrustedRoot};

pub const ARTIFACT: &[u8] = b"scs-cert test report: our own words, signed offline\n";
/// 2026-01-01T00:00:00Z.
pub const INTEGRATED: u64 = 1_767_225_600;

pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).unwrap()
}

/// SubjectPublicKeyInfo for a P-256 key (RFC 5480 §2): fixed prefix + SEC1 point.
pub fn spki(k: &SigningKey) -> Vec<u8> {
    let mut der = hex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    der.extend_from_slice(k.verifying_key().to_sec1_point(false).as_bytes());
    der
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn pem(der: &[u8]) -> String {
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

pub fn sha256(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

/// RFC 6962 §2.1 leaf hash.
pub fn leaf_hash(data: &[u8]) -> [u8; 32] {
    let mut v = vec![0u8];
    v.extend_from_slice(data);
    sha256(&v)
}

/// RFC 6962 §2.1 interior node hash.
pub fn node_hash(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
    let mut v = vec![1u8];
    v.extend_from_slice(l);
    v.extend_from_slice(r);
    sha256(&v)
}

/// The largest power of two smaller than `n` (n > 1).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// Merkle tree hash over leaf hashes (RFC 6962 §2.1: split at the largest power of two < n).
pub fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => sha256(b""),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// Audit path for leaf `m` (RFC 6962 §2.1.1), leaf-most first.
pub fn path(m: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// What to build.
pub struct Spec {
    pub artifact: Vec<u8>,
    /// The digest the log body records (default: the artifact's).
    pub body_digest: Option<[u8; 32]>,
    /// The whole log body JSON, replacing the generated one.
    pub body: Option<String>,
    /// A DSSE in-toto payload: the bundle gets a DSSE envelope and a Rekor v1 `dsse` entry.
    pub dsse_payload: Option<Vec<u8>>,
    pub integrated: u64,
    pub log_index: u64,
    /// The log's key ID in bundle and root (default: SHA-256 of its SPKI).
    pub log_key_id: Option<Vec<u8>>,
    /// `validFor` of the log key in the trusted root.
    pub log_valid_for: serde_json::Value,
    /// Leaves of other entries before ours in the tree (ours is the last leaf).
    pub leaves_before: usize,
    /// Whether the entry has a SET.
    pub set: bool,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            artifact: ARTIFACT.to_vec(),
            body_digest: None,
            body: None,
            dsse_payload: None,
            integrated: INTEGRATED,
            log_index: 7,
            log_key_id: None,
            log_valid_for: serde_json::json!({"start": "2025-01-01T00:00:00Z"}),
            leaves_before: 0,
            set: true,
        }
    }
}

pub struct Fixture {
    pub bundle: serde_json::Value,
    pub root: serde_json::Value,
    pub key_pem: String,
    pub artifact: Vec<u8>,
    /// The checkpoint's note text (signed by the log).
    pub note: String,
    pub log_key_id: Vec<u8>,
}

/// `— <name> <base64(hint || signature)>` signed by `signer` over `text` (C2SP signed-note).
pub fn note_signature(name: &str, hint: &[u8], signer: &SigningKey, text: &str) -> String {
    let sig: Signature = signer.sign(text.as_bytes());
    let mut hinted = hint.to_vec();
    hinted.extend_from_slice(sig.to_der().as_bytes());
    format!("\u{2014} {name} {}\n", B64.encode(hinted))
}

/// The test log's signing key.
pub fn log_key() -> SigningKey {
    key(9)
}

/// DSSE PAE (DSSE protocol.md).
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

pub fn build(spec: Spec) -> Fixture {
    let (signer, log) = (key(7), log_key());
    let digest = sha256(&spec.artifact);
    let key_pem = pem(&spki(&signer));
    let (generated_body, content) = match &spec.dsse_payload {
        None => {
            let sig: Signature = signer.sign_prehash(&digest).unwrap();
            let sig = sig.to_der().as_bytes().to_vec();
            let body = format!(
                r#"{{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{{"data":{{"hash":{{"algorithm":"sha256","value":"{}"}}}},"signature":{{"content":"{}","publicKey":{{"content":"{}"}}}}}}}}"#,
                to_hex(&spec.body_digest.unwrap_or(digest)),
                B64.encode(&sig),
                B64.encode(&key_pem)
            );
            let content = (
                "messageSignature",
                serde_json::json!({
                    "messageDigest": {"algorithm": "SHA2_256", "digest": B64.encode(digest)},
                    "signature": B64.encode(&sig)
                }),
            );
            (body, content)
        }
        Some(payload) => {
            let pt = "application/vnd.in-toto+json";
            let sig: Signature = signer.sign(&pae(pt, payload));
            let sig = sig.to_der().as_bytes().to_vec();
            let body = format!(
                r#"{{"apiVersion":"0.0.1","kind":"dsse","spec":{{"envelopeHash":{{"algorithm":"sha256","value":"00"}},"payloadHash":{{"algorithm":"sha256","value":"{}"}},"signatures":[{{"signature":"{}","verifier":"{}"}}]}}}}"#,
                to_hex(&spec.body_digest.unwrap_or(sha256(payload))),
                B64.encode(&sig),
                B64.encode(&key_pem)
            );
            let content = (
                "dsseEnvelope",
                serde_json::json!({
                    "payload": B64.encode(payload), "payloadType": pt,
                    "signatures": [{"sig": B64.encode(&sig), "keyid": ""}]
                }),
            );
            (body, content)
        }
    };
    let body = spec.body.clone().unwrap_or(generated_body);
    let kind = if spec.dsse_payload.is_some() {
        "dsse"
    } else {
        "hashedrekord"
    };
    let body_b64 = B64.encode(&body);
    let log_key_id = spec
        .log_key_id
        .clone()
        .unwrap_or_else(|| sha256(&spki(&log)).to_vec());
    let set_payload = format!(
        r#"{{"body":"{body_b64}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
        spec.integrated,
        to_hex(&log_key_id),
        spec.log_index
    );
    let set: Signature = log.sign(set_payload.as_bytes());
    let mut leaves: Vec<[u8; 32]> = (0..spec.leaves_before)
        .map(|i| leaf_hash(format!("another entry {i}").as_bytes()))
        .collect();
    leaves.push(leaf_hash(body.as_bytes()));
    let index = leaves.len() - 1;
    let root_hash = mth(&leaves);
    let hashes: Vec<String> = path(index, &leaves).iter().map(|h| B64.encode(h)).collect();
    let note = format!(
        "scs-test-log\n{}\n{}\n",
        leaves.len(),
        B64.encode(root_hash)
    );
    let hint = log_key_id.get(..4).unwrap_or(&log_key_id);
    let checkpoint = format!(
        "{note}\n{}",
        note_signature("scs-test-log", hint, &log, &note)
    );
    let mut entry = serde_json::json!({
        "logIndex": spec.log_index.to_string(),
        "logId": {"keyId": B64.encode(&log_key_id)},
        "kindVersion": {"kind": kind, "version": "0.0.1"},
        "integratedTime": spec.integrated.to_string(),
        "inclusionProof": {
            "logIndex": index.to_string(), "rootHash": B64.encode(root_hash),
            "treeSize": leaves.len().to_string(),
            "hashes": hashes, "checkpoint": {"envelope": checkpoint}
        },
        "canonicalizedBody": body_b64
    });
    if spec.set {
        entry["inclusionPromise"] =
            serde_json::json!({"signedEntryTimestamp": B64.encode(set.to_der().as_bytes())});
    }
    let mut bundle = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "publicKey": {"hint": "scs-test"},
            "tlogEntries": [entry]
        },
    });
    bundle[content.0] = content.1;
    let root = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "tlogs": [{
            "baseUrl": "https://log.test.invalid",
            "hashAlgorithm": "SHA2_256",
            "publicKey": {"rawBytes": B64.encode(spki(&log)), "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                          "validFor": spec.log_valid_for},
            "logId": {"keyId": B64.encode(&log_key_id)}
        }],
        "certificateAuthorities": [], "ctlogs": [], "timestampAuthorities": []
    });
    Fixture {
        bundle,
        root,
        key_pem,
        artifact: spec.artifact,
        note,
        log_key_id,
    }
}

impl Fixture {
    pub fn policy(&self) -> Policy {
        Policy::Key {
            pem: self.key_pem.clone(),
        }
    }

    /// Verifies the fixture's bundle for its artifact with its key.
    ///
    /// # Errors
    ///
    /// The verifier's.
    pub fn check(&self) -> Result<sigstore::Verified, Error> {
        self.check_with(Artifact::Bytes(&self.artifact), &self.policy())
    }

    /// Verifies the fixture's bundle for `artifact` under `policy`.
    ///
    /// # Errors
    ///
    /// The verifier's.
    pub fn check_with(
        &self,
        artifact: Artifact<'_>,
        policy: &Policy,
    ) -> Result<sigstore::Verified, Error> {
        let bundle = Bundle::from_json(&serde_json::to_vec(&self.bundle).unwrap())?;
        let root = TrustedRoot::from_json(&serde_json::to_vec(&self.root).unwrap())?;
        sigstore::verify(&bundle, artifact, &root, policy)
    }

    /// The (only) tlog entry, for mutation.
    pub fn entry(&mut self) -> &mut serde_json::Value {
        &mut self.bundle["verificationMaterial"]["tlogEntries"][0]
    }
}
