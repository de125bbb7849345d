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
//! - [`verdict`]: target verdicts (FAIL > MISSING > ABORT > PASS) of a set of results;
//! - [`registry`]: the forum's git store, every change one SSH-signed commit;
//! - [`x509`]: the forum CA certificate, X.509 certificates per issued certificate, the CRL;
//! - [`render`]: the Urkunde, a one-page PDF/A-2b certificate made by the typst CLI;
//! - [`text`]: display text, checked once where it enters the registry;
//! - [`cli`]: plumbing shared by the binaries (output, exit codes, atomic writes).
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod cert;
pub mod cli;
pub mod demo;
pub mod eval;
pub mod parallel;
pub mod registry;
pub mod render;
pub mod report;
pub mod seed;
pub mod sig;
#[cfg(feature = "sigstore")]
pub mod sigstore;
pub mod spec;
pub mod subject;
pub mod text;
pub mod time;
pub mod trust;
pub mod verdict;
pub mod verify;
pub mod x509;
pub mod yaml;
