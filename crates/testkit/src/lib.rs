//! Helpers of the test suites: running the binaries, finding external tools, a small
//! registry built as the secretary builds one, and Sigstore bundles signed by our own keys.
#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    missing_docs,
    missing_debug_implementations
)]

pub mod cli;
pub mod manpages;
pub mod readme;
pub mod registry;
pub mod schema;
pub mod sigstore_bundle;
pub mod site;
pub mod tools;

/// The `scs-cert` binary of this build (profile and target directory of the test).
///
/// Built by `cargo test --workspace` (its package has tests of its own) or `cargo build
/// --workspace --bins`; a test run of one package alone may find an older build.
pub const CERT: &str = env!("SCS_TESTKIT_CERT");

/// The `scs-report` binary of this build (see [`CERT`]).
pub const REPORT: &str = env!("SCS_TESTKIT_REPORT");
