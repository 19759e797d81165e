use std::collections::BTreeMap;
use std::fs;

use fixpoint_core::{Outcome, TestResult};
use fixpoint_paths::Policy;
use fixpoint_repair::edits::EditBlock;
use fixpoint_repair::redact::Redactor;

use super::{Guard, is_test_file, missing_data_file};

fn not_found(exception: &str, path: &str) -> TestResult {
    let mut test = TestResult::new("tests/test_a.py::test_x", "tests/test_a.py", Some(1));
    test.outcome = Outcome::Failed;
    test.exception_type = Some(exception.to_owned());
    test.message = Some(format!("{exception}: [Errno 2] No such file or directory: '{path}'"));
    test
}

fn block(path: &str, search: &str, replace: &str) -> EditBlock {
    EditBlock {
        path: path.to_owned(),
        search: search.to_owned(),
        replace: replace.to_owned(),
    }
}

/// The path the guard makes of `typed`, or its refusal.
fn path_of(guard: &Guard<'_>, typed: &str) -> Result<String, String> {
    guard
        .blocks(vec![block(typed, "x", "y")], None)
        .map(|blocks| blocks[0].path.clone())
}

#[test]
fn only_a_missing_data_file_inside_the_project_may_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("tests/data")).unwrap();
    fs::write(root.join("tests/data/there.json"), "[]").unwrap();
    fs::create_dir_all(root.join("env/lib")).unwrap();
    fs::write(root.join("env/pyvenv.cfg"), "home = /usr\n").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("tests/linked")).unwrap();
    let policy = Policy::new(root).unwrap();
    let at = |path: &str| root.join(path).display().to_string();
    let missing = |exception: &str, path: &str| missing_data_file(&policy, &not_found(exception, path));
    assert_eq!(
        missing("FileNotFoundError", &at("tests/data/monsters.json")).as_deref(),
        Some("tests/data/monsters.json")
    );
    assert_eq!(
        missing("builtins.FileNotFoundError", "tests/data/prices.csv").as_deref(),
        Some("tests/data/prices.csv")
    );
    assert_eq!(
        missing("FileNotFoundError", "./tests/data/prices.csv").as_deref(),
        Some("tests/data/prices.csv")
    );
    assert_eq!(
        missing("FileNotFoundError", &at("tests/data/no_extension")).as_deref(),
        Some("tests/data/no_extension"),
        "a data directory makes it data"
    );
    for refused in [
        at("tests/data/there.json"),
        at("tests/test_data.py"),
        at("tests/pytest.ini"),
        at("tests/PYTEST.INI"),
        at("tests/.pytest.toml"),
        at("tests/pyproject.toml"),
        at("tests/test_notes.txt"),
        at("tests/data/evil.pth"),
        at(".venv/lib/site-packages/data/x.json"),
        at("env/lib/data.json"),
        at(".git/data.json"),
        at("tests/linked/data.json"),
        at("tests/../../outside.json"),
        "/elsewhere/data/monsters.json".to_owned(),
        at("bin/tool"),
    ] {
        assert_eq!(missing("FileNotFoundError", &refused), None, "{refused}");
    }
    // Only a crash with FileNotFoundError counts, not a message naming it.
    assert_eq!(missing("Failed", &at("tests/data/monsters.json")), None);
}

#[test]
fn knows_test_files() {
    for path in [
        "tests/test_a.py",
        "test_a.py",
        "pkg/a_test.py",
        "conftest.py",
        "pkg/conftest.py",
        "tests/helpers.py",
        "pkg/test_a.PY",
        "pkg/Conftest.py",
    ] {
        assert!(is_test_file(path), "{path}");
    }
    for path in ["app/dice.py", "app/testing_utils.py", "contest.py"] {
        assert!(!is_test_file(path), "{path}");
    }
}

#[test]
fn paths_go_through_the_policy_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("app")).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("x.py"), "").unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.py"), root.join("app/linked.py")).unwrap();
    let redactor = Redactor::default();
    let guard = Guard::new(root, &redactor, false).unwrap();
    assert_eq!(path_of(&guard, "app/dice.py").unwrap(), "app/dice.py");
    assert_eq!(path_of(&guard, "./app//new/../dice.py").unwrap(), "app/dice.py");
    assert_eq!(path_of(&guard, "app/new/module.py").unwrap(), "app/new/module.py");
    let absolute = root.join("app/dice.py").display().to_string();
    assert_eq!(path_of(&guard, &absolute).unwrap(), "app/dice.py");
    for (bad, why) in [
        ("../x.py", "outside the project"),
        ("app/../../x.py", "outside the project"),
        ("/etc/passwd", "outside the project"),
        ("-p.py", "starts with `-`"),
        ("", "empty path"),
        (".git/config", "inside `.git/`"),
        ("./.git/config", "inside `.git/`"),
        ("app/../.git/hooks/pre-commit", "inside `.git/`"),
        ("./.fixpoint/journal/x", "inside `.fixpoint/`"),
        (".venv/lib/site.py", "environment"),
        ("link/x.py", "symbolic link `link`"),
        ("app/linked.py", "is a symbolic link"),
        (".env", "never lets the model write"),
        ("app/.env.local", "never lets the model write"),
        ("sitecustomize.py", "never lets the model write"),
        ("app/evil.pth", "never lets the model write"),
        ("app/__pycache__/dice.cpython-311.pyc", "never lets the model write"),
        ("tests/test_a.py", "test file"),
        ("./conftest.py", "test file"),
    ] {
        let error = path_of(&guard, bad).unwrap_err();
        assert!(error.contains(why), "{bad}: {error}");
    }
    let allowing = Guard::new(root, &redactor, true).unwrap();
    assert_eq!(path_of(&allowing, "tests/test_a.py").unwrap(), "tests/test_a.py");
    assert!(
        path_of(&allowing, "./.git/config").is_err(),
        "the opt-in is for tests, not for .git"
    );
    assert!(path_of(&allowing, "sitecustomize.py").is_err());
}

