//! The same tests against both backends: a SQLite file and a real PostgreSQL
//! server (`FIXPOINT_TEST_PG_URL`, started by scripts/test).

use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::Duration;

use fixpoint_core::{Crash, Outcome, Phase, Run, RunInfo, TestResult};
use fixpoint_store::{
    AttemptRow, Location, OutcomeFilter, PatternRow, Provenance, StoreError, TriageRows, VerdictRow, open,
    open_with_busy_timeout,
};

fn pg_url() -> String {
    std::env::var("FIXPOINT_TEST_PG_URL")
        .expect("FIXPOINT_TEST_PG_URL is not set: run the tests with scripts/test, which starts a PostgreSQL server")
}

/// A fresh, empty database on the test server.
fn pg_database(name: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = pg_url();
    let database = format!(
        "fp_{name}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let mut client = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    client.batch_execute(&format!("CREATE DATABASE {database}")).unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{database}")
}

/// Both backends, each fresh: (label, location, keep-alive for the SQLite directory).
fn backends(name: &str) -> Vec<(&'static str, Location, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Location::Sqlite(dir.path().join(".fixpoint/fixpoint.db"));
    vec![
        ("sqlite", sqlite, Some(dir)),
        ("postgres", Location::Postgres(pg_database(name)), None),
    ]
}

fn result(nodeid: &str, outcome: Outcome, traceback: Option<&str>) -> TestResult {
    let mut test = TestResult::new(nodeid, TestResult::file_of(nodeid), Some(3));
    test.outcome = outcome;
    test.duration = 0.25;
    if outcome.is_failing() {
        test.phase = Some(Phase::Call);
        test.exception_type = Some("AssertionError".into());
        test.message = Some("assert 1 == 2".into());
        test.crash = Some(Crash {
            path: TestResult::file_of(nodeid).into(),
            line: Some(7),
            message: "AssertionError: assert 1 == 2".into(),
        });
    }
    test.longrepr = traceback.map(str::to_owned);
    test
}

fn sample_run(shard: Option<&str>, tests: Vec<TestResult>) -> Run {
    let info = RunInfo {
        source: "run".into(),
        started_at: "2026-11-22T03:00:00.000Z".into(),
        finished_at: "2026-11-22T03:00:01.500Z".into(),
        duration: 1.5,
        project: "/p".into(),
        python_version: Some("3.11.7".into()),
        pytest_version: Some("9.2.0".into()),
        selection: vec!["tests".into(), "-m".into(), "db".into()],
        shard: shard.map(str::to_owned),
        workers: 2,
        ..RunInfo::default()
    };
    Run::new(info, tests)
}

fn provenance(build: &str) -> Provenance {
    Provenance {
        build_id: Some(build.into()),
        git_commit: Some("abc123".into()),
        git_branch: Some("main".into()),
        git_dirty: Some(false),
        host: Some("ci-1".into()),
        command: "fixpoint run".into(),
        code_hash: Some(format!("code-of-{build}")),
    }
}

#[test]
fn runs_and_results_round_trip() {
    for (label, location, _keep) in backends("roundtrip") {
        let mut store = open(&location).unwrap();
        assert_eq!(store.backend(), label);
        let mut flaky = result("tests/test_a.py::test_flaky", Outcome::Flaky, Some("E boom"));
        flaky.attempts = 2;
        flaky.rerun_outcomes = vec![Outcome::Passed];
        flaky.markers = vec!["db".into()];
        let run = sample_run(
            None,
            vec![
                result("tests/test_a.py::test_ok", Outcome::Passed, None),
                result("tests/test_a.py::test_bad", Outcome::Failed, Some("E assert 1 == 2")),
                flaky,
            ],
        );
        let id = store.record(&run, &provenance("b1"), &TriageRows::default()).unwrap();
        let runs = store.runs(10).unwrap();
        assert_eq!(runs.len(), 1, "{label}");
        let stored = &runs[0];
        assert_eq!((stored.id, stored.counts), (id, run.counts), "{label}");
        assert_eq!(stored.selection, run.info.selection, "{label}");
        assert_eq!(
            (stored.git_commit.as_deref(), stored.git_dirty),
            (Some("abc123"), Some(false)),
            "{label}"
        );
        assert_eq!((stored.workers, stored.build_id.as_deref()), (2, Some("b1")), "{label}");
        assert_eq!(stored.code_hash.as_deref(), Some("code-of-b1"), "{label}");
        let results = store.results(id).unwrap();
        let ids: Vec<&str> = results.iter().map(|r| r.nodeid.as_str()).collect();
        assert_eq!(
            ids,
            [
                "tests/test_a.py::test_ok",
                "tests/test_a.py::test_bad",
                "tests/test_a.py::test_flaky"
            ],
            "{label}: run order kept"
        );
        let bad = &results[1];
        assert_eq!(
            (bad.outcome, bad.phase, bad.crash_line),
            (Outcome::Failed, Some(Phase::Call), Some(7)),
            "{label}"
        );
        assert_eq!(bad.traceback.as_deref(), Some("E assert 1 == 2"), "{label}");
        assert_eq!(
            (results[2].attempts, results[2].rerun_outcomes.clone()),
            (2, vec![Outcome::Passed]),
            "{label}"
        );
        assert_eq!(results[2].markers, ["db"], "{label}");
        assert_eq!(
            store.schema_version().unwrap(),
            fixpoint_store::schema::LATEST,
            "{label}"
        );
    }
}

