//! Where the binaries under test are: the profile directory of this build
//! (`target/<profile>`, or `target/<triple>/<profile>`), three levels above `OUT_DIR`
//! (`…/<profile>/build/<package>-<hash>/out`). Integration tests of another package cannot
//! use `CARGO_BIN_EXE_*`, which cargo sets only for the binaries of a test's own package.

use std::path::Path;

fn main() {
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let profile = Path::new(&out)
        .ancestors()
        .nth(3)
        .expect("OUT_DIR is <profile>/build/<package>/out");
    let suffix = std::env::consts::EXE_SUFFIX;
    for (var, bin) in [
        ("SCS_TESTKIT_CERT", "scs-cert"),
        ("SCS_TESTKIT_REPORT", "scs-report"),
    ] {
        let path = profile.join(format!("{bin}{suffix}"));
        println!("cargo::rustc-env={var}={}", path.display());
    }
    println!("cargo::rerun-if-changed=build.rs");
}