#[test]
fn a_missing_data_file_may_be_created_under_tests_but_nothing_else_there() {
    let dir = tempfile::tempdir().unwrap();
    let redactor = Redactor::default();
    let guard = Guard::new(dir.path(), &redactor, false).unwrap();
    let data = "tests/data/monsters.json";
    let created = guard.blocks(vec![block(data, "", "[]")], Some(data)).unwrap();
    assert_eq!(created[0].path, data);
    let edit = guard.blocks(vec![block(data, "[]", "[1]")], Some(data));
    assert!(edit.unwrap_err().contains("test file"), "only creating it is allowed");
    let other = guard.blocks(vec![block("tests/test_a.py", "", "x")], Some(data));
    assert!(other.unwrap_err().contains("test file"));
}

#[test]
fn an_answer_with_a_secret_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".env"), "DATABASE_PASSWORD=hunter2-canary\n").unwrap();
    let redactor = Redactor::new(
        dir.path(),
        [("FIXPOINT_API_KEY".to_owned(), "the-key-in-use-123".to_owned())],
    );
    let guard = Guard::new(dir.path(), &redactor, true).unwrap();
    for secret in [
        "the-key-in-use-123",
        "hunter2-canary",
        "sk-proj-abcdefghijklmnopqrstuvwxyz",
    ] {
        let answer = vec![
            block("app/ok.py", "", "x = 1\n"),
            block("app/config.py", "", &format!("KEY = {secret:?}\n")),
        ];
        let error = guard.blocks(answer, None).unwrap_err();
        assert!(error.contains("contains a secret"), "{error}");
        assert!(!error.contains(secret), "{error}");
    }
    assert!(guard.blocks(vec![block("app/ok.py", "", "x = 1\n")], None).is_ok());
}

#[test]
fn pytest_configuration_and_plugins_are_out_of_reach_without_the_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pyproject = "[project]\nname = \"shop\"\n\n[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n";
    fs::write(root.join("pyproject.toml"), pyproject).unwrap();
    fs::write(root.join("setup.cfg"), "[metadata]\nname = shop\n").unwrap();
    fs::create_dir(root.join("calc")).unwrap();
    fs::write(
        root.join("calc/pricing.py"),
        "def discount(total, percent):\n    return total\n",
    )
    .unwrap();
    let redactor = Redactor::default();
    let guard = Guard::new(root, &redactor, false).unwrap();
    let changes = |path: &str, text: &str| guard.changes(&BTreeMap::from([(path.to_owned(), text.to_owned())]));

    let addopts = pyproject.replace("testpaths", "addopts = \"-p calc.plugin\"\ntestpaths");
    assert!(
        changes("pyproject.toml", &addopts)
            .unwrap_err()
            .contains("pytest's configuration")
    );
    let dotted = format!("{pyproject}\n[tool]\npytest.ini_options.addopts = \"-p calc.plugin\"\n");
    assert!(
        changes("pyproject.toml", &dotted).is_err(),
        "a dotted key is the same table"
    );
    let broken = format!("{pyproject}\n[tool.pytest.ini_options]\n");
    assert!(
        changes("pyproject.toml", &broken).is_err(),
        "a file that stops parsing counts whole"
    );
    let version = pyproject.replace("name = \"shop\"", "name = \"shop\"\nversion = \"2\"");
    assert!(
        changes("pyproject.toml", &version).is_ok(),
        "the project table is not pytest's"
    );
    for new in [
        "pytest.ini",
        "tests/pytest.ini",
        "calc/pyproject.toml",
        "tox.ini",
        ".pytest.toml",
    ] {
        let error = changes(new, "[pytest]\naddopts = -p calc.plugin\n").unwrap_err();
        assert!(
            error.contains(&format!("a new {}", new.rsplit('/').next().unwrap())),
            "{new}: {error}"
        );
    }
    let section = "[metadata]\nname = shop\n[tool:pytest]\naddopts = -p calc.plugin\n";
    assert!(changes("setup.cfg", section).is_err());
    assert!(changes("setup.cfg", "[metadata]\nname = shop2\n").is_ok());

    let hook =
        "def discount(total, percent):\n    return total\n\n\ndef pytest_runtest_makereport(item, call):\n    pass\n";
    let error = changes("calc/pricing.py", hook).unwrap_err();
    assert!(error.contains("`def pytest_`"), "{error}");
    for plugin in [
        "import pytest\n\n@pytest.hookimpl(hookwrapper=True)\ndef report(item):\n    yield\n",
        "pytest_plugins = ['calc.plugin']\n",
        "from _pytest.reports import TestReport\n",
        "import pluggy\n",
    ] {
        assert!(changes("calc/plugin.py", plugin).is_err(), "{plugin}");
    }
    assert!(
        changes(
            "calc/pricing.py",
            "def discount(total, percent):\n    return total * (100 - percent) / 100\n"
        )
        .is_ok()
    );

    let allowing = Guard::new(root, &redactor, true).unwrap();
    assert!(
        allowing
            .changes(&BTreeMap::from([("pytest.ini".to_owned(), "[pytest]\n".to_owned())]))
            .is_ok()
    );
}
