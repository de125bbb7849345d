//! Reading inputs and writing outputs so that failures leave nothing half-written.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use anyhow::{Context as _, bail};

/// Reads a whole file, or stdin for `-`, refusing anything larger than `limit` bytes.
///
/// # Errors
///
/// I/O errors, and inputs over the limit.
pub fn read_input(path: &Path, limit: usize) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    // Read one byte past the limit so "exactly the limit" and "over it" differ.
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    if path.as_os_str() == "-" {
        io::stdin()
            .lock()
            .take(cap)
            .read_to_end(&mut buf)
            .context("while reading stdin")?;
    } else {
        scs_cert::file::open_regular(path)
            .and_then(|f| f.take(cap).read_to_end(&mut buf))
            .with_context(|| format!("while reading {}", super::shown(&path)))?;
    }
    if buf.len() > limit {
        bail!(
            "{} is larger than the limit of {limit} bytes",
            super::shown(&path)
        );
    }
    Ok(buf)
}

/// Largest detached SSH signature read (an SSHSIG is well under 1 KiB).
pub const MAX_SIGNATURE_BYTES: usize = 64 * 1024;
/// Largest Sigstore bundle read.
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;

/// `report.yaml` + `.sig` -> `report.yaml.sig`
pub fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    std::path::PathBuf::from(s)
}

/// A file's bytes (up to `limit`), or `None` when it does not exist.
///
/// # Errors
///
/// I/O errors other than "not found", and files over the limit.
pub fn read_if_present(path: &Path, limit: usize) -> anyhow::Result<Option<Vec<u8>>> {
    match read_input(path, limit) {
        Ok(b) => Ok(Some(b)),
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::NotFound)
            }) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The signature found beside a report file.
#[derive(Debug)]
pub enum Seal {
    /// `FILE.sig`: an armored SSHSIG.
    Ssh(Vec<u8>),
    /// `FILE.sigstore.json`: a Sigstore bundle.
    Sigstore(Vec<u8>),
    /// Neither.
    None,
}

/// The signature beside `report`: `FILE.sig` first, else `FILE.sigstore.json`.
///
/// # Errors
///
/// I/O errors and oversized signature files.
pub fn read_seal(report: &Path) -> anyhow::Result<Seal> {
    if let Some(s) = read_if_present(&with_suffix(report, ".sig"), MAX_SIGNATURE_BYTES)? {
        return Ok(Seal::Ssh(s));
    }
    if let Some(b) = read_if_present(&with_suffix(report, ".sigstore.json"), MAX_BUNDLE_BYTES)? {
        return Ok(Seal::Sigstore(b));
    }
    Ok(Seal::None)
}

/// Reads a passphrase from the first line of a file (without its line ending).
///
/// # Errors
///
/// I/O errors.
pub fn read_passphrase_file(path: &Path) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let bytes = read_input(path, 64 * 1024)
        .with_context(|| format!("while reading the passphrase file {}", super::shown(&path)))?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("the passphrase file {} is not UTF-8", super::shown(&path)))?;
    let line = text.lines().next().unwrap_or_default().to_owned();
    Ok(zeroize::Zeroizing::new(line))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, synced, then
/// renamed into place. Refuses to replace an existing file unless `overwrite`.
///
/// # Errors
///
/// I/O errors, and an existing file without `overwrite`.
pub fn write_new_file(path: &Path, bytes: &[u8], overwrite: bool) -> anyhow::Result<()> {
    if !overwrite && path.exists() {
        bail!(
            "{} already exists (not overwritten; use --force to replace it)",
            super::shown(&path)
        );
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| -> io::Result<()> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if overwrite {
            fs::rename(&tmp, path)
        } else {
            // hard_link fails if the target appeared meanwhile: no silent replacement.
            fs::hard_link(&tmp, path)?;
            fs::remove_file(&tmp)
        }
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("while writing {}", super::shown(&path)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.sig");
        write_new_file(&p, b"one", false).unwrap();
        assert!(write_new_file(&p, b"two", false).is_err());
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write_new_file(&p, b"three", true).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"three");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn input_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r");
        fs::write(&p, [b'x'; 11]).unwrap();
        assert!(read_input(&p, 10).is_err());
        assert_eq!(read_input(&p, 11).unwrap().len(), 11);
    }
}
