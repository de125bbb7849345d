//! The `scs-report` binary's own suite: its completion scripts, man pages and command-line
//! cases with their exact output (the end-to-end suite is the workspace's `tests/`). Having a test here also makes `cargo test --workspace`
//! build the binary that suite runs.

const EXE: &str = env!("CARGO_BIN_EXE_scs-report");

#[test]
fn completions_parse_in_the_shells() {
    scs_testkit::manpages::check_completions(EXE, "scs-report");
}

#[test]
fn man_pages_for_the_tool_and_every_command() {
    scs_testkit::manpages::check_man_pages(
        EXE,
        "scs-report",
        &["keygen", "sign", "verify", "show", "demo"],
    );
}

/// The command-line cases as data (`tests/cmd/*.toml`): each pins one invocation's stdout,
/// stderr and exit status exactly. Cases with `fs.base = "fixtures"` run in a copy of
/// `tests/cmd/fixtures/`. After a deliberate change of output, rewrite the expected text with
/// `TRYCMD=overwrite cargo test -p scs-report --test tests cli_cases` and read the diff.
/// The cases pin the default build, whose help lists the `sigstore` command.
#[cfg(feature = "sigstore")]
#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("scs-report", std::path::Path::new(EXE))
        // Output as a pipe gets it, whatever the caller's colour settings and terminal width.
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("tests/cmd/*.toml");
}
