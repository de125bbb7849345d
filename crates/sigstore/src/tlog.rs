//! Rekor transparency-log entries: the entry body must describe exactly the bundle's signature,
//! key and artifact; the signed entry timestamp (SET), the Merkle inclusion proof (RFC 9162
//! §2.1.3.2) and the signed checkpoint (C2SP signed-note, tlog-checkpoint) are checked with the
//! log's key from the trusted root.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use super::keys::Hash;
use super::model::{InclusionProof, TlogEntry};
use super::{Error, LogKey, TlogCheck};

/// What the log entry must record: taken from the bundle, checked against the entry body.
#[derive(Debug)]
pub(crate) struct Expected<'a> {
    /// The signature bytes (message signature, or the single DSSE signature).
    pub(crate) signature: &'a [u8],
    /// DER of the signing certificate, or of the managed key's SubjectPublicKeyInfo.
    pub(crate) verifier_der: &'a [u8],
    /// SHA-256 the signature is over: the artifact (message signature) or the DSSE PAE.
    pub(crate) signed_digest: [u8; 32],
    /// For DSSE: SHA-256 of the envelope payload (Rekor v1 `dsse` entries record it).
    pub(crate) payload_digest: Option<[u8; 32]>,
}

fn b64(s: &str) -> Result<Vec<u8>, Error> {
    B64.decode(s.trim()).map_err(|_| Error::TlogBodyMismatch)
}

