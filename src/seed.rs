//! Data built into the binaries: the registry seed's scope specs (project-written mirrors of the
//! SCS-compatible IaaS and KaaS scopes, see `registry/README.md`).

/// The SCS-compatible IaaS scope spec of the registry seed.
pub const IAAS_SPEC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/registry/scopes/scs-compatible-iaas.yaml"
));

/// The SCS-compatible KaaS scope spec of the registry seed.
pub const KAAS_SPEC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/registry/scopes/scs-compatible-kaas.yaml"
));

/// The template of a registry's public `README.md` (how to verify it offline), filled from
/// `forum.toml` and `keys/allowed_signers` by the registry crate at every change.
pub const REGISTRY_README_TEMPLATE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/registry/README.template.md"
));
