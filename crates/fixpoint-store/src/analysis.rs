//! What the history says: comparisons, flaky tests, the road to green and a
//! test's first failing commit. Pure functions over stored rows, the same for
//! both backends.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fixpoint_core::Outcome;
use serde::Serialize;

use crate::{OutcomeRow, ResultRow, RunRow};

/// One test's outcomes in the two runs compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub nodeid: String,
    pub before: Option<Outcome>,
    pub after: Option<Outcome>,
}

/// `fixpoint compare A B`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Comparison {
    pub base: i64,
    pub head: i64,
    /// Failing in the head run and not in the base run (a new test that fails included).
    pub new_failures: Vec<Change>,
    /// Failing in the base run, and in the head run present and no longer failing.
    pub fixed: Vec<Change>,
    pub still_failing: Vec<Change>,
    /// In the head run only.
    pub added: Vec<Change>,
    /// In the base run only.
    pub removed: Vec<Change>,
    /// Tests the head run's `--budget` left out: not compared (they are
    /// not in `removed`, which they would otherwise fill).
    pub left_out: u32,
}

/// Compares two runs' outcomes; lists are sorted by node id.
pub fn compare(base: i64, head: i64, before: &[OutcomeRow], after: &[OutcomeRow]) -> Comparison {
    let map = |rows: &[OutcomeRow]| {
        rows.iter()
            .map(|row| (row.nodeid.clone(), row.outcome))
            .collect::<BTreeMap<_, _>>()
    };
    let (before, after) = (map(before), map(after));
    let mut comparison = Comparison {
        base,
        head,
        ..Comparison::default()
    };
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for nodeid in ids {
        let (old, new) = (before.get(nodeid).copied(), after.get(nodeid).copied());
        let change = Change {
            nodeid: nodeid.clone(),
            before: old,
            after: new,
        };
        let failing = |outcome: Option<Outcome>| outcome.is_some_and(Outcome::is_failing);
        if old.is_none() {
            comparison.added.push(change.clone());
        }
        if new.is_none() {
            comparison.removed.push(change.clone());
        }
        match (failing(old), failing(new)) {
            (false, true) => comparison.new_failures.push(change),
            (true, true) => comparison.still_failing.push(change),
            (true, false) if new.is_some() => comparison.fixed.push(change),
            _ => {}
        }
    }
    comparison
}

/// A test whose outcome is not a function of the code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlakyTest {
    pub nodeid: String,
    /// Runs of this test in the window.
    pub runs: u32,
    /// Pass/fail changes between runs of the same code (equal code hashes).
    pub flips: u32,
    /// `flips` over the pairs of same-code runs it could have flipped in.
    pub flip_rate: f64,
    /// Runs in which it failed and then passed on a rerun.
    pub passed_on_rerun: u32,
    pub last_outcome: Outcome,
}

/// Flaky tests in `runs` (any order) from their `outcomes`: a pass and a
/// failure of the same code, or a pass on rerun. Most flaky first.
///
/// "The same code" is an equal [`RunRow::code_hash`]: a commit is not
/// enough, since `fix`, `undo` or an edit change the code without a commit.
/// A test's verdicts are taken per code hash, oldest first, and each change
/// between consecutive verdicts of one hash is a flip. Runs without a hash
/// (recorded before fixpoint stored one) are never compared: an outcome that
/// changed there may have changed with the code. A pass on rerun is evidence
/// whatever the hash.
pub fn flaky(runs: &[RunRow], outcomes: &[OutcomeRow]) -> Vec<FlakyTest> {
    let code_of: HashMap<i64, &str> = runs
        .iter()
        .filter_map(|run| run.code_hash.as_deref().map(|hash| (run.id, hash)))
        .collect();
    let mut by_test: BTreeMap<&str, Vec<(i64, Outcome)>> = BTreeMap::new();
    for row in outcomes {
        by_test.entry(&row.nodeid).or_default().push((row.run_id, row.outcome));
    }
    let mut found = Vec::new();
    for (nodeid, mut seen) in by_test {
        seen.sort_by_key(|(run_id, _)| *run_id);
        let passed_on_rerun = seen.iter().filter(|(_, outcome)| *outcome == Outcome::Flaky).count() as u32;
        // Only verdicts count: a skip says nothing about flakiness. The last
        // verdict seen for each code hash, to compare the next one with.
        let mut last_verdict: HashMap<&str, bool> = HashMap::new();
        let (mut pairs, mut flips) = (0_u32, 0_u32);
        for (run, outcome) in &seen {
            let passed = match outcome {
                o if o.is_failing() => false,
                Outcome::Passed | Outcome::Flaky | Outcome::XPassed => true,
                _ => continue,
            };
            let Some(code) = code_of.get(run) else {
                continue;
            };
            if let Some(before) = last_verdict.insert(code, passed) {
                pairs += 1;
                flips += u32::from(before != passed);
            }
        }
        if flips > 0 || passed_on_rerun > 0 {
            found.push(FlakyTest {
                nodeid: nodeid.to_owned(),
                runs: seen.len() as u32,
                flips,
                flip_rate: if pairs == 0 {
                    0.0
                } else {
                    f64::from(flips) / f64::from(pairs)
                },
                passed_on_rerun,
                last_outcome: seen.last().map_or(Outcome::Passed, |(_, outcome)| *outcome),
            });
        }
    }
    found.sort_by(|a, b| {
        b.flip_rate
            .total_cmp(&a.flip_rate)
            .then(b.passed_on_rerun.cmp(&a.passed_on_rerun))
            .then(a.nodeid.cmp(&b.nodeid))
    });
    found
}

