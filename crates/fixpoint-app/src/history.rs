//! What the history shows: `history`, `show`, `compare`, `test`, `flaky`
//! and `progress`. Opening it is [`crate::store`]'s, recording a run
//! [`crate::record`]'s.

use fixpoint_store::analysis::{self, Comparison, FlakyTest, ProgressPoint};
use fixpoint_store::{OutcomeFilter, ResultRow, RunRow, Store};
use serde::Serialize;

use crate::AppError;
use crate::store::resolve_run;

/// A run in `fixpoint history`.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub run: RunRow,
    pub pass_rate: Option<f64>,
}

/// The newest runs, newest first, and the pass-rate sparkline (oldest first).
pub fn history(store: &mut dyn Store, limit: usize) -> Result<(Vec<HistoryEntry>, String), AppError> {
    let entries: Vec<HistoryEntry> = store
        .runs(limit)?
        .into_iter()
        .map(|run| HistoryEntry {
            pass_rate: run.counts.pass_rate(),
            run,
        })
        .collect();
    let rates: Vec<Option<f64>> = entries.iter().rev().map(|entry| entry.pass_rate).collect();
    Ok((entries, analysis::sparkline(&rates)))
}

/// One run with its results, failures first (then the run's order).
pub fn show(store: &mut dyn Store, reference: &str) -> Result<(RunRow, Vec<ResultRow>), AppError> {
    let run = resolve_run(store, reference)?;
    let mut results = store.results(run.id)?;
    results.sort_by_key(|result| !result.outcome.is_failing());
    Ok((run, results))
}

/// How far back `compare` looks for a run of the same tests as the latest.
const COMPARABLE_WINDOW: usize = 50;

/// `fixpoint compare [A] [B]`: by default the latest run and the latest before it that
/// ran the same selection (the run just before, when none did).
pub fn compare(store: &mut dyn Store, base: Option<&str>, head: Option<&str>) -> Result<Comparison, AppError> {
    let (base, head) = match (base, head) {
        (Some(base), Some(head)) => (resolve_run(store, base)?, resolve_run(store, head)?),
        (Some(base), None) => (resolve_run(store, base)?, resolve_run(store, "latest")?),
        _ => {
            // The latest run against the one before it that ran the same
            // tests: after `fix`, the run before the latest is often its
            // verification, a few tests only, and every other test would
            // look added.
            let runs = store.runs(COMPARABLE_WINDOW)?;
            match runs.as_slice() {
                [] => return Err(AppError::NoRuns),
                [_] => return Err(AppError::Usage("the history holds one run: compare needs two".into())),
                [head, earlier @ ..] => {
                    let same = |run: &&RunRow| {
                        run.selection == head.selection && run.group == head.group && run.shard == head.shard
                    };
                    let base = earlier.iter().find(same).unwrap_or(&earlier[0]);
                    (base.clone(), head.clone())
                }
            }
        }
    };
    let before = store.outcomes(&[base.id], OutcomeFilter::All)?;
    let after = store.outcomes(&[head.id], OutcomeFilter::All)?;
    let mut comparison = analysis::compare(base.id, head.id, &before, &after);
    if head.left_out > 0 {
        // Which tests the budget left out is not stored, only how many: a
        // test missing from such a run may have been left out, not removed.
        comparison.removed.clear();
        comparison.left_out = head.left_out;
    }
    Ok(comparison)
}

/// One test across runs.
#[derive(Debug, Clone, Serialize)]
pub struct TestHistory {
    pub nodeid: String,
    pub entries: Vec<TestHistoryEntry>,
    /// The run that started the current failing streak, if it is failing now.
    pub failing_since: Option<TestHistoryEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestHistoryEntry {
    pub run_id: i64,
    pub started_at: String,
    pub git_commit: Option<String>,
    pub outcome: fixpoint_core::Outcome,
    pub duration: f64,
    /// CPU seconds and peak resident bytes, where the run measured them.
    pub cpu_time: Option<f64>,
    pub peak_rss: Option<u64>,
    pub message: Option<String>,
}

pub fn test_history(store: &mut dyn Store, nodeid: &str, limit: usize) -> Result<TestHistory, AppError> {
    let rows = store.test_history(nodeid, limit)?;
    if rows.is_empty() {
        return Err(AppError::Usage(format!(
            "`{nodeid}` is not in the history: check the node id with `fixpoint show`"
        )));
    }
    let entry = |(run, result): &(RunRow, ResultRow)| TestHistoryEntry {
        run_id: run.id,
        started_at: run.started_at.clone(),
        git_commit: run.git_commit.clone(),
        outcome: result.outcome,
        duration: result.duration,
        cpu_time: result.cpu_time,
        peak_rss: result.peak_rss,
        message: result.message.clone(),
    };
    let failing_since = analysis::first_failing(&rows)
        .and_then(|run| rows.iter().find(|(r, _)| r.id == run.id))
        .map(entry);
    Ok(TestHistory {
        nodeid: nodeid.to_owned(),
        entries: rows.iter().map(entry).collect(),
        failing_since,
    })
}

/// Flaky tests over the newest `window` runs.
pub fn flaky(store: &mut dyn Store, window: usize) -> Result<Vec<FlakyTest>, AppError> {
    let runs = store.runs(window)?;
    let ids: Vec<i64> = runs.iter().map(|run| run.id).collect();
    let outcomes = store.outcomes(&ids, OutcomeFilter::All)?;
    Ok(analysis::flaky(&runs, &outcomes))
}

/// The road to green since `baseline` (default: the oldest run).
pub fn progress(store: &mut dyn Store, baseline: Option<&str>) -> Result<Vec<ProgressPoint>, AppError> {
    let first = match baseline {
        Some(reference) => resolve_run(store, reference)?.id,
        None => 0,
    };
    let runs = store.runs_since(first)?;
    if runs.is_empty() {
        return Err(AppError::NoRuns);
    }
    let ids: Vec<i64> = runs.iter().map(|run| run.id).collect();
    let failing = store.outcomes(&ids, OutcomeFilter::Failing)?;
    let baseline: Vec<String> = failing
        .iter()
        .filter(|row| row.run_id == ids[0])
        .map(|row| row.nodeid.clone())
        .collect();
    let tracked = store.outcomes(&ids, OutcomeFilter::Tests(&baseline))?;
    Ok(analysis::progress(&runs, &failing, &tracked))
}
