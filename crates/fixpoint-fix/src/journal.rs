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

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
    /// The original's copy inside the entry, or `None` for a file the change created.
    pub backup: Option<String>,
    pub before: Option<String>,
    /// The hash the change left; empty when the change removed the file.
    pub after: String,
    /// The fixers (or `repair`) that made the change.
    pub codes: Vec<String>,
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
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: not a fixpoint journal manifest ({reason})", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("no journal entry `{0}`: `fixpoint journal` lists them")]
    Unknown(String),
    #[error("nothing to undo: the journal has no change that is not undone")]
    Empty,
    #[error("{} changed since fixpoint wrote it ({}); undo refuses to overwrite that: pass --force to restore the original anyway", .files.join(", "), .id)]
    ChangedSince { id: String, files: Vec<String> },
    #[error("{path}: the path leaves the project")]
    Outside { path: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

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
/// The original's permissions are kept.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), JournalError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".fixpoint-")
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
        source: error.error,
    })?;
    Ok(())
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

    /// Starts a change.
    pub fn begin(&self, command: &str) -> Result<Change, JournalError> {
        let created_at = fixpoint_core::format_rfc3339(SystemTime::now());
        let stem: String = created_at.chars().filter(char::is_ascii_digit).collect();
        let mut id = stem.clone();
        let mut suffix = 1;
        while self.dir.join(&id).exists() {
            suffix += 1;
            id = format!("{stem}-{suffix}");
        }
        let dir = self.dir.join(&id);
        fs::create_dir_all(dir.join("files")).map_err(io(&dir))?;
        let change = Change {
            project: self.project.clone(),
            dir,
            manifest: Manifest {
                id,
                created_at,
                command: command.to_owned(),
                state: State::Open,
                files: Vec::new(),
            },
        };
        change.save()?;
        Ok(change)
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

    /// Restores the originals of entry `id` (default: the newest change not
    /// yet undone). Every file is checked before any is touched.
    pub fn undo(&self, id: Option<&str>, force: bool) -> Result<Manifest, JournalError> {
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
        for record in &manifest.files {
            let path = self.inside(&record.path)?;
            let current = fs::read(&path).ok().map(|bytes| hash(&bytes));
            // A killed change may not have written this file yet.
            let untouched = current == record.before;
            let left = (!record.after.is_empty()).then_some(record.after.as_str());
            if current.as_deref() != left && !untouched {
                changed.push(record.path.clone());
            }
        }
        if !changed.is_empty() && !force {
            return Err(JournalError::ChangedSince {
                id: manifest.id,
                files: changed,
            });
        }
        for record in manifest.files.iter().rev() {
            let path = self.inside(&record.path)?;
            match &record.backup {
                Some(backup) => {
                    let original = dir.join(backup);
                    let bytes = fs::read(&original).map_err(io(&original))?;
                    write_atomically(&path, &bytes)?;
                }
                None => {
                    if path.exists() {
                        fs::remove_file(&path).map_err(io(&path))?;
                    }
                }
            }
        }
        manifest.state = State::Undone;
        save_manifest(&dir, &manifest)?;
        Ok(manifest)
    }

    fn inside(&self, relative: &str) -> Result<PathBuf, JournalError> {
        inside(&self.project, relative)
    }
}

/// A path the journal may touch: relative, and without `..`.
fn inside(project: &Path, relative: &str) -> Result<PathBuf, JournalError> {
    let path = Path::new(relative);
    if path.is_absolute() || path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return Err(JournalError::Outside {
            path: relative.to_owned(),
        });
    }
    Ok(project.join(path))
}

fn save_manifest(dir: &Path, manifest: &Manifest) -> Result<(), JournalError> {
    let text = serde_json::to_string_pretty(manifest).map_err(|e| JournalError::Corrupt {
        path: dir.join("manifest.json"),
        reason: e.to_string(),
    })?;
    write_atomically(&dir.join("manifest.json"), text.as_bytes())
}

/// A change being written.
#[derive(Debug)]
pub struct Change {
    project: PathBuf,
    dir: PathBuf,
    manifest: Manifest,
}

impl Change {
    pub fn id(&self) -> &str {
        &self.manifest.id
    }

    fn save(&self) -> Result<(), JournalError> {
        save_manifest(&self.dir, &self.manifest)
    }