/// The DER inside a base64-encoded PEM (how Rekor v1 records keys and certificates).
fn pem_b64_der(s: &str) -> Result<Vec<u8>, Error> {
    let pem = b64(s)?;
    let (_, der) = der::pem::decode_vec(&pem).map_err(|_| Error::TlogBodyMismatch)?;
    Ok(der)
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    // `from_str_radix` alone would also take a sign ("+a"): only plain hex digits are a digest.
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The entry body with a typed `spec`: parsing into typed structs (never a
/// `serde_json::Value`, which keeps the last of duplicated keys) makes serde refuse a body with
/// a duplicated field, so the body cannot say one thing to us and another to other readers.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body<S> {
    api_version: String,
    kind: String,
    spec: S,
}

fn typed_spec<'a, S: Deserialize<'a>>(body: &'a [u8]) -> Result<S, Error> {
    serde_json::from_slice::<Body<S>>(body)
        .map(|b| b.spec)
        .map_err(|_| Error::TlogBodyMismatch)
}

/// hashedrekord v0.0.1 (rekor `pkg/types/hashedrekord/v0.0.1/hashedrekord_v0_0_1_schema.json`).
#[derive(Deserialize)]
struct HashedRekordV001 {
    data: V001Data,
    signature: V001Signature,
}
#[derive(Deserialize)]
struct V001Data {
    hash: V001Hash,
}
#[derive(Deserialize)]
struct V001Hash {
    algorithm: String,
    value: String,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V001Signature {
    content: String,
    public_key: V001Content,
}
#[derive(Deserialize)]
struct V001Content {
    content: String,
}

/// dsse v0.0.1 (rekor `pkg/types/dsse/v0.0.1/dsse_v0_0_1_schema.json`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DsseV001 {
    payload_hash: V001Hash,
    signatures: Vec<DsseV001Sig>,
}
#[derive(Deserialize)]
struct DsseV001Sig {
    signature: String,
    verifier: String,
}

/// hashedrekord v0.0.2 (Rekor v2, protobuf-specs `rekor/v2/hashedrekord.proto`, JSON form).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HashedRekordV002Outer {
    hashed_rekord_v002: HashedRekordV002,
}
#[derive(Deserialize)]
struct HashedRekordV002 {
    data: V002Hash,
    signature: V002Signature,
}
#[derive(Deserialize)]
struct V002Hash {
    algorithm: String,
    digest: String,
}
#[derive(Deserialize)]
struct V002Signature {
    content: String,
    verifier: V002Verifier,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V002Verifier {
    x509_certificate: Option<V002Raw>,
    public_key: Option<V002Raw>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V002Raw {
    raw_bytes: String,
}

/// Which Rekor generation an entry belongs to (decides where its time comes from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generation {
    /// Rekor v1: integrated time, SET.
    V1,
    /// Rekor v2: no integrated time; time only from RFC 3161 timestamps.
    V2,
}

/// Checks that the entry body records exactly `expected`. Rekor v1 `intoto` entries and other
/// kinds are refused (fail closed).
pub(crate) fn check_body(
    entry: &TlogEntry,
    body: &[u8],
    expected: &Expected<'_>,
) -> Result<Generation, Error> {
    let mismatch = Error::TlogBodyMismatch;
    let parsed: Body<serde::de::IgnoredAny> =
        serde_json::from_slice(body).map_err(|_| mismatch.clone())?;
    if parsed.kind != entry.kind_version.kind || parsed.api_version != entry.kind_version.version {
        return Err(mismatch);
    }
    match (
        parsed.kind.as_str(),
        parsed.api_version.as_str(),
        expected.payload_digest,
    ) {
        ("hashedrekord", "0.0.1", None) => {
            let spec: HashedRekordV001 = typed_spec(body)?;
            let ok = spec.data.hash.algorithm == "sha256"
                && hex32(&spec.data.hash.value) == Some(expected.signed_digest)
                && b64(&spec.signature.content)? == expected.signature
                && pem_b64_der(&spec.signature.public_key.content)? == expected.verifier_der;
            if ok {
                Ok(Generation::V1)
            } else {
                Err(mismatch)
            }
        }
        ("dsse", "0.0.1", Some(payload_digest)) => {
            let spec: DsseV001 = typed_spec(body)?;
            let [sig] = spec.signatures.as_slice() else {
                return Err(mismatch);
            };
            let ok = spec.payload_hash.algorithm == "sha256"
                && hex32(&spec.payload_hash.value) == Some(payload_digest)
                && b64(&sig.signature)? == expected.signature
                && pem_b64_der(&sig.verifier)? == expected.verifier_der;
            if ok {
                Ok(Generation::V1)
            } else {
                Err(mismatch)
            }
        }
        // Rekor v2 records DSSE envelopes as hashedrekord over the PAE digest as well.
        ("hashedrekord", "0.0.2", _) => {
            let outer: HashedRekordV002Outer = typed_spec(body)?;
            let spec = outer.hashed_rekord_v002;
            let verifier = match (
                &spec.signature.verifier.x509_certificate,
                &spec.signature.verifier.public_key,
            ) {
                (Some(c), None) | (None, Some(c)) => b64(&c.raw_bytes)?,
                _ => return Err(mismatch),
            };
            let ok = spec.data.algorithm == "SHA2_256"
                && b64(&spec.data.digest)? == expected.signed_digest
                && b64(&spec.signature.content)? == expected.signature
                && verifier == expected.verifier_der;
            if ok {
                Ok(Generation::V2)
            } else {
                Err(mismatch)
            }
        }
        _ => Err(Error::UnsupportedEntryKind {
            kind: entry.kind_version.kind.clone(),
            version: entry.kind_version.version.clone(),
        }),
    }
}

/// Parses a decimal int64 as protobuf JSON writes it; negative values are refused, and so are
/// a sign or leading zeros (`"+7"`, `"07"`): `u64::from_str` takes them, but the SET is over
/// the canonical number, so only one spelling of each value is accepted.
pub(crate) fn parse_u64(s: &str) -> Result<u64, Error> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !canonical {
        return Err(Error::TlogMalformed);
    }
    s.parse::<u64>().map_err(|_| Error::TlogMalformed)
}

/// Verifies the signed entry timestamp (Rekor v1): the log's signature over the canonical JSON
/// of body, integratedTime, logID (hex) and logIndex (RFC 8785 key order).
pub(crate) fn check_set(
    entry: &TlogEntry,
    log: &LogKey,
    integrated_time: u64,
) -> Result<(), Error> {
    let promise = entry
        .inclusion_promise
        .as_ref()
        .ok_or(Error::TlogCheckFailed {
            check: TlogCheck::Set,
        })?;
    let sig = B64
        .decode(&promise.signed_entry_timestamp)
        .map_err(|_| Error::TlogMalformed)?;
    let log_index = parse_u64(&entry.log_index)?;
    let log_id_hex: String = log.key_id.iter().map(|b| format!("{b:02x}")).collect();
    // Every value is either an integer or base64/hex text: no JSON escaping is needed.
    let payload = format!(
        r#"{{"body":"{}","integratedTime":{integrated_time},"logID":"{log_id_hex}","logIndex":{log_index}}}"#,
        entry.canonicalized_body.trim()
    );
    if entry
        .canonicalized_body
        .trim()
        .bytes()
        .any(|b| !(b.is_ascii_alphanumeric() || b"+/=".contains(&b)))
    {
        return Err(Error::TlogMalformed);
    }
    log.key
        .verify(Hash::Sha256, payload.as_bytes(), &sig)
        .map_err(|_| Error::TlogCheckFailed {
            check: TlogCheck::Set,
        })
}

