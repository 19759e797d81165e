//! Triages N failures made from real ones and reports the throughput.
//!
//! `cargo run --release -p fixpoint-triage --example bench_triage -- N RUN.json...`
//! reads `fixpoint run --output-format json` documents, repeats their failing
//! results (with distinct node ids and line numbers) up to N, and prints one
//! JSON object with the time and the failures per second.

use std::time::Instant;

use fixpoint_core::{Run, TestResult};
use fixpoint_triage::{ProjectIndex, triage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((count, files)) = args.split_first() else {
        eprintln!("usage: bench_triage N RUN.json...");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("N");
    let mut templates: Vec<TestResult> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).expect("a run document");
        let run: Run = serde_json::from_str(&text).expect("fixpoint run --output-format json");
        templates.extend(run.tests.into_iter().filter(|t| t.outcome.is_failing()));
    }
    assert!(!templates.is_empty(), "no failing results in the given runs");
    let failures: Vec<TestResult> = (0..count)
        .map(|i| {
            let mut test = templates[i % templates.len()].clone();
            let copy = i / templates.len();
            test.nodeid = format!("{}[{copy}]", test.nodeid);
            test
        })
        .collect();
    let start = Instant::now();
    let result = triage(&failures, &ProjectIndex::empty());
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"failures\": {count}, \"templates\": {}, \"patterns\": {}, \"seconds\": {seconds:.3}, \"failures_per_second\": {:.0}}}",
        templates.len(),
        result.patterns.len(),
        count as f64 / seconds
    );
}
