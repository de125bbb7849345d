//! The `scs-cert` binary's own suite: its completion scripts and man pages (the end-to-end
//! suite is the workspace's `tests/`). Having a test here also makes `cargo test --workspace`
//! build the binary that suite runs.

const EXE: &str = env!("CARGO_BIN_EXE_scs-cert");

#[test]
fn completions_parse_in_the_shells() {
    scs_testkit::manpages::check_completions(EXE, "scs-cert");
}

#[test]
fn man_pages_for_the_tool_and_every_command() {
    scs_testkit::manpages::check_man_pages(
        EXE,
        "scs-cert",
        &[
            "init",
            "ingest",
            "issue",
            "renew",
            "render",
            "subject-key-add",
            "registry-verify",
        ],
    );
}
