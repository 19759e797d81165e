//! Duration regressions: tests that became slower and stayed slower.
//!
//! A test's durations across runs are a noisy series: a shared CI machine
//! runs a test 10-20% slower or faster from one run to the next, a garbage
//! collection or a cold cache doubles one run now and then. A regression is
//! a *step*: from some run on, the test is slower, and it stays slower.
//!
//! # The method
//!
//! Every run `i` of the series (oldest first, passed results only) is tried
//! as the first run of a slow stretch. It needs at least
//! [`Detector::min_samples`] samples before it. The baseline `B` is the up to
//! [`Detector::window`] samples before `i`; the current stretch `C` is the up
//! to `window` samples from `i` on, and holds at least two. `C` is summed up
//! by its *lower* median (of an even count, the smaller middle sample): with
//! two samples both must be slow, so one slow run (a noisy CI machine, a
//! pause) is never a regression, whatever its size. The lower median of `C`
//! is scored against `B` by one of three [`Method`]s:
//!
//! - [`Method::Zscore`]: `(median(C) - mean(B)) / sd(B)`, the classic
//!   standard score; mean and deviation are pulled by outliers in `B`.
//! - [`Method::Mad`]: `(median(C) - median(B)) / (1.4826 * MAD(B))`, the
//!   modified z-score (Iglewicz and Hoaglin): the median absolute deviation,
//!   scaled to agree with the standard deviation on normal data, ignores up
//!   to half of `B` being outliers.
//! - [`Method::Iqr`]: `(median(C) - Q3(B)) / IQR(B)`, Tukey's fence: a score
//!   of 1.5 is `Q3 + 1.5 IQR`, the fence of a box plot.
//!
//! The spread of `B` has a floor, `max(spread, 1 ms, 2% of median(B))`: a
//! perfectly steady baseline (a test that always takes 10.0 ms as far as the
//! timer can tell) would otherwise divide by zero, and microsecond jitter on
//! a fast test would score in the thousands. 1 ms is about the resolution of
//! pytest's timings once the interpreter's own jitter is in; 2% is less than
//! any machine keeps a test steady to.
//!
//! A run is reported when its score exceeds [`Detector::threshold`] *and* the
//! test got at least 20% slower (`after_median >= 1.2 * before_median`): a
//! very steady test can be "significantly" slower by 3%, which no user would
//! act on. Of the runs that pass both, the one with the highest score says
//! that the test got slower.
//!
//! Where the slow stretch begins is then placed separately, because the
//! score cannot tell: the median of `C` does not move until half of `C` is
//! made of fast samples, so the scores of the runs just before a clean step
//! tie with the step's own. Around the best run (one window either side),
//! the first run of the stretch is the split that leaves the fewest slow
//! samples before it and fast samples after it, "slow" meaning above the
//! geometric mean of the two medians (durations scale, so the midpoint is
//! taken on a log scale); ties go to the split nearest the best run. The
//! reported medians and score are those of that run (or of the best run when
//! that split does not pass the test itself). When the split lies before the
//! first candidate, the test was already slow before it had `min_samples`
//! of baseline, and nothing is reported.
//!
//! Last, the test must be slow *still*: the lower median of its newest
//! samples since the change (up to a window of them) must lie above the
//! geometric mean of the two medians. A test that was slow for a while and
//! has been fixed since is history; `ci --fail-on-slowdown` must not fail
//! every build after the fix.
//!
//! # Cost
//!
//! The baseline and the current stretch are kept sorted as they slide, one
//! insertion and one removal each per run, and the statistics read the
//! sorted windows without sorting again (the MAD merges the deviations below
//! and above the median, which are each in order already), so a series of
//! `n` runs costs `O(n * window)`: 2,000 tests of 200 runs, window 20, take
//! well under 100 ms in release mode (`bench/intelligence/run.sh`).

use std::collections::HashMap;

use fixpoint_core::Outcome;
use serde::Serialize;

