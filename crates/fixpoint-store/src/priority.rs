//! The prioritized run: in which order to run the tests so that the ones
//! that fail run first, and which of them fit in a time budget.
//!
//! A run that finds its failures in its first minute tells a developer what
//! is wrong as soon as a run that takes an hour; with `--budget` it stops
//! there. The history knows which tests failed lately, which ones flip and
//! how long each one takes; the import graph knows which tests reach the
//! code that changed. [`rank`] turns that into a score per test for one
//! [`Order`], and [`within_budget`] cuts the ordered suite to a budget.
//!
//! Scores are only an order: the run sorts every collected test by score,
//! highest first, and a stable sort keeps pytest's own order among equal
//! scores (so a suite with no history runs as pytest would run it).

use std::collections::{BTreeMap, HashMap};

use fixpoint_core::Outcome;
use serde::Serialize;

use crate::analysis;
use crate::{OutcomeRow, RunRow};

/// `--order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// The tests that failed last time first, as pytest's `--failed-first`.
    FailedFirst,
    /// By the risk that the test fails now: recent failures, flakiness and
    /// whether it reaches changed code (see [`Weights`]).
    Risk,
    /// The shortest first: the most tests in the least time.
    Duration,
    /// Shuffled with a seed, to find tests that depend on each other's order.
    Random,
}

impl Order {
    pub const ALL: [Order; 4] = [Order::FailedFirst, Order::Risk, Order::Duration, Order::Random];

    pub fn as_str(self) -> &'static str {
        match self {
            Order::FailedFirst => "failed-first",
            Order::Risk => "risk",
            Order::Duration => "duration",
            Order::Random => "random",
        }
    }

    pub fn parse(text: &str) -> Option<Order> {
        Self::ALL.into_iter().find(|order| order.as_str() == text)
    }
}

impl std::fmt::Display for Order {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What each signal is worth to [`Order::Risk`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// A failure in the newest run; older ones count less (`half_life`).
    pub failure: f64,
    /// In runs: a failure this many runs old counts half as much as one in
    /// the newest run, one twice as old a quarter (0 or less: only the
    /// newest run's failures count).
    pub half_life: f64,
    /// Times the test's flakiness (its flip rate between runs of the same
    /// code, or the share of its runs it passed only on a rerun, whichever
    /// is higher; 0 to 1).
    pub flaky: f64,
    /// When a file changed since the last green run reaches the test through
    /// the import graph.
    pub changed: f64,
    /// The score of a test the history does not know.
    pub new_test: f64,
}

impl Default for Weights {
    /// - `failure` 1.0: the unit the others are measured in.
    /// - `half_life` 5 runs: a failure is fixed within a few runs or it is
    ///   a known, chronic one; after 5 runs a failure counts half, after 20
    ///   a sixteenth. A test that fails in every run sums to about 7.7, so
    ///   chronic failures lead, then fresh ones.
    /// - `flaky` 0.5: a flaky test fails again at random, but its failure
    ///   tells the least; a test that flips every time it can scores half a
    ///   fresh failure (on top of the failures themselves).
    /// - `changed` 0.5: most changes break nothing, and a module reaches
    ///   many tests, so reaching changed code alone is weaker evidence than
    ///   having failed in the last run (failures persist until fixed); it
    ///   counts as much as a failure one half-life old, and lifts a test
    ///   that failed lately and reaches the change above either alone.
    /// - `new_test` 1.0: as much as a fresh failure. Nothing is known of a
    ///   new test, and new tests fail more often than old ones: they were
    ///   written with the change they test and have not yet run in CI.
    ///   Running them early also puts their time into the history.
    fn default() -> Self {
        Self {
            failure: 1.0,
            half_life: 5.0,
            flaky: 0.5,
            changed: 0.5,
            new_test: 1.0,
        }
    }
}

/// A score per known test: the run sorts every collected test by score,
/// highest first, ties in pytest's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// Every test the history knows, highest first, ties by node id.
    pub scores: Vec<(String, f64)>,
    /// The score of a test the history does not know.
    pub new_test_score: f64,
}

impl Ranking {
    /// `collected` (in pytest's order) sorted by score, highest first, ties
    /// in pytest's order; a test the history does not know scores
    /// [`Self::new_test_score`].
    pub fn apply<'a>(&self, collected: &'a [String]) -> Vec<&'a str> {
        let scores: HashMap<&str, f64> = self.scores.iter().map(|(id, score)| (id.as_str(), *score)).collect();
        let mut ordered: Vec<(&str, f64)> = collected
            .iter()
            .map(|id| {
                (
                    id.as_str(),
                    scores.get(id.as_str()).copied().unwrap_or(self.new_test_score),
                )
            })
            .collect();
        ordered.sort_by(|a, b| b.1.total_cmp(&a.1));
        ordered.into_iter().map(|(id, _)| id).collect()
    }
}

