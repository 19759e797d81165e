//! Content hashes and atomic writes.

use std::fs;
use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{JournalError, io};

/// The SHA-256 of some bytes, in hex.
pub fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            use std::fmt::Write as _;
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// renamed over it: a reader sees the old file or the new one, never half.
/// The original's permissions are kept. The temporary file is named
/// `.fixpoint-tmp-<pid>-...` ([`fixpoint_paths::temp_prefix`]) so that the
/// next command removes it if this process is killed before the rename.
///
/// This writes where it is told: callers check `path` with the project's
/// [`fixpoint_paths::Policy`] first.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), JournalError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = fixpoint_paths::temp_prefix();
    let mut temporary = tempfile::Builder::new()
        .prefix(&prefix)
        .tempfile_in(dir)
        .map_err(io(path))?;
    temporary.write_all(bytes).map_err(io(path))?;
    temporary.as_file().sync_all().map_err(io(path))?;
    if let Ok(metadata) = fs::metadata(path) {
        fs::set_permissions(temporary.path(), metadata.permissions()).map_err(io(path))?;
    } else {
        // A new file gets the usual rw-r--r--, not the temporary file's private 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(temporary.path(), fs::Permissions::from_mode(0o644)).map_err(io(path))?;
        }
    }
    temporary.persist(path).map_err(|error| JournalError::Io {
        path: path.to_path_buf(),
        error: error.error,
    })?;
    Ok(())
}