use crate::OutcomeRow;

/// How the current stretch is scored against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Zscore,
    Mad,
    Iqr,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Zscore, Method::Mad, Method::Iqr];
    /// The method `--method` defaults to: on the generated history of
    /// `bench/intelligence` it has the best precision and recall together
    /// (95% and 95%, against 71% and 100% for `mad`, 85% and 100% for
    /// `iqr`): the robust methods take a bimodal test's slow mode for
    /// outliers of its baseline and flag it when a window falls in it.
    pub const DEFAULT: Method = Method::Zscore;

    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Zscore => "zscore",
            Method::Mad => "mad",
            Method::Iqr => "iqr",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|method| method.as_str() == text)
    }

    /// The score above which a change is reported, each the usual cut-off of
    /// its statistic:
    ///
    /// - zscore 3.0: the three-sigma rule; a normal sample lies that far
    ///   above the mean about once in 740 draws.
    /// - mad 3.5: the cut-off Iglewicz and Hoaglin recommend for the
    ///   modified z-score.
    /// - iqr 1.5: Tukey's inner fence, `Q3 + 1.5 IQR` (about 2.7 sigma on
    ///   normal data).
    ///
    /// Each is met by a *median* of up to `window` samples, which is far
    /// steadier than the single sample the cut-off was made for, and the
    /// 20% rule comes on top: the thresholds are conservative on purpose.
    pub fn default_threshold(self) -> f64 {
        match self {
            Method::Zscore => 3.0,
            Method::Mad => 3.5,
            Method::Iqr => 1.5,
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The slowdown detector's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detector {
    pub method: Method,
    /// At most this many samples on each side of a change (at least 2).
    pub window: usize,
    /// A score above this is significant (see [`Method::default_threshold`]).
    pub threshold: f64,
    /// Samples needed before a change (at least 2: one sample has no spread).
    pub min_samples: usize,
}

/// A test that got slower.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slowdown {
    pub nodeid: String,
    /// The first run of the slow stretch.
    pub run_id: i64,
    /// Seconds: the median of the baseline before `run_id`.
    pub before_median: f64,
    /// Seconds: the lower median of the stretch from `run_id` on.
    pub after_median: f64,
    /// How far above the baseline, in its method's unit.
    pub score: f64,
    pub method: Method,
    /// The samples the verdict rests on (baseline and stretch).
    pub samples: usize,
}

impl Slowdown {
    /// How many times slower: `after_median / before_median`.
    pub fn ratio(&self) -> f64 {
        if self.before_median > 0.0 {
            self.after_median / self.before_median
        } else {
            f64::INFINITY
        }
    }
}

/// The smallest slowdown reported, whatever its score.
const MIN_RATIO: f64 = 1.2;
/// The floor of the baseline's spread, in seconds.
const FLOOR_SECONDS: f64 = 0.001;
/// The floor of the baseline's spread, as a share of its median.
const FLOOR_SHARE: f64 = 0.02;
/// Scales a median absolute deviation to a standard deviation (normal data).
const MAD_TO_SD: f64 = 1.4826;

/// Whether the test is slow still: the lower median of its newest samples
/// since the change (up to `window`) is nearer the slow level than the fast
/// one (above their geometric mean). A slowdown that was fixed since is
/// history, not a regression to report, and a build must not fail on it.
fn still_slow(series: &[(i64, f64)], change: &Candidate, window: usize) -> bool {
    let since = series.len() - change.index;
    let mut newest: Vec<f64> = series[series.len() - since.min(window)..]
        .iter()
        .map(|(_, seconds)| *seconds)
        .collect();
    newest.sort_by(f64::total_cmp);
    let lower_median = newest[(newest.len() - 1) / 2];
    lower_median > (change.before * change.after).sqrt()
}

/// One candidate change: its score and what it rests on.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    index: usize,
    score: f64,
    before: f64,
    after: f64,
    samples: usize,
}

