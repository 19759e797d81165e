//! Generation: `tests/factories.py`, `tests/seed.py` and the fixture block of
//! `tests/conftest.py`, from the model graph. The texts are pure functions of
//! the graph and the layout, so generating twice from unchanged models gives
//! the same bytes.

mod conftest;
mod factories;
mod seed;
pub(crate) mod values;

pub use conftest::fixture_names;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fixpoint_python::ast::{Expr, Stmt};

use crate::merge;
use crate::model::{Cardinality, Framework, Model, ModelGraph};

/// Where the generated files go and what the project's tests already have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The tests directory, from the root (`tests`).
    pub tests_dir: String,
    /// Whether it has an `__init__.py` (then `from tests import factories`).
    pub tests_package: bool,
    /// Directories (from the root) that hold the project's top-level packages.
    pub import_roots: Vec<String>,
    /// Fixtures the project's conftest files already define (outside fixpoint's block).
    pub existing_fixtures: BTreeSet<String>,
    /// An existing fixture that yields a SQLAlchemy session, to bind the factories to.
    pub session_fixture: Option<String>,
    /// `DJANGO_SETTINGS_MODULE`, from `manage.py`.
    pub django_settings: Option<String>,
}

impl Layout {
    /// Reads the layout of the project at `root`.
    pub fn read(root: &Path) -> Self {
        let tests_dir = ["tests", "test"]
            .into_iter()
            .find(|d| root.join(d).is_dir())
            .unwrap_or("tests")
            .to_owned();
        let tests_package = root.join(&tests_dir).join("__init__.py").is_file();
        let mut import_roots = vec![".".to_owned()];
        if root.join("src").is_dir() {
            import_roots.push("src".to_owned());
        }
        let mut existing_fixtures = BTreeSet::new();
        for (path, source) in fixpoint_python::read_project(root) {
            if path.ends_with("conftest.py") {
                let outside = merge::without_block(&source);
                existing_fixtures.extend(fixtures_in(&outside));
            }
        }
        let session_fixture = ["db_session", "session", "dbsession", "db"]
            .into_iter()
            .find(|name| existing_fixtures.contains(*name))
            .map(str::to_owned);
        let django_settings = std::fs::read_to_string(root.join("manage.py")).ok().and_then(|text| {
            let at = text.find("DJANGO_SETTINGS_MODULE")?;
            text[at..].split(['"', '\'']).nth(2).map(str::to_owned)
        });
        Self {
            tests_dir,
            tests_package,
            import_roots,
            existing_fixtures,
            session_fixture,
            django_settings,
        }
    }

    /// How the conftest and the seed script import the factories module.
    pub fn factories_import(&self) -> String {
        if self.tests_package {
            format!(
                "from {} import factories as _factories",
                self.tests_dir.replace('/', ".")
            )
        } else {
            "import factories as _factories".to_owned()
        }
    }

    /// Python that puts the project's package directories on `sys.path`, for
    /// a generated file run on its own.
    pub fn import_paths(&self) -> String {
        let roots: Vec<String> = self
            .import_roots
            .iter()
            .map(|r| {
                if r == "." {
                    "_ROOT".to_owned()
                } else {
                    format!("_ROOT / \"{r}\"")
                }
            })
            .collect();
        format!(
            "_ROOT = pathlib.Path(__file__).resolve().parents[{}]\nfor _path in ({},):\n    if str(_path) not in sys.path:\n        sys.path.append(str(_path))\n",
            self.depth(),
            roots.join(", ")
        )
    }

    /// How many directories the tests directory is below the root.
    pub fn depth(&self) -> usize {
        self.tests_dir.split('/').filter(|p| !p.is_empty()).count()
    }
}

/// The names of the fixtures a module defines.
pub fn fixtures_in(source: &str) -> BTreeSet<String> {
    let Ok(parsed) = fixpoint_python::parser::parse_module(source) else {
        return BTreeSet::new();
    };
    parsed
        .suite()
        .iter()
        .filter_map(|statement| match statement {
            Stmt::FunctionDef(function)
                if function.decorator_list.iter().any(|d| {
                    let expr = match &d.expression {
                        Expr::Call(call) => call.func.as_ref(),
                        other => other,
                    };
                    matches!(expr, Expr::Attribute(a) if a.attr.as_str() == "fixture")
                        || matches!(expr, Expr::Name(n) if n.id.as_str() == "fixture")
                }) =>
            {
                Some(function.name.as_str().to_owned())
            }
            _ => None,
        })
        .collect()
}

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// From the project root.
    pub path: String,
    pub content: String,
    /// The file on disk was changed by hand outside its CUSTOM blocks:
    /// the numbers of its lines `content` would drop (see [`merge::Syntax::edits`]).
    pub edited: Option<Vec<usize>>,
}