/// The passes and failures that are verdicts; skips and expected failures
/// say nothing about whether the test works.
fn verdict(outcome: Outcome) -> Option<bool> {
    match outcome {
        o if o.is_failing() => Some(true),
        Outcome::Passed | Outcome::Flaky | Outcome::XPassed => Some(false),
        _ => None,
    }
}

/// Scores the tests of the history for `order`.
///
/// `runs`: the recent runs, newest first; `outcomes`: their results (any
/// order; results of runs not in `runs` are left out); `reaches_change(nodeid)`:
/// whether a file changed since the last green run reaches the test through
/// the import graph (only used by [`Order::Risk`]).
///
/// - [`Order::FailedFirst`]: 1 for a test whose latest verdict (the newest
///   run where it passed or failed) was a failure, else 0; a new test 0.
/// - [`Order::Duration`]: minus the test's median duration over the runs,
///   whatever its outcome (a failing test takes time too); a new test minus
///   the median of those medians.
/// - [`Order::Risk`]: `failure * 0.5^(age / half_life)` summed over the
///   runs where the test failed (age 0 for the newest run), plus `flaky`
///   times its flakiness, plus `changed` when it reaches a change; a new
///   test `new_test` (see [`Weights`]).
/// - [`Order::Random`]: no scores; the caller shuffles with its seed.
pub fn rank(
    order: Order,
    runs: &[RunRow],
    outcomes: &[OutcomeRow],
    reaches_change: &dyn Fn(&str) -> bool,
    weights: &Weights,
) -> Ranking {
    if order == Order::Random {
        return Ranking {
            scores: Vec::new(),
            new_test_score: 0.0,
        };
    }
    let age: HashMap<i64, usize> = runs.iter().enumerate().map(|(age, run)| (run.id, age)).collect();
    // Per test: (age, outcome, duration) of each of its results in `runs`.
    let mut by_test: BTreeMap<&str, Vec<(usize, Outcome, f64)>> = BTreeMap::new();
    for row in outcomes {
        if let Some(&age) = age.get(&row.run_id) {
            by_test
                .entry(&row.nodeid)
                .or_default()
                .push((age, row.outcome, row.duration));
        }
    }
    let (scores, new_test_score): (Vec<(String, f64)>, f64) = match order {
        Order::FailedFirst => {
            let scores = by_test
                .iter()
                .map(|(nodeid, results)| {
                    // The newest verdict; a failure wins a tie (two shards of one run).
                    let latest = results
                        .iter()
                        .filter_map(|(age, outcome, _)| verdict(*outcome).map(|failed| (*age, !failed)))
                        .min();
                    let score = if latest.is_some_and(|(_, passed)| !passed) {
                        1.0
                    } else {
                        0.0
                    };
                    ((*nodeid).to_owned(), score)
                })
                .collect();
            (scores, 0.0)
        }
        Order::Duration => {
            let medians: Vec<(String, f64)> = by_test
                .iter()
                .map(|(nodeid, results)| {
                    let mut seconds: Vec<f64> = results.iter().map(|(_, _, duration)| *duration).collect();
                    ((*nodeid).to_owned(), median(&mut seconds))
                })
                .collect();
            let mut all: Vec<f64> = medians.iter().map(|(_, seconds)| *seconds).collect();
            let typical = if all.is_empty() { 0.0 } else { median(&mut all) };
            let scores = medians
                .into_iter()
                .map(|(nodeid, seconds)| (nodeid, -seconds))
                .collect();
            (scores, -typical)
        }
        Order::Risk => {
            // The flaky analysis reads the same results as the rest: those of `runs`.
            let known: Vec<OutcomeRow>;
            let read = if outcomes.iter().all(|row| age.contains_key(&row.run_id)) {
                outcomes
            } else {
                known = outcomes
                    .iter()
                    .filter(|row| age.contains_key(&row.run_id))
                    .cloned()
                    .collect();
                &known
            };
            let flakiness: HashMap<String, f64> = analysis::flaky(runs, read)
                .into_iter()
                .map(|test| {
                    let reruns = if test.runs == 0 {
                        0.0
                    } else {
                        f64::from(test.passed_on_rerun) / f64::from(test.runs)
                    };
                    (test.nodeid, test.flip_rate.max(reruns).clamp(0.0, 1.0))
                })
                .collect();
            let half_life = if weights.half_life > 0.0 {
                weights.half_life
            } else {
                f64::MIN_POSITIVE
            };
            let scores = by_test
                .iter()
                .map(|(nodeid, results)| {
                    let failures: f64 = results
                        .iter()
                        .filter(|(_, outcome, _)| outcome.is_failing())
                        .map(|(age, _, _)| weights.failure * 0.5_f64.powf(*age as f64 / half_life))
                        .sum();
                    let flaky = weights.flaky * flakiness.get(*nodeid).copied().unwrap_or(0.0);
                    let changed = if reaches_change(nodeid) { weights.changed } else { 0.0 };
                    ((*nodeid).to_owned(), failures + flaky + changed)
                })
                .collect();
            (scores, weights.new_test)
        }
        Order::Random => unreachable!("returned above"),
    };
    let mut scores = scores;
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ranking { scores, new_test_score }
}

