//! Reading inputs and writing outputs so that failures leave nothing half-written.

use std::fs::{self, File, OpenOptions};
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
        File::open(path)
            .and_then(|f| f.take(cap).read_to_end(&mut buf))
            .with_context(|| format!("while reading {}", path.display()))?;
    }
    if buf.len() > limit {
        bail!(
            "{} is larger than the limit of {limit} bytes",
            path.display()
        );
    }
    Ok(buf)
}

/// Reads a passphrase from the first line of a file (without its line ending).
///
/// # Errors
///
/// I/O errors.
pub fn read_passphrase_file(path: &Path) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("while reading the passphrase file {}", path.display()))?;
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
            path.display()
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
        return Err(e).with_context(|| format!("while writing {}", path.display()));
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