#[test]
fn tracebacks_are_stored_once() {
    for (label, location, _keep) in backends("dedupe") {
        let mut store = open(&location).unwrap();
        let same = "E   sqlalchemy.exc.InvalidRequestError: Table 'x' is already defined";
        let tests = (0..5)
            .map(|i| result(&format!("tests/t.py::test_{i}"), Outcome::Error, Some(same)))
            .collect();
        store
            .record(&sample_run(None, tests), &provenance("b"), &TriageRows::default())
            .unwrap();
        let again = (0..3)
            .map(|i| result(&format!("tests/u.py::test_{i}"), Outcome::Error, Some(same)))
            .collect();
        store
            .record(&sample_run(None, again), &provenance("b"), &TriageRows::default())
            .unwrap();
        let count: i64 = match &location {
            Location::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .query_row("SELECT COUNT(*) FROM tracebacks", [], |r| r.get(0))
                .unwrap(),
            Location::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .query_one("SELECT COUNT(*) FROM tracebacks", &[])
                .unwrap()
                .get(0),
        };
        assert_eq!(count, 1, "{label}");
        let history = store.test_history("tests/u.py::test_2", 10).unwrap();
        assert_eq!(history[0].1.traceback.as_deref(), Some(same), "{label}");
    }
}

#[test]
fn concurrent_shards_of_one_build_all_land() {
    for (label, location, _keep) in backends("shards") {
        drop(open(&location).unwrap());
        let writers: Vec<_> = (1..=6)
            .map(|shard| {
                let location = location.clone();
                thread::spawn(move || {
                    let mut store = open(&location).unwrap();
                    let tests = (0..300)
                        .map(|i| {
                            result(
                                &format!("tests/s{shard}.py::test_{i}"),
                                if i % 7 == 0 { Outcome::Failed } else { Outcome::Passed },
                                Some("E same everywhere"),
                            )
                        })
                        .collect();
                    store
                        .record(
                            &sample_run(Some(&format!("count:{shard}/6")), tests),
                            &provenance("build-42"),
                            &TriageRows::default(),
                        )
                        .unwrap()
                })
            })
            .collect();
        let ids: Vec<i64> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        let mut store = open(&location).unwrap();
        let runs = store.runs(100).unwrap();
        assert_eq!(runs.len(), 6, "{label}");
        let mut shards: Vec<String> = runs.iter().map(|r| r.shard.clone().unwrap()).collect();
        shards.sort();
        assert_eq!(
            shards,
            (1..=6).map(|s| format!("count:{s}/6")).collect::<Vec<_>>(),
            "{label}"
        );
        assert!(
            runs.iter().all(|r| r.build_id.as_deref() == Some("build-42")),
            "{label}"
        );
        let outcomes = store.outcomes(&ids, OutcomeFilter::All).unwrap();
        let picked = ["tests/s3.py::test_7".to_owned(), "tests/s5.py::test_8".to_owned()];
        let some = store.outcomes(&ids, OutcomeFilter::Tests(&picked)).unwrap();
        assert_eq!(some.len(), 2, "{label}");
        let failing = store.outcomes(&ids, OutcomeFilter::Failing).unwrap();
        assert_eq!(failing.len(), 6 * 43, "{label}");
        assert_eq!(outcomes.len(), 6 * 300, "{label}: nothing lost");
    }
}

#[test]
fn a_newer_schema_is_refused() {
    for (label, location, _keep) in backends("toonew") {
        drop(open(&location).unwrap());
        match &location {
            Location::Sqlite(path) => {
                rusqlite::Connection::open(path)
                    .unwrap()
                    .execute("UPDATE fixpoint_schema SET version = 99", [])
                    .unwrap();
            }
            Location::Postgres(url) => {
                postgres::Client::connect(url, postgres::NoTls)
                    .unwrap()
                    .execute("UPDATE fixpoint_schema SET version = 99", &[])
                    .unwrap();
            }
        }
        let error = open(&location).err().expect("a newer schema must be refused");
        assert!(
            matches!(error, StoreError::TooNew { found: 99, .. }),
            "{label}: {error}"
        );
        assert!(error.to_string().contains("upgrade fixpoint"), "{label}");
    }
}

