//! Finding the pinned typst CLI and running it.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};

use super::{Error, Searched, TYPST_VERSION, UrkundeData};

/// What the template panics with when the page overflows (see `templates/urkunde.typ`).
const OVERFLOW_MARKER: &str = "urkunde-overflow";

/// Variables the typst CLI reads that would change its output or what it can reach; cleared so
/// the bytes depend only on the template, the data and the timestamp.
const TYPST_ENV: &[&str] = &[
    "SOURCE_DATE_EPOCH",
    "TYPST_ROOT",
    "TYPST_FONT_PATHS",
    "TYPST_IGNORE_SYSTEM_FONTS",
    "TYPST_IGNORE_EMBEDDED_FONTS",
    "TYPST_PACKAGE_PATH",
    "TYPST_PACKAGE_CACHE_PATH",
    "TYPST_FEATURES",
    "TYPST_CERT",
];

/// A typst binary known to be the pinned version [`TYPST_VERSION`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Typst {
    path: PathBuf,
}

impl Typst {
    /// Finds typst: `explicit` (the `--typst` option) first, then `env_typst` (the `TYPST`
    /// variable), then `typst` on `path_var` (the `PATH` value); a bare name without a slash is
    /// looked up on `path_var` too. Then runs `typst --version` and accepts only
    /// [`TYPST_VERSION`].
    ///
    /// # Errors
    ///
    /// [`Error::TypstNotFound`], [`Error::TypstUnusable`] (cannot be run) or
    /// [`Error::TypstVersion`] (another version); each message says how to install the pinned one.
    pub fn locate(
        explicit: Option<&Path>,
        env_typst: Option<&Path>,
        path_var: Option<&OsStr>,
    ) -> Result<Typst, Error> {
        let path = match explicit.or(env_typst) {
            Some(p) if p.components().count() == 1 && !p.is_absolute() => {
                search(p.as_os_str(), path_var)?
            }
            Some(p) if p.is_file() => p.to_path_buf(),
            Some(p) => {
                return Err(Error::TypstNotFound {
                    searched: Searched::Path(p.to_path_buf()),
                });
            }
            None => search(OsStr::new("typst"), path_var)?,
        };
        let out = Command::new(&path)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::TypstUnusable {
                path: path.clone(),
                kind: e.kind(),
            })?;
        let text = String::from_utf8_lossy(if out.stdout.is_empty() {
            &out.stderr
        } else {
            &out.stdout
        })
        .into_owned();
        let first = text.lines().next().unwrap_or("").trim();
        if out.status.success() && is_pinned(first) {
            Ok(Typst { path })
        } else {
            Err(Error::TypstVersion {
                path,
                found: first.chars().take(100).collect(),
            })
        }
    }

    /// The binary.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renders `template` with `data` into PDF/A-2b bytes, in an empty scratch directory as
    /// typst's root (the template can read no files). `creation` becomes the PDF's creation
    /// date: pass the certificate's issue instant so the same certificate gives the same bytes.
    ///
    /// # Errors
    ///
    /// What [`UrkundeData::template_input`] refuses (before typst runs); [`Error::Overflow`];
    /// [`Error::TypstFailed`] on a typst error or warning; [`Error::NotPdf`]; [`Error::Io`].
    pub fn render(
        &self,
        template: &str,
        data: &UrkundeData,
        creation: DateTime<Utc>,
    ) -> Result<Vec<u8>, Error> {
        let dir = tempfile::tempdir().map_err(|e| Error::Io {
            operation: "make a scratch directory for typst",
            kind: e.kind(),
        })?;
        self.render_with_root(dir.path(), template, data, creation)
    }

    /// Like [`render`](Typst::render), with `root` as typst's root and working directory, for a
    /// registry template that reads files (a logo) next to it.
    ///
    /// # Errors
    ///
    /// As [`render`](Typst::render).
    pub fn render_with_root(
        &self,
        root: &Path,
        template: &str,
        data: &UrkundeData,
        creation: DateTime<Utc>,
    ) -> Result<Vec<u8>, Error> {
        let input = data.template_input()?;
        let timestamp = creation.timestamp();
        if timestamp < 0 {
            return Err(Error::CreationBeforeEpoch(creation));
        }
        let mut arg = std::ffi::OsString::from("data=");
        arg.push(&input);
        let mut command = Command::new(&self.path);
        command
            .args(["compile", "--ignore-system-fonts", "--pdf-standard", "a-2b"])
            .arg("--creation-timestamp")
            .arg(timestamp.to_string())
            .arg("--root")
            .arg(root)
            .arg("--input")
            .arg(arg)
            .args(["--format", "pdf", "--diagnostic-format", "human", "-", "-"])
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in TYPST_ENV {
            command.env_remove(var);
        }
        let io = |operation| {
            move |e: std::io::Error| Error::Io {
                operation,
                kind: e.kind(),
            }
        };
        let mut child = command.spawn().map_err(|e| Error::TypstUnusable {
            path: self.path.clone(),
            kind: e.kind(),
        })?;
        // Write the template on its own thread: typst may write diagnostics while we still feed
        // it, and a full pipe in each direction would deadlock.
        let stdin = child.stdin.take();
        let output = std::thread::scope(|scope| {
            let writer = scope.spawn(move || match stdin {
                Some(mut pipe) => pipe.write_all(template.as_bytes()),
                None => Ok(()),
            });
            let output = child.wait_with_output();
            let written = writer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (written, output)
        });
        let (written, output) = output;
        let output = output.map_err(io("wait for typst"))?;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if stderr.contains(OVERFLOW_MARKER) {
            return Err(Error::Overflow);
        }
        if !output.status.success() || stderr.contains("warning:") {
            return Err(Error::TypstFailed {
                status: output.status.code(),
                stderr,
            });
        }
        // A broken pipe with a successful exit cannot happen (typst reads all of stdin first);
        // any other write error is reported.
        written.map_err(io("send the template to typst"))?;
        if !output.stdout.starts_with(b"%PDF-") {
            return Err(Error::NotPdf {
                len: output.stdout.len(),
            });
        }
        Ok(output.stdout)
    }
}

