//! A change being written: every file it touches goes through the policy,
//! then into the manifest with its backup and hashes, and only then to disk.

use std::fs;
use std::path::{Path, PathBuf};

use fixpoint_paths::Policy;

use super::seal::seal_of;
use super::{FileRecord, JournalError, Manifest, State, hash, io, write_atomically};

/// A change being written.
#[derive(Debug)]
pub struct Change {
    policy: Policy,
    dir: PathBuf,
    manifest: Manifest,
}

/// Seals and writes `manifest` into its entry directory `dir`.
pub(super) fn save_manifest(dir: &Path, manifest: &Manifest) -> Result<(), JournalError> {
    let mut sealed = manifest.clone();
    sealed.seal = Some(seal_of(&sealed));
    let text = serde_json::to_string_pretty(&sealed).map_err(|e| JournalError::Corrupt {
        path: dir.join("manifest.json"),
        reason: e.to_string(),
    })?;
    write_atomically(&dir.join("manifest.json"), text.as_bytes())
}

impl Change {
    pub(super) fn start(policy: Policy, dir: PathBuf, manifest: Manifest) -> Result<Self, JournalError> {
        let change = Self { policy, dir, manifest };
        change.save()?;
        Ok(change)
    }

    pub fn id(&self) -> &str {
        &self.manifest.id
    }

    fn save(&self) -> Result<(), JournalError> {
        save_manifest(&self.dir, &self.manifest)
    }

    /// Keeps `bytes` as backup number `n` of this entry; returns its name.
    fn keep(&self, bytes: &[u8]) -> Result<String, JournalError> {
        let name = format!("files/{}", self.manifest.files.len());
        let copy = self.dir.join(&name);
        fs::write(&copy, bytes).map_err(io(&copy))?;
        Ok(name)
    }

    /// Writes `content` to `path` (relative to the project): the policy
    /// approves the path, the original goes into the journal, and the
    /// manifest names the new content's hash before the file is written.
    pub fn write(&mut self, path: &str, content: &[u8], codes: &[String]) -> Result<(), JournalError> {
        let target = self.policy.writable(path)?;
        let path = self.policy.relative(path)?;
        let original = fs::read(&target).ok();
        let after = hash(content);
        if let Some(record) = self.manifest.files.iter_mut().find(|r| r.path == path) {
            // Written twice in one change: the first original stays the one to restore.
            record.after = after;
            for code in codes {
                if !record.codes.contains(code) {
                    record.codes.push(code.clone());
                }
            }
        } else {
            let backup = original.as_deref().map(|bytes| self.keep(bytes)).transpose()?;
            self.manifest.files.push(FileRecord {
                path,
                backup,
                before: original.as_deref().map(hash),
                after,
                codes: codes.to_vec(),
                link: None,
            });
        }
        self.save()?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        write_atomically(&target, content)
    }

    /// Removes `path` (relative to the project), its content kept in the
    /// journal so that undo brings it back. A symbolic link is removed
    /// itself (its target left alone) and comes back as a link.
    pub fn remove(&mut self, path: &str, codes: &[String]) -> Result<(), JournalError> {
        let target = self.policy.writable_link(path)?;
        let path = self.policy.relative(path)?;
        let Ok(metadata) = fs::symlink_metadata(&target) else {
            return Ok(());
        };
        let record = if metadata.file_type().is_symlink() {
            let link = fs::read_link(&target).map_err(io(&target))?;
            let link = link.to_string_lossy().into_owned();
            FileRecord {
                path,
                backup: None,
                before: Some(hash(link.as_bytes())),
                after: String::new(),
                codes: codes.to_vec(),
                link: Some(link),
            }
        } else {
            let original = fs::read(&target).map_err(io(&target))?;
            FileRecord {
                path,
                backup: Some(self.keep(&original)?),
                before: Some(hash(&original)),
                after: String::new(),
                codes: codes.to_vec(),
                link: None,
            }
        };
        self.manifest.files.push(record);
        self.save()?;
        fs::remove_file(&target).map_err(io(&target))
    }

    /// Closes the change; an empty change leaves no entry behind.
    pub fn finish(mut self) -> Result<Manifest, JournalError> {
        if self.manifest.files.is_empty() {
            let _ = fs::remove_dir_all(&self.dir);
            return Ok(self.manifest);
        }
        self.manifest.state = State::Complete;
        self.save()?;
        self.manifest.seal = Some(seal_of(&self.manifest));
        Ok(self.manifest)
    }
}
