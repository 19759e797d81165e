//! Tests that hang or take the interpreter down must not take the run with them.

use std::fs;
use std::path::Path;

use crate::support::{outcomes, outcomes_in_order, project, run_json, test};

fn expected() -> Vec<(String, String)> {
    [
        ("test_before", "passed"),
        ("test_hangs", "timeout"),
        ("test_between", "passed"),
        ("test_hangs_in_a_child_process", "timeout"),
        ("test_segfaults", "crashed"),
        ("test_after_segfault", "passed"),
        ("test_exits_the_interpreter", "crashed"),
        ("test_last", "passed"),
    ]
    .iter()
    .map(|(name, outcome)| (format!("tests/test_hazards.py::{name}"), (*outcome).to_owned()))
    .collect()
}

/// A process is gone when /proc no longer has it or it is a zombie.
fn is_gone(pid: &str) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z'))
    })
}

fn check(dir: &Path, extra: &[&str]) {
    let (code, document) = run_json(dir, extra);
    assert_eq!(code, 1);
    assert_eq!(outcomes_in_order(&document), expected());

    let hang = test(&document, "tests/test_hazards.py::test_hangs");
    assert!(hang["duration"].as_f64().unwrap() >= 3.0, "{hang}");
    assert!(
        hang["message"].as_str().unwrap().contains("test timeout of 3s"),
        "{hang}"
    );
    let segfault = test(&document, "tests/test_hazards.py::test_segfaults");
    assert!(segfault["message"].as_str().unwrap().contains("SIGSEGV"), "{segfault}");
    // pytest's faulthandler wrote the Python stack to stderr; it is kept.
    assert!(
        segfault["longrepr"].as_str().unwrap().contains("Segmentation fault"),
        "{segfault}"
    );
    let exited = test(&document, "tests/test_hazards.py::test_exits_the_interpreter");
    assert!(
        exited["message"].as_str().unwrap().ends_with("exit status 3"),
        "{exited}"
    );

    // The timed-out test's own child process was killed with its process group.
    let pid = fs::read_to_string(dir.join("child.pid")).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !is_gone(pid.trim()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(is_gone(pid.trim()), "the hanging test's child {pid} survived");
}

#[test]
fn hangs_and_crashes_are_recorded_and_the_run_goes_on() {
    let (_keep, dir) = project("hazards");
    check(&dir, &[]);
}

#[test]
fn hangs_and_crashes_under_two_workers_give_the_same_results() {
    let (_keep, dir) = project("hazards");
    check(&dir, &["-j", "2"]);
}

#[test]
fn the_whole_run_timeout_stops_everything_and_keeps_what_ran() {
    let (_keep, dir) = project("hazards");
    // Long enough for pytest to start and run the first test on a loaded
    // machine; the hang after it outlasts any limit.
    let (code, document) = run_json(&dir, &["--test-timeout", "600", "--timeout", "8"]);
    assert_eq!(code, 1);
    assert!(
        document["info"]["interrupted"]
            .as_str()
            .unwrap()
            .contains("timed out after 8s"),
        "{}",
        document["info"]
    );
    let results = outcomes(&document);
    assert_eq!(results["tests/test_hazards.py::test_before"], "passed");
    assert_eq!(results["tests/test_hazards.py::test_hangs"], "timeout");
    assert_eq!(results.len(), 2, "nothing after the cut is invented: {results:?}");
}
