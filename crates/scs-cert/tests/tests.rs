//! The `scs-cert` binary's own suite: its completion scripts, man pages and command-line
//! cases with their exact output (the end-to-end suite is the workspace's `tests/`). Having a test here also makes `cargo test --workspace`
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

/// The command-line cases as data: each `tests/cmd/*.toml` pins one invocation's stdout,
/// stderr and exit status exactly (those with `fs.base = "fixtures"` run in a copy of
/// `tests/cmd/fixtures/`); each `tests/cmd/*.trycmd` a sequence of invocations in one sandbox.
/// After a deliberate change of output, rewrite the expected text with
/// `TRYCMD=overwrite cargo test -p scs-cert --test tests cli_cases` and read the diff.
#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("scs-cert", std::path::Path::new(EXE))
        // Output as a pipe gets it, whatever the caller's colour settings and terminal width.
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.trycmd");
}

/// Long work shows a progress bar on a terminal's stderr, cleared before the result; with
/// `-q`, or when stderr is not a terminal, nothing of it appears. The terminal is a real
/// pseudo-terminal made by util-linux `script`.
#[test]
fn progress_shows_on_a_terminal_only() {
    let Some(script) = scs_testkit::tools::require("script") else {
        return;
    };
    let (_tmp, dir) = scs_testkit::registry::setup();
    let on_terminal = |extra: &str| {
        let command = format!("{EXE} --registry reg {extra} registry verify");
        let out = std::process::Command::new(&script)
            .args(["-qec", &command, "/dev/null"])
            .current_dir(&dir)
            .env_remove("SCS_REGISTRY")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_terminal("");
    assert!(shown.contains(" commits "), "no progress bar: {shown:?}");
    assert!(
        shown.contains("\u{1b}[2K"),
        "the bar is not cleared: {shown:?}"
    );
    assert!(shown.contains("registry history verified"), "{shown:?}");
    let quiet = on_terminal("-q");
    assert!(!quiet.contains(" commits "), "a bar under -q: {quiet:?}");
    let piped = scs_testkit::cli::cert(&dir, &["registry", "verify"]);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert!(!piped.stderr.contains(" commits "), "{}", piped.stderr);
}
