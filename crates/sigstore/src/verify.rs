//! The verification steps, in order (see the module docs of [`super`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;

use super::keys::{Hash, Key};
use super::tlog::{self, Expected, Generation};
use super::x509::{self, Cert};
use super::{
    Artifact, Bundle, CertRole, Error, Policy, SignerIdentity, TimeSource, TlogCheck, TrustedRoot,
    Verified, Version, sha256, tsa,
};
use crate::Instant;

fn b64(s: &str, field: &'static str) -> Result<Vec<u8>, Error> {
    B64.decode(s.trim()).map_err(|_| Error::Base64 { field })
}

/// The signer material of the bundle.
enum Material {
    Cert(Box<Cert>),
    Key { key: Box<Key>, spki_der: Vec<u8> },
}

/// The signature content, checked against the signer's key.
struct Content {
    signature: Vec<u8>,
    signed_digest: [u8; 32],
    payload_digest: Option<[u8; 32]>,
}

/// DSSE pre-authentication encoding (DSSE protocol.md, "Signature definition").
fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The parts of an in-toto statement (v0.1 or v1) we read.
#[derive(Deserialize)]
struct Statement {
    #[serde(rename = "_type")]
    type_: String,
    subject: Vec<Subject>,
}
#[derive(Deserialize)]
struct Subject {
    #[serde(default, deserialize_with = "unique_map")]
    digest: std::collections::BTreeMap<String, String>,
}

/// A JSON object without duplicated keys. serde's map keeps the last value of a duplicated
/// key; other in-toto readers may keep the first, so `{"sha256": A, "sha256": B}` would name
/// different artifacts to different verifiers. Such a statement is refused.
fn unique_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, String>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = std::collections::BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of strings without duplicated keys")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = std::collections::BTreeMap::new();
            while let Some((k, v)) = m.next_entry::<String, String>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom("duplicated key"));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}

fn check_content(bundle: &Bundle, artifact: Artifact<'_>, key: &Key) -> Result<Content, Error> {
    let digest = match artifact {
        Artifact::Bytes(b) => sha256(b),
        Artifact::Sha256(d) => d,
    };
    match (&bundle.json.message_signature, &bundle.json.dsse_envelope) {
        (Some(ms), None) => {
            if let Some(md) = &ms.message_digest
                && (md.algorithm != "SHA2_256"
                    || b64(&md.digest, "messageDigest.digest")? != digest)
            {
                return Err(Error::DigestMismatch);
            }
            let signature = b64(&ms.signature, "messageSignature.signature")?;
            match (key, artifact) {
                (Key::Ed25519(_), Artifact::Bytes(b)) => key.verify(Hash::Sha256, b, &signature),
                (Key::Ed25519(_), Artifact::Sha256(_)) => return Err(Error::UnsupportedKey),
                _ => key.verify_prehash(&digest, &signature),
            }
            .map_err(|_| Error::SignatureInvalid)?;
            Ok(Content {
                signature,
                signed_digest: digest,
                payload_digest: None,
            })
        }
        (None, Some(env)) => {
            let [sig] = env.signatures.as_slice() else {
                return Err(Error::DsseMalformed);
            };
            if env.payload_type != "application/vnd.in-toto+json" {
                return Err(Error::DsseMalformed);
            }
            let payload = b64(&env.payload, "dsseEnvelope.payload")?;
            let signature = b64(&sig.sig, "dsseEnvelope.signatures.sig")?;
            let pae = pae(&env.payload_type, &payload);
            key.verify(Hash::Sha256, &pae, &signature)
                .map_err(|_| Error::SignatureInvalid)?;
            let st: Statement =
                serde_json::from_slice(&payload).map_err(|_| Error::DsseMalformed)?;
            if st.type_ != "https://in-toto.io/Statement/v1"
                && st.type_ != "https://in-toto.io/Statement/v0.1"
            {
                return Err(Error::DsseMalformed);
            }
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            if !st.subject.iter().any(|s| {
                s.digest
                    .get("sha256")
                    .is_some_and(|d| d.eq_ignore_ascii_case(&hex))
            }) {
                return Err(Error::DigestMismatch);
            }
            Ok(Content {
                signature,
                signed_digest: sha256(&pae),
                payload_digest: Some(sha256(&payload)),
            })
        }
        _ => Err(Error::NoContent),
    }
}

