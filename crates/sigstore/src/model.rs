//! The JSON shapes of a Sigstore bundle and trusted root (protobuf-specs, proto3 JSON mapping:
//! camelCase names, 64-bit integers as strings, bytes as standard base64).
//!
//! Only the fields the verifier reads are modelled; unknown fields are ignored as proto3 JSON
//! readers do. Everything is checked again where it is used.

use serde::Deserialize;

/// `dev.sigstore.bundle.v1.Bundle`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BundleJson {
    pub(crate) media_type: String,
    pub(crate) verification_material: VerificationMaterial,
    pub(crate) message_signature: Option<MessageSignature>,
    pub(crate) dsse_envelope: Option<DsseEnvelope>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VerificationMaterial {
    pub(crate) x509_certificate_chain: Option<CertChain>,
    pub(crate) certificate: Option<RawBytes>,
    pub(crate) public_key: Option<PublicKeyHint>,
    #[serde(default)]
    pub(crate) tlog_entries: Vec<TlogEntry>,
    pub(crate) timestamp_verification_data: Option<TimestampVerificationData>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CertChain {
    #[serde(default)]
    pub(crate) certificates: Vec<RawBytes>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawBytes {
    pub(crate) raw_bytes: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PublicKeyHint {
    #[serde(default)]
    #[allow(dead_code)] // the hint is informative only; the caller's key decides
    pub(crate) hint: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TlogEntry {
    pub(crate) log_index: String,
    pub(crate) log_id: LogId,
    pub(crate) kind_version: KindVersion,
    #[serde(default)]
    pub(crate) integrated_time: Option<String>,
    pub(crate) inclusion_promise: Option<InclusionPromise>,
    pub(crate) inclusion_proof: Option<InclusionProof>,
    pub(crate) canonicalized_body: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogId {
    pub(crate) key_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct KindVersion {
    pub(crate) kind: String,
    pub(crate) version: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InclusionPromise {
    pub(crate) signed_entry_timestamp: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InclusionProof {
    pub(crate) log_index: String,
    pub(crate) root_hash: String,
    pub(crate) tree_size: String,
    #[serde(default)]
    pub(crate) hashes: Vec<String>,
    pub(crate) checkpoint: Option<Checkpoint>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Checkpoint {
    pub(crate) envelope: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TimestampVerificationData {
    #[serde(default)]
    pub(crate) rfc3161_timestamps: Vec<Rfc3161Timestamp>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rfc3161Timestamp {
    pub(crate) signed_timestamp: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageSignature {
    pub(crate) message_digest: Option<HashOutput>,
    pub(crate) signature: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct HashOutput {
    pub(crate) algorithm: String,
    pub(crate) digest: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DsseEnvelope {
    pub(crate) payload: String,
    pub(crate) payload_type: String,
    #[serde(default)]
    pub(crate) signatures: Vec<DsseSignature>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DsseSignature {
    pub(crate) sig: String,
}

/// `dev.sigstore.trustroot.v1.TrustedRoot`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TrustedRootJson {
    pub(crate) media_type: String,
    #[serde(default)]
    pub(crate) tlogs: Vec<TransparencyLog>,
    #[serde(default)]
    pub(crate) certificate_authorities: Vec<CertificateAuthority>,
    #[serde(default)]
    pub(crate) ctlogs: Vec<TransparencyLog>,
    #[serde(default)]
    pub(crate) timestamp_authorities: Vec<CertificateAuthority>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransparencyLog {
    pub(crate) public_key: PublicKeyJson,
    pub(crate) log_id: LogId,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PublicKeyJson {
    pub(crate) raw_bytes: Option<String>,
    pub(crate) valid_for: Option<TimeRange>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct TimeRange {
    pub(crate) start: Option<String>,
    pub(crate) end: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CertificateAuthority {
    pub(crate) cert_chain: CertChain,
    pub(crate) valid_for: Option<TimeRange>,
}
