//! Test intelligence from the history: the slowest tests (`fixpoint slow`),
//! their duration regressions (`fixpoint slow --regressions`, `ci
//! --fail-on-slowdown`), and what a prioritized run (`run --order`) is
//! ranked from.

use std::collections::HashMap;

use fixpoint_store::analysis::sparkline;
use fixpoint_store::slowdown::{Detector, Method, Slowdown};
use fixpoint_store::{OutcomeFilter, RunRow, Store};
use serde::Serialize;

use crate::AppError;

/// Runs a trend reaches back over.
const TREND_RUNS: usize = 10;
/// Whole-suite runs the slowdown detector reads: enough for a window of 20
/// before and after a change, with room for partial runs in between.
pub const SLOWDOWN_RUNS: usize = 200;

/// One of the slowest tests.
#[derive(Debug, Clone, Serialize)]
pub struct SlowTest {
    pub nodeid: String,
    /// Seconds: the latest run's, or the median over `runs` runs.
    pub duration: f64,
    /// Its share of the suite's time (the sum of every test's `duration`).
    pub share: f64,
    /// Its seconds in each of the newest runs that ran it, oldest first.
    pub trend: Vec<f64>,
    /// `▁▃█`: `trend` drawn against its own maximum.
    pub sparkline: String,
    /// CPU seconds and peak resident bytes in the newest run that measured them.
    pub cpu_time: Option<f64>,
    pub peak_rss: Option<u64>,
}

/// `fixpoint slow`.
#[derive(Debug, Clone, Serialize)]
pub struct SlowReport {
    /// The runs the durations are the median of, newest first.
    pub runs: Vec<i64>,
    /// Seconds of test time in the suite (the sum over every test).
    pub suite_seconds: f64,
    /// Tests the runs hold.
    pub tests: usize,
    /// Slowest first.
    pub slowest: Vec<SlowTest>,
}

/// The median of `values` (sorted in place); 0 for none.
pub(crate) fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => f64::midpoint(values[n / 2 - 1], values[n / 2]),
    }
}

/// A test's CPU seconds and peak resident bytes.
type Resources = (Option<f64>, Option<u64>);

/// The `limit` slowest tests over the newest `runs` whole-suite runs (the
/// median where more than one ran the test): a partial run (a few paths, a
/// budget) says nothing of the suite's time. With no whole-suite run in the
/// history, the newest runs of any kind.
pub fn slowest(store: &mut dyn Store, runs: usize, limit: usize) -> Result<SlowReport, AppError> {
    if runs == 0 || limit == 0 {
        return Err(AppError::Usage(format!(
            "--{} must be at least 1",
            if runs == 0 { "runs" } else { "limit" }
        )));
    }
    let recent = store.runs(runs.max(TREND_RUNS) * 4)?;
    if recent.is_empty() {
        return Err(AppError::NoRuns);
    }
    let whole: Vec<RunRow> = recent.iter().filter(|run| run.is_whole_suite()).cloned().collect();
    let mut window = if whole.is_empty() { recent } else { whole };
    window.truncate(runs.max(TREND_RUNS));
    let ids: Vec<i64> = window.iter().map(|run| run.id).collect();
    let chosen = &ids[..runs.min(ids.len())];
    let mut recent: HashMap<String, Vec<f64>> = HashMap::new();
    let mut trend: HashMap<String, Vec<(i64, f64)>> = HashMap::new();
    for row in store.outcomes(&ids, OutcomeFilter::All)? {
        if chosen.contains(&row.run_id) {
            recent.entry(row.nodeid.clone()).or_default().push(row.duration);
        }
        trend.entry(row.nodeid).or_default().push((row.run_id, row.duration));
    }
    let mut tests: Vec<(String, f64)> = recent
        .into_iter()
        .map(|(nodeid, mut durations)| {
            let duration = median(&mut durations);
            (nodeid, duration)
        })
        .collect();
    let suite_seconds: f64 = tests.iter().map(|(_, seconds)| seconds).sum();
    let total = tests.len();
    tests.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    tests.truncate(limit);
    let resources = latest_resources(store, &window, tests.iter().map(|(nodeid, _)| nodeid.as_str()))?;
    let slowest = tests
        .into_iter()
        .map(|(nodeid, duration)| {
            let mut points = trend.remove(&nodeid).unwrap_or_default();
            points.sort_by_key(|(run, _)| *run);
            let points: Vec<f64> = points.into_iter().map(|(_, seconds)| seconds).collect();
            let top = points.iter().copied().fold(0.0_f64, f64::max);
            let rates: Vec<Option<f64>> = points
                .iter()
                .map(|seconds| Some(if top > 0.0 { seconds / top } else { 0.0 }))
                .collect();
            let (cpu_time, peak_rss) = resources.get(&nodeid).copied().unwrap_or_default();
            SlowTest {
                share: if suite_seconds > 0.0 {
                    duration / suite_seconds
                } else {
                    0.0
                },
                sparkline: sparkline(&rates),
                trend: points,
                cpu_time,
                peak_rss,
                nodeid,
                duration,
            }
        })
        .collect();
    Ok(SlowReport {
        runs: chosen.to_vec(),
        suite_seconds,
        tests: total,
        slowest,
    })
}