fn node(l: &[u8], r: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

/// Verifies the inclusion proof and its signed checkpoint; the checkpoint must be signed by
/// `log` and commit to the proof's root hash and tree size.
pub(crate) fn check_inclusion(
    proof: &InclusionProof,
    body: &[u8],
    log: &LogKey,
) -> Result<(), Error> {
    let fail = |check| Error::TlogCheckFailed { check };
    let index = parse_u64(&proof.log_index)?;
    let size = parse_u64(&proof.tree_size)?;
    let root: [u8; 32] = B64
        .decode(&proof.root_hash)
        .ok()
        .and_then(|r| r.try_into().ok())
        .ok_or(Error::TlogMalformed)?;
    let mut leaf = Sha256::new();
    leaf.update([0u8]);
    leaf.update(body);
    let mut r: [u8; 32] = leaf.finalize().into();
    // RFC 9162 §2.1.3.2.
    if index >= size {
        return Err(fail(TlogCheck::InclusionProof));
    }
    let (mut fnode, mut snode) = (index, size - 1);
    for h in &proof.hashes {
        let p = B64.decode(h).map_err(|_| Error::TlogMalformed)?;
        if p.len() != 32 || snode == 0 {
            return Err(fail(TlogCheck::InclusionProof));
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node(&p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node(&r, &p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 || r != root {
        return Err(fail(TlogCheck::InclusionProof));
    }
    let checkpoint = proof
        .checkpoint
        .as_ref()
        .ok_or(fail(TlogCheck::Checkpoint))?;
    let (cp_size, cp_root) = check_checkpoint(&checkpoint.envelope, log)?;
    if cp_size != size || cp_root != root {
        return Err(fail(TlogCheck::Checkpoint));
    }
    Ok(())
}

/// Reads a signed note (C2SP signed-note) holding a checkpoint (C2SP tlog-checkpoint) and
/// verifies the log's signature line; returns (tree size, root hash).
fn check_checkpoint(envelope: &str, log: &LogKey) -> Result<(u64, [u8; 32]), Error> {
    let fail = Error::TlogCheckFailed {
        check: TlogCheck::Checkpoint,
    };
    let (text, sigs) = envelope.split_once("\n\n").ok_or(fail.clone())?;
    let text = format!("{text}\n");
    let mut lines = text.lines();
    let origin = lines.next().ok_or(fail.clone())?;
    let size = lines.next().ok_or(fail.clone())?;
    let root = lines.next().ok_or(fail.clone())?;
    if origin.is_empty() || size.is_empty() || size.bytes().any(|b| !b.is_ascii_digit()) {
        return Err(fail);
    }
    let size: u64 = size.parse().map_err(|_| fail.clone())?;
    let root: [u8; 32] = B64
        .decode(root)
        .ok()
        .and_then(|r| r.try_into().ok())
        .ok_or(fail.clone())?;
    // A trusted root may name a log with a key ID shorter than the 4-byte note key hint:
    // such a log can sign no checkpoint (and must not make us panic).
    let hint = log.key_id.get(..4).ok_or(fail.clone())?;
    let mut verified = false;
    for line in sigs.lines() {
        if line.is_empty() {
            continue;
        }
        let rest = line.strip_prefix("\u{2014} ").ok_or(fail.clone())?;
        let (_name, sig_b64) = rest.rsplit_once(' ').ok_or(fail.clone())?;
        let Ok(sig) = B64.decode(sig_b64) else {
            continue;
        };
        if sig.len() < 5 || &sig[..4] != hint {
            continue;
        }
        if log
            .key
            .verify(Hash::Sha256, text.as_bytes(), &sig[4..])
            .is_ok()
        {
            verified = true;
        }
    }
    if verified {
        Ok((size, root))
    } else {
        Err(fail)
    }
}

/// The log key for `entry` from the trusted root (by log ID).
pub(crate) fn find_log<'a>(logs: &'a [LogKey], entry: &TlogEntry) -> Result<&'a LogKey, Error> {
    let id = B64
        .decode(&entry.log_id.key_id)
        .map_err(|_| Error::TlogMalformed)?;
    logs.iter()
        .find(|l| l.key_id[..] == id[..])
        .ok_or(Error::UnknownLog)
}
