//! The triage use cases: a run's failures as ranked root-cause patterns,
//! one failure explained, and how each pattern changed over the history.

pub mod render;

use fixpoint_core::{Run, TestResult};
use fixpoint_store::{PatternRow, RunRow, Store, TriageRows, VerdictRow};
use fixpoint_triage::{Pattern, ProjectIndex, Triage};
use serde::Serialize;

use crate::store::resolve_run;
use crate::{AppError, Project};

/// Triages a run's results with the project's sources at hand.
/// Tests over `slow-test-seconds` or `memory-limit-mb` are flagged beside
/// the failures.
pub fn triage_results(project: &Project, tests: &[TestResult]) -> Triage {
    let mut triage = fixpoint_triage::triage(
        tests,
        &ProjectIndex::from_sources(&fixpoint_python::read_project(&project.root)),
    );
    let limits = fixpoint_triage::Limits {
        slow_test_seconds: project.settings.slow_test_seconds,
        memory_limit_mb: project.settings.memory_limit_mb,
    };
    triage.over_limits = fixpoint_triage::limits::over_limits(tests, &limits);
    triage
}

/// What is stored with a run, so that history can follow each pattern.
pub fn rows_of(triage: &Triage) -> TriageRows {
    TriageRows {
        patterns: triage
            .patterns
            .iter()
            .map(|pattern| PatternRow {
                run_id: 0,
                pattern: pattern.id.clone(),
                category: pattern.category.to_owned(),
                title: pattern.title.to_owned(),
                message: pattern.message.clone(),
                failures: pattern.failures.len() as u32,
                blast_radius: pattern.blast_radius,
            })
            .collect(),
        verdicts: triage
            .verdicts
            .iter()
            .map(|verdict| VerdictRow {
                run_id: 0,
                nodeid: verdict.nodeid.clone(),
                category: verdict.category.to_owned(),
                pattern: verdict.pattern.clone(),
            })
            .collect(),
    }
}

/// Triage of a recorded run.
pub fn triage_run(store: &mut dyn Store, project: &Project, reference: &str) -> Result<(RunRow, Triage), AppError> {
    let run = resolve_run(store, reference)?;
    let tests: Vec<TestResult> = store.results(run.id)?.into_iter().map(TestResult::from).collect();
    Ok((run, triage_results(project, &tests)))
}

/// Triage of a run that was just made (not yet recorded).
pub fn triage_fresh(project: &Project, run: &Run) -> Triage {
    triage_results(project, &run.tests)
}

/// `fixpoint explain NODEID`.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub nodeid: String,
    pub run_id: i64,
    pub outcome: fixpoint_core::Outcome,
    pub category: &'static str,
    pub pattern: Pattern,
    /// The other failures with the same root cause.
    pub related: Vec<String>,
}

pub fn explain(
    store: &mut dyn Store,
    project: &Project,
    nodeid: &str,
    reference: &str,
) -> Result<Explanation, AppError> {
    let (run, triage) = triage_run(store, project, reference)?;
    let verdict = triage.verdict(nodeid).ok_or_else(|| {
        AppError::Usage(format!(
            "`{nodeid}` did not fail in run {}: `fixpoint show {}` lists its failures",
            run.id, run.id
        ))
    })?;
    let pattern = triage
        .pattern(&verdict.pattern)
        .cloned()
        .expect("every verdict names a pattern of its triage");
    let related = pattern.failures.iter().filter(|id| *id != nodeid).cloned().collect();
    let outcome = store
        .results(run.id)?
        .into_iter()
        .find(|result| result.nodeid == nodeid)
        .map_or(fixpoint_core::Outcome::Failed, |result| result.outcome);
    Ok(Explanation {
        nodeid: nodeid.to_owned(),
        run_id: run.id,
        outcome,
        category: verdict.category,
        pattern,
        related,
    })
}

/// One pattern across the newest runs.
#[derive(Debug, Clone, Serialize)]
pub struct PatternTrend {
    pub pattern: String,
    pub category: String,
    pub title: String,
    pub message: String,
    /// Tests affected in each run, oldest first (0 where it did not occur).
    pub blast_radius: Vec<u32>,
}

/// `fixpoint history --patterns`: how each pattern grew or shrank.
#[derive(Debug, Clone, Serialize)]
pub struct PatternHistory {
    /// Run ids, oldest first.
    pub runs: Vec<i64>,
    /// Patterns of the newest run first (largest first), then those that are gone.
    pub patterns: Vec<PatternTrend>,
}

pub fn pattern_history(store: &mut dyn Store, limit: usize) -> Result<PatternHistory, AppError> {
    let mut runs: Vec<i64> = store.runs(limit)?.into_iter().map(|run| run.id).collect();
    runs.reverse();
    let rows = store.patterns(&runs)?;
    let mut trends: Vec<PatternTrend> = Vec::new();
    for row in &rows {
        let column = runs.iter().position(|id| *id == row.run_id).unwrap_or(0);
        let at = if let Some(at) = trends.iter().position(|trend| trend.pattern == row.pattern) {
            at
        } else {
            trends.push(PatternTrend {
                pattern: row.pattern.clone(),
                category: row.category.clone(),
                title: row.title.clone(),
                message: row.message.clone(),
                blast_radius: vec![0; runs.len()],
            });
            trends.len() - 1
        };
        trends[at].blast_radius[column] = row.blast_radius;
    }
    let last = |trend: &PatternTrend| trend.blast_radius.last().copied().unwrap_or(0);
    trends.sort_by(|a, b| {
        last(b)
            .cmp(&last(a))
            .then_with(|| {
                b.blast_radius
                    .iter()
                    .sum::<u32>()
                    .cmp(&a.blast_radius.iter().sum::<u32>())
            })
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    Ok(PatternHistory { runs, patterns: trends })
}