/// The median of `values` (reordered); 0 for none.
fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        f64::midpoint(values[n / 2 - 1], values[n / 2])
    }
}

/// Greedy budget cut: walk `ranked` (node id, estimated seconds) in order and
/// keep each test whose estimate still fits in what is left of
/// `budget_seconds`; returns (kept, left out), both in order.
///
/// A test that does not fit does not stop the walk: a shorter one after it
/// may still fit. A negative or unknown (NaN) estimate counts as 0 s; sums
/// are compared within rounding (three tests of 0.1 s fit in 0.3 s).
pub fn within_budget(ranked: &[(String, f64)], budget_seconds: f64) -> (Vec<String>, Vec<String>) {
    let limit = budget_seconds + budget_seconds.abs() * 1e-9 + 1e-12;
    let (mut kept, mut left_out) = (Vec::new(), Vec::new());
    let mut used = 0.0;
    for (nodeid, estimate) in ranked {
        let estimate = estimate.max(0.0);
        if used + estimate <= limit {
            used += estimate;
            kept.push(nodeid.clone());
        } else {
            left_out.push(nodeid.clone());
        }
    }
    (kept, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, code: &str) -> RunRow {
        RunRow {
            id,
            source: "run".into(),
            started_at: format!("t{id}"),
            duration: 1.0,
            workers: 1,
            code_hash: Some(code.into()),
            ..RunRow::default()
        }
    }

    fn row(run_id: i64, nodeid: &str, outcome: Outcome, duration: f64) -> OutcomeRow {
        OutcomeRow {
            run_id,
            nodeid: nodeid.into(),
            outcome,
            duration,
        }
    }

    fn ids(ranking: &Ranking) -> Vec<&str> {
        ranking.scores.iter().map(|(id, _)| id.as_str()).collect()
    }

    fn score(ranking: &Ranking, nodeid: &str) -> f64 {
        ranking
            .scores
            .iter()
            .find(|(id, _)| id == nodeid)
            .map(|(_, s)| *s)
            .unwrap()
    }

    fn nothing_changed(_: &str) -> bool {
        false
    }

    #[test]
    fn orders_round_trip_their_names() {
        for order in Order::ALL {
            assert_eq!(Order::parse(order.as_str()), Some(order));
            assert_eq!(
                serde_json::to_string(&order).unwrap(),
                format!("\"{}\"", order.as_str())
            );
        }
        assert_eq!(Order::parse("failed_first"), None);
    }

    #[test]
    fn failed_first_puts_the_latest_failures_first() {
        use Outcome::{Error, Failed, Passed, Skipped};
        // Newest first: run 3, then 2, then 1.
        let runs = [run(3, "c"), run(2, "b"), run(1, "a")];
        let outcomes = [
            row(3, "fixed", Passed, 0.1),
            row(2, "fixed", Failed, 0.1),
            row(2, "broke", Passed, 0.1),
            row(3, "broke", Error, 0.1),
            // Skipped last time: its latest verdict is still the failure before.
            row(3, "skipped-since", Skipped, 0.0),
            row(2, "skipped-since", Failed, 0.1),
            row(3, "green", Passed, 0.1),
            // Results of a run outside the window are not read.
            row(9, "green", Failed, 0.1),
        ];
        let ranking = rank(
            Order::FailedFirst,
            &runs,
            &outcomes,
            &nothing_changed,
            &Weights::default(),
        );
        assert_eq!(
            ranking.scores,
            [
                ("broke".to_owned(), 1.0),
                ("skipped-since".to_owned(), 1.0),
                ("fixed".to_owned(), 0.0),
                ("green".to_owned(), 0.0),
            ]
        );
        assert!(ranking.new_test_score.abs() < f64::EPSILON);
    }

    #[test]
    fn duration_puts_the_shortest_first() {
        use Outcome::{Failed, Passed};
        let runs = [run(2, "b"), run(1, "a")];
        let outcomes = [
            row(1, "slow", Passed, 3.0),
            row(2, "slow", Failed, 5.0),
            row(1, "quick", Passed, 0.01),
            row(2, "quick", Passed, 0.03),
            row(1, "middle", Passed, 1.0),
        ];
        let ranking = rank(Order::Duration, &runs, &outcomes, &nothing_changed, &Weights::default());
        assert_eq!(ids(&ranking), ["quick", "middle", "slow"]);
        assert!((score(&ranking, "slow") + 4.0).abs() < 1e-12, "failing results count");
        assert!((score(&ranking, "quick") + 0.02).abs() < 1e-12);
        // The median of 0.02, 1 and 4.
        assert!((ranking.new_test_score + 1.0).abs() < 1e-12);
    }

    #[test]
    fn risk_weighs_recent_failures_flakiness_and_changes() {
        use Outcome::{Failed, Flaky, Passed};
        let runs = [run(4, "same"), run(3, "same"), run(2, "same"), run(1, "same")];
        let mut outcomes = Vec::new();
        for id in 1..=4 {
            let chronic = Failed;
            let fresh = if id == 4 { Failed } else { Passed };
            let old = if id == 1 { Failed } else { Passed };
            let coin = if id % 2 == 0 { Failed } else { Passed };
            let rerun = if id == 3 { Flaky } else { Passed };
            outcomes.extend([
                row(id, "chronic", chronic, 0.1),
                row(id, "fresh", fresh, 0.1),
                row(id, "old", old, 0.1),
                row(id, "coin", coin, 0.1),
                row(id, "rerun", rerun, 0.1),
                row(id, "touched", Passed, 0.1),
                row(id, "quiet", Passed, 0.1),
            ]);
        }
        let weights = Weights {
            failure: 1.0,
            half_life: 1.0,
            flaky: 0.5,
            changed: 0.3,
            new_test: 0.7,
        };
        let reaches = |nodeid: &str| nodeid == "touched" || nodeid == "old";
        let ranking = rank(Order::Risk, &runs, &outcomes, &reaches, &weights);
        let expect = [
            // Ages 0..3 at half-life 1: 1 + 1/2 + 1/4 + 1/8.
            ("chronic", 1.875),
            // Failed at ages 0 and 2, flips 3 of 3 same-code pairs.
            ("coin", 1.0 + 0.25 + 0.5),
            ("fresh", 1.0 + 0.5 / 3.0),
            // Age 3, then a flip to passing; and it reaches the change.
            ("old", 0.125 + 0.5 / 3.0 + 0.3),
            ("touched", 0.3),
            // Passed on a rerun in one of four runs.
            ("rerun", 0.5 * 0.25),
            ("quiet", 0.0),
        ];
        assert_eq!(ids(&ranking), expect.map(|(id, _)| id));
        for (nodeid, expected) in expect {
            assert!(
                (score(&ranking, nodeid) - expected).abs() < 1e-9,
                "{nodeid}: {ranking:?}"
            );
        }
        assert!((ranking.new_test_score - 0.7).abs() < f64::EPSILON);
    }

    #[test]
    fn random_leaves_the_order_to_the_caller() {
        let runs = [run(1, "a")];
        let outcomes = [row(1, "t", Outcome::Failed, 1.0)];
        let ranking = rank(Order::Random, &runs, &outcomes, &|_| true, &Weights::default());
        assert!(ranking.scores.is_empty());
        assert!(ranking.new_test_score.abs() < f64::EPSILON);
    }

    #[test]
    fn apply_sorts_the_collected_tests_and_keeps_pytest_order_among_ties() {
        let ranking = Ranking {
            scores: vec![("b".into(), 2.0), ("a".into(), 0.0), ("d".into(), 0.0)],
            new_test_score: 1.0,
        };
        let collected: Vec<String> = ["d", "a", "new", "b", "gone-new"].map(String::from).to_vec();
        assert_eq!(ranking.apply(&collected), ["b", "new", "gone-new", "d", "a"]);
    }

    #[test]
    fn within_budget_keeps_what_fits_in_order() {
        let ranked: Vec<(String, f64)> = [
            ("a", 4.0),
            ("b", 5.0),
            ("c", 1.0),
            ("d", 0.5),
            ("e", 0.6),
            ("f", f64::NAN),
        ]
        .map(|(id, s)| (id.to_owned(), s))
        .to_vec();
        let (kept, left_out) = within_budget(&ranked, 6.0);
        assert_eq!(kept, ["a", "c", "d", "f"]);
        assert_eq!(left_out, ["b", "e"]);
        let (kept, left_out) = within_budget(&ranked, 0.0);
        assert_eq!((kept, left_out.len()), (vec!["f".to_owned()], 5));
        let tenths: Vec<(String, f64)> = (0..3).map(|k| (k.to_string(), 0.1)).collect();
        assert_eq!(within_budget(&tenths, 0.3).0.len(), 3, "within rounding");
    }
}