#[test]
fn a_corrupt_sqlite_file_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixpoint.db");
    let garbage = b"this is not a database, it is a text file that happens to sit here".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let error = open(&Location::Sqlite(path.clone())).err().unwrap();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("not a fixpoint history database"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage, "nothing was written");
}

#[test]
fn a_locked_sqlite_file_is_reported_and_the_writer_waits_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Sqlite(dir.path().join("fixpoint.db"));
    drop(open(&location).unwrap());
    let Location::Sqlite(path) = &location else {
        unreachable!()
    };
    let holder = rusqlite::Connection::open(path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    // Readers are not blocked by a writer (WAL); a second writer waits, then gives up.
    let mut store = open_with_busy_timeout(&location, Duration::from_millis(200)).unwrap();
    assert!(store.runs(5).unwrap().is_empty());
    let error = store
        .record(
            &sample_run(None, vec![result("t.py::a", Outcome::Passed, None)]),
            &provenance("b"),
            &TriageRows::default(),
        )
        .unwrap_err();
    assert!(matches!(error, StoreError::Locked { .. }), "{error}");
    holder.execute_batch("ROLLBACK").unwrap();
    store
        .record(
            &sample_run(None, vec![result("t.py::a", Outcome::Passed, None)]),
            &provenance("b"),
            &TriageRows::default(),
        )
        .unwrap();
    assert_eq!(
        store.runs(5).unwrap().len(),
        1,
        "the failed write left nothing behind; the next one landed"
    );
}

#[test]
fn bad_postgres_urls_are_one_clear_error_without_the_password() {
    let url = pg_url();
    let (_, host) = url.rsplit_once('@').unwrap();
    let wrong = format!("postgres://fixpoint:wrong-password@{host}");
    let error = open(&Location::Postgres(wrong)).err().unwrap().to_string();
    assert!(error.contains("password authentication failed"), "{error}");
    assert!(!error.contains("wrong-password"), "{error}");
    let unreachable = "postgres://fixpoint:s3cret@127.0.0.1:1/postgres".to_owned();
    let error = open(&Location::Postgres(unreachable)).err().unwrap().to_string();
    assert!(
        error.starts_with("could not connect to PostgreSQL at postgres://fixpoint:***@127.0.0.1:1/postgres: "),
        "{error}"
    );
    assert!(!error.contains("s3cret") && !error.contains('\n'), "{error}");
}

#[test]
fn triage_is_stored_with_its_run() {
    for (label, location, _keep) in backends("triage") {
        let mut store = open(&location).unwrap();
        let triage = TriageRows {
            patterns: vec![PatternRow {
                run_id: 0,
                pattern: "P1a2b3c".into(),
                category: "name-error".into(),
                title: "Name not defined".into(),
                message: "NameError: name 'Decimal' is not defined".into(),
                failures: 2,
                blast_radius: 5,
            }],
            verdicts: vec![VerdictRow {
                run_id: 0,
                nodeid: "t.py::a".into(),
                category: "name-error".into(),
                pattern: "P1a2b3c".into(),
            }],
        };
        let run = sample_run(None, vec![result("t.py::a", Outcome::Failed, Some("E NameError"))]);
        let id = store.record(&run, &provenance("b"), &triage).unwrap();
        let patterns = store.patterns(&[id]).unwrap();
        assert_eq!(patterns.len(), 1, "{label}");
        assert_eq!((patterns[0].run_id, patterns[0].blast_radius), (id, 5), "{label}");
        assert_eq!(patterns[0].pattern, "P1a2b3c", "{label}");
        let verdicts = store.verdicts(&[id]).unwrap();
        assert_eq!(verdicts.len(), 1, "{label}");
        assert_eq!(
            (
                verdicts[0].run_id,
                verdicts[0].nodeid.as_str(),
                verdicts[0].pattern.as_str()
            ),
            (id, "t.py::a", "P1a2b3c"),
            "{label}"
        );
        assert!(store.verdicts(&[id + 1]).unwrap().is_empty(), "{label}");
    }
}