    /// Writes `content` to `path` (relative to the project): the original
    /// goes into the journal first, and the manifest names the new content's
    /// hash before the file is written.
    pub fn write(&mut self, path: &str, content: &[u8], codes: &[String]) -> Result<(), JournalError> {
        let target = inside(&self.project, path)?;
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
            let backup = match &original {
                Some(bytes) => {
                    let name = format!("files/{}", self.manifest.files.len());
                    let copy = self.dir.join(&name);
                    fs::write(&copy, bytes).map_err(io(&copy))?;
                    Some(name)
                }
                None => None,
            };
            self.manifest.files.push(FileRecord {
                path: path.to_owned(),
                backup,
                before: original.as_deref().map(hash),
                after,
                codes: codes.to_vec(),
            });
        }
        self.save()?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        write_atomically(&target, content)
    }

    /// Removes `path` (relative to the project), its content kept in the
    /// journal so that undo brings it back.
    pub fn remove(&mut self, path: &str, codes: &[String]) -> Result<(), JournalError> {
        let target = inside(&self.project, path)?;
        let Ok(original) = fs::read(&target) else {
            return Ok(());
        };
        let name = format!("files/{}", self.manifest.files.len());
        let copy = self.dir.join(&name);
        fs::write(&copy, &original).map_err(io(&copy))?;
        self.manifest.files.push(FileRecord {
            path: path.to_owned(),
            backup: Some(name),
            before: Some(hash(&original)),
            after: String::new(),
            codes: codes.to_vec(),
        });
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
        Ok(self.manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("app")).unwrap();
        fs::write(
            dir.path().join("app/loot.py"),
            b"x = Decimal(1)\r\n\xff odd bytes kept\n",
        )
        .unwrap();
        let journal = Journal::new(dir.path());
        (dir, journal)
    }

    #[test]
    fn undo_restores_byte_identical_originals_and_removes_created_files() {
        let (dir, journal) = project();
        let original = fs::read(dir.path().join("app/loot.py")).unwrap();
        let mut change = journal.begin("fixpoint fix").unwrap();
        change
            .write(
                "app/loot.py",
                b"from decimal import Decimal\nx = Decimal(1)\n",
                &["FP002".into()],
            )
            .unwrap();
        change
            .write("app/new.py", b"def stub(): ...\n", &["FP004".into()])
            .unwrap();
        let manifest = change.finish().unwrap();
        assert_eq!(manifest.state, State::Complete);
        assert_eq!(journal.entries().unwrap()[0].files.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("app/new.py"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o644,
                "a created file is readable by all, as any new file"
            );
        }

        let undone = journal.undo(None, false).unwrap();
        assert_eq!(undone.state, State::Undone);
        assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
        assert!(!dir.path().join("app/new.py").exists());
        assert!(matches!(journal.undo(None, false), Err(JournalError::Empty)));
    }

    #[test]
    fn a_removed_file_comes_back_on_undo() {
        let (dir, journal) = project();
        let original = fs::read(dir.path().join("app/loot.py")).unwrap();
        let mut change = journal.begin("fixpoint rules migrate").unwrap();
        change.write("app/moved.py", &original, &["migrate".into()]).unwrap();
        change.remove("app/loot.py", &["migrate".into()]).unwrap();
        change.finish().unwrap();
        assert!(!dir.path().join("app/loot.py").exists());
        journal.undo(None, false).unwrap();
        assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
        assert!(!dir.path().join("app/moved.py").exists());
    }

    #[test]
    fn a_file_changed_since_is_refused_unless_forced() {
        let (dir, journal) = project();
        let original = fs::read(dir.path().join("app/loot.py")).unwrap();
        let mut change = journal.begin("fixpoint fix").unwrap();
        change.write("app/loot.py", b"fixed\n", &["FP002".into()]).unwrap();
        let id = change.finish().unwrap().id;
        fs::write(dir.path().join("app/loot.py"), "edited by hand\n").unwrap();
        let error = journal.undo(Some(&id), false).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("app/loot.py changed since fixpoint wrote it"),
            "{error}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("app/loot.py")).unwrap(),
            "edited by hand\n"
        );
        journal.undo(Some(&id), true).unwrap();
        assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
    }

    #[test]
    fn a_change_killed_half_way_is_noticed_and_undone() {
        let (dir, journal) = project();
        let original = fs::read(dir.path().join("app/loot.py")).unwrap();
        let mut change = journal.begin("fixpoint fix").unwrap();
        change.write("app/loot.py", b"half\n", &["FP002".into()]).unwrap();
        drop(change); // killed before finish()
        let open = journal.unfinished().unwrap();
        assert_eq!(open.len(), 1);
        journal.undo(Some(&open[0].id), false).unwrap();
        assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
        assert!(journal.unfinished().unwrap().is_empty());
    }

    #[test]
    fn paths_outside_the_project_are_refused_and_empty_changes_vanish() {
        let (_dir, journal) = project();
        let mut change = journal.begin("fixpoint fix").unwrap();
        assert!(matches!(
            change.write("../evil.py", b"x", &[]),
            Err(JournalError::Outside { .. })
        ));
        assert!(matches!(
            change.write("/etc/passwd", b"x", &[]),
            Err(JournalError::Outside { .. })
        ));
        change.finish().unwrap();
        assert!(journal.entries().unwrap().is_empty());
    }
}
