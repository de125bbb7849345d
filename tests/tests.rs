//! The end-to-end suite, one test binary (as ripgrep's `tests/tests.rs`): a module per area.
//! The binaries under test are found through `scs_testkit::{CERT, REPORT}`; `cargo test
//! --workspace` builds them first.

mod boundaries;
mod cli_certificates;
mod cli_daily;
mod cli_every_command;
mod cli_findings;
mod cli_report;
mod cli_secretary;
mod cli_sigstore;
mod crash;
mod eval;
mod interop_git;
mod interop_openssl;
mod interop_pdf;
mod interop_ssh;
mod output_schemas;
mod property;
mod publish;
mod registry_ingest;
mod registry_readme;
mod registry_recover;
mod registry_verify;
mod report;
mod report_logs;
mod sig_armor;
mod spec;
mod trust;
