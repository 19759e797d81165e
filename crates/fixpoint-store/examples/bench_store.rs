//! Records synthetic runs into a store and times the history queries.
//!
//! `cargo run --release -p fixpoint-store --example bench_store -- LOCATION RUNS TESTS`
//! prints one JSON object: insert throughput and query times (milliseconds).
//! `bench/store/run.sh` runs it against SQLite and PostgreSQL.

use std::time::Instant;

use fixpoint_core::{Crash, Outcome, Phase, Run, RunInfo, TestResult};
use fixpoint_store::analysis;
use fixpoint_store::{Location, OutcomeFilter, Provenance, TriageRows, open};

/// A small deterministic generator (no dependency needed for noise).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn synthetic_run(index: usize, tests: usize, random: &mut Lcg) -> Run {
    let results = (0..tests)
        .map(|t| {
            let nodeid = format!("tests/test_module_{:03}.py::test_case_{t:05}", t / 50);
            let mut result = TestResult::new(nodeid, format!("tests/test_module_{:03}.py", t / 50), Some(10));
            result.duration = f64::from((random.next() % 50) as u32) / 1000.0;
            // 4% fail for good, 1% flip at random: a realistic red suite.
            let failing = t.is_multiple_of(25) || (t % 100 == 1 && random.next().is_multiple_of(2));
            if failing {
                result.outcome = Outcome::Failed;
                result.phase = Some(Phase::Call);
                result.exception_type = Some("AssertionError".into());
                result.message = Some(format!("assert {} == {}", t % 7, t % 7 + 1));
                result.crash = Some(Crash {
                    path: result.path.clone(),
                    line: Some(12),
                    message: "AssertionError".into(),
                });
                result.longrepr = Some(format!(
                    "    def test():\n>       assert x == y\nE       assert {} == {}\n",
                    t % 7,
                    t % 7 + 1
                ));
            }
            result
        })
        .collect();
    let info = RunInfo {
        source: "run".into(),
        started_at: format!("2026-11-{:02}T{:02}:00:00.000Z", 1 + index / 100 % 28, index % 24),
        finished_at: String::new(),
        duration: 30.0,
        project: "/bench".into(),
        workers: 1,
        ..RunInfo::default()
    };
    Run::new(info, results)
}

fn millis(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(location), Some(runs), Some(tests)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: bench_store LOCATION RUNS TESTS");
        std::process::exit(2);
    };
    let (runs, tests): (usize, usize) = (runs.parse().expect("RUNS"), tests.parse().expect("TESTS"));
    let location = Location::parse(location).expect("a database location");
    let mut store = open(&location).unwrap_or_else(|e| panic!("{e}"));
    let mut random = Lcg(42);
    let provenance = Provenance {
        git_commit: Some("0123456789abcdef".into()),
        command: "bench".into(),
        ..Provenance::default()
    };
    let start = Instant::now();
    for index in 0..runs {
        let run = synthetic_run(index, tests, &mut random);
        store
            .record(&run, &provenance, &TriageRows::default())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let insert_seconds = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let recent = store.runs(20).unwrap();
    let _trend = analysis::sparkline(&recent.iter().map(|r| r.counts.pass_rate()).collect::<Vec<_>>());
    let history_ms = millis(start);

    let start = Instant::now();
    let pair = store.runs(2).unwrap();
    let before = store.outcomes(&[pair[1].id], OutcomeFilter::All).unwrap();
    let after = store.outcomes(&[pair[0].id], OutcomeFilter::All).unwrap();
    let comparison = analysis::compare(pair[1].id, pair[0].id, &before, &after);
    let compare_ms = millis(start);

    let start = Instant::now();
    let window = store.runs(30).unwrap();
    let ids: Vec<i64> = window.iter().map(|r| r.id).collect();
    let outcomes = store.outcomes(&ids, OutcomeFilter::All).unwrap();
    let flaky = analysis::flaky(&window, &outcomes);
    let flaky_ms = millis(start);

    println!(
        "{{\"backend\": \"{}\", \"runs\": {runs}, \"tests\": {tests}, \"insert_seconds\": {insert_seconds:.2}, \
         \"results_per_second\": {:.0}, \"history_ms\": {history_ms:.2}, \"compare_ms\": {compare_ms:.2}, \
         \"flaky_ms\": {flaky_ms:.2}, \"new_failures\": {}, \"flaky_tests\": {}}}",
        store.backend(),
        (runs * tests) as f64 / insert_seconds,
        comparison.new_failures.len(),
        flaky.len()
    );
}
