//! fixpoint's own temporary files, and the sweep that removes those a killed
//! fixpoint left behind.
//!
//! Every atomic write goes through a temporary file beside its target, named
//! `.fixpoint-tmp-<pid>-<random>`. A process killed between writing it and
//! renaming it over the target leaves it in the source tree; the next
//! command in the project removes every such file whose process is gone.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::Policy;

/// What every temporary file fixpoint writes is named with.
pub const TEMP_PREFIX: &str = ".fixpoint-tmp-";

/// A leftover whose writer cannot be told apart (no `/proc`) counts as
/// abandoned once it is this old.
const ABANDONED_AFTER: Duration = Duration::from_mins(10);

/// The prefix for this process's temporary files: `.fixpoint-tmp-<pid>-`.
pub fn temp_prefix() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

/// Removes the temporary files of fixpoint processes that are gone, below
/// the project root (protected places, environments and links skipped).
/// Returns what it removed, relative to the root.
pub fn remove_leftovers(policy: &Policy) -> Vec<String> {
    let mut removed = Vec::new();
    sweep(policy, policy.root(), &mut removed);
    removed.sort();
    removed
}

fn sweep(policy: &Policy, dir: &Path, removed: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if [
                "__pycache__",
                "node_modules",
                ".pytest_cache",
                ".mypy_cache",
                ".ruff_cache",
            ]
            .contains(&name.as_ref())
                || !policy.walkable(&path)
            {
                continue;
            }
            sweep(policy, &path, removed);
        } else if is_abandoned(&entry.file_name().to_string_lossy(), &path) && fs::remove_file(&path).is_ok() {
            removed.push(relative(policy, &path));
        }
    }
}

/// Whether `name` is a fixpoint temporary file whose writer is gone.
fn is_abandoned(name: &str, path: &Path) -> bool {
    let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
        return false;
    };
    let pid = rest.split('-').next().and_then(|pid| pid.parse::<u32>().ok());
    let proc = Path::new("/proc");
    match pid {
        Some(pid) if pid == std::process::id() => false,
        Some(pid) if proc.join("self").exists() => !proc.join(pid.to_string()).exists(),
        _ => fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|at| SystemTime::now().duration_since(at).ok())
            .is_some_and(|age| age > ABANDONED_AFTER),
    }
}

fn relative(policy: &Policy, path: &Path) -> String {
    path.strip_prefix(policy.root())
        .map_or_else(|_| path.to_path_buf(), PathBuf::from)
        .to_string_lossy()
        .replace('\\', "/")
}
