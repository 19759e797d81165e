//! Every outcome pytest knows, as fixpoint records it, checked against what
//! pytest itself reports for the same project.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{
    counts, fixpoint, nodeids, outcomes, project, pytest, pytest_summary, pytest_verdicts, python, run_json, stderr,
    stdout, strings, test,
};

#[test]
fn per_test_outcomes_and_counts_equal_what_pytest_reports() {
    let (_keep, plain) = project("outcomes");
    let output = pytest(&plain, &["-v", "-rA"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (verdicts, reported_twice) = pytest_verdicts(&text);
    let mut pytest_counts = pytest_summary(&text);
    pytest_counts.remove("warning");

    let (_keep2, dir) = project("outcomes");
    let (code, document) = run_json(&dir, &[]);
    assert_eq!(code, 1, "tests failed, so the exit code is 1");
    assert_eq!(outcomes(&document), verdicts);
    assert_eq!(
        verdicts.len(),
        27,
        "the fixture project has 25 tests and 2 broken modules"
    );

    // pytest counts reports, fixpoint counts tests: a test that fails and then
    // errors in teardown is one `failed` here and `1 failed, 1 error` there.
    assert_eq!(reported_twice, 1);
    let mut ours = counts(&document);
    *ours.get_mut("error").unwrap() += reported_twice as u64;
    assert_eq!(ours, pytest_counts);
}

#[test]
fn results_carry_what_a_developer_needs() {
    let (_keep, dir) = project("outcomes");
    let (_, document) = run_json(&dir, &[]);
    let info = &document["info"];
    assert_eq!(document["schema_version"], 1);
    assert_eq!(
        document["run_id"], 1,
        "the first run of a fresh project is run 1 of its history"
    );
    let (_, unrecorded) = run_json(&dir, &["--no-record", "tests/unit/test_math.py::test_add"]);
    assert!(unrecorded["run_id"].is_null());
    assert!(
        info["pytest_version"]
            .as_str()
            .unwrap()
            .starts_with(|c: char| c.is_ascii_digit())
    );
    assert!(info["python_version"].as_str().unwrap().starts_with("3."));
    assert_eq!(info["source"], "run");

    let failure = test(&document, "tests/test_basic.py::test_exception_fails");
    assert_eq!(failure["exception_type"], "KeyError");
    assert_eq!(failure["message"], "KeyError: 'goblin'");
    assert_eq!(failure["crash"]["path"], "tests/test_basic.py");
    assert_eq!(failure["crash"]["line"], 22);
    assert_eq!(failure["line"], 19);
    assert_eq!(failure["phase"], "call");
    assert_eq!(failure["stdout"], "rolling the dice\n");
    assert_eq!(failure["stderr"], "warning on stderr\n");
    assert!(
        failure["longrepr"]
            .as_str()
            .unwrap()
            .contains("raise KeyError(\"goblin\")")
    );

    let broken = test(&document, "tests/test_broken_import.py");
    assert_eq!(
        (broken["outcome"].as_str(), broken["phase"].as_str()),
        (Some("error"), Some("collection"))
    );
    assert_eq!(broken["exception_type"], "ModuleNotFoundError");
    assert_eq!(broken["message"], "ModuleNotFoundError: No module named 'dreamforge'");
    assert_eq!(
        test(&document, "tests/test_syntax_error.py")["exception_type"],
        "SyntaxError"
    );

    let setup = test(&document, "tests/test_fixtures.py::test_setup_error");
    assert_eq!(
        (setup["phase"].as_str(), setup["exception_type"].as_str()),
        (Some("setup"), Some("RuntimeError"))
    );
    assert_eq!(
        test(&document, "tests/test_fixtures.py::test_missing_fixture")["message"],
        "fixture 'campaign_factory' not found"
    );
    assert_eq!(
        test(&document, "tests/test_basic.py::test_skipped")["message"],
        "not ready"
    );
    assert_eq!(
        test(&document, "tests/test_basic.py::test_expected_failure")["message"],
        "known bug 7"
    );
    assert_eq!(
        test(&document, "tests/test_basic.py::test_marked_db")["markers"],
        serde_json::json!(["db"])
    );
    // Collection errors first, then collection order.
    let order: Vec<&str> = strings(&document["tests"], "nodeid");
    assert_eq!(
        &order[..3],
        [
            "tests/test_broken_import.py",
            "tests/test_syntax_error.py",
            "tests/test_basic.py::test_passes"
        ]
    );
}

#[test]
fn text_output_ends_with_a_pytest_style_summary() {
    let (_keep, dir) = project("outcomes");
    let python = python();
    let output = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("8 failed, 10 passed, 3 skipped, 1 xfailed, 1 xpassed, 4 errors in ") && last.ends_with('s'),
        "{last}"
    );
    assert!(
        text.contains("FAILED tests/test_basic.py::test_exception_fails - KeyError: 'goblin'"),
        "{text}"
    );
    assert!(
        text.contains("ERROR tests/test_broken_import.py - ModuleNotFoundError"),
        "{text}"
    );
    // Progress went to stderr, one line per test in a log.
    let progress = crate::support::stderr(&output);
    assert!(
        progress.contains("PASS [") && progress.contains("tests/unit/test_math.py::test_add"),
        "{progress}"
    );
}

fn reset_flaky(dir: &Path) {
    let _ = fs::remove_file(dir.join("tests/unit/.flaky-state"));
}

#[test]
fn parallel_and_sharded_runs_equal_the_single_process_run() {
    let (_keep, dir) = project("outcomes");
    let (_, single) = run_json(&dir, &[]);
    for jobs in ["2", "3"] {
        reset_flaky(&dir);
        let (code, parallel) = run_json(&dir, &["-j", jobs]);
        assert_eq!(code, 1);
        assert_eq!(outcomes(&parallel), outcomes(&single), "-j {jobs}");
        assert_eq!(
            nodeids(&parallel["tests"]),
            nodeids(&single["tests"]),
            "-j {jobs} keeps collection order"
        );
        assert_eq!(parallel["info"]["workers"], jobs.parse::<u32>().unwrap());
    }
    for kind in ["count", "hash"] {
        let mut union = BTreeMap::new();
        let mut sizes = Vec::new();
        for index in 1..=3 {
            reset_flaky(&dir);
            let shard = format!("{kind}:{index}/3");
            let (_, part) = run_json(&dir, &["--shard", &shard]);
            assert_eq!(part["info"]["shard"], shard);
            let part = outcomes(&part);
            sizes.push(part.keys().filter(|id| id.contains("::")).count());
            for (nodeid, outcome) in part {
                assert!(
                    union.insert(nodeid.clone(), outcome).is_none(),
                    "{nodeid} ran in two shards"
                );
            }
        }
        assert_eq!(
            union,
            outcomes(&single),
            "the {kind} shards together are the whole suite"
        );
        if kind == "count" {
            assert!(
                sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
                "{sizes:?}"
            );
        }
    }
}

#[test]
fn reruns_turn_a_test_that_passes_again_into_flaky() {
    let (_keep, dir) = project("outcomes");
    let (code, document) = run_json(&dir, &["--reruns", "2", "-j", "2"]);
    assert_eq!(code, 1);
    let flaky = test(&document, "tests/unit/test_flaky.py::test_flaky");
    assert_eq!(flaky["outcome"], "flaky");
    assert_eq!(flaky["attempts"], 2);
    assert_eq!(flaky["rerun_outcomes"], serde_json::json!(["passed"]));
    assert_eq!(
        flaky["message"], "AssertionError: timing window missed",
        "the first failure is kept"
    );
    let still = test(&document, "tests/unit/test_math.py::test_off_by_one");
    assert_eq!(
        (still["outcome"].as_str(), still["attempts"].as_u64()),
        (Some("failed"), Some(3))
    );
    assert_eq!(
        test(&document, "tests/test_broken_import.py")["attempts"],
        1,
        "collection errors are not rerun"
    );
    assert_eq!(document["counts"]["flaky"], 1);
}

#[test]
fn groups_keywords_markers_and_node_ids_select_tests() {
    let (_keep, dir) = project("outcomes");
    let tests_only = |document: &Value| -> BTreeSet<String> {
        outcomes(document).into_keys().filter(|id| id.contains("::")).collect()
    };

    let (_, unit) = run_json(&dir, &["--group", "unit"]);
    let unit = tests_only(&unit);
    assert_eq!(unit.len(), 5);
    assert!(unit.iter().all(|id| id.starts_with("tests/unit/")), "{unit:?}");

    let (_, db) = run_json(&dir, &["--group", "db"]);
    let expected: BTreeSet<String> = [
        "tests/test_basic.py::test_marked_db",
        "tests/test_fixtures.py::test_uses_tmp_path",
        "tests/unit/test_math.py::test_unit_db",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(tests_only(&db), expected);
    assert_eq!(db["info"]["group"], "db");
    assert_eq!(db["info"]["selection"], serde_json::json!(["tests", "-m", "db"]));

    let (_, keyword) = run_json(&dir, &["-k", "parametrized"]);
    assert_eq!(tests_only(&keyword).len(), 3);
    let (_, marked) = run_json(&dir, &["-m", "db and not slow", "tests/unit"]);
    assert_eq!(
        tests_only(&marked),
        ["tests/unit/test_math.py::test_unit_db".to_owned()].into()
    );

    // From a subdirectory, paths are relative to where the user stands.
    let (code, one) = run_json(&dir.join("tests/unit"), &["test_math.py::test_add"]);
    assert_eq!(code, 0);
    assert_eq!(
        outcomes(&one).into_iter().collect::<Vec<_>>(),
        [("tests/unit/test_math.py::test_add".to_owned(), "passed".to_owned())]
    );
}

#[test]
fn durations_from_the_history_balance_the_workers() {
    let (_keep, dir) = project("balance");
    let worker =
        |document: &Value, name: &str| test(document, &format!("tests/test_timing.py::{name}"))["worker"].clone();
    // No history yet: round robin puts tests 1 and 3, the two slow ones, on worker 1.
    let (_, first) = run_json(&dir, &["-j", "2"]);
    assert_eq!(worker(&first, "test_slow_a"), worker(&first, "test_slow_b"));
    // With their durations recorded, the slow tests go to different workers.
    let (code, second) = run_json(&dir, &["-j", "2"]);
    assert_eq!(code, 0);
    assert_ne!(worker(&second, "test_slow_a"), worker(&second, "test_slow_b"));
    assert_eq!(outcomes(&second), outcomes(&first));
    assert_eq!(
        nodeids(&second["tests"]),
        nodeids(&first["tests"]),
        "collection order is kept"
    );
}

#[test]
fn fix_keeps_what_the_tests_confirm_and_takes_back_what_breaks_a_passing_test() {
    use crate::support::{stderr, stdout};
    let (_keep, dir) = project("verify");
    let (_, before) = run_json(&dir, &[]);
    assert_eq!(before["counts"]["failed"], 2);
    let python = python();
    // Both modules lack `Decimal`; one test reaches both, and importing
    // `Decimal` into `app/loot.py` breaks a test that passed: the bisection
    // finds that file, takes it back and keeps `app/coins.py`.
    let output = fixpoint(&dir, &["fix", "--no-progress", "--python", python.to_str().unwrap()]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}\n{}", stderr(&output));
    let text = without_seconds(&text);
    assert_eq!(
        text,
        [
            "app/coins.py:1: FP002 add `from decimal import Decimal`",
            "app/loot.py:1: FP002 add `from decimal import Decimal`",
            "2 fixes applied (FP002: 2), 0 left",
            "verify: kept 1 of 2 changed files; reran 3 tests in tests/test_loot.py: 1 fixed, 1 still failing",
            "  taken back  app/loot.py (FP002): broke tests/test_loot.py::test_the_module_exports_nothing_but_value",
            "  fixed       tests/test_loot.py::test_coins",
            "verify cost: 9 pytest runs, 15 tests, <secs>",
        ]
    );
    assert!(
        stderr(&output).contains("1 of 2 changed files taken back: their fixes broke what passed before"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("app/loot.py")).unwrap(),
        "def value():\n    return Decimal(1)\n"
    );
    assert!(
        std::fs::read_to_string(dir.join("app/coins.py"))
            .unwrap()
            .starts_with("from decimal import Decimal\n")
    );
    // The next run: no test that passed fails, and one more passes.
    let (_, after) = run_json(&dir, &[]);
    assert_eq!(
        (after["counts"]["passed"].as_u64(), after["counts"]["failed"].as_u64()),
        (Some(3), Some(1))
    );
    // What was kept is one journal entry that undo takes back.
    assert_eq!(fixpoint(&dir, &["undo"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join("app/coins.py")).unwrap(),
        "def coins():\n    return Decimal(2)\n"
    );
    // --no-verify writes both.
    let output = fixpoint(
        &dir,
        &["fix", "--no-verify", "--run", "1", "--python", python.to_str().unwrap()],
    );
    assert_eq!(
        stdout(&output),
        "app/coins.py:1: FP002 add `from decimal import Decimal`\napp/loot.py:1: FP002 add `from decimal import Decimal`\n2 fixes applied (FP002: 2), 0 left\n"
    );
    assert!(
        std::fs::read_to_string(dir.join("app/loot.py"))
            .unwrap()
            .starts_with("from decimal import Decimal\n")
    );
}

/// `fix`'s output with the seconds its verification took masked: they vary,
/// everything else is exact.
fn without_seconds(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| match line.rsplit_once(", ") {
            Some((cost, secs)) if line.starts_with("verify cost:") && secs.ends_with('s') => format!("{cost}, <secs>"),
            _ => line.to_owned(),
        })
        .collect()
}

#[test]
fn a_fix_that_keeps_the_suite_from_starting_is_taken_back() {
    use crate::support::{stderr, stdout};
    let (_keep, dir) = project("startup_guard");
    let (code, _) = run_json(&dir, &[]);
    assert_eq!(code, 1);
    let python = python();
    let output = fixpoint(&dir, &["fix", "--no-progress", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let conftest = dir.join("tests/conftest.py").display().to_string();
    let text = without_seconds(&stdout(&output).replace(&conftest, "<conftest>"));
    assert_eq!(
        text,
        [
            "tests/conftest.py:1: FP002 add `from decimal import Decimal`",
            "1 fix applied (FP002: 1), 0 left",
            "verify: kept 0 of 1 changed file",
            "  taken back  tests/conftest.py (FP002): the suite did not start: ImportError while loading conftest \
             '<conftest>'. ImportError: tests/conftest.py must not import Decimal",
            "verify cost: 1 pytest run, 0 tests, <secs>",
        ]
    );
    assert!(
        !std::fs::read_to_string(dir.join("tests/conftest.py"))
            .unwrap()
            .contains("import Decimal\n")
    );
    let (code, after) = run_json(&dir, &[]);
    assert_eq!(
        (code, after["counts"]["passed"].as_u64()),
        (1, Some(1)),
        "the suite still starts"
    );
}

#[test]
fn fix_from_a_subdirectory_verifies_what_the_change_reaches_in_the_whole_project() {
    use crate::support::{stderr, stdout};
    let (_keep, dir) = project("root_conftest");
    let (code, _) = run_json(&dir, &[]);
    assert_eq!(code, 1);
    // The root conftest.py reaches every test: standing in tests/unit, the
    // verification still reruns all three, not only those below it.
    let python = python();
    let output = fixpoint(
        &dir.join("tests/unit"),
        &["fix", "--no-progress", "--python", python.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        without_seconds(&stdout(&output)),
        [
            "conftest.py:1: FP002 add `from decimal import Decimal`",
            "1 fix applied (FP002: 1), 0 left",
            "verify: kept 1 of 1 changed file; reran 3 tests in . tests/unit/test_a.py: 1 fixed, 0 still failing",
            "  fixed       tests/unit/test_a.py::test_ledger",
            "verify cost: 1 pytest run, 3 tests, <secs>",
        ]
    );
}

#[test]
fn a_relative_python_is_read_from_where_the_user_typed_it() {
    // From the project's parent, as `fixpoint run --project proj --python
    // ../venv/bin/python` is typed: pytest runs in the project, but the path
    // means the file relative to the directory the command was typed in.
    let (_keep, dir) = project("balance");
    let parent = dir.parent().unwrap();
    let python = python();
    let ups = parent.components().count() - 1;
    let relative = format!("{}{}", "../".repeat(ups), python.strip_prefix("/").unwrap().display());
    let name = dir.file_name().unwrap().to_str().unwrap();
    let output = fixpoint(parent, &["--project", name, "run", "--python", &relative]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