impl Detector {
    pub const DEFAULT_WINDOW: usize = 20;
    pub const DEFAULT_MIN_SAMPLES: usize = 5;

    /// The method with its default threshold, window and minimum.
    pub fn new(method: Method) -> Self {
        Self {
            method,
            window: Self::DEFAULT_WINDOW,
            threshold: method.default_threshold(),
            min_samples: Self::DEFAULT_MIN_SAMPLES,
        }
    }

    /// One test's series: (run_id, seconds), oldest first.
    pub fn detect(&self, nodeid: &str, series: &[(i64, f64)]) -> Option<Slowdown> {
        let window = self.window.max(2);
        let first = self.min_samples.max(2);
        let n = series.len();
        // The first candidate needs `first` samples before it, the last two from it on.
        if n < first + 2 {
            return None;
        }
        let value = |k: usize| series[k].1;
        let mut before: Vec<f64> = (first.saturating_sub(window)..first).map(value).collect();
        let mut current: Vec<f64> = (first..n.min(first + window)).map(value).collect();
        before.sort_by(f64::total_cmp);
        current.sort_by(f64::total_cmp);

        let mut best: Option<Candidate> = None;
        for i in first..=n - 2 {
            if i > first {
                // Slide both windows one run on: x[i-1] moves from C to B.
                let moved = value(i - 1);
                remove_sorted(&mut current, moved);
                insert_sorted(&mut before, moved);
                if i > window {
                    remove_sorted(&mut before, value(i - 1 - window));
                }
                if i - 1 + window < n {
                    insert_sorted(&mut current, value(i - 1 + window));
                }
            }
            if let Some(candidate) = self.candidate(i, &before, &current)
                && best.is_none_or(|b| candidate.score > b.score)
            {
                best = Some(candidate);
            }
        }
        let best = best?;
        let start = Self::locate(series, best, window);
        if start < first {
            // The stretch began before there was a baseline to judge it by.
            return None;
        }
        let chosen = if start == best.index {
            best
        } else {
            self.candidate_at(series, start, window).unwrap_or(best)
        };
        if !still_slow(series, &chosen, window) {
            return None;
        }
        Some(Slowdown {
            nodeid: nodeid.to_owned(),
            run_id: series[chosen.index].0,
            before_median: chosen.before,
            after_median: chosen.after,
            score: chosen.score,
            method: self.method,
            samples: chosen.samples,
        })
    }

