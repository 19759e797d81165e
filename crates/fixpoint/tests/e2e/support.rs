use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The Python that has pytest, from `scripts/test`.
pub fn python() -> PathBuf {
    let path = std::env::var_os("FIXPOINT_TEST_PYTHON").expect(
        "FIXPOINT_TEST_PYTHON is not set: run the tests with scripts/test, which creates a virtual environment with pytest",
    );
    PathBuf::from(path)
}

fn projects() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects")
}

/// The repository's root.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh copy of a fixture project in a temporary directory.
pub fn project(name: &str) -> (tempfile::TempDir, PathBuf) {
    copy_of(&projects().join(name))
}

/// A fresh copy of any project directory, without its virtual environment and caches.
pub fn copy_of(source: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(source.file_name().unwrap());
    copy_tree(source, &target);
    (dir, target)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if [
            OsStr::new("__pycache__"),
            OsStr::new(".pytest_cache"),
            OsStr::new(".flaky-state"),
            OsStr::new(".venv"),
            OsStr::new(".fixpoint"),
        ]
        .contains(&name.as_os_str())
        {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// Runs the fixpoint binary in `dir`.
pub fn fixpoint(dir: &Path, args: &[&str]) -> Output {
    fixpoint_env(dir, args, &[])
}

/// Runs the fixpoint binary in `dir` with these environment variables set;
/// model keys from the environment the tests run in are never passed on.
pub fn fixpoint_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fixpoint"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("FIXPOINT_PYTHON")
        .env_remove("VIRTUAL_ENV")
        .env_remove("FIXPOINT_API_KEY")
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .env("NO_COLOR", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// Runs git in `dir`; panics when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Makes `dir` a git repository with one commit of everything in it.
pub fn git_init(dir: &Path) {
    git(dir, &["init", "--quiet", "--initial-branch", "main"]);
    git(dir, &["config", "user.name", "Test Author"]);
    git(dir, &["config", "user.email", "author@example.com"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "-m", "the project as inherited"]);
}

/// `fixpoint run --output-format json` with the test Python; returns the exit code and document.
pub fn run_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let python = python();
    let mut args = vec!["run", "--python", python.to_str().unwrap(), "--output-format", "json"];
    args.extend_from_slice(extra);
    let output = fixpoint(dir, &args);
    let document = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), document)
}

/// node id → outcome from a run document.
pub fn outcomes(document: &Value) -> BTreeMap<String, String> {
    outcomes_in_order(document).into_iter().collect()
}

/// Each test's node id and outcome, in the order the run reported them.
pub fn outcomes_in_order(document: &Value) -> Vec<(String, String)> {
    document["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| {
            (
                test["nodeid"].as_str().unwrap().to_owned(),
                test["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The node ids of a list of tests (a run's `tests`, a comparison's `fixed`).
pub fn nodeids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|test| test["nodeid"].as_str().unwrap().to_owned())
        .collect()
}

/// The string `key` of each item of a list (`frameworks` → their names).
pub fn strings<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap())
        .collect()
}

/// The tests of the module `path`.
pub fn tests_in<'a>(document: &'a Value, path: &str) -> Vec<&'a Value> {
    document["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|test| test["path"] == path)
        .collect()
}

