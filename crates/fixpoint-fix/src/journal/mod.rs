//! The journal: every file fixpoint writes is first copied, with its hash,
//! into `.fixpoint/journal/<id>/`; the write itself is atomic (a temporary
//! file renamed over the original). `undo` restores the originals byte for
//! byte and refuses a file that changed since (unless forced).
//!
//! A change is recorded before it happens: the manifest names the file, its
//! backup and the hash it is about to have, then the file is written. A
//! process killed half-way leaves an `open` entry whose every file is either
//! still the original or already the new content, and `undo` can take either
//! back.
//!
//! The journal proves itself: manifests are hash-chained ([`seal`]), every
//! backup is checked against the hash recorded for it before it is restored,
//! and every path it writes or restores is approved by the project's
//! [`fixpoint_paths::Policy`] first (inside the project, out of `.git/` and
//! environments, never through a symbolic link).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use fixpoint_paths::{Policy, Refusal};
use serde::{Deserialize, Serialize};

mod atomic;
mod change;
mod seal;

pub use atomic::{hash, write_atomically};
pub use change::Change;
pub use seal::Verified;

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Being written, or killed while it was.
    Open,
    Complete,
    Undone,
}

/// One file a change touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Relative to the project root.
    pub path: String,
    /// The original's copy inside the entry (`files/<n>`), or `None` for a
    /// file the change created (or a symbolic link, see `link`).
    pub backup: Option<String>,
    /// The SHA-256 of the original (of its backup; of a link, of its target).
    pub before: Option<String>,
    /// The hash the change left; empty when the change removed the file.
    pub after: String,
    /// The fixers (or `repair`) that made the change.
    pub codes: Vec<String>,
    /// The original was a symbolic link to this target (the change removed
    /// the link): undo brings the link back, not a copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// An entry's manifest: `.fixpoint/journal/<id>/manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    pub created_at: String,
    /// The command line that made the change.
    pub command: String,
    pub state: State,
    pub files: Vec<FileRecord>,
    /// The seal of the entry that was newest when this one began.
    #[serde(default)]
    pub previous: Option<String>,
    /// The SHA-256 of what this entry records (see [`seal`]); `None` in
    /// entries written before the journal was sealed.
    #[serde(default)]
    pub seal: Option<String>,
    /// When `undo` took the entry back. Like the state, not sealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_at: Option<String>,
    /// What verification refused of the change and why, recorded after it
    /// took the entry back. Not sealed: it is written after the seal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<Refused>,
}

/// Files of a change the tests refused, and what they broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub files: Vec<String>,
    /// The fixers that changed them.
    pub codes: Vec<String>,
    /// Tests that passed before and failed with them.
    pub broke: Vec<String>,
    /// Why the suite did not start with them, when it started before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The recorded run whose failures the change answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<i64>,
}

impl Manifest {
    /// The fixer codes (or `repair`, `init`, ...) of every file, sorted, once each.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self
            .files
            .iter()
            .flat_map(|f| f.codes.iter().map(String::as_str))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    // The I/O error is part of the message, not a `source`, so that it is
    // printed once whether or not causes are.
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{}: not a fixpoint journal manifest ({reason})", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("no journal entry `{0}`: `fixpoint journal` lists them")]
    Unknown(String),
    #[error("nothing to undo: the journal has no change that is not undone")]
    Empty,
    #[error("{} changed since fixpoint wrote it ({}); undo refuses to overwrite that: pass --force to restore the original anyway", .files.join(", "), .id)]
    ChangedSince { id: String, files: Vec<String> },
    /// The policy refused a path.
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error(
        "journal entry {id} does not prove itself: {reason}; nothing was restored (`fixpoint journal --verify` checks every entry)"
    )]
    Tampered { id: String, reason: String },
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.to_path_buf(),
        error: source,
    }
}

/// A project's journal.
#[derive(Debug, Clone)]
pub struct Journal {
    project: PathBuf,
    dir: PathBuf,
}

impl Journal {
    pub fn new(project: &Path) -> Self {
        Self {
            project: project.to_path_buf(),
            dir: project.join(".fixpoint").join("journal"),
        }
    }

    /// The project's path policy.
    fn policy(&self) -> Result<Policy, JournalError> {
        Policy::new(&self.project).map_err(io(&self.project))
    }