    /// Every test in `outcomes` (rows of the runs to look at, any order;
    /// only [`Outcome::Passed`] rows count: a failing or skipped test's time
    /// says nothing about its speed). Series are ordered by run id. Most
    /// significant first (score, then node id).
    pub fn detect_all(&self, outcomes: &[OutcomeRow]) -> Vec<Slowdown> {
        let mut series: HashMap<&str, Vec<(i64, f64)>> = HashMap::new();
        for row in outcomes {
            if row.outcome == Outcome::Passed && row.duration.is_finite() && row.duration >= 0.0 {
                series.entry(&row.nodeid).or_default().push((row.run_id, row.duration));
            }
        }
        let mut found: Vec<Slowdown> = series
            .into_iter()
            .filter_map(|(nodeid, mut samples)| {
                samples.sort_by_key(|(run_id, _)| *run_id);
                self.detect(nodeid, &samples)
            })
            .collect();
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.nodeid.cmp(&b.nodeid)));
        found
    }

    /// The score of a change at `index` from the sorted baseline and stretch,
    /// when it is a slowdown worth reporting.
    fn candidate(&self, index: usize, before: &[f64], current: &[f64]) -> Option<Candidate> {
        let after = current[(current.len() - 1) / 2];
        let median = median_sorted(before);
        let floor = FLOOR_SECONDS.max(FLOOR_SHARE * median);
        let score = match self.method {
            Method::Zscore => {
                let (mean, sd) = mean_sd(before);
                (after - mean) / sd.max(floor)
            }
            Method::Mad => (after - median) / (MAD_TO_SD * mad_sorted(before, median)).max(floor),
            Method::Iqr => {
                let (q1, q3) = (quantile_sorted(before, 0.25), quantile_sorted(before, 0.75));
                (after - q3) / (q3 - q1).max(floor)
            }
        };
        (score > self.threshold && after >= MIN_RATIO * median).then_some(Candidate {
            index,
            score,
            before: median,
            after,
            samples: before.len() + current.len(),
        })
    }

    /// [`Self::candidate`] for one index, its windows sorted afresh.
    fn candidate_at(&self, series: &[(i64, f64)], index: usize, window: usize) -> Option<Candidate> {
        let sorted = |range: std::ops::Range<usize>| {
            let mut values: Vec<f64> = series[range].iter().map(|(_, seconds)| *seconds).collect();
            values.sort_by(f64::total_cmp);
            values
        };
        let before = sorted(index.saturating_sub(window)..index);
        let current = sorted(index..series.len().min(index + window));
        self.candidate(index, &before, &current)
    }

    /// Where the slow stretch found at `best` begins: the split, within a
    /// window of it, with the fewest slow samples before it and fast ones
    /// after it (ties: the nearest to `best`). It may lie before the first
    /// candidate: then the test was slow before it had a baseline.
    fn locate(series: &[(i64, f64)], best: Candidate, window: usize) -> usize {
        let n = series.len();
        let cut = (best.before * best.after).sqrt();
        let (lo, hi) = (best.index.saturating_sub(window), n.min(best.index + window));
        let slow = |k: usize| series[k].1 > cut;
        // A split at 0 would be no change at all: the walk starts at 1.
        let from = lo.max(1);
        // Misplaced samples for a split at `from`: the slow ones before it, the fast ones after it.
        let mut cost = (lo..from).filter(|&k| slow(k)).count() + (from..hi).filter(|&k| !slow(k)).count();
        let (mut chosen, mut chosen_cost) = (best.index, usize::MAX);
        for split in from..hi.min(n - 1) {
            if split > from {
                // Sample split-1 moved from after the split to before it.
                if slow(split - 1) {
                    cost += 1;
                } else {
                    cost -= 1;
                }
            }
            let nearer = split.abs_diff(best.index) < chosen.abs_diff(best.index);
            if cost < chosen_cost || (cost == chosen_cost && nearer) {
                (chosen, chosen_cost) = (split, cost);
            }
        }
        chosen
    }
}

fn insert_sorted(values: &mut Vec<f64>, value: f64) {
    let at = values.partition_point(|v| v.total_cmp(&value).is_lt());
    values.insert(at, value);
}

fn remove_sorted(values: &mut Vec<f64>, value: f64) {
    let at = values.partition_point(|v| v.total_cmp(&value).is_lt());
    if values.get(at).is_some_and(|v| v.total_cmp(&value).is_eq()) {
        values.remove(at);
    }
}

fn median_sorted(values: &[f64]) -> f64 {
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        f64::midpoint(values[n / 2 - 1], values[n / 2])
    }
}

/// The mean and the sample standard deviation.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (squares / (n - 1.0)).sqrt())
}

/// The median absolute deviation from `median` of sorted `values`, without
/// sorting the deviations: those below the median and those above it are
/// each already in order, so the middle one is found by merging the two.
fn mad_sorted(values: &[f64], median: f64) -> f64 {
    let n = values.len();
    let split = values.partition_point(|v| *v <= median);
    // Below: median - values[split-1], median - values[split-2], ... (ascending).
    let (mut below, mut above) = (split, split);
    let mut next = || {
        let low = (below > 0).then(|| median - values[below - 1]);
        let high = (above < n).then(|| values[above] - median);
        match (low, high) {
            (Some(l), Some(h)) if l <= h => {
                below -= 1;
                l
            }
            (Some(l), None) => {
                below -= 1;
                l
            }
            (_, Some(h)) => {
                above += 1;
                h
            }
            (None, None) => 0.0,
        }
    };
    for _ in 0..(n - 1) / 2 {
        next();
    }
    let middle = next();
    if n % 2 == 1 {
        middle
    } else {
        f64::midpoint(middle, next())
    }
}