pub fn test<'a>(document: &'a Value, nodeid: &str) -> &'a Value {
    document["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|test| test["nodeid"] == nodeid)
        .unwrap_or_else(|| panic!("{nodeid} is not in the run"))
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Plain pytest, as a user would run it, in `dir`.
pub fn pytest(dir: &Path, args: &[&str]) -> Output {
    Command::new(python())
        .args([
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--continue-on-collection-errors",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The single `fixpoint: error: ...` line of a run that ended with exit 2,
/// after checking that there is exactly one and no panic.
pub fn one_error_line(output: &Output) -> String {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {text}");
    assert!(!text.contains("panicked"), "{text}");
    let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0].starts_with("fixpoint: error: "), "{text}");
    lines[0].to_owned()
}

/// Runs one of the official MCP client's scripts (`tests/mcp/NAME`) with the
/// test Python: `python NAME FIXPOINT PROJECT PYTHON EXTRA...`.
pub fn mcp_client(name: &str, project: &Path, extra: &[&OsStr]) -> Output {
    let python = python();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp").join(name);
    Command::new(&python)
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_fixpoint"))
        .arg(project)
        .arg(&python)
        .args(extra)
        .output()
        .unwrap()
}

/// The Python with only what `examples/dreamforge/requirements.txt`
/// installs (no factory_boy, no Faker), from `scripts/test`.
pub fn example_python() -> std::path::PathBuf {
    std::env::var_os("FIXPOINT_EXAMPLE_PYTHON")
        .expect("FIXPOINT_EXAMPLE_PYTHON is not set: run the tests with scripts/test")
        .into()
}

/// pytest's per-test verdicts from `-v -rA`: a test reported twice (failed
/// in its body, then an error in teardown) keeps the failure.
pub fn pytest_verdicts(output: &str) -> (BTreeMap<String, String>, usize) {
    let mut verdicts: BTreeMap<String, String> = BTreeMap::new();
    let mut reported_twice = 0;
    for line in output.lines() {
        let mut words = line.split_whitespace();
        let (Some(first), Some(second)) = (words.next(), words.next()) else {
            continue;
        };
        let (nodeid, word) = if first.contains("::") {
            (first, second)
        } else if first == "ERROR"
            && !second.contains("::")
            && Path::new(second).extension().is_some_and(|ext| ext == "py")
        {
            // A collection error in the short summary: `ERROR tests/test_x.py`.
            (second, "ERROR")
        } else {
            continue;
        };
        let outcome = match word {
            "PASSED" => "passed",
            "FAILED" => "failed",
            "ERROR" => "error",
            "SKIPPED" => "skipped",
            "XFAIL" => "xfailed",
            "XPASS" => "xpassed",
            _ => continue,
        };
        match verdicts.get(nodeid).map(String::as_str) {
            Some("failed") if outcome == "error" => reported_twice += 1,
            Some("failed") => {}
            _ => {
                verdicts.insert(nodeid.to_owned(), outcome.to_owned());
            }
        }
    }
    (verdicts, reported_twice)
}

/// pytest's closing line as counts per outcome word.
pub fn pytest_summary(output: &str) -> BTreeMap<String, u64> {
    let line = output
        .lines()
        .rev()
        .find(|line| line.starts_with('=') && line.contains(" in "))
        .unwrap_or_else(|| panic!("no closing line in pytest's output:\n{output}"));
    let body = line.trim_matches(|c| c == '=' || c == ' ');
    let body = &body[..body.rfind(" in ").unwrap()];
    body.split(", ")
        .map(|part| {
            let (count, word) = part.split_once(' ').unwrap();
            let word = match word {
                "errors" => "error",
                "warnings" => "warning",
                other => other,
            };
            (word.to_owned(), count.parse().unwrap())
        })
        .collect()
}

/// A run document's counts without `total` and zeros.
pub fn counts(document: &Value) -> BTreeMap<String, u64> {
    document["counts"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, value)| *key != "total" && value.as_u64().unwrap() > 0)
        .map(|(key, value)| (key.clone(), value.as_u64().unwrap()))
        .collect()
}

/// Dreamforge without its coin-flip and its hang (deselected in its pytest
/// configuration, so a run of everything is still a whole-suite run): every
/// outcome is the same from run to run.
pub fn deterministic_dreamforge() -> (tempfile::TempDir, PathBuf) {
    let (keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    let pyproject = dir.join("pyproject.toml");
    let text = fs::read_to_string(&pyproject).unwrap();
    let text = text.replacen(
        "testpaths = [\"tests\"]\n",
        "testpaths = [\"tests\"]\naddopts = \"--deselect tests/services/test_initiative.py::test_goblin_boss_is_faster_than_orc \
         --deselect tests/services/test_initiative.py::test_next_turn_skips_downed_combatants\"\n",
        1,
    );
    fs::write(&pyproject, text).unwrap();
    (keep, dir)
}

/// Snapshot settings for the text a user reads: the project's own path,
/// times (as fixpoint prints them, `0.52s`), dates, journal ids, commit
/// hashes and memory addresses masked, so that the rest of the output is
/// compared whole. Run ids stay: a fresh history numbers them from 1.
pub fn user_output(dir: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    if let Ok(real) = dir.canonicalize() {
        settings.add_filter(&regex_escape(real.to_str().unwrap()), "[PROJECT]");
    }
    settings.add_filter(&regex_escape(dir.to_str().unwrap()), "[PROJECT]");
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?",
        "[WHEN]",
    );
    settings.add_filter(r"\b\d+\.\d+s\b", "[TIME]");
    settings.add_filter(r"\b\d+ms\b", "[TIME]");
    settings.add_filter(r"\b[0-9a-f]{40}\b", "[COMMIT]");
    settings.add_filter(r"\bcommit [0-9a-f]{7,39}\b", "commit [COMMIT]");
    settings.add_filter(r"\b0x[0-9a-f]{6,16}\b", "[ADDRESS]");
    settings.add_filter(r"\bjournal \d+", "journal [ID]");
    settings.add_filter(r"`fixpoint undo \d+`", "`fixpoint undo [ID]`");
    settings
}

fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}
