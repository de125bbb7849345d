//! The certificate toolchain of the Forum SCS-Standards.
//!
//! This core library verifies signed SCS compliance reports, reads scope specs (scs-0003) and
//! judges reports against them. It never prints, never exits the process, never reads the
//! environment and never reads the wall clock: every instant is passed in (see [`time`]).
//!
//! The areas:
//!
//! - [`spec`]: scope specs (Gen 2 and Gen 1), timelines, result lifetimes;
//! - [`report`]: compliance run reports in both upstream forms, YAML and JSON;
//! - [`sig`]: OpenSSH keys and SSHSIG signatures, the monitor's upload body;
//! - [`trust`]: who may sign for which subject (allowed_signers, monitor bootstrap files);
//! - [`verify`]: a report file checked against its signature and the trust in force;
//! - [`target`]: target verdicts (FAIL > MISSING > ABORT > PASS) of a set of testcase verdicts;
//! - [`eval`]: compliance at an instant and eligibility over a window;
//! - [`cert`]: certificates: records, events, status, their checks;
//! - [`x509`]: the forum CA certificate, X.509 certificates per issued certificate, the CRL;
//! - [`text`]: display text, checked once where it enters the registry, and what the Urkunde
//!   can print.
//!
//! Around it, in `crates/`: the Sigstore verifier (`scs-sigstore`), the git registry
//! (`scs-registry`), the Urkunde renderer (`scs-urkunde`), the command-line plumbing
//! (`scs-cli`) and the two binaries.
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod attention;
pub mod cert;
pub mod demo;
pub mod digest;
pub mod eval;
pub mod file;
pub mod layout;
pub mod manifest;
pub mod output;
pub mod parallel;
pub mod report;
pub mod seed;
pub mod sig;
pub mod spec;
pub mod subject;
pub mod target;
pub mod text;
pub mod time;
pub mod trust;
pub mod verify;
pub mod x509;
pub mod yaml;

/// The offline Sigstore verifier the core uses for `.sigstore.json` bundles.
#[cfg(feature = "sigstore")]
pub use scs_sigstore as sigstore;
