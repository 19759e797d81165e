//! Import of report files that real pytest 9.2 wrote (`tests/data/`, made from
//! the `outcomes` fixture project with `--junitxml`, `-o junit_family=xunit1`
//! and pytest-reportlog's `--report-log`), snapshot-tested.

use std::fmt::Write;
use std::path::Path;

use fixpoint_core::Run;
use fixpoint_pytest::import::{Format, import_file};

fn data(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// One line per test: what a reader of the snapshot needs to judge it.
fn render(run: &Run) -> String {
    let mut out = format!("{} | {}\n", run.info.source, run.counts.summary(0.0));
    for test in &run.tests {
        let crash = test
            .crash
            .as_ref()
            .map(|crash| format!("{}:{}", crash.path, crash.line.unwrap_or(0)))
            .unwrap_or_default();
        writeln!(
            out,
            "{:<8} {} | {} | {} | {} | {}",
            test.outcome.as_str(),
            test.nodeid,
            test.phase.map_or("-", fixpoint_core::Phase::as_str),
            test.exception_type.as_deref().unwrap_or("-"),
            crash,
            test.message.as_deref().unwrap_or("-"),
        )
        .unwrap();
    }
    out
}

/// The files were written in /tmp/fixpoint-fixture/outcomes: that was the project.
fn project() -> &'static Path {
    Path::new("/tmp/fixpoint-fixture/outcomes")
}

#[test]
fn junit_xunit2() {
    let run = import_file(&data("outcomes.junit.xml"), None, Some(project())).unwrap();
    insta::assert_snapshot!(render(&run));
}

#[test]
fn junit_xunit1_with_file_and_line() {
    let run = import_file(&data("outcomes.xunit1.xml"), Some(Format::Junit), None).unwrap();
    insta::assert_snapshot!(render(&run));
}

#[test]
fn reportlog() {
    let run = import_file(&data("outcomes.reportlog.jsonl"), None, Some(project())).unwrap();
    insta::assert_snapshot!(render(&run));
    let failure = run
        .tests
        .iter()
        .find(|t| t.nodeid.ends_with("test_exception_fails"))
        .unwrap();
    assert_eq!(failure.stdout, "rolling the dice\n");
    assert!(
        failure
            .longrepr
            .as_deref()
            .unwrap()
            .contains("tests/test_basic.py:22: KeyError")
    );
    assert_eq!(run.info.pytest_version.as_deref(), Some("9.2.0"));
}

#[test]
fn junit_and_reportlog_of_one_run_agree_but_for_xpass() {
    let junit = import_file(&data("outcomes.junit.xml"), None, Some(project())).unwrap();
    let log = import_file(&data("outcomes.reportlog.jsonl"), None, Some(project())).unwrap();
    let ids = |run: &Run| run.tests.iter().map(|t| t.nodeid.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&junit), ids(&log));
    for (a, b) in junit.tests.iter().zip(&log.tests) {
        if b.outcome == fixpoint_core::Outcome::XPassed {
            assert_eq!(
                a.outcome,
                fixpoint_core::Outcome::Passed,
                "JUnit writes an xpass as a pass"
            );
        } else {
            assert_eq!(a.outcome, b.outcome, "{}", a.nodeid);
            if a.outcome.is_failing() {
                assert_eq!((a.phase, &a.message), (b.phase, &b.message), "{}", a.nodeid);
            }
        }
    }
}

#[test]
fn junit_timeouts_are_read_as_timeouts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("timeouts.xml");
    std::fs::write(
        &file,
        r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="3">
<testcase classname="tests.test_a" name="test_hangs" time="5.0"><failure message="Failed: Timeout &gt;5.0s">+++ Timeout +++</failure></testcase>
<testcase classname="tests.test_a" name="test_killed" time="3.0"><failure message="timeout: exceeded the test timeout of 3s and was killed">killed</failure></testcase>
<testcase classname="tests.test_a" name="test_slow_assert" time="1.0"><failure message="assert 'timeout: x' == 'y'">AssertionError</failure></testcase>
</testsuite></testsuites>"#,
    )
    .unwrap();
    let run = import_file(&file, Some(Format::Junit), None).unwrap();
    let outcomes: Vec<&str> = run.tests.iter().map(|t| t.outcome.as_str()).collect();
    assert_eq!(outcomes, ["timeout", "timeout", "failed"]);
}
