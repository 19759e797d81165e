//! What triage reads from the project's own files: the source of its model
//! classes (is a Pydantic model still on a v1 `class Config`?) and how many
//! tests a module that failed to collect holds (its blast radius).

use std::collections::HashMap;

use crate::failure::Failure;

/// Config keys that mean a `class Config` was written for Pydantic 1.
const V1_CONFIG_KEYS: [&str; 14] = [
    "orm_mode",
    "allow_population_by_field_name",
    "schema_extra",
    "anystr_strip_whitespace",
    "anystr_lower",
    "anystr_upper",
    "validate_all",
    "allow_mutation",
    "keep_untouched",
    "underscore_attrs_are_private",
    "copy_on_model_validation",
    "smart_union",
    "max_anystr_length",
    "min_anystr_length",
];

/// What triage knows of the project's Python files, built once from their
/// sources (`fixpoint_python::read_project` gives them).
#[derive(Debug, Default)]
pub struct ProjectIndex {
    /// Class name → whether its body has a Pydantic 1 `class Config`.
    v1_config: HashMap<String, bool>,
    /// Every file (path from the root) with the test functions it defines.
    test_functions: Vec<(String, u32)>,
    /// Table name → how many classes in the project declare it as their
    /// `__tablename__`.
    tablenames: HashMap<String, u32>,
    /// Files that import SQLAlchemy.
    sqlalchemy_files: std::collections::HashSet<String>,
    /// Files that import a DB-API driver themselves (`sqlite3`, `psycopg2`):
    /// a result row there may be the driver's tuple.
    driver_files: std::collections::HashSet<String>,
}

impl ProjectIndex {
    /// An index that knows nothing: classification by the failure alone.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Indexes the project's files, given as (path from the root, source).
    pub fn from_sources(sources: &[(String, String)]) -> Self {
        let mut index = Self::default();
        for (path, source) in sources {
            index.read_classes(source);
            index.test_functions.push((path.clone(), test_functions(source)));
            if imports_any(source, &["sqlalchemy"]) {
                index.sqlalchemy_files.insert(path.clone());
            }
            if imports_any(source, DRIVERS) {
                index.driver_files.insert(path.clone());
            }
            for line in source.lines() {
                if let Some(table) = tablename(line) {
                    *index.tablenames.entry(table.to_owned()).or_default() += 1;
                }
            }
        }
        index
    }

    fn read_classes(&mut self, source: &str) {
        let lines: Vec<&str> = source.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let Some(rest) = line.strip_prefix("class ") else {
                continue;
            };
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let body = lines[at + 1..]
                .iter()
                .take_while(|l| l.trim().is_empty() || l.starts_with(' ') || l.starts_with('\t'));
            let mut in_config = false;
            let mut v1 = false;
            for body_line in body {
                let trimmed = body_line.trim();
                if trimmed.starts_with("class Config") {
                    in_config = true;
                } else if in_config {
                    v1 |= V1_CONFIG_KEYS.iter().any(|key| trimmed.starts_with(key))
                        || trimmed.starts_with("extra = Extra.");
                }
            }
            *self.v1_config.entry(name).or_default() |= v1;
        }
    }

    /// How many of the project's classes declare `__tablename__ = "table"`:
    /// two or more is a true duplicate, not a module imported twice.
    /// Whether a file imports SQLAlchemy.
    pub fn uses_sqlalchemy(&self, path: &str) -> bool {
        self.sqlalchemy_files.contains(path)
    }

    /// Whether a file imports a DB-API driver itself.
    pub fn uses_a_driver(&self, path: &str) -> bool {
        self.driver_files.contains(path)
    }

    pub fn classes_mapping(&self, table: &str) -> u32 {
        self.tablenames.get(table).copied().unwrap_or(0)
    }

    /// Whether the project defines `class_name` with a Pydantic 1 `class Config`.
    pub fn has_v1_config(&self, class_name: &str) -> bool {
        self.v1_config.get(class_name).copied().unwrap_or(false)
    }

    /// Test functions defined in a test module, or in every test module under
    /// a directory (a conftest's directory, or a configuration file's, for a
    /// suite that did not start): at least the tests a collection error there
    /// takes down (parametrized cases count once).
    pub fn tests_in(&self, path: &str) -> u32 {
        if let Some((_, count)) = self.test_functions.iter().find(|(file, _)| file == path)
            && !path.ends_with("conftest.py")
        {
            return *count;
        }
        let is_config = [".ini", ".toml", ".cfg"].iter().any(|ext| path.ends_with(ext));
        let directory = if path.ends_with("conftest.py") || is_config {
            path.rsplit_once('/').map_or("", |(parent, _)| parent)
        } else {
            path.trim_end_matches('/')
        };
        self.test_functions
            .iter()
            .filter(|(file, _)| {
                let under =
                    directory.is_empty() || file.strip_prefix(directory).is_some_and(|rest| rest.starts_with('/'));
                under && fixpoint_paths::is_test_module(file)
            })
            .map(|(_, count)| count)
            .sum()
    }
}

/// The table of a `    __tablename__ = "x"` line.
fn tablename(line: &str) -> Option<&str> {
    let value = line
        .trim()
        .strip_prefix("__tablename__")?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &value[1..];
    inner.find(quote).map(|end| &inner[..end])
}

/// `def test...` functions (and `async def`) at module or class level.
fn test_functions(source: &str) -> u32 {
    source
        .lines()
        .filter(|line| {
            let code = line.trim_start().trim_start_matches("async ");
            code.starts_with("def test") && line.starts_with(|c: char| c == 'd' || c == 'a' || c.is_whitespace())
        })
        .count() as u32
}

