//! Bad input: one clear line on stderr, exit 2, no panic.

use std::fs;
use std::process::Command;

use crate::support::{fixpoint, one_error_line, project, python, stderr, stdout};

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

/// A suite that cannot start is a run: recorded, triaged, exit 1. Only an
/// option the user passed through to pytest stays a usage error (exit 2).
#[test]
fn a_suite_that_cannot_start_is_a_recorded_failing_run() {
    let (_keep, dir) = project("no_start");
    let python = python();
    let python = python.to_str().unwrap();
    let snapshot = |name: &str, text: String| {
        let mut settings = insta::Settings::clone_current();
        settings.add_filter(r"\d+\.\d+s", "[TIME]");
        settings.add_filter(r"(?m)^Run \d+", "Run [ID]");
        settings.bind(|| insta::assert_snapshot!(name, text));
    };

    // From a subdirectory, as a user stands in the tests.
    let output = fixpoint(&dir.join("tests"), &["run", "--python", python]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    snapshot("no_start_run", stdout(&output));
    let triage = fixpoint(&dir, &["triage"]);
    assert_eq!(triage.status.code(), Some(0), "{}", stderr(&triage));
    snapshot("no_start_triage", stdout(&triage));

    // A plugin that fails to load: the configuration file is the failure.
    fs::write(dir.join("tests/conftest.py"), "").unwrap();
    fs::write(
        dir.join("pytest.ini"),
        "[pytest]\ntestpaths = tests\naddopts = -p ledger_audit_plugin\n",
    )
    .unwrap();
    let output = fixpoint(&dir, &["run", "--python", python, "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let tests = document["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 1, "{document}");
    assert_eq!(
        (
            tests[0]["nodeid"].as_str(),
            tests[0]["outcome"].as_str(),
            tests[0]["phase"].as_str()
        ),
        (Some("pytest.ini"), Some("error"), Some("collection"))
    );
    assert!(
        tests[0]["message"].as_str().unwrap().contains("ledger_audit_plugin"),
        "{document}"
    );
    let history = fixpoint(&dir, &["history", "--output-format", "json"]);
    let history: serde_json::Value = serde_json::from_str(&stdout(&history)).unwrap();
    assert_eq!(history["runs"].as_array().unwrap().len(), 2, "{history}");

    // An unknown option the user passed through is the user's usage error.
    fs::write(dir.join("pytest.ini"), "[pytest]\ntestpaths = tests\n").unwrap();
    let output = fixpoint(&dir, &["run", "--python", python, "--", "--no-such-option"]);
    let line = one_error_line(&output);
    assert!(line.contains("unrecognized arguments: --no-such-option"), "{line}");
    let history = fixpoint(&dir, &["history", "--output-format", "json"]);
    let history: serde_json::Value = serde_json::from_str(&stdout(&history)).unwrap();
    assert_eq!(
        history["runs"].as_array().unwrap().len(),
        2,
        "nothing recorded: {history}"
    );
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

#[test]
fn hostile_inputs_are_one_line_and_exit_2() {
    let (_keep, dir) = project("outcomes");
    let fifo = dir.join("report.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::write(
        dir.join("typed.jsonl"),
        "{\"$report_type\": \"TestReport\", \"nodeid\": \"tests/test_a.py::test_a\", \"outcome\": 42, \"when\": \"call\"}\n",
    )
    .unwrap();
    let python = python();
    let python = python.to_str().unwrap();
    let cpus = std::thread::available_parallelism().unwrap().get() * 4;
    for (args, message) in [
        // A FIFO and a device would block or never end.
        (
            vec!["import", "report.fifo"],
            "fixpoint: error: report.fifo: not a regular file (a FIFO, a device or a directory): import reads report files"
                .to_owned(),
        ),
        (
            vec!["import", "/dev/zero"],
            "fixpoint: error: /dev/zero: not a regular file (a FIFO, a device or a directory): import reads report files"
                .to_owned(),
        ),
        (
            vec!["import", "typed.jsonl"],
            "fixpoint: error: typed.jsonl: line 1: TestReport has \"outcome\": 42, not a string".to_owned(),
        ),
        (
            vec!["--db", "mysql://user:secret@db/history", "history"],
            "fixpoint: error: unknown database scheme `mysql://` in `mysql://user:***@db/history`: fixpoint stores its \
             history in SQLite (a path or sqlite://PATH) or PostgreSQL (postgres://...)"
                .to_owned(),
        ),
        (
            vec!["run", "--python", python, "-j", "4294967295"],
            format!("fixpoint: error: -j 4294967295 is more than {cpus} pytest processes (4 per CPU on this machine): pass at most -j {cpus}"),
        ),
    ] {
        let output = fixpoint(&dir, &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(one_error_line(&output), message, "{args:?}");
    }
    assert!(!dir.join("mysql:").exists(), "no SQLite file named after the URL");
    assert_eq!(fixpoint(&dir, &["history"]).status.code(), Some(0));
    assert!(
        stdout(&fixpoint(&dir, &["history"])).starts_with("No runs recorded yet"),
        "nothing was imported"
    );
}
