//! Reading inputs without surprises: only regular files, never blocking on a FIFO.
//!
//! The one file primitive the registry and the binaries share; everything else in the core is
//! free of I/O.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

/// Opens `path` for reading if it is a regular file (symlinks followed), and refuses anything
/// else with [`io::ErrorKind::InvalidInput`]: a FIFO or a device where a file is expected
/// would block or never end. The type is checked before opening, and again on the opened file
/// (opened with `O_NONBLOCK`, so a FIFO swapped in meanwhile does not block the open).
/// # Errors
///
/// [`io::ErrorKind::InvalidInput`] for anything but a regular file, and any error of
/// `stat` or `open`.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let not_regular = |t: fs::FileType| {
        let what = if t.is_dir() {
            "a directory"
        } else if is_fifo(&t) {
            "a FIFO"
        } else {
            "a special file"
        };
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a regular file ({what}); only regular files are read"),
        )
    };
    let t = fs::metadata(path)?.file_type();
    if !t.is_file() {
        return Err(not_regular(t));
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let t = file.metadata()?.file_type();
    if !t.is_file() {
        return Err(not_regular(t));
    }
    Ok(file)
}

/// The whole content of a regular file ([`open_regular`]).
///
/// # Errors
///
/// As [`open_regular`], and any read error.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    use io::Read as _;
    let mut buf = Vec::new();
    open_regular(path)?.read_to_end(&mut buf)?;
    Ok(buf)
}

fn is_fifo(t: &fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        t.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = t;
        false
    }
}
