//! The history commands over real runs, in SQLite and in a real PostgreSQL.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{
    fixpoint, git, nodeids, one_error_line, project, python, run_json, stderr, stdout, strings, user_output,
};

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--output-format", "json"]);
    let output = fixpoint(dir, &all);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn history_show_compare_test_flaky_and_progress_tell_the_story() {
    let (_keep, dir) = project("outcomes");
    let (_, first) = run_json(&dir, &[]);
    run_json(&dir, &["--reruns", "1"]);
    // Fix the off-by-one, break the addition.
    let math = dir.join("tests/unit/test_math.py");
    let source = fs::read_to_string(&math).unwrap();
    fs::write(
        &math,
        source
            .replace("[1, 2, 3, 4, 5, 6]", "[1, 2, 3, 4, 5]")
            .replace("2 + 2 == 4", "2 + 2 == 5"),
    )
    .unwrap();
    run_json(&dir, &[]);

    let history = json(&dir, &["history"]);
    let runs = history["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert!(runs[0]["id"].as_i64() > runs[2]["id"].as_i64(), "newest first");
    assert_eq!(runs[2]["counts"], first["counts"]);
    assert_eq!(history["trend"].as_str().unwrap().chars().count(), 3);
    // What a user reads, whole: the table, the comparison, the road to green.
    user_output(&dir).bind(|| {
        insta::assert_snapshot!("story_history", stdout(&fixpoint(&dir, &["history"])));
        insta::assert_snapshot!("story_compare", stdout(&fixpoint(&dir, &["compare"])));
        insta::assert_snapshot!("story_progress", stdout(&fixpoint(&dir, &["progress"])));
    });

    let comparison = json(&dir, &["compare"]);
    // The flaky test passed on its rerun in run 2 and failed again (no reruns) in run 3.
    assert_eq!(
        nodeids(&comparison["new_failures"]),
        [
            "tests/unit/test_flaky.py::test_flaky",
            "tests/unit/test_math.py::test_add"
        ]
    );
    assert_eq!(
        nodeids(&comparison["fixed"]),
        ["tests/unit/test_math.py::test_off_by_one"]
    );
    assert!(nodeids(&comparison["still_failing"]).contains(&"tests/test_basic.py::test_assertion_fails".to_owned()));
    assert!(comparison["added"].as_array().unwrap().is_empty());
    let explicit = json(&dir, &["compare", &runs[2]["id"].to_string(), "latest"]);
    assert_eq!(
        nodeids(&explicit["fixed"]),
        ["tests/unit/test_math.py::test_off_by_one"]
    );

    let add = json(&dir, &["test", "tests/unit/test_math.py::test_add"]);
    let outcomes: Vec<&str> = strings(&add["entries"], "outcome");
    assert_eq!(outcomes, ["failed", "passed", "passed"]);
    assert_eq!(add["failing_since"]["run_id"], runs[0]["id"]);
    let off = json(&dir, &["test", "tests/unit/test_math.py::test_off_by_one"]);
    assert!(off["failing_since"].is_null());

    let flaky = json(&dir, &["flaky"]);
    let flaky_names = nodeids(&flaky["tests"]);
    assert!(
        flaky_names.contains(&"tests/unit/test_flaky.py::test_flaky".to_owned()),
        "{flaky}"
    );
    assert!(
        !flaky_names.contains(&"tests/test_basic.py::test_assertion_fails".to_owned()),
        "always failing is not flaky"
    );

    let progress = json(&dir, &["progress"]);
    let points = progress["runs"].as_array().unwrap();
    let summary: Vec<(u64, u64, u64)> = points
        .iter()
        .map(|p| {
            (
                p["failing"].as_u64().unwrap(),
                p["fixed"].as_u64().unwrap(),
                p["newly_broken"].as_u64().unwrap(),
            )
        })
        .collect();
    // 8 failed + 4 errors; then the flaky test passes on rerun; then the
    // off-by-one is fixed, the addition broken and the flaky test fails again.
    assert_eq!(summary, [(12, 0, 0), (11, 1, 0), (12, 1, 1)]);

    let shown = json(&dir, &["show", "latest"]);
    let results = shown["results"].as_array().unwrap();
    let first_pass = results.iter().position(|r| r["outcome"] == "passed").unwrap();
    assert!(
        results[..first_pass]
            .iter()
            .all(|r| ["failed", "error"].contains(&r["outcome"].as_str().unwrap()))
    );
    assert!(
        results[first_pass..]
            .iter()
            .all(|r| !["failed", "error"].contains(&r["outcome"].as_str().unwrap()))
    );
    let broken = results
        .iter()
        .find(|r| r["nodeid"] == "tests/test_broken_import.py")
        .unwrap();
    assert!(
        broken["traceback"]
            .as_str()
            .unwrap()
            .contains("No module named 'dreamforge'")
    );
    assert!(
        fs::read_to_string(dir.join(".fixpoint/.gitignore"))
            .unwrap()
            .contains('*')
    );
}

fn spawn_run(dir: &Path, extra: &[&str]) -> std::process::Child {
    let python = python();
    Command::new(env!("CARGO_BIN_EXE_fixpoint"))
        .args(["run", "--python", python.to_str().unwrap(), "-q"])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for every run; each found the planted failures (exit 1).
fn all_exit_1(children: Vec<std::process::Child>) {
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn two_runs_writing_one_sqlite_history_at_once_both_land() {
    let (_keep, dir) = project("outcomes");
    let children: Vec<_> = (0..2).map(|_| spawn_run(&dir, &["tests/unit"])).collect();
    all_exit_1(children);
    let history = json(&dir, &["history"]);
    assert_eq!(history["runs"].as_array().unwrap().len(), 2);
}

#[test]
fn shards_of_one_build_land_together_in_postgres() {
    let url = std::env::var("FIXPOINT_TEST_PG_URL").expect("FIXPOINT_TEST_PG_URL: run scripts/test");
    let (_keep, dir) = project("outcomes");
    let database = format!("fp_e2e_shards_{}", std::process::id());
    // A database of its own; the first fixpoint to open it creates the schema.
    let (prefix, _) = url.rsplit_once('/').unwrap();
    let admin = postgres_admin(&url);
    admin(&format!("CREATE DATABASE {database}"));
    let db = format!("{prefix}/{database}");
    let children: Vec<_> = (1..=3)
        .map(|shard| {
            spawn_run(
                &dir,
                &[
                    "--db",
                    &db,
                    "--build-id",
                    "ci-77",
                    "--shard",
                    &format!("hash:{shard}/3"),
                ],
            )
        })
        .collect();
    all_exit_1(children);
    let history = json(&dir, &["history", "--db", &db]);
    let runs = history["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    let mut shards: Vec<&str> = runs.iter().map(|r| r["shard"].as_str().unwrap()).collect();
    shards.sort_unstable();
    assert_eq!(shards, ["hash:1/3", "hash:2/3", "hash:3/3"]);
    assert!(runs.iter().all(|r| r["build_id"] == "ci-77"));
    let total: u64 = runs.iter().map(|r| r["counts"]["total"].as_u64().unwrap()).sum();
    assert_eq!(total, 27, "every test and broken module landed exactly once");
}

/// Runs SQL as the test server's superuser.
fn postgres_admin(url: &str) -> impl Fn(&str) + '_ {
    move |sql: &str| {
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        client.batch_execute(sql).unwrap();
    }
}

#[test]
fn broken_histories_are_one_clear_line() {
    let (_keep, dir) = project("outcomes");
    let empty = fixpoint(&dir, &["history"]);
    assert_eq!(empty.status.code(), Some(0));
    assert!(stdout(&empty).contains("No runs recorded yet"));
    assert!(one_error_line(&fixpoint(&dir, &["show"])).contains("the history is empty"));

    run_json(&dir, &["tests/unit"]);
    assert!(one_error_line(&fixpoint(&dir, &["show", "999"])).contains("no run `999` in the history"));
    assert!(one_error_line(&fixpoint(&dir, &["compare"])).contains("compare needs two"));
    assert!(one_error_line(&fixpoint(&dir, &["test", "tests/nope.py::x"])).contains("is not in the history"));

    let corrupt = dir.join("corrupt.db");
    fs::write(&corrupt, "not a database at all, just text ".repeat(200)).unwrap();
    let line = one_error_line(&fixpoint(&dir, &["history", "--db", "corrupt.db"]));
    assert!(line.contains("corrupt.db: not a fixpoint history database"), "{line}");

    let url = std::env::var("FIXPOINT_TEST_PG_URL").expect("FIXPOINT_TEST_PG_URL: run scripts/test");
    let (_, host) = url.rsplit_once('@').unwrap();
    let wrong = format!("postgres://fixpoint:not-the-password@{host}");
    let line = one_error_line(&fixpoint(&dir, &["history", "--db", &wrong]));
    assert!(
        line.contains("password authentication failed") && !line.contains("not-the-password"),
        "{line}"
    );
    let python = python();
    let output = fixpoint(
        &dir,
        &[
            "run",
            "--python",
            python.to_str().unwrap(),
            "--db",
            "postgres://fixpoint:pw@127.0.0.1:1/x",
        ],
    );
    let line = one_error_line(&output);
    assert!(
        line.contains("could not connect to PostgreSQL at postgres://fixpoint:***@127.0.0.1:1/x"),
        "{line}"
    );
    assert!(
        !stderr(&output).contains("PASS"),
        "no test ran before the store was reachable"
    );
}

#[test]
fn a_locked_history_is_reported_and_nothing_is_half_written() {
    let (_keep, dir) = project("outcomes");
    run_json(&dir, &["tests/unit"]);
    let report = dir.join("report.jsonl");
    fs::write(
        &report,
        "{\"$report_type\": \"SessionStart\", \"pytest_version\": \"9.2.0\"}\n",
    )
    .unwrap();
    let mut holder = Command::new(python())
        .args([
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)",
            dir.join(".fixpoint/fixpoint.db").to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()), &mut line).unwrap();
    assert_eq!(line.trim(), "locked");
    let output = Command::new(env!("CARGO_BIN_EXE_fixpoint"))
        .args(["import", "report.jsonl"])
        .current_dir(&dir)
        .env("FIXPOINT_DB_BUSY_TIMEOUT", "0.3")
        .output()
        .unwrap();
    holder.kill().unwrap();
    holder.wait().unwrap();
    let error = one_error_line(&output);
    assert!(error.contains("the database is locked by another process"), "{error}");
    let history = json(&dir, &["history"]);
    assert_eq!(
        history["runs"].as_array().unwrap().len(),
        1,
        "the import left nothing behind"
    );
}

/// Makes `dir` a git repository on `branch` with one commit of everything in it.
pub(crate) fn init_on(dir: &Path, branch: &str) {
    git(dir, &["init", "--quiet", "--initial-branch", branch]);
    git(dir, &["config", "user.name", "Test Author"]);
    git(dir, &["config", "user.email", "author@example.com"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "-m", "the project as inherited"]);
}

#[test]
fn flaky_counts_only_flips_of_the_same_code() {
    // In a repository (on `master`) the four runs share one commit; without
    // git the project's Python files are hashed. Either way only the coin flips.
    for setup in ["master", "no git"] {
        let (_keep, dir) = project("flips");
        if setup != "no git" {
            init_on(&dir, setup);
        }
        let code = dir.join("flips/__init__.py");
        let original = fs::read_to_string(&code).unwrap();
        // 1: the coin fails, the value passes.
        run_json(&dir, &[]);
        // 2: the code changes without a commit: the value fails, the coin passes.
        fs::write(&code, original.replace("VALUE = 1", "VALUE = 2")).unwrap();
        run_json(&dir, &[]);
        // 3 and 4: the code is back as it was; the coin fails, then passes.
        fs::write(&code, &original).unwrap();
        run_json(&dir, &[]);
        run_json(&dir, &[]);

        let history = json(&dir, &["history"]);
        let runs = history["runs"].as_array().unwrap();
        let field = |index: usize, name: &str| runs[index][name].clone();
        if setup == "no git" {
            assert!(field(0, "git_commit").is_null(), "{setup}");
        } else {
            assert!(
                (1..4).all(|i| field(i, "git_commit") == field(0, "git_commit")),
                "{setup}: one commit"
            );
        }
        // Newest first: runs 4, 3 and 1 ran the same code, run 2 other code.
        assert!(field(0, "code_hash").as_str().is_some_and(|h| h.len() == 64), "{setup}");
        assert_eq!(field(0, "code_hash"), field(1, "code_hash"), "{setup}");
        assert_eq!(field(0, "code_hash"), field(3, "code_hash"), "{setup}");
        assert_ne!(field(0, "code_hash"), field(2, "code_hash"), "{setup}");

        let flaky = fixpoint(&dir, &["flaky"]);
        assert_eq!(flaky.status.code(), Some(0), "{}", stderr(&flaky));
        insta::assert_snapshot!("flaky_same_code", stdout(&flaky));
        let document = json(&dir, &["flaky"]);
        assert_eq!(
            nodeids(&document["tests"]),
            ["tests/test_coin.py::test_coin"],
            "{setup}"
        );
        assert_eq!(
            (
                document["tests"][0]["flips"].as_u64(),
                document["tests"][0]["flip_rate"].as_f64()
            ),
            (Some(1), Some(0.5)),
            "{setup}: runs 1, 3 and 4 are two same-code pairs, one of them a flip"
        );
    }
}

#[test]
fn compare_after_a_partial_run_compares_the_runs_of_the_same_tests() {
    let (_keep, dir) = project("outcomes");
    let (_, first) = run_json(&dir, &[]);
    // A few tests only, as fix's verification runs them.
    run_json(&dir, &["tests/unit/test_math.py"]);
    let (_, last) = run_json(&dir, &[]);
    let comparison = json(&dir, &["compare"]);
    assert_eq!(comparison["base"], first["run_id"], "{comparison}");
    assert_eq!(comparison["head"], last["run_id"]);
    assert!(comparison["added"].as_array().unwrap().is_empty(), "{comparison}");
    // Named, the partial run is still compared with.
    let partial = (first["run_id"].as_i64().unwrap() + 1).to_string();
    let explicit = json(&dir, &["compare", &partial]);
    assert!(!explicit["added"].as_array().unwrap().is_empty(), "{explicit}");
}