    /// Starts a change, chained to the newest entry.
    pub fn begin(&self, command: &str) -> Result<Change, JournalError> {
        let policy = self.policy()?;
        let previous = self.entries()?.first().and_then(|newest| newest.seal.clone());
        let created_at = fixpoint_core::format_rfc3339(SystemTime::now());
        let stem: String = created_at.chars().filter(char::is_ascii_digit).collect();
        let mut id = stem.clone();
        let mut suffix = 1;
        while self.dir.join(&id).exists() {
            suffix += 1;
            id = format!("{stem}-{suffix:03}");
        }
        let dir = self.dir.join(&id);
        fs::create_dir_all(dir.join("files")).map_err(io(&dir))?;
        let manifest = Manifest {
            id,
            created_at,
            command: command.to_owned(),
            state: State::Open,
            files: Vec::new(),
            previous,
            seal: None,
            undone_at: None,
            refused: Vec::new(),
        };
        Change::start(policy, dir, manifest)
    }

    /// Every entry, newest first.
    pub fn entries(&self) -> Result<Vec<Manifest>, JournalError> {
        let Ok(listing) = fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        let mut entries = Vec::new();
        for entry in listing.flatten() {
            let path = entry.path().join("manifest.json");
            if path.is_file() {
                let text = fs::read_to_string(&path).map_err(io(&path))?;
                let manifest: Manifest = serde_json::from_str(&text).map_err(|e| JournalError::Corrupt {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                if entry.file_name().to_str() != Some(manifest.id.as_str()) {
                    return Err(JournalError::Tampered {
                        id: entry.file_name().to_string_lossy().into_owned(),
                        reason: format!("its manifest says it is entry `{}`", manifest.id),
                    });
                }
                entries.push(manifest);
            }
        }
        entries.sort_by(|a, b| b.id.cmp(&a.id));
        Ok(entries)
    }

    /// Changes that never finished: a fix run that was killed half-way.
    pub fn unfinished(&self) -> Result<Vec<Manifest>, JournalError> {
        Ok(self.entries()?.into_iter().filter(|m| m.state == State::Open).collect())
    }

    /// Checks the whole chain and every backup (`fixpoint journal --verify`).
    pub fn verify(&self) -> Result<Verified, JournalError> {
        let mut entries = self.entries()?;
        entries.reverse();
        seal::verify_chain(&self.dir, &entries)
    }

    /// Restores the originals of entry `id` (default: the newest change not
    /// yet undone). The chain, every backup's hash and every path are
    /// checked before any file is touched.
    pub fn undo(&self, id: Option<&str>, force: bool) -> Result<Manifest, JournalError> {
        let policy = self.policy()?;
        self.verify()?;
        let entries = self.entries()?;
        let mut manifest = match id {
            Some(id) => entries
                .into_iter()
                .find(|m| m.id == id)
                .ok_or_else(|| JournalError::Unknown(id.to_owned()))?,
            None => entries
                .into_iter()
                .find(|m| m.state != State::Undone)
                .ok_or(JournalError::Empty)?,
        };
        let dir = self.dir.join(&manifest.id);
        let mut changed = Vec::new();
        let mut targets = Vec::new();
        for record in &manifest.files {
            let path = match &record.link {
                Some(_) => policy.writable_link(&record.path)?,
                None => policy.writable(&record.path)?,
            };
            let current = fs::read(&path).ok().map(|bytes| hash(&bytes));
            // A killed change may not have written this file yet.
            let untouched =
                record.link.is_some() && current.is_none() || record.link.is_none() && current == record.before;
            let left = (!record.after.is_empty()).then_some(record.after.as_str());
            if current.as_deref() != left && !untouched {
                changed.push(record.path.clone());
            }
            targets.push(path);
        }
        if !changed.is_empty() && !force {
            return Err(JournalError::ChangedSince {
                id: manifest.id,
                files: changed,
            });
        }
        for (record, path) in manifest.files.iter().zip(&targets).rev() {
            restore(&dir, record, path)?;
        }
        manifest.state = State::Undone;
        manifest.undone_at = Some(fixpoint_core::format_rfc3339(SystemTime::now()));
        change::save_manifest(&dir, &manifest)?;
        Ok(manifest)
    }

    /// Notes on an undone entry what verification refused of it.
    pub fn record_refused(&self, id: &str, refused: Refused) -> Result<(), JournalError> {
        let mut manifest = self
            .entries()?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(|| JournalError::Unknown(id.to_owned()))?;
        manifest.refused.push(refused);
        change::save_manifest(&self.dir.join(id), &manifest)
    }
}

/// Puts one file back as the record says it was before the change.
fn restore(dir: &Path, record: &FileRecord, path: &Path) -> Result<(), JournalError> {
    if let Some(target) = &record.link {
        if fs::symlink_metadata(path).is_ok() {
            fs::remove_file(path).map_err(io(path))?;
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(target, path).map_err(io(path))?;
        return Ok(());
    }
    if let Some(backup) = &record.backup {
        let original = dir.join(backup);
        let bytes = fs::read(&original).map_err(io(&original))?;
        write_atomically(path, &bytes)
    } else {
        if path.exists() {
            fs::remove_file(path).map_err(io(path))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