/// The models factories are generated for: persisted ones in creation order,
/// then Pydantic models with nested models first.
pub fn factory_models(graph: &ModelGraph) -> Vec<&Model> {
    let mut out: Vec<&Model> = graph.order.iter().filter_map(|name| graph.model(name)).collect();
    let mut pending: Vec<&Model> = graph
        .models
        .iter()
        .filter(|m| m.framework == Framework::Pydantic)
        .collect();
    while !pending.is_empty() {
        let before = pending.len();
        let placed: BTreeSet<String> = out.iter().map(|m| m.name.clone()).collect();
        let mut rest = Vec::new();
        for model in pending {
            let ready = model
                .fields
                .iter()
                .filter_map(|f| f.target.as_deref())
                .all(|t| t == model.name || placed.contains(t) || graph.model(t).is_none());
            if ready {
                out.push(model);
            } else {
                rest.push(model);
            }
        }
        pending = rest;
        if pending.len() == before {
            // A cycle of nested models: their factories leave the nested field out.
            out.append(&mut pending);
        }
    }
    out
}

/// snake_case of a class name: `MagicItem` → `magic_item`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// A valid lower-case Python identifier made of a value (`In Progress` → `in_progress`).
pub fn identifier(value: &str) -> String {
    let mut out: String = value
        .trim_matches(|c| c == '\'' || c == '"')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if PYTHON_KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

const PYTHON_KEYWORDS: &[&str] = &[
    "false", "none", "true", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Every model module imported, with the names each gives (models and enum classes).
pub fn imports(models: &[&Model]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for model in models {
        out.entry(model.module.clone()).or_default().insert(model.name.clone());
        for field in &model.fields {
            if let Some(choices) = &field.choices
                && let (Some(class), Some(module)) = (&choices.class, &choices.module)
                && model.framework != Framework::Django
            {
                out.entry(module.clone()).or_default().insert(class.clone());
            }
        }
    }
    out
}

/// The many-to-one relationships a model's factory fills with a parent, and
/// the foreign-key fields they cover.
pub fn parents<'a>(graph: &ModelGraph, model: &'a Model) -> Vec<(&'a str, &'a str, Option<&'a str>)> {
    model
        .relationships
        .iter()
        .filter(|r| matches!(r.cardinality, Cardinality::ManyToOne | Cardinality::OneToOne))
        .filter(|r| r.through_field.is_some())
        .filter(|r| {
            let broken = graph
                .broken_cycles
                .iter()
                .any(|b| b.model == model.name && Some(b.field.as_str()) == r.through_field.as_deref());
            r.target != model.name && !broken && graph.model(&r.target).is_some()
        })
        .map(|r| (r.name.as_str(), r.target.as_str(), r.through_field.as_deref()))
        .collect()
}

/// Generates every file (the conftest given its current text, if any).
pub fn generate(
    graph: &ModelGraph,
    layout: &Layout,
    conftest_now: Option<&str>,
    factories_now: Option<&str>,
    seed_now: Option<&str>,
) -> Vec<GeneratedFile> {
    let tests = &layout.tests_dir;
    let whole = |path: String, rendered: String, now: Option<&str>| {
        let content = merge::PYTHON.seal(&merge::PYTHON.keep_custom(&rendered, now));
        let edited = now.and_then(|now| merge::PYTHON.edits(now, &content));
        GeneratedFile { path, content, edited }
    };
    let conftest = merge::put_block(conftest_now.unwrap_or_default(), &conftest::render(graph, layout));
    vec![
        whole(
            format!("{tests}/factories.py"),
            factories::render(graph, layout),
            factories_now,
        ),
        whole(format!("{tests}/seed.py"), seed::render(graph, layout), seed_now),
        GeneratedFile {
            path: format!("{tests}/conftest.py"),
            edited: conftest_now.and_then(|now| merge::block_edits(now, &conftest)),
            content: conftest,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("MagicItem"), "magic_item");
        assert_eq!(snake("HTTPRequest"), "http_request");
        assert_eq!(snake("Item2Box"), "item2_box");
        assert_eq!(identifier("'In Progress'"), "in_progress");
        assert_eq!(identifier("'1st'"), "_1st");
        assert_eq!(identifier("'class'"), "class_");
    }

    #[test]
    fn finds_fixtures() {
        let source = "import pytest\n@pytest.fixture\ndef a(): ...\n@pytest.fixture(scope='session')\ndef b(): ...\ndef c(): ...\n";
        assert_eq!(fixtures_in(source).into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }
}
