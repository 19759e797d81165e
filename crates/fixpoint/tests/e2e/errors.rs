//! Bad input: one clear line on stderr, exit 2, no panic.

use std::fs;
use std::process::Command;

use crate::support::{fixpoint, one_error_line, project, python, stderr};

#[test]
fn a_missing_interpreter_is_named() {
    let (_keep, dir) = project("outcomes");
    let output = fixpoint(&dir, &["run", "--python", "/no/such/python3"]);
    assert_eq!(
        one_error_line(&output),
        "fixpoint: error: Python interpreter `/no/such/python3` (from --python) does not exist"
    );
}

#[test]
fn an_interpreter_without_pytest_gets_install_advice() {
    let (keep, dir) = project("outcomes");
    let venv = keep.path().join("bare-venv");
    let status = Command::new(python())
        .args(["-m", "venv", "--without-pip"])
        .arg(&venv)
        .status()
        .unwrap();
    assert!(status.success());
    let bare = venv.join("bin/python");
    let output = fixpoint(&dir, &["run", "--python", bare.to_str().unwrap()]);
    let line = one_error_line(&output);
    assert!(
        line.contains("pytest is not importable by") && line.contains("-m pip install pytest"),
        "{line}"
    );
}

#[test]
fn a_project_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = fixpoint(dir.path(), &["run", "--project", "nowhere"]);
    let line = one_error_line(&output);
    assert!(
        line.contains("project directory") && line.contains("nowhere` does not exist"),
        "{line}"
    );
}

#[test]
fn a_conftest_that_fails_to_import_is_one_line() {
    let (_keep, dir) = project("startup");
    let python = python();
    let output = fixpoint(
        &dir.join("conftest_broken"),
        &["run", "--python", python.to_str().unwrap()],
    );
    let line = one_error_line(&output);
    assert!(line.contains("ImportError while loading conftest"), "{line}");
    assert!(line.contains("No module named 'dreamforge_settings'"), "{line}");
}

#[test]
fn a_path_that_does_not_exist_is_refused_before_pytest_runs() {
    let (_keep, dir) = project("outcomes");
    let python = python();
    let output = fixpoint(&dir, &["run", "--python", python.to_str().unwrap(), "tests/nope.py"]);
    let line = one_error_line(&output);
    assert_eq!(line, "fixpoint: error: refused: `tests/nope.py` does not exist");
}

#[test]
fn bad_flags_and_unknown_groups_are_usage_errors() {
    let (_keep, dir) = project("outcomes");
    let python = python();
    let python = python.to_str().unwrap();
    let output = fixpoint(&dir, &["run", "--python", python, "--shard", "4/3"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("invalid shard `4/3`"), "{}", stderr(&output));
    let output = fixpoint(&dir, &["run", "--python", python, "--group", "nope"]);
    assert_eq!(
        one_error_line(&output),
        "fixpoint: error: unknown group `nope`: the project defines db, unit"
    );
    let output = fixpoint(&dir, &["run", "--python", python, "--test-timeout=0"]);
    assert!(one_error_line(&output).contains("--test-timeout must be a positive number of seconds"));
}

#[test]
fn malformed_settings_are_reported_with_their_file() {
    let (_keep, dir) = project("outcomes");
    fs::write(dir.join("fixpoint.toml"), "reruns = \"twice\"\n").unwrap();
    let python = python();
    let line = one_error_line(&fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]));
    assert!(line.contains("fixpoint.toml: invalid fixpoint settings"), "{line}");
}

#[test]
fn malformed_import_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("garbage.txt", "hello\n", "neither JUnit XML nor pytest-reportlog"),
        (
            "cut.xml",
            "<testsuites><testsuite name=\"pytest\"><testcase name=\"a\"",
            "not valid JUnit XML",
        ),
        ("other.xml", "<html><body/></html>", "no <testsuite> element"),
        (
            "bad.jsonl",
            "{\"$report_type\": \"SessionStart\"}\n{oops\n",
            "line 2: not valid JSON",
        ),
        ("notlog.jsonl", "{\"a\": 1}\n", "line 1: not a pytest-reportlog record"),
    ];
    for (name, content, expected) in cases {
        let path = dir.path().join(name);
        fs::write(&path, content).unwrap();
        let line = one_error_line(&fixpoint(dir.path(), &["import", path.to_str().unwrap()]));
        assert!(line.contains(expected), "{name}: {line}");
    }
    fs::write(dir.path().join("binary.xml"), [0xff, 0xfe, 0x00, 0x3c]).unwrap();
    let line = one_error_line(&fixpoint(dir.path(), &["import", "binary.xml"]));
    assert!(line.contains("not UTF-8"), "{line}");
    let line = one_error_line(&fixpoint(dir.path(), &["import", "missing.xml"]));
    assert!(line.contains("could not read missing.xml"), "{line}");
}

#[test]
fn an_empty_suite_warns_and_succeeds() {
    let (_keep, dir) = project("startup");
    let python = python();
    let output = fixpoint(&dir.join("empty"), &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("no tests ran"));
}
