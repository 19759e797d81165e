//! What triage reads from the project's own files: the source of its model
//! classes (is a Pydantic model still on a v1 `class Config`?) and how many
//! tests a module that failed to collect holds (its blast radius).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

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

/// The project's Python classes and test files, read once.
#[derive(Debug, Default)]
pub struct ProjectIndex {
    root: Option<PathBuf>,
    /// Class name → whether its body has a Pydantic 1 `class Config`.
    v1_config: HashMap<String, bool>,
}

impl ProjectIndex {
    /// An index that knows nothing: classification by the failure alone.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Reads every `.py` file under `root` (skipping virtual environments,
    /// caches and hidden directories).
    pub fn load(root: &Path) -> Self {
        let mut index = Self {
            root: Some(root.to_path_buf()),
            ..Self::default()
        };
        let mut files = Vec::new();
        python_files(root, &mut files);
        for file in files {
            if let Ok(source) = fs::read_to_string(&file) {
                index.read_classes(&source);
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

    /// Whether the project defines `class_name` with a Pydantic 1 `class Config`.
    pub fn has_v1_config(&self, class_name: &str) -> bool {
        self.v1_config.get(class_name).copied().unwrap_or(false)
    }

    /// Test functions defined in a test module, or in every test module under
    /// a directory (a conftest's directory): at least the tests a collection
    /// error there takes down (parametrized cases count once).
    pub fn tests_in(&self, path: &str) -> u32 {
        let Some(root) = &self.root else { return 0 };
        let target = root.join(path);
        let target = if target.file_name().is_some_and(|name| name == "conftest.py") {
            target.parent().map(Path::to_path_buf).unwrap_or(target)
        } else {
            target
        };
        let mut files = Vec::new();
        if target.is_dir() {
            python_files(&target, &mut files);
            files.retain(|file| {
                file.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("test_") || n.ends_with("_test.py"))
            });
        } else {
            files.push(target);
        }
        files
            .iter()
            .filter_map(|file| fs::read_to_string(file).ok())
            .map(|source| {
                source
                    .lines()
                    .filter(|line| {
                        let code = line.trim_start().trim_start_matches("async ");
                        code.starts_with("def test")
                            && line.starts_with(|c: char| c == 'd' || c == 'a' || c.is_whitespace())
                    })
                    .count() as u32
            })
            .sum()
    }
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.')
            || ["venv", "__pycache__", "node_modules", "site-packages", "build", "dist"].contains(&name.as_ref())
        {
            continue;
        }
        if path.is_dir() {
            python_files(&path, out);
        } else if name.ends_with(".py") {
            out.push(path);
        }
    }
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
}
