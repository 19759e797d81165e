//! `slow`: the slowest tests and the ones that got slower.

use std::io::{self, Write};

use fixpoint_app::slow;
use fixpoint_report::{count, megabytes, seconds};
use serde_json::json;

use super::print_json;
use crate::ExitStatus;
use crate::cli::{GlobalArgs, OutputFormat, SlowArgs};

pub fn slow(global: &GlobalArgs, args: &SlowArgs) -> anyhow::Result<ExitStatus> {
    let detector = args.detector.detector()?;
    let project = fixpoint_app::Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let report = slow::slowest(store.as_mut(), args.runs, args.limit)?;
    let slowdowns = slow::slowdowns(store.as_mut(), &detector, None)?;
    if args.output_format == OutputFormat::Json {
        print_json(&json!({ "slowest": report, "detector": detector_json(&detector), "slowdowns": slowdowns }))?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    let over = match report.runs.as_slice() {
        [one] => format!("run {one}"),
        runs => format!(
            "the median of runs {}",
            runs.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
        ),
    };
    writeln!(
        out,
        "Slowest {} of {} ({over}; the suite's test time {})",
        count(report.slowest.len(), "test"),
        report.tests,
        seconds(report.suite_seconds)
    )?;
    writeln!(
        out,
        "{:>9}  {:>6}  {:>8}  {:>9}  {:<10}  TEST",
        "DURATION", "SHARE", "CPU", "PEAK MEM", "TREND"
    )?;
    for test in &report.slowest {
        writeln!(
            out,
            "{:>9}  {:>5.1}%  {:>8}  {:>9}  {:<10}  {}",
            seconds(test.duration),
            test.share * 100.0,
            test.cpu_time.map_or_else(|| "-".to_owned(), seconds),
            test.peak_rss.map_or_else(|| "-".to_owned(), megabytes),
            test.sparkline,
            test.nodeid
        )?;
    }
    writeln!(out)?;
    if slowdowns.is_empty() {
        writeln!(
            out,
            "No test got slower ({} over the whole-suite runs, window {}, threshold {}, at least {} runs before a change).",
            detector.method.as_str(),
            detector.window,
            detector.threshold,
            detector.min_samples
        )?;
        return Ok(ExitStatus::Success);
    }
    writeln!(
        out,
        "{} slower ({}, threshold {}):",
        count(slowdowns.len(), "test"),
        detector.method.as_str(),
        detector.threshold
    )?;
    writeln!(
        out,
        "{:>7}  {:>9}  {:>9}  {:>6}  TEST",
        "SINCE", "BEFORE", "AFTER", "SCORE"
    )?;
    for found in &slowdowns {
        writeln!(
            out,
            "{:>7}  {:>9}  {:>9}  {:>6.1}  {}",
            format!("run {}", found.run_id),
            seconds(found.before_median),
            seconds(found.after_median),
            found.score,
            found.nodeid
        )?;
    }
    Ok(ExitStatus::Success)
}

/// The detector's settings, as the JSON output states them.
pub fn detector_json(detector: &fixpoint_store::slowdown::Detector) -> serde_json::Value {
    json!({
        "method": detector.method,
        "window": detector.window,
        "threshold": detector.threshold,
        "min_samples": detector.min_samples,
    })
}
