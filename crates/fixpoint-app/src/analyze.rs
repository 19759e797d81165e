//! `fixpoint analyze`: what a newcomer (or a model) should know about a
//! repository before touching it: its layout, languages and line counts, how
//! its tests are laid out and configured, the frameworks it uses (with the
//! evidence), and the cycles in its import graph.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;

use serde::Serialize;

use crate::Project;

#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub project: String,
    /// Top-level directories (and `.` for files at the root) with their file counts.
    pub layout: Vec<DirectoryEntry>,
    /// By language, most lines first.
    pub languages: Vec<LanguageEntry>,
    pub tests: TestLayout,
    pub frameworks: Vec<Framework>,
    /// Python import cycles: each a list of files that import one another.
    pub import_cycles: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DirectoryEntry {
    pub path: String,
    pub files: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageEntry {
    pub language: String,
    pub files: usize,
    pub lines: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestLayout {
    pub test_files: usize,
    /// `def test_...` functions and methods.
    pub test_functions: usize,
    pub conftest_files: Vec<String>,
    /// Where pytest's configuration is (`pyproject.toml`, `pytest.ini`, ...).
    pub config: Option<String>,
    /// Directories that hold test files.
    pub directories: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    pub name: String,
    /// Where it was seen: a dependency declaration or imports.
    pub evidence: Vec<String>,
}

/// Frameworks fixpoint knows, by the import/distribution name that reveals them.
const FRAMEWORKS: [(&str, &str); 14] = [
    ("sqlalchemy", "SQLAlchemy"),
    ("pydantic", "Pydantic"),
    ("django", "Django"),
    ("fastapi", "FastAPI"),
    ("flask", "Flask"),
    ("starlette", "Starlette"),
    ("celery", "Celery"),
    ("alembic", "Alembic"),
    ("pytest", "pytest"),
    ("factory", "factory_boy"),
    ("hypothesis", "Hypothesis"),
    ("prisma", "Prisma"),
    ("attrs", "attrs"),
    ("numpy", "NumPy"),
];

pub fn analyze(project: &Project) -> Analysis {
    let root = &project.root;
    let files = fixpoint_rules::project_files(root);
    let mut layout: BTreeMap<String, usize> = BTreeMap::new();
    let mut languages: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for file in &files {
        let top = file.split_once('/').map_or(".", |(dir, _)| dir).to_owned();
        *layout.entry(top).or_default() += 1;
        let language = language_of(file);
        let lines = fs::read(root.join(file)).map_or(0, |bytes| bytecount_lines(&bytes));
        let slot = languages.entry(language).or_default();
        slot.0 += 1;
        slot.1 += lines;
    }
    let mut languages: Vec<LanguageEntry> = languages
        .into_iter()
        .map(|(language, (files, lines))| LanguageEntry {
            language: language.to_owned(),
            files,
            lines,
        })
        .collect();
    languages.sort_by(|a, b| b.lines.cmp(&a.lines).then_with(|| a.language.cmp(&b.language)));

    let sources = fixpoint_python::read_project(root);
    let is_test = fixpoint_paths::is_test_module;
    let test_sources: Vec<&(String, String)> = sources.iter().filter(|(p, _)| is_test(p)).collect();
    let test_functions = test_sources
        .iter()
        .map(|(_, s)| {
            s.lines()
                .filter(|l| {
                    let t = l.trim_start();
                    t.starts_with("def test") || t.starts_with("async def test")
                })
                .count()
        })
        .sum();
    let directories: BTreeSet<String> = test_sources
        .iter()
        .map(|(p, _)| p.rsplit_once('/').map_or(".", |(d, _)| d).to_owned())
        .collect();
    let config = ["pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"]
        .into_iter()
        .find(|name| {
            let text = fs::read_to_string(root.join(name)).unwrap_or_default();
            match *name {
                "pytest.ini" => root.join(name).is_file(),
                "pyproject.toml" => text.contains("[tool.pytest.ini_options]"),
                _ => text.contains("[pytest]") || text.contains("[tool:pytest]"),
            }
        })
        .map(str::to_owned);
    let tests = TestLayout {
        test_files: test_sources.len(),
        test_functions,
        conftest_files: sources
            .iter()
            .filter(|(p, _)| p.rsplit('/').next() == Some("conftest.py"))
            .map(|(p, _)| p.clone())
            .collect(),
        config,
        directories: directories.into_iter().collect(),
    };

    Analysis {
        project: root
            .file_name()
            .map_or_else(|| root.display().to_string(), |n| n.to_string_lossy().into_owned()),
        layout: layout
            .into_iter()
            .map(|(path, files)| DirectoryEntry { path, files })
            .collect(),
        languages,
        tests,
        frameworks: frameworks(project, &sources),
        import_cycles: cycles(project, &sources),
    }
}

#[allow(clippy::naive_bytecount, reason = "a line count is not worth another crate")]
fn bytecount_lines(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(!bytes.is_empty() && bytes.last() != Some(&b'\n'))
}

fn language_of(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match extension.as_str() {
        "py" | "pyi" => "Python",
        "md" | "rst" => "Markdown/reST",
        "toml" | "cfg" | "ini" => "Config (TOML/INI)",
        "yaml" | "yml" => "YAML",
        "json" => "JSON",
        "js" | "mjs" | "cjs" | "jsx" => "JavaScript",
        "ts" | "tsx" => "TypeScript",
        "html" | "htm" | "jinja" | "j2" => "HTML/templates",
        "css" | "scss" => "CSS",
        "sql" => "SQL",
        "sh" | "bash" => "Shell",
        "prisma" => "Prisma",
        "txt" => "Text",
        "rs" => "Rust",
        _ => "Other",
    }
}

/// Frameworks from the dependency files and from the imports in the code.
fn frameworks(project: &Project, sources: &[(String, String)]) -> Vec<Framework> {
    let root = &project.root;
    let mut declared: Vec<(String, String)> = Vec::new();
    for name in ["pyproject.toml", "setup.cfg", "setup.py", "Pipfile"] {
        if let Ok(text) = fs::read_to_string(root.join(name)) {
            declared.push((name.to_owned(), text.to_ascii_lowercase()));
        }
    }
    if let Ok(entries) = fs::read_dir(root) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text_file = std::path::Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
            if name.starts_with("requirements") && text_file {
                declared.push((
                    name,
                    fs::read_to_string(entry.path())
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                ));
            }
        }
    }
    declared.sort();
    let mut importers: HashMap<&str, Vec<&str>> = HashMap::new();
    for (path, source) in sources {
        if let Ok(summary) = fixpoint_python::summarize(source) {
            for import in &summary.imports {
                let module = import
                    .from
                    .clone()
                    .or_else(|| import.names.first().map(|n| n.name.clone()))
                    .unwrap_or_default();
                let top = module.split('.').next().unwrap_or_default().to_owned();
                if let Some((key, _)) = FRAMEWORKS.iter().find(|(key, _)| *key == top) {
                    importers.entry(key).or_default().push(path);
                }
            }
        }
    }
    let mut found = Vec::new();
    for (key, name) in FRAMEWORKS {
        let mut evidence: Vec<String> = declared
            .iter()
            .filter(|(_, text)| mentions_package(text, key))
            .map(|(file, _)| format!("declared in {file}"))
            .collect();
        if let Some(files) = importers.get(key) {
            let mut files = files.clone();
            files.sort_unstable();
            files.dedup();
            evidence.push(format!(
                "imported by {} file(s), e.g. {}",
                files.len(),
                files.iter().take(3).copied().collect::<Vec<_>>().join(", ")
            ));
        }
        if !evidence.is_empty() {
            found.push(Framework {
                name: name.to_owned(),
                evidence,
            });
        }
    }
    found
}

