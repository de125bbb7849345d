//! A small registry built the way the secretary builds one: `init`, a key made by
//! `scs-report keygen`, a subject bound to it, reports signed by `scs-report sign`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cli::{cert, run};

pub use crate::{CERT, REPORT};
/// The seed IaaS scope's uuid.
pub const IAAS: &str = "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f";

/// A report for the seed IaaS scope's v5.1 main target (all PASS unless `fail` names one).
pub fn report(subject: &str, run_no: u32, checked_at: &str, fail: Option<&str>) -> String {
    let spec = scs_cert::spec::Spec::load(scs_cert::seed::IAAS_SPEC, "seed").unwrap();
    let v = spec.version("v5.1").unwrap();
    let mut r = format!(
        "---\nspec:\n  uuid: {IAAS}\n  name: SCS-compatible IaaS\nchecked_at: {checked_at}\nsubject: {subject}\nrun:\n  uuid: 11111111-2222-4333-8444-{run_no:012}\n  invocations:\n    a0000000-0000-4000-8000-000000000000:\n      results:\n"
    );
    for id in v.main() {
        let value = if Some(id.as_str()) == fail { -1 } else { 1 };
        r.push_str(&format!("        {id}: {value}\n"));
    }
    r
}

/// A registry `reg` with subject `cloud-a` (key `a`, bound from 2026-01-01) in a temp dir.
pub fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let r = run(CERT, &dir, &["init", "reg"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(run(REPORT, &dir, &["keygen", "-o", "a"]).code, 0);
    let public = fs::read_to_string(dir.join("a.pub")).unwrap();
    let r = cert(
        &dir,
        &[
            "subject",
            "add",
            "cloud-a",
            "--name",
            "Cloud A",
            "--ssh-key",
            public.trim(),
            "--at",
            "2026-01-01",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    (tmp, dir)
}

/// Writes `text` to `dir/name` and signs it with `dir/key` (`name.sig` beside it).
pub fn write_signed(dir: &Path, name: &str, text: &str, key: &str) {
    fs::write(dir.join(name), text).unwrap();
    let r = run(REPORT, dir, &["sign", "-k", key, name]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `registry verify` passes.
pub fn assert_verifies(dir: &Path) {
    let r = cert(dir, &["registry", "verify"]);
    assert_eq!(r.code, 0, "registry verify: {}{}", r.stdout, r.stderr);
}

/// The registry's HEAD commit (to show that a refused command committed nothing).
pub fn head(dir: &Path) -> Vec<u8> {
    fs::read(dir.join("reg/.git/refs/heads/main"))
        .or_else(|_| fs::read(dir.join("reg/.git/packed-refs")))
        .unwrap_or_default()
}

/// Copies a folder tree (a template registry and its working files), as `cp -r`.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
