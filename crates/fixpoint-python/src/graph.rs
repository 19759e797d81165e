//! The project's import graph: which of its files import which, and so which
//! test files a change to some files can affect.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::Path;

use rayon::prelude::*;

use crate::{ModuleSummary, summarize};

/// Project files (paths from the root) and the project files each imports.
#[derive(Debug, Default)]
pub struct ImportGraph {
    imports: HashMap<String, BTreeSet<String>>,
}

/// The project file a dotted module name is, if any (`a.b` → `a/b.py`,
/// `a/b/__init__.py`, or the same under `src/`).
fn resolve(root: &Path, files: &BTreeSet<&str>, dotted: &str) -> Option<String> {
    let base = dotted.replace('.', "/");
    ["", "src/"]
        .iter()
        .flat_map(|prefix| [format!("{prefix}{base}.py"), format!("{prefix}{base}/__init__.py")])
        .find(|candidate| files.contains(candidate.as_str()) || root.join(candidate).is_file())
}

/// The package a file is in, as a dotted name (for relative imports).
fn package_of(path: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = path.trim_end_matches(".py").split('/').collect();
    parts.pop();
    if parts.first() == Some(&"src") {
        parts.remove(0);
    }
    parts
}

/// The project files one file imports: one node of an [`ImportGraph`] and
/// its edges, worked out on its own so that files can be read in parallel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImports {
    path: String,
    targets: BTreeSet<String>,
}

impl FileImports {
    /// What `module` (the summary of the file at `path`) imports among
    /// `files`, the paths of every project file; a dotted name that is none
    /// of them may still be a file under `root`.
    pub fn of(root: &Path, files: &BTreeSet<&str>, path: &str, module: &ModuleSummary) -> Self {
        let mut targets = BTreeSet::new();
        for import in &module.imports {
            let base = match (&import.from, import.level) {
                (from, 0) => from.clone(),
                (from, level) => {
                    let package = package_of(path);
                    let keep = package.len().saturating_sub(level as usize - 1);
                    let mut parts: Vec<&str> = package[..keep].to_vec();
                    if let Some(from) = from {
                        parts.push(from);
                    }
                    Some(parts.join("."))
                }
            };
            match base {
                // `from a.b import c`: c may be a submodule, else a name in a.b.
                Some(base) => {
                    for name in &import.names {
                        let dotted = if base.is_empty() {
                            name.name.clone()
                        } else {
                            format!("{base}.{}", name.name)
                        };
                        if let Some(file) = resolve(root, files, &dotted).or_else(|| resolve(root, files, &base)) {
                            targets.insert(file);
                        }
                    }
                }
                None => {
                    for name in &import.names {
                        if let Some(file) = resolve(root, files, &name.name) {
                            targets.insert(file);
                        }
                    }
                }
            }
        }
        targets.remove(path);
        Self {
            path: path.to_owned(),
            targets,
        }
    }
}

impl ImportGraph {
    /// Builds the graph from the project's sources (see [`crate::read_project`]),
    /// parsed in parallel.
    pub fn build(root: &Path, sources: &[(String, String)]) -> Self {
        let files: BTreeSet<&str> = sources.iter().map(|(path, _)| path.as_str()).collect();
        let nodes: Vec<Option<FileImports>> = sources
            .par_iter()
            .map(|(path, source)| Some(FileImports::of(root, &files, path, &summarize(source).ok()?)))
            .collect();
        Self::from_files(nodes.into_iter().flatten())
    }

    /// The graph of these files' imports (files that do not parse have none).
    pub fn from_files(files: impl IntoIterator<Item = FileImports>) -> Self {
        Self {
            imports: files.into_iter().map(|file| (file.path, file.targets)).collect(),
        }
    }

    /// The project files `path` imports directly.
    pub fn imports_of(&self, path: &str) -> impl Iterator<Item = &str> {
        self.imports.get(path).into_iter().flatten().map(String::as_str)
    }

    /// Test files that import any of `changed`, directly or through other
    /// project files (the changed files themselves when they are tests), and
    /// the directories of affected `conftest.py` files, sorted.
    pub fn affected_tests(&self, changed: &[String]) -> Vec<String> {
        let mut importers: HashMap<&str, Vec<&str>> = HashMap::new();
        for (file, targets) in &self.imports {
            for target in targets {
                importers.entry(target.as_str()).or_default().push(file.as_str());
            }
        }
        let mut seen: BTreeSet<&str> = changed.iter().map(String::as_str).collect();
        let mut queue: VecDeque<&str> = seen.iter().copied().collect();
        while let Some(file) = queue.pop_front() {
            for importer in importers.get(file).into_iter().flatten() {
                if seen.insert(importer) {
                    queue.push_back(importer);
                }
            }
        }
        let mut tests: BTreeSet<String> = BTreeSet::new();
        for file in seen {
            let name = file.rsplit('/').next().unwrap_or(file);
            if name == "conftest.py" {
                tests.insert(
                    file.rsplit_once('/')
                        .map_or_else(|| ".".to_owned(), |(dir, _)| dir.to_owned()),
                );
            } else if name.starts_with("test_") || name.ends_with("_test.py") {
                tests.insert(file.to_owned());
            }
        }
        tests.into_iter().collect()
    }
}

impl ImportGraph {
    /// Whether `from` reaches `to` through the project's imports (so an
    /// import of `to` in `from`'s importers closes a cycle).
    pub fn reaches(&self, from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([from]);
        while let Some(file) = queue.pop_front() {
            if file == to {
                return true;
            }
            if seen.insert(file) {
                queue.extend(self.imports_of(file));
            }
        }
        false
    }

    /// The project file an import names, resolved as [`ImportGraph::build`] does.
    pub fn resolve(&self, root: &Path, dotted: &str) -> Option<String> {
        let files: BTreeSet<&str> = self.imports.keys().map(String::as_str).collect();
        resolve(root, &files, dotted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<(String, String)> {
        [
            ("app/__init__.py", ""),
            ("app/dice.py", "import random\n"),
            ("app/loot.py", "from app.dice import roll\nfrom . import models\n"),
            ("app/models.py", ""),
            ("tests/test_loot.py", "from app import loot\n"),
            ("tests/test_models.py", "import app.models\n"),
            ("tests/test_other.py", "import json\n"),
            ("tests/services/conftest.py", "from app.dice import roll\n"),
        ]
        .iter()
        .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
        .collect()
    }

    #[test]
    fn resolves_absolute_relative_and_submodule_imports() {
        let graph = ImportGraph::build(Path::new("/nonexistent"), &sources());
        let loot: Vec<&str> = graph.imports_of("app/loot.py").collect();
        assert_eq!(loot, ["app/dice.py", "app/models.py"]);
        assert_eq!(
            graph.imports_of("tests/test_loot.py").collect::<Vec<_>>(),
            ["app/loot.py"]
        );
    }

    #[test]
    fn finds_the_tests_a_change_reaches() {
        let graph = ImportGraph::build(Path::new("/nonexistent"), &sources());
        assert_eq!(
            graph.affected_tests(&["app/dice.py".to_owned()]),
            ["tests/services", "tests/test_loot.py"]
        );
        assert_eq!(
            graph.affected_tests(&["app/models.py".to_owned()]),
            ["tests/test_loot.py", "tests/test_models.py"]
        );
        assert_eq!(
            graph.affected_tests(&["tests/test_other.py".to_owned()]),
            ["tests/test_other.py"]
        );
    }
}
