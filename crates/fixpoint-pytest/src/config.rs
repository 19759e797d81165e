//! Where pytest reads its configuration from, and which part of each file
//! is pytest's.
//!
//! Whatever changes these parts changes what a test run means (`addopts`
//! can load a plugin that rewrites every report), so the repair loop and the
//! run history both need to know exactly what they are.

/// Files pytest reads its configuration from, in the order it looks for them
/// in a directory (`pytest.toml` and `.pytest.toml` are pytest 9's).
pub const CONFIG_FILES: [&str; 7] = [
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
];

/// Whether a file of this name (the last path segment) can configure pytest.
pub fn is_config_file(name: &str) -> bool {
    CONFIG_FILES.contains(&name)
}

/// The part of `text`, the content of the configuration file `name`, that
/// configures pytest: a whole `pytest.ini` or `pytest.toml`; the `tool.pytest`
/// table of a `pyproject.toml` (read as TOML, so a dotted key under `[tool]`
/// counts too; a file that does not parse counts whole); the `[pytest]`
/// section of `tox.ini`; the `[tool:pytest]` section of `setup.cfg`. `None`
/// when the file has no such part, or `name` is not a configuration file.
pub fn pytest_part(name: &str, text: &str) -> Option<String> {
    match name {
        "pytest.toml" | ".pytest.toml" | "pytest.ini" | ".pytest.ini" => Some(text.to_owned()),
        "pyproject.toml" => match text.parse::<toml::Table>() {
            Ok(table) => table
                .get("tool")
                .and_then(|tool| tool.get("pytest"))
                .map(|pytest| serde_json::to_string(pytest).unwrap_or_default()),
            Err(_) => Some(text.to_owned()),
        },
        "tox.ini" => ini_section(text, "pytest"),
        "setup.cfg" => ini_section(text, "tool:pytest"),
        _ => None,
    }
}

/// The lines of the INI section `[name]`, headers included, in order; a
/// section given twice counts twice (configparser refuses such a file, and a
/// change to it is a change).
fn ini_section(text: &str, name: &str) -> Option<String> {
    let mut part = String::new();
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed.trim_start_matches('[').trim_end().trim_end_matches(']').trim() == name;
        }
        if inside {
            part.push_str(line.trim_end());
            part.push('\n');
        }
    }
    (!part.is_empty()).then_some(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_pytests_part_of_each_file() {
        let pyproject = "[project]\nname = \"x\"\n\n[tool.pytest.ini_options]\naddopts = \"-q\"\n";
        let part = pytest_part("pyproject.toml", pyproject).unwrap();
        assert_eq!(part, r#"{"ini_options":{"addopts":"-q"}}"#);
        let renamed = pyproject.replace("name = \"x\"", "name = \"y\"");
        assert_eq!(
            pytest_part("pyproject.toml", &renamed).unwrap(),
            part,
            "the project table is not pytest's"
        );
        let dotted = "[tool]\npytest.ini_options.addopts = \"-p evil\"\n";
        assert_eq!(
            pytest_part("pyproject.toml", dotted).unwrap(),
            r#"{"ini_options":{"addopts":"-p evil"}}"#
        );
        assert_eq!(pytest_part("pyproject.toml", "[project]\nname = \"x\"\n"), None);
        assert_eq!(pytest_part("pyproject.toml", "[broken").as_deref(), Some("[broken"));

        let tox = "[tox]\nenvlist = py311\n[pytest]\naddopts = -q\n[testenv]\ndeps = x\n";
        assert_eq!(pytest_part("tox.ini", tox).as_deref(), Some("[pytest]\naddopts = -q\n"));
        let setup = "[metadata]\nname = x\n[tool:pytest]\ntestpaths = tests\n";
        assert_eq!(
            pytest_part("setup.cfg", setup).as_deref(),
            Some("[tool:pytest]\ntestpaths = tests\n")
        );
        assert_eq!(pytest_part("setup.cfg", "[metadata]\nname = x\n"), None);
        assert_eq!(
            pytest_part("pytest.ini", "").as_deref(),
            Some(""),
            "an empty pytest.ini still configures"
        );
        assert_eq!(pytest_part("app.py", "x = 1"), None);
    }
}
