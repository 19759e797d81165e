//! The stack: which frameworks the project depends on, read from
//! `pyproject.toml`, `requirements*.txt` and `setup.cfg`.

use std::fs;
use std::path::Path;

use crate::model::Stack;

/// The frameworks discovery knows, by distribution name.
const FRAMEWORKS: &[&str] = &[
    "sqlalchemy",
    "flask-sqlalchemy",
    "sqlmodel",
    "django",
    "pydantic",
    "prisma",
];

/// What the generated code needs.
pub const DEV_DEPENDENCIES: &[&str] = &["factory-boy", "faker"];

/// The project's dependency files that exist, from the root.
pub fn dependency_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for name in ["pyproject.toml", "setup.cfg"] {
        if root.join(name).is_file() {
            files.push(name.to_owned());
        }
    }
    let mut requirements = Vec::new();
    if let Ok(entries) = fs::read_dir(root) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("requirements") && Path::new(&lower).extension().is_some_and(|e| e == "txt") {
                requirements.push(name);
            }
        }
    }
    if let Ok(entries) = fs::read_dir(root.join("requirements")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if Path::new(&name).extension().is_some_and(|e| e == "txt" || e == "in") {
                requirements.push(format!("requirements/{name}"));
            }
        }
    }
    requirements.sort();
    files.extend(requirements);
    files
}

/// A requirement's distribution name, normalized (`Factory_Boy[x]>=3` → `factory-boy`).
pub fn requirement_name(line: &str) -> Option<String> {
    let line = line.split('#').next()?.trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(line.len());
    let name = line[..end].to_ascii_lowercase().replace(['_', '.'], "-");
    (!name.is_empty()).then_some(name)
}

/// Every distribution name a dependency file declares.
fn declared(root: &Path, file: &str) -> Vec<String> {
    let Ok(text) = fs::read_to_string(root.join(file)) else {
        return Vec::new();
    };
    if file == "pyproject.toml" {
        let Ok(value) = text.parse::<toml::Table>() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut strings = |value: Option<&toml::Value>| {
            if let Some(array) = value.and_then(toml::Value::as_array) {
                out.extend(array.iter().filter_map(|v| v.as_str()).filter_map(requirement_name));
            }
        };
        let project = value.get("project");
        strings(project.and_then(|p| p.get("dependencies")));
        if let Some(extras) = project
            .and_then(|p| p.get("optional-dependencies"))
            .and_then(toml::Value::as_table)
        {
            for group in extras.values() {
                strings(Some(group));
            }
        }
        if let Some(groups) = value.get("dependency-groups").and_then(toml::Value::as_table) {
            for group in groups.values() {
                strings(Some(group));
            }
        }
        let poetry = value.get("tool").and_then(|t| t.get("poetry"));
        let mut tables = Vec::new();
        if let Some(deps) = poetry
            .and_then(|p| p.get("dependencies"))
            .and_then(toml::Value::as_table)
        {
            tables.push(deps);
        }
        if let Some(groups) = poetry.and_then(|p| p.get("group")).and_then(toml::Value::as_table) {
            for group in groups.values() {
                if let Some(deps) = group.get("dependencies").and_then(toml::Value::as_table) {
                    tables.push(deps);
                }
            }
        }
        if let Some(dev) = poetry
            .and_then(|p| p.get("dev-dependencies"))
            .and_then(toml::Value::as_table)
        {
            tables.push(dev);
        }
        for table in tables {
            out.extend(table.keys().filter_map(|k| requirement_name(k)));
        }
        return out;
    }
    if file == "setup.cfg" {
        // The indented lines under `install_requires =` and `[options.extras_require]`.
        let mut out = Vec::new();
        let mut inside = false;
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with('[') {
                inside = trimmed == "[options.extras_require]";
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("install_requires") {
                inside = true;
                if let Some(value) = rest.trim_start().strip_prefix('=') {
                    out.extend(requirement_name(value));
                }
                continue;
            }
            if inside && line.starts_with([' ', '\t']) {
                out.extend(requirement_name(trimmed));
            } else if inside && !trimmed.is_empty() && !line.starts_with([' ', '\t']) {
                if let Some((_, value)) = trimmed.split_once('=') {
                    out.extend(requirement_name(value));
                } else {
                    inside = false;
                }
            }
        }
        return out;
    }
    text.lines().filter_map(requirement_name).collect()
}

/// The project's stack.
pub fn read_stack(root: &Path) -> Stack {
    let sources = dependency_files(root);
    let mut names: Vec<String> = sources.iter().flat_map(|file| declared(root, file)).collect();
    names.sort();
    names.dedup();
    let mut frameworks: Vec<String> = FRAMEWORKS
        .iter()
        .filter(|f| names.iter().any(|n| n == *f))
        .map(|f| (*f).to_owned())
        .collect();
    if root.join("prisma/schema.prisma").is_file() && !frameworks.iter().any(|f| f == "prisma") {
        frameworks.push("prisma".to_owned());
    }
    let missing = DEV_DEPENDENCIES
        .iter()
        .filter(|d| !names.iter().any(|n| n == *d))
        .map(|d| (*d).to_owned())
        .collect();
    Stack {
        frameworks,
        sources,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_requirement_names() {
        assert_eq!(
            requirement_name("Factory_Boy[x]>=3.3 # tests").as_deref(),
            Some("factory-boy")
        );
        assert_eq!(requirement_name("SQLAlchemy==2.0.44").as_deref(), Some("sqlalchemy"));
        assert_eq!(requirement_name("-r base.txt"), None);
        assert_eq!(requirement_name("  # comment"), None);
    }

    #[test]
    fn reads_pyproject_requirements_and_setup_cfg() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(
            root.join("pyproject.toml"),
            "[project]\ndependencies = [\"sqlalchemy>=2\"]\n[dependency-groups]\ndev = [\"faker\"]\n",
        )
        .unwrap();
        fs::write(root.join("requirements-dev.txt"), "pydantic==2.1\n").unwrap();
        fs::write(root.join("setup.cfg"), "[options]\ninstall_requires =\n    Django>=5\n").unwrap();
        let stack = read_stack(root);
        assert_eq!(stack.frameworks, ["sqlalchemy", "django", "pydantic"]);
        assert_eq!(stack.missing, ["factory-boy"]);
        assert_eq!(stack.sources, ["pyproject.toml", "setup.cfg", "requirements-dev.txt"]);
    }
}