/// `typst 0.15.1` followed by nothing or by a space (typst appends its commit in parentheses).
fn is_pinned(line: &str) -> bool {
    line.strip_prefix("typst ")
        .and_then(|rest| rest.strip_prefix(TYPST_VERSION))
        .is_some_and(|tail| tail.is_empty() || tail.starts_with(' '))
}

/// The first executable file called `name` in the directories of `path_var`.
fn search(name: &OsStr, path_var: Option<&OsStr>) -> Result<PathBuf, Error> {
    let Some(path_var) = path_var else {
        return Err(Error::TypstNotFound {
            searched: Searched::NoPathVar,
        });
    };
    std::env::split_paths(path_var)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
        .ok_or(Error::TypstNotFound {
            searched: Searched::PathVar,
        })
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_line() {
        assert!(is_pinned("typst 0.15.1 (8ace67d9)"));
        assert!(is_pinned("typst 0.15.1"));
        assert!(!is_pinned("typst 0.15.10"));
        assert!(!is_pinned("typst 0.14.0"));
        assert!(!is_pinned("xtypst 0.15.1"));
    }

    #[test]
    fn not_found() {
        let e = Typst::locate(None, None, Some(OsStr::new("/nonexistent-dir"))).unwrap_err();
        assert_eq!(
            e,
            Error::TypstNotFound {
                searched: Searched::PathVar
            }
        );
        assert!(e.to_string().contains(super::super::TYPST_INSTALL));
        let e = Typst::locate(None, None, None).unwrap_err();
        assert_eq!(
            e,
            Error::TypstNotFound {
                searched: Searched::NoPathVar
            }
        );
        let p = Path::new("/nonexistent-dir/typst");
        assert_eq!(
            Typst::locate(Some(p), None, None),
            Err(Error::TypstNotFound {
                searched: Searched::Path(p.to_path_buf())
            })
        );
    }
}