fn material(bundle: &Bundle, policy: Option<&Policy>) -> Result<Material, Error> {
    let vm = &bundle.json.verification_material;
    let leaf_b64 = match (&vm.x509_certificate_chain, &vm.certificate, &vm.public_key) {
        (Some(chain), None, None) if bundle.version < Version::V03 => {
            // Only the leaf is used: CAs come from the trusted root, never from the bundle. A
            // chain that carries a root (self-issued) certificate is malformed (protobuf-specs
            // `X509CertificateChain`: the root must not be included).
            for c in chain.certificates.iter().skip(1) {
                let der = b64(&c.raw_bytes, "x509CertificateChain.rawBytes")?;
                let cert = Cert::from_der(&der, CertRole::Authority)?;
                let tbs = cert.cert.tbs_certificate();
                if tbs.issuer() == tbs.subject() {
                    return Err(Error::VerificationMaterial);
                }
            }
            Some(
                &chain
                    .certificates
                    .first()
                    .ok_or(Error::VerificationMaterial)?
                    .raw_bytes,
            )
        }
        (None, Some(c), None) if bundle.version == Version::V03 => Some(&c.raw_bytes),
        (None, None, Some(_)) => None,
        _ => return Err(Error::VerificationMaterial),
    };
    match (leaf_b64, policy) {
        (Some(_), Some(Policy::Key { .. })) => Err(Error::PolicyKind {
            found: "certificate",
        }),
        (Some(b), _) => {
            let der = b64(b, "certificate.rawBytes")?;
            Ok(Material::Cert(Box::new(Cert::from_der(
                &der,
                CertRole::Leaf,
            )?)))
        }
        (None, Some(Policy::Key { pem })) => {
            let (key, spki_der) = Key::from_spki_pem(pem).map_err(|_| Error::PolicyKey)?;
            Ok(Material::Key {
                key: Box::new(key),
                spki_der,
            })
        }
        (None, Some(Policy::Identity { .. })) => Err(Error::PolicyKind {
            found: "public key",
        }),
        (None, None) => Err(Error::KeyRequired),
    }
}

