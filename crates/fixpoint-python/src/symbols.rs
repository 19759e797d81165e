//! Where each name is defined in the project: the symbol index that tells a
//! missing import where to import from.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::{ImportedName, ModuleSummary, module_name, summarize};

/// Top-level functions, classes and assignments of the project's own modules
/// (tests and conftest files excluded: nobody imports from them).
#[derive(Debug, Default)]
pub struct SymbolIndex {
    definitions: BTreeMap<String, Vec<String>>,
}

/// What one module adds to the [`SymbolIndex`]: its dotted name and the
/// names it defines at its top level, other than imports and private names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definitions {
    module: String,
    names: Vec<String>,
}

impl Definitions {
    /// The definitions of the module at `path` (from the root), summarized
    /// in `summary`; none for tests, conftest files and files outside any module.
    pub fn of(root: &Path, path: &str, summary: &ModuleSummary) -> Option<Self> {
        if is_test(path) {
            return None;
        }
        let module = module_name(root, &root.join(path))?;
        let imported: Vec<&str> = summary
            .imports
            .iter()
            .flat_map(|i| i.names.iter().map(ImportedName::bound))
            .collect();
        let names = summary
            .defined
            .iter()
            .filter(|name| !imported.contains(&name.as_str()) && !name.starts_with('_'))
            .cloned()
            .collect();
        Some(Self { module, names })
    }
}

fn is_test(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "conftest.py" || name.starts_with("test_") || path.split('/').any(|part| part == "tests" || part == "test")
}

impl SymbolIndex {
    pub fn build(root: &Path) -> Self {
        Self::from_sources(root, &read_project(root))
    }

    /// The index of sources already read by [`read_project`], parsed in parallel.
    pub fn from_sources(root: &Path, sources: &[(String, String)]) -> Self {
        let modules: Vec<Option<Definitions>> = sources
            .par_iter()
            .map(|(path, source)| {
                if is_test(path) {
                    return None;
                }
                Definitions::of(root, path, &summarize(source).ok()?)
            })
            .collect();
        Self::from_definitions(modules.into_iter().flatten())
    }

    /// The index of each module's [`Definitions`], in the order of the project's files.
    pub fn from_definitions(modules: impl IntoIterator<Item = Definitions>) -> Self {
        let mut index = Self::default();
        for Definitions { module, names } in modules {
            for name in names {
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
    // Read in parallel; `collect` keeps the order of the walk.
    files
        .into_par_iter()
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
