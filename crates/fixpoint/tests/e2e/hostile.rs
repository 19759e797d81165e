//! Suites that fight the runner: xfail in every form, `KeyboardInterrupt`
//! and `pytest.exit()` in tests, bytes written into the event pipe, children
//! that outlive their test, and fixpoint itself killed mid-run. Each is a
//! small fixture project (`tests/projects/hostile_*`) run by the real binary.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{
    counts, outcomes, project, pytest, pytest_summary, pytest_verdicts, python, run_json, stderr, stdout, test,
};

/// The text a user reads, with times masked.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d+\.\d+s", "[TIME]");
    settings.add_filter(r"(?m)^Run \d+", "Run [ID]");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn run_text(dir: &Path, extra: &[&str]) -> std::process::Output {
    let python = python();
    let mut args = vec!["run", "--python", python.to_str().unwrap()];
    args.extend_from_slice(extra);
    crate::support::fixpoint(dir, &args)
}

/// Whether process `pid` is gone: no longer in /proc, or a zombie nobody
/// reaps (killed, waiting for a parent that is not fixpoint).
fn is_dead(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.split_whitespace().next() == Some("Z")),
    }
}

/// Waits up to ten seconds for `pid` to be gone.
fn dies(pid: u32) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if is_dead(pid) {
            return true;
        }
        thread::sleep(Duration::from_millis(50));
    }
    false
}

fn pid_in(dir: &Path, name: &str) -> u32 {
    let path = dir.join("pids").join(name);
    fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .parse()
        .unwrap()
}

fn wait_for(path: &Path) {
    let until = Instant::now() + Duration::from_mins(1);
    while !path.exists() {
        assert!(Instant::now() < until, "{} never appeared", path.display());
        thread::sleep(Duration::from_millis(50));
    }
}

fn message(document: &Value, nodeid: &str) -> Option<String> {
    test(document, nodeid)["message"].as_str().map(str::to_owned)
}

#[test]
fn an_xfail_is_xfailed_with_its_reason_however_it_is_marked() {
    let (_keep, dir) = project("hostile_xfail");
    let strict = ["-o", "xfail_strict=true"];
    for extra in [&[][..], &strict[..]] {
        let plain = pytest(&dir, &[&["-v", "-rA"][..], extra].concat());
        let text = stdout(&plain);
        let (verdicts, _) = pytest_verdicts(&text);
        let passed_on = if extra.is_empty() {
            vec![]
        } else {
            [&["--"][..], extra].concat()
        };
        let (code, document) = run_json(&dir, &passed_on);
        assert_eq!(code, 1, "a strict xpass and a wrong exception fail");
        assert_eq!(outcomes(&document), verdicts, "{extra:?}");
        assert_eq!(counts(&document), pytest_summary(&text), "{extra:?}");
    }

    let (_, document) = run_json(&dir, &[]);
    let reasons = [
        ("test_bare_marker", None),
        ("test_marker_with_reason", Some("rounding bug 12")),
        ("test_imperative", Some("the exporter is not written yet")),
        (
            "test_imperative_in_a_fixture",
            Some("the fixture's service is not written yet"),
        ),
        ("TestChild::test_inherited", Some("inherited from Base")),
        ("test_loose_that_passes", Some("fixed since too")),
    ];
    for (name, reason) in reasons {
        let nodeid = format!("tests/test_xfail.py::{name}");
        assert_eq!(message(&document, &nodeid).as_deref(), reason, "{nodeid}");
    }
    let output = run_text(&dir, &[]);
    snapshot("hostile_xfail_run", &stdout(&output));
}

#[test]
fn keyboard_interrupt_in_a_test_is_that_tests_failure_and_the_run_goes_on() {
    let (_keep, dir) = project("hostile_interrupt");
    let (code, document) = run_json(&dir, &[]);
    assert_eq!(code, 1);
    assert!(document["info"]["interrupted"].is_null(), "{document}");
    let expected = [
        ("test_before", "passed"),
        ("test_raises_keyboard_interrupt", "failed"),
        ("test_sends_itself_sigint", "failed"),
        ("test_with_a_fixture_that_raises_it", "error"),
        ("test_after", "passed"),
    ];
    let expected = expected
        .iter()
        .map(|(name, outcome)| (format!("tests/test_interrupt.py::{name}"), (*outcome).to_owned()))
        .collect();
    assert_eq!(outcomes(&document), expected);
    for name in ["test_raises_keyboard_interrupt", "test_sends_itself_sigint"] {
        let test = test(&document, &format!("tests/test_interrupt.py::{name}"));
        assert_eq!(test["exception_type"], "KeyboardInterrupt", "{test}");
    }
    let output = run_text(&dir, &[]);
    snapshot("hostile_interrupt_run", &stdout(&output));
}

