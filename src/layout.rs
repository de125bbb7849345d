//! Where a registry keeps its files (docs/registry-files.md): shared by the git registry, by
//! `scs-report verify --registry` (which reads a checkout without git) and the publisher.

/// Where `forum.toml` lives.
pub const FORUM_TOML: &str = "forum.toml";
/// The forum's signing keys (commits, certificate records).
pub const FORUM_ALLOWED_SIGNERS: &str = "keys/allowed_signers";
/// The Sigstore trusted root (`trusted_root.json`) reports signed with Sigstore are
/// verified against.
pub const SIGSTORE_TRUSTED_ROOT: &str = "keys/sigstore-trusted-root.json";
/// The forum's X.509 CA certificate.
pub const FORUM_CA: &str = "keys/forum-ca.pem";
/// The current certificate revocation list.
pub const CRL: &str = "crl.pem";
/// Adopted scope specs.
pub const SCOPES_DIR: &str = "scopes";
/// Subject records.
pub const SUBJECTS_DIR: &str = "subjects";