pub(super) fn run(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    root: &TrustedRoot,
    policy: Option<&Policy>,
) -> Result<Verified, Error> {
    let material = material(bundle, policy)?;
    let (key, verifier_der) = match &material {
        Material::Cert(c) => (c.key()?, c.der.clone()),
        Material::Key { key, spki_der } => ((**key).clone(), spki_der.clone()),
    };

    // 1. The artifact signature.
    let content = check_content(bundle, artifact, &key)?;

    // 2. The transparency log entry.
    let vm = &bundle.json.verification_material;
    let [entry] = vm.tlog_entries.as_slice() else {
        return Err(Error::TlogEntryCount {
            found: vm.tlog_entries.len(),
        });
    };
    tlog::parse_u64(&entry.log_index)?;
    let log = tlog::find_log(&root.tlogs, entry)?;
    let body = b64(&entry.canonicalized_body, "canonicalizedBody")?;
    let expected = Expected {
        signature: &content.signature,
        verifier_der: &verifier_der,
        signed_digest: content.signed_digest,
        payload_digest: content.payload_digest,
    };
    let generation = tlog::check_body(entry, &body, &expected)?;
    let mut times: Vec<(TimeSource, Instant)> = Vec::new();
    let proof_with_checkpoint = entry
        .inclusion_proof
        .as_ref()
        .filter(|p| p.checkpoint.is_some());
    match generation {
        Generation::V1 => {
            let it = tlog::parse_u64(
                entry
                    .integrated_time
                    .as_deref()
                    .ok_or(Error::TlogMalformed)?,
            )?;
            let at = i64::try_from(it)
                .ok()
                .and_then(|s| Instant::from_timestamp(s, 0))
                .ok_or(Error::TlogMalformed)?;
            if entry.inclusion_promise.is_some() {
                tlog::check_set(entry, log, it)?;
                if !log.valid_at(at) {
                    return Err(Error::LogKeyNotValidAt { at });
                }
                times.push((TimeSource::Tlog, at));
            } else if bundle.version == Version::V01 {
                return Err(Error::TlogCheckFailed {
                    check: TlogCheck::Set,
                });
            }
        }
        Generation::V2 => {
            if entry.inclusion_promise.is_some() {
                return Err(Error::TlogMalformed);
            }
        }
    }
    match proof_with_checkpoint {
        Some(proof) => {
            // Rekor v2 has one tree and no SET: the entry's log index is covered by nothing
            // but the proof, so it must be the proven one. (Rekor v1 entries carry the global
            // index, signed by the SET, and the proof the shard-local one: they differ.)
            if generation == Generation::V2 && proof.log_index != entry.log_index {
                return Err(Error::TlogMalformed);
            }
            tlog::check_inclusion(proof, &body, log)?;
        }
        // Bundles from 0.2 on must carry a proof; a 0.1 proof without checkpoint proves nothing
        // and is ignored (the SET was required above).
        None if bundle.version >= Version::V02 || generation == Generation::V2 => {
            return Err(Error::TlogCheckFailed {
                check: TlogCheck::Checkpoint,
            });
        }
        None => {}
    }

    // 3. RFC 3161 timestamps over the signature: every one present must verify.
    if let Some(tvd) = &vm.timestamp_verification_data {
        for (index, ts) in tvd.rfc3161_timestamps.iter().enumerate() {
            let der = b64(&ts.signed_timestamp, "signedTimestamp")?;
            let at = tsa::verify(&der, &content.signature, &root.tsas)
                .map_err(|_| Error::TimestampInvalid { index })?;
            times.push((TimeSource::Rfc3161, at));
        }
    }
    if times.is_empty() {
        return Err(Error::NoVerifiedTime);
    }
    let instants: Vec<Instant> = times.iter().map(|(_, t)| *t).collect();
    // Without a SET-verified integrated time, the log key must have been valid at the
    // timestamps' times instead.
    if (generation == Generation::V2 || !times.iter().any(|(s, _)| *s == TimeSource::Tlog))
        && let Some(at) = instants.iter().find(|t| !log.valid_at(**t))
    {
        return Err(Error::LogKeyNotValidAt { at: *at });
    }

    // 4. Certificate: validity at the signing times, chain, SCT, identity.
    let signer = match material {
        Material::Key { spki_der, .. } => SignerIdentity::Key {
            fingerprint: format!(
                "SHA256:{}",
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(sha256(&spki_der))
            ),
        },
        Material::Cert(leaf) => {
            leaf.check_leaf(x509::CODE_SIGNING, CertRole::Leaf)?;
            if let Some(at) = instants.iter().find(|t| !leaf.valid_at(**t)) {
                return Err(Error::CertificateNotValidAt { at: *at });
            }
            let ca =
                root.cas
                    .iter()
                    .filter(|ca| instants.iter().all(|t| ca.valid_at(*t)))
                    .find(|ca| {
                        ca.chain.first().is_some_and(|issuer| {
                            leaf.check_issued_by(issuer, CertRole::Leaf).is_ok()
                        }) && ca
                            .chain
                            .iter()
                            .all(|c| c.check_ca(CertRole::Authority).is_ok())
                            && ca.check_chain(&instants, CertRole::Authority).is_ok()
                    })
                    .ok_or(Error::NoTrustedChain)?;
            let issuer = ca.chain.first().ok_or(Error::NoTrustedChain)?;
            leaf.check_embedded_sct(issuer, &root.ctlogs)?;
            let found_issuer = leaf.oidc_issuer()?;
            let identities = leaf.san_identities()?;
            if let Some(Policy::Identity { issuer, identity }) = policy
                && (*issuer != found_issuer || !identities.contains(identity))
            {
                return Err(Error::IdentityMismatch {
                    issuer: issuer.clone(),
                    identity: identity.clone(),
                    found_issuer,
                    found_identities: identities,
                });
            }
            SignerIdentity::Certificate {
                issuer: found_issuer,
                identities,
            }
        }
    };
    Ok(Verified { signer, times })
}