#[test]
fn pytest_exit_in_a_test_interrupts_the_run_and_names_the_test() {
    let (_keep, dir) = project("hostile_interrupt");
    // `returncode=0`: pytest itself would exit 0 after running one test.
    let (code, document) = run_json(&dir, &["stops"]);
    assert_eq!(code, 1, "{document}");
    assert_eq!(
        document["info"]["interrupted"],
        "pytest stopped the session while stops/test_exit.py::test_calls_exit ran: _pytest.outcomes.Exit: the ledger service is down, stopping"
    );
    let expected = [("stops/test_exit.py::test_first".to_owned(), "passed".to_owned())].into();
    assert_eq!(outcomes(&document), expected, "the test that stopped is not a pass");
    let output = run_text(&dir, &["stops"]);
    assert_eq!(output.status.code(), Some(1));
    snapshot("hostile_exit_run", &stdout(&output));
}

#[test]
fn bytes_on_the_event_pipe_stop_neither_the_reader_nor_the_timeouts() {
    let (_keep, dir) = project("hostile_pipe");
    let output = run_text(&dir, &["--test-timeout", "3"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    snapshot("hostile_pipe_test_timeout", &stdout(&output));
    let errors = stderr(&output);
    let notices: Vec<&str> = errors.lines().filter(|line| line.contains("NOTICE")).collect();
    snapshot("hostile_pipe_notices", &notices.join("\n"));

    // Only the run's limit: the hanging test is cut off at it, not recorded
    // as a crash, and the run says it timed out.
    let (code, document) = run_json(&dir, &["--timeout", "4"]);
    assert_eq!(code, 1);
    assert_eq!(
        document["info"]["interrupted"],
        "the run timed out after 4s (--timeout)"
    );
    let hang = test(&document, "tests/test_pipe.py::test_hangs");
    assert_eq!(hang["outcome"], "timeout", "{hang}");
    assert!(
        document["info"]["duration"].as_f64().unwrap() < 60.0,
        "the run ended at its limit: {document}"
    );
}

#[test]
fn children_a_test_leaves_behind_are_killed_with_its_worker() {
    let (_keep, dir) = project("hostile_children");
    // A forked child holds the event pipe; a daemon left its session.
    let (code, document) = run_json(&dir, &[]);
    assert_eq!(code, 0, "{document}");
    assert!(document["info"]["interrupted"].is_null(), "{document}");
    assert_eq!(document["counts"]["passed"], 3);
    for name in ["forked", "daemon"] {
        let pid = pid_in(&dir, name);
        assert!(is_dead(pid), "the {name} child {pid} outlived its worker");
    }

    // A test that waits on a child in its own session: the timeout kills both.
    let (code, document) = run_json(&dir, &["hangs", "--test-timeout", "2"]);
    assert_eq!(code, 1);
    let hang = test(&document, "hangs/test_hang.py::test_waits_on_a_session_leader");
    assert_eq!(hang["outcome"], "timeout", "{hang}");
    let session = pid_in(&dir, "session");
    assert!(is_dead(session), "the setsid child {session} escaped --test-timeout");
}

#[test]
fn workers_die_when_fixpoint_dies() {
    let (_keep, dir) = project("hostile_children");
    let python = python();
    for signal in ["KILL", "HUP"] {
        let _ = fs::remove_dir_all(dir.join("pids"));
        let mut fixpoint = Command::new(env!("CARGO_BIN_EXE_fixpoint"))
            .args(["run", "--python", python.to_str().unwrap(), "hangs"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for(&dir.join("pids/session"));
        let worker = pid_in(&dir, "worker");
        let status = Command::new("kill")
            .args([format!("-{signal}"), fixpoint.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let _ = fixpoint.wait();
        assert!(
            dies(worker),
            "the pytest worker {worker} outlived fixpoint's SIG{signal}"
        );
        // The child in a session of its own is no worker: clean it up here.
        let _ = Command::new("kill")
            .args(["-KILL", &pid_in(&dir, "session").to_string()])
            .status();
    }
}