/// One run on the road to green, measured against the baseline run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressPoint {
    pub run_id: i64,
    pub started_at: String,
    pub git_commit: Option<String>,
    pub failing: u32,
    pub total: u32,
    /// Failing in the baseline, not failing here.
    pub fixed: u32,
    /// Failing here, not in the baseline.
    pub newly_broken: u32,
}

/// The failing count per run since the baseline (the first of `runs`, which
/// are oldest first). `failing` holds the runs' failing outcomes; `tracked`
/// the outcomes, in every run, of the tests that failed in the baseline (a
/// test is fixed when it ran and did not fail, not when it was left out).
pub fn progress(runs: &[RunRow], failing: &[OutcomeRow], tracked: &[OutcomeRow]) -> Vec<ProgressPoint> {
    let mut by_run: HashMap<i64, BTreeSet<&str>> = HashMap::new();
    for row in failing.iter().filter(|row| row.outcome.is_failing()) {
        by_run.entry(row.run_id).or_default().insert(&row.nodeid);
    }
    let empty = BTreeSet::new();
    let baseline_failing = runs.first().and_then(|run| by_run.get(&run.id)).unwrap_or(&empty);
    let mut fixed_in: HashMap<i64, u32> = HashMap::new();
    for row in tracked {
        if baseline_failing.contains(row.nodeid.as_str()) && !row.outcome.is_failing() {
            *fixed_in.entry(row.run_id).or_default() += 1;
        }
    }
    let baseline = runs.first().and_then(|run| by_run.get(&run.id)).unwrap_or(&empty);
    runs.iter()
        .map(|run| {
            let now = by_run.get(&run.id).unwrap_or(&empty);
            ProgressPoint {
                run_id: run.id,
                started_at: run.started_at.clone(),
                git_commit: run.git_commit.clone(),
                failing: run.counts.failing(),
                total: run.counts.total,
                fixed: fixed_in.get(&run.id).copied().unwrap_or(0),
                newly_broken: now.difference(baseline).count() as u32,
            }
        })
        .collect()
}

/// The run that began the test's current failing streak (history newest
/// first), or `None` when its latest result is not a failure.
pub fn first_failing(history: &[(RunRow, ResultRow)]) -> Option<&RunRow> {
    history
        .iter()
        .take_while(|(_, result)| result.outcome.is_failing())
        .last()
        .map(|(run, _)| run)
}