#[test]
fn an_older_schema_is_migrated_in_place() {
    for (label, location, _keep) in backends("migrate") {
        let mut store = open(&location).unwrap();
        let id = store
            .record(
                &sample_run(None, vec![result("t.py::a", Outcome::Passed, None)]),
                &provenance("b"),
                &TriageRows::default(),
            )
            .unwrap();
        drop(store);
        // Roll the database back to schema 1, as an older fixpoint left it.
        let downgrade = "DROP TABLE attempts; DROP TABLE patterns; DROP TABLE verdicts; \
             ALTER TABLE runs DROP COLUMN code_hash; ALTER TABLE runs DROP COLUMN test_order; \
             ALTER TABLE runs DROP COLUMN left_out; ALTER TABLE results DROP COLUMN cpu_time; \
             ALTER TABLE results DROP COLUMN peak_rss; UPDATE fixpoint_schema SET version = 1;";
        match &location {
            Location::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(downgrade)
                .unwrap(),
            Location::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .batch_execute(downgrade)
                .unwrap(),
        }
        let mut store = open(&location).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            fixpoint_store::schema::LATEST,
            "{label}"
        );
        assert!(
            store.patterns(&[id]).unwrap().is_empty(),
            "{label}: the new tables exist"
        );
        assert_eq!(store.results(id).unwrap().len(), 1, "{label}: old data kept");
        assert!(store.attempts(None, 10).unwrap().is_empty(), "{label}");
        let old = store.run(id).unwrap().unwrap();
        assert_eq!(old.code_hash, None, "{label}: a run from before the code hash has none");
        assert_eq!((old.order.as_deref(), old.left_out), (None, 0), "{label}");
        let old_result = &store.results(id).unwrap()[0];
        assert_eq!((old_result.cpu_time, old_result.peak_rss), (None, None), "{label}");
        let mut measured = result("t.py::a", Outcome::Passed, None);
        measured.cpu_time = Some(0.125);
        measured.peak_rss = Some(3 << 30);
        let mut run = sample_run(None, vec![measured]);
        run.info.order = Some("risk".into());
        run.info.left_out = vec!["t.py::b".into(), "t.py::c".into()];
        let new = store
            .record(&run, &provenance("after"), &TriageRows::default())
            .unwrap();
        let stored = store.run(new).unwrap().unwrap();
        assert_eq!(
            (stored.code_hash.as_deref(), stored.order.as_deref(), stored.left_out),
            (Some("code-of-after"), Some("risk"), 2),
            "{label}: the new columns are written"
        );
        assert!(!stored.is_whole_suite(), "{label}: a budget that left tests out");
        let row = &store.results(new).unwrap()[0];
        assert_eq!((row.cpu_time, row.peak_rss), (Some(0.125), Some(3 << 30)), "{label}");
        let outcome = &store.outcomes(&[new], OutcomeFilter::All).unwrap()[0];
        assert!(
            (outcome.duration - 0.25).abs() < 1e-9,
            "{label}: outcomes carry the duration"
        );
    }
}

#[test]
fn repair_attempts_round_trip_newest_first() {
    for (label, location, _keep) in backends("attempts") {
        let mut store = open(&location).unwrap();
        let run_id = store
            .record(
                &sample_run(None, vec![result("t.py::a", Outcome::Passed, None)]),
                &provenance("b"),
                &TriageRows::default(),
            )
            .unwrap();
        let first = AttemptRow {
            id: 0,
            started_at: "2026-11-22T07:00:00Z".into(),
            finished_at: "2026-11-22T07:00:05Z".into(),
            nodeid: "t.py::a".into(),
            pattern: Some("P1a2b3c".into()),
            attempt: 1,
            temperature: 0.4,
            provider: "openai".into(),
            model: "gpt-test".into(),
            prompt_chars: 5_000_000_000,
            response_chars: 300,
            prompt_tokens: Some(1200),
            completion_tokens: None,
            diff: "--- a/x.py\n+++ b/x.py\n".into(),
            verdict: "reverted".into(),
            reason: "the target still fails".into(),
            journal_id: Some("20261122-070000-1".into()),
            git_commit: None,
            run_id: Some(run_id),
        };
        let second = AttemptRow {
            attempt: 2,
            temperature: 0.5,
            verdict: "fixed".into(),
            git_commit: Some("abc".into()),
            ..first.clone()
        };
        let other = AttemptRow {
            nodeid: "t.py::b".into(),
            pattern: None,
            run_id: None,
            ..first.clone()
        };
        let ids: Vec<i64> = [&first, &second, &other]
            .iter()
            .map(|a| store.record_attempt(a).unwrap())
            .collect();
        assert!(ids[0] < ids[1] && ids[1] < ids[2], "{label}");
        let of_a = store.attempts(Some("t.py::a"), 10).unwrap();
        assert_eq!(of_a.len(), 2, "{label}");
        assert_eq!(of_a[0], AttemptRow { id: ids[1], ..second }, "{label}");
        assert_eq!(of_a[1], AttemptRow { id: ids[0], ..first }, "{label}");
        let all = store.attempts(None, 2).unwrap();
        assert_eq!(
            all.iter().map(|a| a.id).collect::<Vec<_>>(),
            [ids[2], ids[1]],
            "{label}"
        );
    }
}
