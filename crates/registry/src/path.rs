//! Paths inside the registry's work tree, validated before anything touches the disk.

use std::fmt;
use std::str::FromStr;

/// Longest registry path accepted, in bytes (git itself has no limit; file systems do).
pub const MAX_PATH_LEN: usize = 1024;

/// The archive directory, kept out of git by `.gitignore` (DESIGN §5).
pub(crate) const ARCHIVE_DIR: &str = "archive";

/// A path relative to the registry root, `/`-separated: `ledger/regio-a/scs-compatible-iaas/2026-08.jsonl`.
///
/// Valid paths stay inside the work tree and out of git's and the archive's way: not empty,
/// not absolute, no empty, `.` or `..` components, no `\`, no control characters (the journal
/// is line-based), no `.git` component in any letter case (git refuses those too,
/// `verify_dotgit_ntfs`/`verify_dotgit_hfs` aside), and not under `archive/`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegistryPath(String);

/// Why a string is not a [`RegistryPath`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathProblem {
    /// The empty string.
    #[error("the path is empty")]
    Empty,
    /// Longer than [`MAX_PATH_LEN`].
    #[error("the path is longer than {MAX_PATH_LEN} bytes")]
    TooLong,
    /// Starts with `/`.
    #[error("the path is absolute; registry paths are relative to the registry root")]
    Absolute,
    /// An empty, `.` or `..` component (`a//b`, `./a`, `a/../b`, trailing `/`).
    #[error("the path has an empty, '.' or '..' component")]
    BadComponent,
    /// A backslash or a control character.
    #[error("the path contains a backslash or a control character")]
    BadCharacter,
    /// A `.git` component.
    #[error("the path names git's own directory (.git)")]
    GitDir,
    /// Under `archive/`, which is outside git history.
    #[error("the path is inside archive/, which is not part of the git history")]
    Archive,
    /// The name the registry uses for its temporary files.
    #[error("the path ends in {TEMP_SUFFIX}, the suffix of the registry's temporary files")]
    TempName,
}

/// Suffix of the temporary file a whole-file write goes through (`.<name>.scs-cert-tmp`).
pub(crate) const TEMP_SUFFIX: &str = ".scs-cert-tmp";

impl RegistryPath {
    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `/`-separated components.
    pub(crate) fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The path of the temporary file next to this one.
    pub(crate) fn temp_name(&self) -> String {
        match self.0.rsplit_once('/') {
            Some((dir, name)) => format!("{dir}/.{name}{TEMP_SUFFIX}"),
            None => format!(".{}{TEMP_SUFFIX}", self.0),
        }
    }
}

impl FromStr for RegistryPath {
    type Err = PathProblem;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(PathProblem::Empty);
        }
        if s.len() > MAX_PATH_LEN {
            return Err(PathProblem::TooLong);
        }
        if s.starts_with('/') {
            return Err(PathProblem::Absolute);
        }
        if s.chars().any(|c| c == '\\' || c.is_control()) {
            return Err(PathProblem::BadCharacter);
        }
        for component in s.split('/') {
            if matches!(component, "" | "." | "..") {
                return Err(PathProblem::BadComponent);
            }
            if component.eq_ignore_ascii_case(".git") {
                return Err(PathProblem::GitDir);
            }
        }
        if s.split('/').next() == Some(ARCHIVE_DIR) {
            return Err(PathProblem::Archive);
        }
        if s.ends_with(TEMP_SUFFIX) {
            return Err(PathProblem::TempName);
        }
        Ok(RegistryPath(s.to_owned()))
    }
}

impl fmt::Display for RegistryPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_paths() {
        for ok in [
            "forum.toml",
            "keys/allowed_signers",
            "ledger/regio-a/scs-compatible-iaas/2026-08.jsonl",
            ".gitignore",
            "archived/x",
            "a/archive/b",
        ] {
            assert_eq!(ok.parse::<RegistryPath>().unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_escapes() {
        let cases = [
            ("", PathProblem::Empty),
            ("/etc/passwd", PathProblem::Absolute),
            ("../x", PathProblem::BadComponent),
            ("a/../../x", PathProblem::BadComponent),
            ("a//b", PathProblem::BadComponent),
            ("./a", PathProblem::BadComponent),
            ("a/", PathProblem::BadComponent),
            (".git/config", PathProblem::GitDir),
            ("a/.GIT/b", PathProblem::GitDir),
            ("archive/sha256/ab", PathProblem::Archive),
            ("archive", PathProblem::Archive),
            ("a\\b", PathProblem::BadCharacter),
            ("a\nb", PathProblem::BadCharacter),
            ("a/.b.scs-cert-tmp", PathProblem::TempName),
        ];
        for (input, problem) in cases {
            assert_eq!(input.parse::<RegistryPath>(), Err(problem), "{input:?}");
        }
        assert_eq!(
            "a".repeat(MAX_PATH_LEN + 1).parse::<RegistryPath>(),
            Err(PathProblem::TooLong)
        );
    }

    #[test]
    fn temp_names_sit_next_to_the_file() {
        let p: RegistryPath = "a/b/c.yaml".parse().unwrap();
        assert_eq!(p.temp_name(), "a/b/.c.yaml.scs-cert-tmp");
        let p: RegistryPath = "crl.pem".parse().unwrap();
        assert_eq!(p.temp_name(), ".crl.pem.scs-cert-tmp");
    }
}
