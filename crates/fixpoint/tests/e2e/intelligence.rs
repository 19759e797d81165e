//! Test intelligence through the binary: resources per test, the slowest
//! tests, duration regressions (`slow`, `ci --fail-on-slowdown`) and the
//! prioritized run (`run --order --budget`), on small real projects with
//! real pytest and a real history.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{fixpoint, git, git_init, one_error_line, python, run_json, stdout, test, user_output};

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A project of the given test files, with a pyproject.toml and git.
fn project(files: &[(&str, &str)], settings: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let keep = tempfile::tempdir().unwrap();
    let dir = keep.path().join("speedy");
    write(
        &dir,
        "pyproject.toml",
        &format!(
            "[project]\nname = \"speedy\"\nversion = \"0\"\n\n[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n{settings}"
        ),
    );
    for (path, text) in files {
        write(&dir, path, text);
    }
    git_init(&dir);
    (keep, dir)
}

fn with_python<'a>(python: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--python", python];
    all.extend_from_slice(args);
    all
}

const MIB: u64 = 1024 * 1024;

/// A JSON list of strings.
fn texts(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap())
        .collect()
}

/// A test that allocates and touches 200 MB shows a peak of at least 150 MB;
/// a trivial one in the same worker far less: the peak is reset per test.
/// Both have their CPU time; `fixpoint test` and `fixpoint slow` show them,
/// and triage flags what passes the project's limits, with its numbers.
#[test]
fn peak_memory_and_cpu_are_measured_per_test_and_flagged_over_the_limits() {
    let (_keep, dir) = project(
        &[(
            "tests/test_work.py",
            "import time\n\n\ndef test_allocates():\n    data = bytearray(200 * 1024 * 1024)\n    assert len(data) > 0\n\n\n\
             def test_trivial():\n    assert 1 + 1 == 2\n\n\ndef test_sleeps():\n    time.sleep(1.2)\n",
        )],
        "\n[tool.fixpoint]\nslow-test-seconds = 1\nmemory-limit-mb = 150\n",
    );
    let (code, run) = run_json(&dir, &[]);
    assert_eq!(code, 0, "{run}");
    let big = test(&run, "tests/test_work.py::test_allocates");
    let small = test(&run, "tests/test_work.py::test_trivial");
    let sleepy = test(&run, "tests/test_work.py::test_sleeps");
    let peak = |t: &Value| t["peak_rss"].as_u64().unwrap();
    assert!(peak(big) >= 150 * MIB, "{big}");
    assert!(peak(small) < 100 * MIB && peak(small) * 2 < peak(big), "{small}");
    // Sleeping costs time, not CPU.
    let cpu = |t: &Value| t["cpu_time"].as_f64().unwrap();
    assert!(
        cpu(sleepy) < 0.3 && sleepy["duration"].as_f64().unwrap() >= 1.2,
        "{sleepy}"
    );
    assert!(cpu(small) >= 0.0);

    let triage = fixpoint(&dir, &["triage", "--output-format", "json"]);
    let triage: Value = serde_json::from_slice(&triage.stdout).unwrap();
    let flagged: Vec<(&str, &str)> = triage["triage"]["over_limits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["category"].as_str().unwrap(), o["nodeid"].as_str().unwrap()))
        .collect();
    assert_eq!(
        flagged,
        [
            ("slow", "tests/test_work.py::test_sleeps"),
            ("memory-hungry", "tests/test_work.py::test_allocates")
        ]
    );

    let mut settings = user_output(&dir);
    settings.add_filter(r"\b\d+\.\d MB\b", "[MEM]");
    settings.add_filter(r"\b\d+\.\d%", "[SHARE]");
    settings.add_filter(r"[▁▂▃▄▅▆▇█]+", "[TREND]");
    settings.add_filter(r"\b[0-9a-f]{8}\b", "[COMMIT]");
    // Columns are aligned to their values: the padding goes with them.
    settings.add_filter(r" +\[(TIME|MEM|SHARE|TREND|COMMIT)\]", " [$1]");
    settings.bind(|| {
        insta::assert_snapshot!("triage_over_limits", stdout(&fixpoint(&dir, &["triage"])));
        insta::assert_snapshot!(
            "test_with_resources",
            stdout(&fixpoint(&dir, &["test", "tests/test_work.py::test_allocates"]))
        );
        insta::assert_snapshot!("slow_latest", stdout(&fixpoint(&dir, &["slow"])));
    });

    // A limit that would flag every test is refused in one line.
    write(
        &dir,
        "pyproject.toml",
        "[project]\nname = \"speedy\"\nversion = \"0\"\n\n[tool.fixpoint]\nmemory-limit-mb = -1\n",
    );
    let refused = fixpoint(&dir, &["slow"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        one_error_line(&refused).ends_with("`memory-limit-mb` must be a positive number, not -1"),
        "{}",
        one_error_line(&refused)
    );
}

/// A recorded history where one test becomes five times slower: every
/// method names it, at the run where it slowed, and not the steady one;
/// `ci` warns, and with `--fail-on-slowdown` fails.
#[test]
fn a_test_five_times_slower_is_found_by_each_method_and_fails_ci_when_asked() {
    let (_keep, dir) = project(
        &[
            (
                "tests/test_speed.py",
                "import pathlib\nimport time\n\nDELAY = float(pathlib.Path(__file__).with_name(\"delay.txt\").read_text())\n\n\n\
                 def test_slowing():\n    time.sleep(DELAY)\n\n\ndef test_steady():\n    time.sleep(0.05)\n",
            ),
            ("tests/delay.txt", "0.05"),
        ],
        "",
    );
    for run in 1..=12 {
        let delay = if run <= 8 { "0.05" } else { "0.25" };
        fs::write(dir.join("tests/delay.txt"), delay).unwrap();
        let (code, document) = run_json(&dir, &[]);
        assert_eq!(code, 0, "{document}");
    }
    for method in ["mad", "zscore", "iqr"] {
        let output = fixpoint(&dir, &["slow", "--method", method, "--output-format", "json"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let document: Value = serde_json::from_slice(&output.stdout).unwrap();
        let found = document["slowdowns"].as_array().unwrap();
        let named: Vec<(&str, i64)> = found
            .iter()
            .map(|s| (s["nodeid"].as_str().unwrap(), s["run_id"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            named,
            [("tests/test_speed.py::test_slowing", 9)],
            "{method}: {document}"
        );
        let before = found[0]["before_median"].as_f64().unwrap();
        let after = found[0]["after_median"].as_f64().unwrap();
        // A sleep takes at least its time; a busy machine adds to both sides.
        assert!(
            before >= 0.05 && after >= 0.25 && after > before,
            "{method}: {before} {after}"
        );
        assert_eq!(document["detector"]["method"], method);
    }

    let python = python();
    let python = python.to_str().unwrap();
    let warned = fixpoint(&dir, &with_python(python, &["ci"]));
    let text = stdout(&warned);
    assert_eq!(warned.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "\n1 test slower (reported, not failing the build; --fail-on-slowdown fails on them):\n  tests/test_speed.py::test_slowing "
        ),
        "{text}"
    );
    let failed = fixpoint(&dir, &with_python(python, &["ci", "--fail-on-slowdown", "--github"]));
    let text = stdout(&failed);
    assert_eq!(failed.status.code(), Some(1), "{text}");
    assert!(
        text.lines().any(|line| line
            .starts_with("::error file=tests/test_speed.py,title=tests/test_speed.py%3A%3Atest_slowing got slower::")),
        "{text}"
    );
    assert!(text.ends_with("\nci: FAILED\n"), "{text}");
    // A method the detector does not know is a usage error, as is a window of one run.
    let unknown = fixpoint(&dir, &["slow", "--method", "ewma"]);
    assert_eq!(unknown.status.code(), Some(2));
    let narrow = fixpoint(&dir, &["slow", "--window", "1"]);
    assert_eq!(narrow.status.code(), Some(2));
    assert_eq!(
        one_error_line(&narrow),
        "fixpoint: error: --window must be at least 2 runs, not 1"
    );
}

const SIX_TESTS: &str = "import time\n\n\ndef test_a():\n    time.sleep(0.3)\n\n\ndef test_b():\n    time.sleep(1.0)\n\n\n\
def test_c():\n    time.sleep(1.0)\n\n\ndef test_d():\n    time.sleep(0.3)\n    assert False, \"d is broken\"\n\n\n\
def test_e():\n    time.sleep(1.0)\n\n\ndef test_f():\n    time.sleep(0.3)\n    assert False, \"f is broken\"\n";

/// With a recorded history, `--order failed-first --budget` runs the tests
/// that failed first, stops within the budget by the recorded durations,
/// and says what it left out; the run is no whole-suite run.
#[test]
fn a_budget_runs_the_failing_tests_first_and_stops_within_it() {
    let (_keep, dir) = project(&[("tests/test_six.py", SIX_TESTS)], "");
    let (code, first) = run_json(&dir, &[]);
    assert_eq!(code, 1, "{first}");
    // An order alone, nothing left out, still runs the failures first.
    let (_, ordered) = run_json(&dir, &["--order", "failed-first", "--no-record"]);
    let order: Vec<&str> = ordered["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["nodeid"].as_str().unwrap())
        .collect();
    assert_eq!(
        order[..2],
        ["tests/test_six.py::test_d", "tests/test_six.py::test_f"],
        "{ordered}"
    );
    assert!(ordered["info"].get("left_out").is_none() && ordered["info"].get("budget").is_none());
    let (code, budgeted) = run_json(&dir, &["--order", "failed-first", "--budget", "1.2s"]);
    assert_eq!(code, 1, "{budgeted}");
    let ran: Vec<&str> = budgeted["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["nodeid"].as_str().unwrap())
        .collect();
    assert_eq!(
        ran,
        [
            "tests/test_six.py::test_d",
            "tests/test_six.py::test_f",
            "tests/test_six.py::test_a"
        ]
    );
    assert_eq!(
        texts(&budgeted["info"]["left_out"]),
        [
            "tests/test_six.py::test_b",
            "tests/test_six.py::test_c",
            "tests/test_six.py::test_e"
        ]
    );
    assert_eq!(budgeted["info"]["order"], "failed-first");
    assert_eq!(budgeted["info"]["budget"], 1.2);
    // With three workers the budget stays wall-clock time: three times the test
    // time, which the 1 s tests would fit in, but no test longer than the budget.
    let (_, parallel) = run_json(
        &dir,
        &["-j", "3", "--order", "failed-first", "--budget", "0.99s", "--no-record"],
    );
    assert_eq!(parallel["info"]["budget"], 0.99, "{parallel}");
    assert_eq!(parallel["counts"]["total"], 3, "{parallel}");
    // A seed is for random order only; a budget no test fits is refused, not recorded.
    let python = python();
    let python = python.to_str().unwrap();
    let seed = fixpoint(&dir, &with_python(python, &["run", "--seed", "3"]));
    assert_eq!(
        one_error_line(&seed),
        "fixpoint: error: --seed is the seed of `--order random`: pass --order random with it, or leave it out"
    );
    let tiny = fixpoint(&dir, &with_python(python, &["run", "--budget", "0.1s"]));
    let line = one_error_line(&tiny);
    assert!(
        line.starts_with("fixpoint: error: --budget 0.100s fits no test: the quickest of the 6 tests takes 0.3"),
        "{line}"
    );
    // Partial runs are not the suite's state: the report's trend keeps the first run only.
    let report = fixpoint(&dir, &["report", "--format", "json"]);
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    let trend: Vec<i64> = report["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["run_id"].as_i64().unwrap())
        .collect();
    assert_eq!(trend, [1, 2], "the reported run itself ends the trend");
    // `history` marks the budget run; what it left out is not "removed".
    let listed = stdout(&fixpoint(&dir, &["history"]));
    let rows: Vec<&str> = listed.lines().filter(|line| line.contains("[budget")).collect();
    assert!(
        rows.len() == 1 && rows[0].trim_start().starts_with("2 ") && rows[0].ends_with(" [budget: 3 left out]"),
        "{listed}"
    );
    let compared = stdout(&fixpoint(&dir, &["compare"]));
    assert_eq!(
        compared,
        "Run 1 -> run 2\nNew failures (0)\nFixed (0)\nStill failing (2)\n  tests/test_six.py::test_d  (failed -> failed)\n\
         \x20 tests/test_six.py::test_f  (failed -> failed)\nNew tests (0)\nRemoved tests (0)\n\
         3 tests left out by run 2's --budget: not compared\n"
    );

    let text = fixpoint(
        &dir,
        &with_python(python, &["run", "--order", "failed-first", "--budget", "1.2s", "-q"]),
    );
    let mut settings = user_output(&dir);
    settings.add_filter(r"recorded time \d+\.\d+s", "recorded time [TIME]");
    settings.bind(|| insta::assert_snapshot!("budget_summary", stdout(&text)));

    // Random order is the seed's: the same seed, the same order.
    let order = |seed: &str| {
        let (_, document) = run_json(&dir, &["--order", "random", "--seed", seed, "--no-record"]);
        assert_eq!(document["info"]["order"], format!("random:{seed}"));
        document["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["nodeid"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(order("7"), order("7"));
}

/// `risk` puts first the tests that the files changed since the last green
/// run reach through the import graph; a budget for one test runs that one.
#[test]
fn risk_runs_first_what_the_changes_since_the_last_green_run_reach() {
    let (_keep, dir) = project(
        &[
            ("app/__init__.py", ""),
            ("app/alpha.py", "def value():\n    return 1\n"),
            ("app/beta.py", "def value():\n    return 2\n"),
            (
                "tests/test_alpha.py",
                "import time\n\nfrom app import alpha\n\n\ndef test_alpha():\n    time.sleep(0.2)\n    assert alpha.value() == 1\n",
            ),
            (
                "tests/test_beta.py",
                "import time\n\nfrom app import beta\n\n\ndef test_beta():\n    time.sleep(0.2)\n    assert beta.value() == 2\n",
            ),
        ],
        "pythonpath = [\".\"]\n",
    );
    let (code, green) = run_json(&dir, &[]);
    assert_eq!(code, 0, "{green}");
    fs::write(dir.join("app/beta.py"), "def value():\n    return 1 + 1\n").unwrap();
    let (code, risky) = run_json(&dir, &["--order", "risk", "--budget", "0.38s"]);
    assert_eq!(code, 0, "{risky}");
    let ran: Vec<&str> = risky["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["nodeid"].as_str().unwrap())
        .collect();
    assert_eq!(ran, ["tests/test_beta.py::test_beta"]);
    assert_eq!(texts(&risky["info"]["left_out"]), ["tests/test_alpha.py::test_alpha"]);
    // Committed, the change still counts: it is since the green run's commit.
    git(&dir, &["commit", "--quiet", "--all", "-m", "beta"]);
    let (_, again) = run_json(&dir, &["--order", "risk", "--budget", "0.38s", "--no-record"]);
    assert_eq!(again["tests"][0]["nodeid"], "tests/test_beta.py::test_beta");
}

/// A budget needs durations: without a history it is refused in one line;
/// a budget that is no duration is refused by the command line.
#[test]
fn a_budget_without_a_history_or_a_duration_is_refused() {
    let (_keep, dir) = project(&[("tests/test_six.py", SIX_TESTS)], "");
    let python = python();
    let python = python.to_str().unwrap();
    let output = fixpoint(&dir, &with_python(python, &["run", "--budget", "2m"]));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        one_error_line(&output),
        "fixpoint: error: --budget needs recorded durations and the history has none: run the suite once with `fixpoint run`"
    );
    let output = fixpoint(&dir, &with_python(python, &["run", "--budget", "soon"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("`soon` is not a duration: write it as 90s, 2m, 1h30m or a number of seconds"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