/// Each test's CPU time and peak memory from the newest run (of `window`,
/// newest first) that measured them.
fn latest_resources<'a>(
    store: &mut dyn Store,
    window: &[RunRow],
    nodeids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, Resources>, AppError> {
    let mut wanted: Vec<&str> = nodeids.collect();
    let mut found = HashMap::new();
    for run in window {
        if wanted.is_empty() {
            break;
        }
        for result in store.results(run.id)? {
            if (result.cpu_time.is_some() || result.peak_rss.is_some())
                && let Some(at) = wanted.iter().position(|nodeid| *nodeid == result.nodeid)
            {
                wanted.swap_remove(at);
                found.insert(result.nodeid, (result.cpu_time, result.peak_rss));
            }
        }
    }
    Ok(found)
}

/// The detector `--method`, `--window`, `--threshold` and `--min-samples`
/// ask for (the threshold defaults to the method's own).
pub fn detector(
    method: Method,
    window: usize,
    threshold: Option<f64>,
    min_samples: usize,
) -> Result<Detector, AppError> {
    if window < 2 {
        return Err(AppError::Usage(format!(
            "--window must be at least 2 runs, not {window}"
        )));
    }
    if min_samples < 2 {
        return Err(AppError::Usage(format!(
            "--min-samples must be at least 2 runs, not {min_samples}"
        )));
    }
    if let Some(threshold) = threshold.filter(|value| !value.is_finite() || *value <= 0.0) {
        return Err(AppError::Usage(format!(
            "--threshold must be a positive number, not {threshold}"
        )));
    }
    Ok(Detector {
        method,
        window,
        threshold: threshold.unwrap_or_else(|| method.default_threshold()),
        min_samples,
    })
}

/// Duration regressions over the newest whole-suite runs (up to run
/// `up_to`, for a report of an older run): per test, the run where it
/// slowed, before and after medians, the score.
pub fn slowdowns(store: &mut dyn Store, detector: &Detector, up_to: Option<i64>) -> Result<Vec<Slowdown>, AppError> {
    let runs = store.runs(SLOWDOWN_RUNS * 2)?;
    let ids: Vec<i64> = runs
        .iter()
        .filter(|run| run.is_whole_suite() && up_to.is_none_or(|last| run.id <= last))
        .take(SLOWDOWN_RUNS)
        .map(|run| run.id)
        .collect();
    let outcomes = store.outcomes(&ids, OutcomeFilter::All)?;
    Ok(detector.detect_all(&outcomes))
}
