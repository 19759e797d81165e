//! The journal's hash chain: each manifest carries the SHA-256 of its own
//! content (its seal) and the seal of the entry before it, so that an edited,
//! removed or inserted entry, and a backup that is not the recorded original,
//! show.
//!
//! The seal covers what a change did (id, time, command, files and their
//! hashes, the previous seal), not its state: `undo` marks an old entry
//! undone without breaking the chain. A manifest written before the journal
//! was sealed carries no seal; such entries may only precede sealed ones.

use std::fs;
use std::path::Path;

use serde::Serialize;

use super::{FileRecord, JournalError, Manifest, hash};

#[derive(Serialize)]
struct Sealed<'a> {
    id: &'a str,
    created_at: &'a str,
    command: &'a str,
    files: &'a [FileRecord],
    previous: Option<&'a str>,
}

/// The seal of `manifest`: the SHA-256 of what it records.
pub(super) fn seal_of(manifest: &Manifest) -> String {
    let sealed = Sealed {
        id: &manifest.id,
        created_at: &manifest.created_at,
        command: &manifest.command,
        files: &manifest.files,
        previous: manifest.previous.as_deref(),
    };
    hash(&serde_json::to_vec(&sealed).unwrap_or_default())
}

/// What `fixpoint journal --verify` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// Entries checked.
    pub entries: usize,
    /// Of them, entries from before the journal was sealed.
    pub unsealed: usize,
}

/// Checks the chain of `entries` (oldest first) and every backup they keep
/// under `dir`; the error names the first entry that does not prove itself.
pub(super) fn verify_chain(dir: &Path, entries: &[Manifest]) -> Result<Verified, JournalError> {
    let mut previous: Option<&str> = None;
    let mut sealed_seen = false;
    let mut unsealed = 0;
    for manifest in entries {
        let broken = |reason: String| JournalError::Tampered {
            id: manifest.id.clone(),
            reason,
        };
        let Some(seal) = manifest.seal.as_deref() else {
            if sealed_seen {
                return Err(broken("it carries no seal, though an entry before it does".into()));
            }
            unsealed += 1;
            previous = None;
            verify_entry(dir, manifest)?;
            continue;
        };
        sealed_seen = true;
        if seal_of(manifest) != seal {
            return Err(broken("its manifest does not match its seal (it was edited)".into()));
        }
        if manifest.previous.as_deref() != previous {
            return Err(broken(match previous {
                Some(_) => "it does not follow the entry before it (an entry was removed, added or edited)".into(),
                None => "it names an entry before it that is not in the journal".into(),
            }));
        }
        verify_entry(dir, manifest)?;
        previous = Some(seal);
    }
    Ok(Verified {
        entries: entries.len(),
        unsealed,
    })
}

/// Every backup of one entry is where the journal keeps backups and holds
/// the original the manifest recorded.
pub(super) fn verify_entry(dir: &Path, manifest: &Manifest) -> Result<(), JournalError> {
    let entry = dir.join(&manifest.id);
    for record in &manifest.files {
        let Some(backup) = &record.backup else { continue };
        let broken = |reason: String| JournalError::Tampered {
            id: manifest.id.clone(),
            reason: format!("the backup of {}: {reason}", record.path),
        };
        if !is_backup_name(backup) {
            return Err(broken(format!("`{backup}` is not a backup inside the entry")));
        }
        let copy = entry.join(backup);
        if fs::symlink_metadata(&copy).is_ok_and(|m| !m.file_type().is_file()) {
            return Err(broken(format!("`{backup}` is not a plain file")));
        }
        let bytes = fs::read(&copy).map_err(|_| broken(format!("`{backup}` is missing")))?;
        if record.before.as_deref() != Some(hash(&bytes).as_str()) {
            return Err(broken("it does not match the hash the journal recorded".into()));
        }
    }
    Ok(())
}

/// `files/<n>`: the only names the journal gives backups.
fn is_backup_name(name: &str) -> bool {
    name.strip_prefix("files/")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}
