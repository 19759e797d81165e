//! Where each name is defined in the project: the symbol index that tells a
//! missing import where to import from.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::{module_name, summarize};

/// Top-level functions, classes and assignments of the project's own modules
/// (tests and conftest files excluded: nobody imports from them).
#[derive(Debug, Default)]
pub struct SymbolIndex {
    definitions: BTreeMap<String, Vec<String>>,
}

impl SymbolIndex {
    pub fn build(root: &Path) -> Self {
        Self::from_sources(root, &read_project(root))
    }

    /// The index of sources already read by [`read_project`].
    pub fn from_sources(root: &Path, sources: &[(String, String)]) -> Self {
        let mut index = Self::default();
        for (path, source) in sources {
            let name = path.rsplit('/').next().unwrap_or(path);
            let is_test = name == "conftest.py"
                || name.starts_with("test_")
                || path.split('/').any(|part| part == "tests" || part == "test");
            if is_test {
                continue;
            }
            let Some(module) = module_name(root, &root.join(path)) else {
                continue;
            };
            let Ok(summary) = summarize(source) else { continue };
            let imported: Vec<String> = summary
                .imports
                .iter()
                .flat_map(|i| i.names.iter().map(|n| n.bound().to_owned()))
                .collect();
            for name in summary
                .defined
                .into_iter()
                .filter(|name| !imported.contains(name) && !name.starts_with('_'))
            {
                let modules = index.definitions.entry(name).or_default();
                if !modules.contains(&module) {
                    modules.push(module.clone());
                }
            }
        }
        index
    }

    /// The modules that define `name`, sorted.
    pub fn defining(&self, name: &str) -> &[String] {
        self.definitions.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Every Python file of the project, code and tests (virtual environments,
/// caches and hidden directories skipped), as (path from the root, source).
pub fn read_project(root: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let Ok(policy) = fixpoint_paths::Policy::new(root) else {
        return Vec::new();
    };
    collect(&policy, root, &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let source = fs::read_to_string(&file).ok()?;
            let relative = file.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/");
            Some((relative, source))
        })
        .collect()
}

/// Symbolic links are not followed: a linked file inside the project is read
/// under its own path, and one that leads out is not read at all.
fn collect(policy: &fixpoint_paths::Policy, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let skipped = name.starts_with('.')
            || ["venv", "__pycache__", "node_modules", "site-packages", "build", "dist"].contains(&name.as_str());
        if skipped || entry.file_type().is_ok_and(|kind| kind.is_symlink()) || !policy.walkable(&path) {
            continue;
        }
        if path.is_dir() {
            collect(policy, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_definitions_but_not_imports_or_tests() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("app/tests")).unwrap();
        fs::write(root.join("app/__init__.py"), "").unwrap();
        fs::write(
            root.join("app/dice.py"),
            "from random import randint\n\ndef roll(): ...\nclass Die: ...\n_private = 1\n",
        )
        .unwrap();
        fs::write(root.join("app/other.py"), "def roll(): ...\n").unwrap();
        fs::write(root.join("app/tests/test_dice.py"), "def helper(): ...\n").unwrap();
        let index = SymbolIndex::build(root);
        assert_eq!(index.defining("Die"), ["app.dice"]);
        assert_eq!(index.defining("roll"), ["app.dice", "app.other"]);
        assert!(index.defining("randint").is_empty());
        assert!(index.defining("_private").is_empty());
        assert!(index.defining("helper").is_empty());
    }
}