/// Whether a dependency file names the package (as a whole word: `pydantic`
/// but not `pydantic_yaml` alone).
fn mentions_package(text: &str, package: &str) -> bool {
    let distribution = if package == "factory" { "factory-boy" } else { package };
    text.match_indices(distribution).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + distribution.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        boundary(before) && (boundary(after) || after == Some('['))
    })
}

/// Strongly connected components of the import graph with more than one
/// file (or a file importing itself), each sorted, largest first.
fn cycles(project: &Project, sources: &[(String, String)]) -> Vec<Vec<String>> {
    let graph = fixpoint_python::ImportGraph::build(&project.root, sources);
    let nodes: Vec<&str> = sources.iter().map(|(p, _)| p.as_str()).collect();
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| graph.imports_of(n).filter_map(|t| index.get(t).copied()).collect())
        .collect();
    // Tarjan's algorithm, iteratively.
    let count = nodes.len();
    let (mut order, mut low, mut on_stack) = (vec![usize::MAX; count], vec![0; count], vec![false; count]);
    let (mut stack, mut next, mut components) = (Vec::new(), 0, Vec::new());
    for start in 0..count {
        if order[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some((node, edge)) = work.pop() {
            if edge == 0 {
                order[node] = next;
                low[node] = next;
                next += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(edge) {
                work.push((node, edge + 1));
                if order[target] == usize::MAX {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            if low[node] == order[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                let self_loop = component.len() == 1 && edges[node].contains(&node);
                if component.len() > 1 || self_loop {
                    let mut files: Vec<String> = component.iter().map(|&i| nodes[i].to_owned()).collect();
                    files.sort();
                    components.push(files);
                }
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    components.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    components
}

#[cfg(test)]
mod tests {
    use super::mentions_package;

    #[test]
    fn finds_packages_as_whole_names() {
        assert!(mentions_package("dependencies = [\"pydantic>=2\"]", "pydantic"));
        assert!(mentions_package("sqlalchemy[asyncio]==2.0", "sqlalchemy"));
        assert!(!mentions_package("pydantic_yaml==1", "pydantic"));
        assert!(mentions_package("factory-boy==3.3", "factory"));
    }
}