/// A validation error or a schema assertion about a model the project still
/// configures with a Pydantic 1 `class Config`: the ignored key is the cause.
pub fn v1_config_model(failure: &Failure<'_>, project: &ProjectIndex) -> bool {
    if failure.exception_is("ValidationError") {
        // "1 validation error for CampaignCreate"
        return failure
            .text
            .split("validation error")
            .skip(1)
            .filter_map(|rest| rest.trim_start_matches('s').trim_start().strip_prefix("for "))
            .filter_map(|rest| rest.split_whitespace().next())
            .any(|model| project.has_v1_config(model));
    }
    // Otherwise: a failure about what an ignored key would have done, in code
    // that names a model still configured for Pydantic 1.
    let source = failure.test.longrepr.as_deref().unwrap_or_default();
    let names_v1_model = || identifiers(source).any(|name| project.has_v1_config(name));
    // schema_extra: the example is missing from the JSON schema.
    let schema_keys = [
        "'properties'",
        "'$defs'",
        "'json_schema_extra'",
        "'examples'",
        "'example'",
    ];
    let about_schema = (failure.exception_is("AssertionError") || failure.exception_is("KeyError"))
        && schema_keys.iter().any(|key| failure.says(key));
    // allow_mutation, max_anystr_length...: validation that no longer happens.
    let expected_a_raise = failure.says("DID NOT RAISE");
    // anystr_strip_whitespace, anystr_lower: strings no longer normalized.
    let unnormalized = failure.exception_is("AssertionError") && differs_only_in_case_or_spacing(failure.headline());
    (about_schema || expected_a_raise || unnormalized) && names_v1_model()
}

/// `assert '  linus ' == 'linus'`: two strings equal once trimmed and lower-cased.
fn differs_only_in_case_or_spacing(headline: &str) -> bool {
    let Some((left, right)) = headline.split_once(" == ") else {
        return false;
    };
    let quoted = |side: &str| {
        let side = side.trim();
        let side = side.rsplit_once("assert ").map_or(side, |(_, rest)| rest);
        let inner = side.strip_prefix('\'')?.strip_suffix('\'')?;
        Some(inner.to_owned())
    };
    match (quoted(left), quoted(right)) {
        (Some(a), Some(b)) => a != b && a.trim().to_lowercase() == b.trim().to_lowercase(),
        _ => false,
    }
}

fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// DB-API drivers a module may read rows from without SQLAlchemy.
const DRIVERS: &[&str] = &[
    "sqlite3",
    "psycopg2",
    "psycopg",
    "pymysql",
    "MySQLdb",
    "asyncpg",
    "aiosqlite",
];

/// Whether a source imports one of these top-level modules (`import x`,
/// `import x.y`, `from x import ...`, `from x.y import ...`) on a line of its own.
fn imports_any(source: &str, modules: &[&str]) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start();
        let rest = line.strip_prefix("import ").or_else(|| line.strip_prefix("from "));
        rest.is_some_and(|rest| {
            let module = rest.split([' ', '.', ',']).next().unwrap_or_default();
            modules.contains(&module)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_strings_that_were_not_normalized() {
        assert!(differs_only_in_case_or_spacing(
            "AssertionError: assert '  linus ' == 'linus'"
        ));
        assert!(differs_only_in_case_or_spacing("assert 'ADA' == 'ada'"));
        assert!(!differs_only_in_case_or_spacing("assert 'ada' == 'bob'"));
        assert!(!differs_only_in_case_or_spacing("assert 15 == 12"));
    }

    #[test]
    fn finds_v1_config_classes() {
        let mut index = ProjectIndex::empty();
        index.read_classes(
            "class CharacterRead(BaseModel):\n    id: int\n\n    class Config:\n        orm_mode = True\n\nclass Fine(BaseModel):\n    model_config = ConfigDict(from_attributes=True)\n",
        );
        assert!(index.has_v1_config("CharacterRead"));
        assert!(!index.has_v1_config("Fine"));
        assert!(!index.has_v1_config("Missing"));
    }

    #[test]
    fn counts_the_tests_a_collection_error_takes_down() {
        let source = |tests: &[&str]| {
            tests
                .iter()
                .map(|name| ["def ", name, "():\n    pass\n"].concat())
                .collect()
        };
        let index = ProjectIndex::from_sources(&[
            ("tests/test_a.py".into(), source(&["test_one", "test_two"])),
            ("tests/api/test_b.py".into(), source(&["test_three", "helper"])),
            ("tests/api/conftest.py".into(), source(&["test_not_collected_here"])),
            ("tests_extra/test_c.py".into(), source(&["test_four"])),
            ("app/models.py".into(), source(&["test_like_helper"])),
        ]);
        assert_eq!(index.tests_in("tests/test_a.py"), 2);
        assert_eq!(index.tests_in("tests/api/conftest.py"), 1);
        assert_eq!(index.tests_in("tests/conftest.py"), 3);
        assert_eq!(index.tests_in("conftest.py"), 4);
        assert_eq!(index.tests_in("pytest.ini"), 4);
        assert_eq!(index.tests_in("pyproject.toml"), 4);
        assert_eq!(index.tests_in("tests"), 3);
        assert_eq!(index.tests_in("missing.py"), 0);
    }

    #[test]
    fn counts_the_classes_that_declare_a_table() {
        let index = ProjectIndex::from_sources(&[
            ("a.py".into(), "class A(Base):\n    __tablename__ = \"items\"\n".into()),
            (
                "b.py".into(),
                "class B(Base):\n    __tablename__='items'  # copy\n".into(),
            ),
            ("c.py".into(), "class C(Base):\n    __tablename__ = \"other\"\n".into()),
        ]);
        assert_eq!(index.classes_mapping("items"), 2);
        assert_eq!(index.classes_mapping("other"), 1);
        assert_eq!(index.classes_mapping("none"), 0);
    }
}