/// The `q` quantile of sorted `values`, interpolated between neighbours
/// (the default of NumPy and R, type 7).
fn quantile_sorted(values: &[f64], q: f64) -> f64 {
    let position = q * (values.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = (low + 1).min(values.len() - 1);
    values[low] + (values[high] - values[low]) * (position - low as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic noise source, so the tests see the same series always.
    struct Noise(u64);

    impl Noise {
        /// Uniform in [-1, 1).
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1_u64 << 52) as f64 - 1.0
        }
    }

    /// `stable` runs around `base` seconds (±15%), then `slow` runs `factor` times slower.
    fn stepped(base: f64, stable: usize, slow: usize, factor: f64, seed: u64) -> Vec<(i64, f64)> {
        let mut noise = Noise(seed);
        (0..stable + slow)
            .map(|k| {
                let level = if k < stable { base } else { base * factor };
                (k as i64 + 100, level * (1.0 + 0.15 * noise.next()))
            })
            .collect()
    }

    #[test]
    fn methods_round_trip_their_names() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.as_str()), Some(method));
            assert_eq!(
                serde_json::to_string(&method).unwrap(),
                format!("\"{}\"", method.as_str())
            );
        }
        assert_eq!(Method::parse("median"), None);
    }

    #[test]
    fn a_step_change_is_found_by_every_method_where_it_starts() {
        let series = stepped(0.2, 30, 10, 5.0, 7);
        for method in Method::ALL {
            let found = Detector::new(method)
                .detect("t", &series)
                .unwrap_or_else(|| panic!("{method}"));
            assert_eq!(found.run_id, 130, "{method}");
            assert!((0.17..0.23).contains(&found.before_median), "{method}: {found:?}");
            assert!((0.85..1.15).contains(&found.after_median), "{method}: {found:?}");
            assert!(found.score > method.default_threshold(), "{method}");
            assert_eq!(found.method, method);
            assert_eq!(found.samples, 30, "{method}: 20 before, 10 after");
        }
    }

    /// Slow for a while and fixed since: history, not a regression.
    #[test]
    fn a_slowdown_fixed_since_is_no_regression() {
        let mut series = stepped(0.2, 30, 15, 5.0, 11);
        let recovered = stepped(0.2, 12, 0, 1.0, 12);
        series.extend(
            recovered
                .into_iter()
                .enumerate()
                .map(|(k, (_, seconds))| (200 + k as i64, seconds)),
        );
        for method in Method::ALL {
            assert_eq!(Detector::new(method).detect("t", &series), None, "{method}");
        }
    }

    #[test]
    fn a_stable_noisy_series_is_no_regression() {
        for seed in 1..20 {
            let series = stepped(0.05, 200, 0, 1.0, seed);
            for method in Method::ALL {
                assert_eq!(Detector::new(method).detect("t", &series), None, "{method} seed {seed}");
            }
        }
    }

    #[test]
    fn one_slow_run_is_no_regression() {
        for at in [10, 25, 38, 39] {
            let mut series = stepped(0.1, 40, 0, 1.0, 3);
            series[at].1 = 2.0;
            for method in Method::ALL {
                assert_eq!(
                    Detector::new(method).detect("t", &series),
                    None,
                    "{method} spike at {at}"
                );
            }
        }
    }

    #[test]
    fn two_slow_runs_at_the_end_are_a_regression() {
        let series = stepped(0.1, 40, 2, 5.0, 3);
        for method in Method::ALL {
            let found = Detector::new(method).detect("t", &series).expect("found");
            assert_eq!((found.run_id, found.samples), (140, 22), "{method}");
        }
    }

    #[test]
    fn too_few_samples_say_nothing() {
        // Five before the change are needed, and two after it.
        let series = stepped(0.1, 4, 10, 5.0, 5);
        let short = stepped(0.1, 5, 1, 5.0, 5);
        for method in Method::ALL {
            let detector = Detector::new(method);
            assert_eq!(detector.detect("t", &series), None, "{method}");
            assert_eq!(detector.detect("t", &short), None, "{method}");
            assert_eq!(detector.detect("t", &[]), None, "{method}");
        }
    }

    #[test]
    fn a_speed_up_is_no_regression() {
        let series = stepped(1.0, 30, 20, 0.2, 11);
        for method in Method::ALL {
            assert_eq!(Detector::new(method).detect("t", &series), None, "{method}");
        }
    }

    #[test]
    fn a_small_significant_change_is_not_reported() {
        // 10% slower is far above a ±1% baseline's spread, yet below the 20% rule.
        let series: Vec<(i64, f64)> = (0..60)
            .map(|k| (k, if k < 30 { 1.0 } else { 1.1 } + 0.01 * f64::from(k % 2 == 0)))
            .collect();
        for method in Method::ALL {
            assert_eq!(Detector::new(method).detect("t", &series), None, "{method}");
        }
    }

    #[test]
    fn a_constant_series_then_five_times_slower_is_found() {
        let series: Vec<(i64, f64)> = (0..50).map(|k| (k, if k < 35 { 0.010 } else { 0.050 })).collect();
        for method in Method::ALL {
            let found = Detector::new(method).detect("t", &series).expect("found");
            assert_eq!(found.run_id, 35, "{method}");
            assert!((found.before_median - 0.010).abs() < 1e-12, "{method}");
            assert!((found.after_median - 0.050).abs() < 1e-12, "{method}");
            // The 1 ms floor: (50 - 10) / 1 for the z-score and MAD, (50 - 10) / 1 for IQR.
            assert!((found.score - 40.0).abs() < 1e-9, "{method}: {}", found.score);
        }
    }

    #[test]
    fn detect_all_reads_passed_results_in_run_order() {
        let mut rows = Vec::new();
        for (run, seconds) in stepped(0.3, 30, 8, 4.0, 9).into_iter().rev() {
            rows.push(OutcomeRow {
                run_id: run,
                nodeid: "slow".into(),
                outcome: Outcome::Passed,
                duration: seconds,
            });
            // A failing run takes no time here: it must not be read as a speed-up.
            let outcome = if run % 3 == 0 { Outcome::Failed } else { Outcome::Passed };
            rows.push(OutcomeRow {
                run_id: run,
                nodeid: "steady".into(),
                outcome,
                duration: if outcome == Outcome::Failed { 9.0 } else { 0.3 },
            });
        }
        let found = Detector::new(Method::Mad).detect_all(&rows);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].nodeid.as_str(), found[0].run_id), ("slow", 130));
    }

    #[test]
    fn statistics_of_sorted_samples() {
        let values = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((median_sorted(&values) - 3.0).abs() < 1e-12);
        assert!((median_sorted(&values[..4]) - 2.5).abs() < 1e-12);
        // Deviations from 3: 2, 1, 0, 1, 7 -> 0 1 1 2 7.
        assert!((mad_sorted(&values, 3.0) - 1.0).abs() < 1e-12);
        // Deviations from 2.5: 1.5 0.5 0.5 1.5 -> median 1.0.
        assert!((mad_sorted(&values[..4], 2.5) - 1.0).abs() < 1e-12);
        assert!((quantile_sorted(&values, 0.25) - 2.0).abs() < 1e-12);
        assert!((quantile_sorted(&values, 0.75) - 4.0).abs() < 1e-12);
        assert!((quantile_sorted(&values[..4], 0.75) - 3.25).abs() < 1e-12);
        let (mean, sd) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((mean - 5.0).abs() < 1e-12 && (sd - (32.0_f64 / 7.0).sqrt()).abs() < 1e-12);
    }
}