/// A pass rate per run as a terminal sparkline, oldest first.
pub fn sparkline(rates: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    rates
        .iter()
        .map(|rate| match rate {
            Some(rate) => BARS[((rate.clamp(0.0, 1.0) * 7.0).round()) as usize],
            None => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use fixpoint_core::Counts;

    use super::*;

    fn row(run_id: i64, nodeid: &str, outcome: Outcome) -> OutcomeRow {
        OutcomeRow {
            run_id,
            nodeid: nodeid.into(),
            outcome,
            duration: 0.1,
        }
    }

    fn run(id: i64, code: &str, failing: u32) -> RunRow {
        RunRow {
            id,
            source: "run".into(),
            started_at: format!("t{id}"),
            duration: 1.0,
            git_commit: Some("one-commit".into()),
            workers: 1,
            counts: Counts {
                total: 10,
                failed: failing,
                ..Counts::default()
            },
            code_hash: Some(code.into()),
            ..RunRow::default()
        }
    }

    #[test]
    fn compare_sorts_tests_into_their_kinds() {
        use Outcome::{Error, Failed, Passed, Skipped};
        let before = [
            row(1, "a", Passed),
            row(1, "b", Failed),
            row(1, "c", Failed),
            row(1, "d", Passed),
            row(1, "gone", Failed),
        ];
        let after = [
            row(2, "a", Failed),
            row(2, "b", Passed),
            row(2, "c", Error),
            row(2, "d", Skipped),
            row(2, "new", Failed),
        ];
        let ids = |changes: &[Change]| changes.iter().map(|c| c.nodeid.clone()).collect::<Vec<_>>();
        let result = compare(1, 2, &before, &after);
        assert_eq!(ids(&result.new_failures), ["a", "new"]);
        assert_eq!(ids(&result.fixed), ["b"]);
        assert_eq!(ids(&result.still_failing), ["c"]);
        assert_eq!(ids(&result.added), ["new"]);
        assert_eq!(ids(&result.removed), ["gone"]);
    }

    #[test]
    fn flaky_needs_a_flip_of_the_same_code_or_a_rerun_pass() {
        use Outcome::{Failed, Flaky, Passed};
        // One commit throughout; the code changes (c1, c2) and comes back (c1).
        let runs = [
            run(1, "c1", 0),
            run(2, "c1", 0),
            run(3, "c2", 0),
            run(4, "c2", 0),
            run(5, "c1", 0),
        ];
        let outcomes = [
            // Flips on c1 and again on c2.
            row(1, "coin", Passed),
            row(2, "coin", Failed),
            row(3, "coin", Passed),
            row(4, "coin", Failed),
            // Broke when the code changed, passed again when it came back: not a flake.
            row(1, "fixed-then-undone", Failed),
            row(2, "fixed-then-undone", Failed),
            row(3, "fixed-then-undone", Passed),
            row(4, "fixed-then-undone", Passed),
            row(5, "fixed-then-undone", Failed),
            // The same code failed in run 2 and passed in run 5, runs apart.
            row(2, "apart", Failed),
            row(3, "apart", Failed),
            row(5, "apart", Passed),
            row(4, "retried", Flaky),
        ];
        let found = flaky(&runs, &outcomes);
        let ids: Vec<&str> = found.iter().map(|f| f.nodeid.as_str()).collect();
        assert_eq!(ids, ["apart", "coin", "retried"]);
        assert_eq!((found[0].flips, found[0].flip_rate), (1, 1.0));
        assert_eq!((found[1].flips, found[1].flip_rate), (2, 1.0));
        assert_eq!(found[2].passed_on_rerun, 1);
    }

    #[test]
    fn runs_without_a_code_hash_are_never_compared() {
        use Outcome::{Failed, Flaky, Passed};
        let mut old = [run(1, "", 0), run(2, "", 0)];
        for run in &mut old {
            run.code_hash = None;
        }
        let outcomes = [
            row(1, "changed", Passed),
            row(2, "changed", Failed),
            row(2, "retried", Flaky),
        ];
        let found = flaky(&old, &outcomes);
        let ids: Vec<&str> = found.iter().map(|f| f.nodeid.as_str()).collect();
        assert_eq!(ids, ["retried"], "a pass on rerun is still evidence");
    }

    #[test]
    fn progress_counts_fixed_and_newly_broken_against_the_baseline() {
        use Outcome::{Failed, Passed};
        let runs = [run(5, "a", 2), run(6, "b", 2), run(7, "c", 0), run(8, "d", 0)];
        // Run 8 ran a subset without x and y: they are not fixed there.
        let tracked = [
            row(5, "x", Failed),
            row(5, "y", Failed),
            row(6, "x", Passed),
            row(6, "y", Failed),
            row(7, "x", Passed),
            row(7, "y", Passed),
        ];
        let failing = [
            row(5, "x", Failed),
            row(5, "y", Failed),
            row(6, "y", Failed),
            row(6, "z", Failed),
        ];
        let points = progress(&runs, &failing, &tracked);
        let summary: Vec<(i64, u32, u32, u32)> = points
            .iter()
            .map(|p| (p.run_id, p.failing, p.fixed, p.newly_broken))
            .collect();
        assert_eq!(summary, [(5, 2, 0, 0), (6, 2, 1, 1), (7, 0, 2, 0), (8, 0, 0, 0)]);
    }

    #[test]
    fn sparkline_maps_rates_to_bars() {
        assert_eq!(sparkline(&[Some(0.0), Some(0.5), Some(1.0), None]), "▁▅█ ");
    }
}
