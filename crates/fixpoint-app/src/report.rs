//! `fixpoint report` and `fixpoint docs`: a run's [`Report`] gathered from
//! the history (results, trend, patterns over time, flaky tests), triage,
//! the journal and the repair attempts, and the test-health documentation
//! written from it.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use fixpoint_core::{Outcome, TestResult};
use fixpoint_fix::journal::{Manifest, State, hash, write_atomically};
use fixpoint_report::docs::{Guideline, PatternStatus, SeenPattern};
use fixpoint_report::{
    ComparisonEntry, FixEntry, FlakyEntry, PatternEntry, PatternTrendRow, Report, RunSummary, SCHEMA_VERSION,
    SlowEntry, SlowdownEntry, TestEntry, TrendPoint,
};
use fixpoint_store::slowdown::{Detector, Method};
use fixpoint_store::{AttemptRow, OutcomeFilter, RunRow, Store, analysis};
use fixpoint_triage::{CATALOG, Pattern, Remedy, Suggestion, Triage};

use crate::store::resolve_run;
use crate::{AppError, Project, fix};

/// Whole-suite runs the trend goes back over.
const TREND_RUNS: usize = 50;
/// Runs the flaky-test analysis looks at.
const FLAKY_WINDOW: usize = 20;

/// The report of run `reference` (`latest`, an id, `latest~N`), its
/// slowdowns found by the default detector.
pub fn build(store: &mut dyn Store, project: &Project, reference: &str) -> Result<Report, AppError> {
    build_with(store, project, reference, Some(&Detector::new(Method::DEFAULT)))
}

/// [`build`] with the slowdowns `detector` finds (`ci`'s flags), or none:
/// reading 200 runs of durations is most of a report's time on a long
/// history, wasted on a caller that shows only the failures.
pub fn build_with(
    store: &mut dyn Store,
    project: &Project,
    reference: &str,
    detector: Option<&Detector>,
) -> Result<Report, AppError> {
    let run = resolve_run(store, reference)?;
    let tests: Vec<TestResult> = store.results(run.id)?.into_iter().map(TestResult::from).collect();
    let triage = crate::triage::triage_results(project, &tests);

    let mut whole: Vec<RunRow> = store
        .runs(TREND_RUNS * 4)?
        .into_iter()
        .filter(|r| r.id <= run.id && (r.is_whole_suite() || r.id == run.id))
        .take(TREND_RUNS)
        .collect();
    whole.reverse();
    let trend: Vec<TrendPoint> = whole
        .iter()
        .map(|r| TrendPoint {
            run_id: r.id,
            started_at: r.started_at.clone(),
            git_commit: r.git_commit.clone(),
            total: r.counts.total,
            passed: r.counts.passed,
            failing: r.counts.failing(),
            pass_rate: r.counts.pass_rate(),
        })
        .collect();
    let baseline = whole.first().filter(|first| first.id != run.id).map(summary);
    let pattern_trend = pattern_trend(store, &whole)?;
    let comparison = match whole.iter().rev().nth(1) {
        Some(before) => {
            let base = store.outcomes(&[before.id], OutcomeFilter::All)?;
            let head = store.outcomes(&[run.id], OutcomeFilter::All)?;
            let compared = analysis::compare(before.id, run.id, &base, &head);
            Some(ComparisonEntry {
                base_run: before.id,
                new_failures: compared.new_failures.into_iter().map(|c| c.nodeid).collect(),
                fixed: compared.fixed.into_iter().map(|c| c.nodeid).collect(),
            })
        }
        None => None,
    };
    let flaky = crate::history::flaky(store, FLAKY_WINDOW)?
        .into_iter()
        .map(|f| FlakyEntry {
            nodeid: f.nodeid,
            runs: f.runs,
            flips: f.flips,
            passed_on_rerun: f.passed_on_rerun,
        })
        .collect();
    let attempts = store.attempts(None, 10_000)?;
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("fixpoint {}", env!("CARGO_PKG_VERSION")),
        project: project_name(project),
        run: summary(&run),
        baseline,
        trend,
        patterns: triage.patterns.iter().map(pattern_entry).collect(),
        pattern_trend,
        tests: tests.iter().map(|t| test_entry(t, &triage)).collect(),
        fixes: fixes(project, &attempts)?,
        flaky,
        comparison,
        slowest: slowest(&tests),
        slowdowns: match detector {
            Some(detector) => slowdown_entries(crate::slow::slowdowns(store, detector, Some(run.id))?),
            None => Vec::new(),
        },
    })
}

/// Tests of a report's slowest list.
const SLOWEST: usize = 10;

/// The run's slowest tests (collection errors have no time of their own).
fn slowest(tests: &[TestResult]) -> Vec<SlowEntry> {
    let total: f64 = tests.iter().map(|test| test.duration).sum();
    let mut timed: Vec<&TestResult> = tests
        .iter()
        .filter(|test| test.phase != Some(fixpoint_core::Phase::Collection))
        .collect();
    timed.sort_by(|a, b| b.duration.total_cmp(&a.duration).then_with(|| a.nodeid.cmp(&b.nodeid)));
    timed
        .into_iter()
        .take(SLOWEST)
        .map(|test| SlowEntry {
            nodeid: test.nodeid.clone(),
            duration: test.duration,
            share: if total > 0.0 { test.duration / total } else { 0.0 },
            cpu_time: test.cpu_time,
            peak_rss: test.peak_rss,
        })
        .collect()
}

/// The detector's findings as the report carries them.
pub fn slowdown_entries(found: Vec<fixpoint_store::slowdown::Slowdown>) -> Vec<SlowdownEntry> {
    found
        .into_iter()
        .map(|slow| SlowdownEntry {
            nodeid: slow.nodeid,
            run_id: slow.run_id,
            before_median: slow.before_median,
            after_median: slow.after_median,
            score: slow.score,
            method: slow.method.as_str().to_owned(),
        })
        .collect()
}

fn project_name(project: &Project) -> String {
    project.root.file_name().map_or_else(
        || project.root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn summary(run: &RunRow) -> RunSummary {
    RunSummary {
        id: run.id,
        started_at: run.started_at.clone(),
        duration: run.duration,
        git_commit: run.git_commit.clone(),
        git_branch: run.git_branch.clone(),
        host: run.host.clone(),
        counts: run.counts,
        pass_rate: run.counts.pass_rate(),
    }
}

/// How a pattern is fixed, in words, honest about what is built.
pub fn fix_words(fix: &Suggestion) -> String {
    match (fix.code, fix.kind) {
        (Some(code), _) => format!(
            "batch fix {code} ({}){}",
            fix.fixer.unwrap_or_default(),
            if fix.available { "" } else { ", not built yet" }
        ),
        (None, "repair") => "code change (repair loop)".to_owned(),
        (None, "migrate") => format!("migration (`{}`)", fix.command.as_deref().unwrap_or_default()),
        _ => "manual".to_owned(),
    }
}

fn pattern_entry(pattern: &Pattern) -> PatternEntry {
    PatternEntry {
        id: pattern.id.clone(),
        category: pattern.category.to_owned(),
        title: pattern.title.to_owned(),
        explanation: pattern.explanation.to_owned(),
        message: pattern.message.clone(),
        blast_radius: pattern.blast_radius,
        failures: pattern.failures.clone(),
        location: pattern.location.as_ref().map(|f| format!("{}:{}", f.path, f.line)),
        fix: fix_words(&pattern.fix),
        fixer: pattern.fix.code.map(str::to_owned),
        manual: pattern.fix.manual.to_owned(),
        traceback: pattern.traceback.clone(),
    }
}

fn test_entry(test: &TestResult, triage: &Triage) -> TestEntry {
    let verdict = triage.verdict(&test.nodeid);
    let message = match test.outcome {
        // A skip's reason is the last part of pytest's `(path, line, reason)`.
        Outcome::Skipped | Outcome::XFailed => test
            .message
            .clone()
            .or_else(|| test.longrepr.as_ref().map(|l| skip_reason(l))),
        _ => test.message.clone(),
    };
    let crash = test.crash.as_ref();
    TestEntry {
        nodeid: test.nodeid.clone(),
        path: test.path.clone(),
        outcome: test.outcome,
        duration: test.duration,
        cpu_time: test.cpu_time,
        peak_rss: test.peak_rss,
        message,
        exception_type: test.exception_type.clone(),
        traceback: test.longrepr.clone(),
        crash_path: crash.map(|c| c.path.clone()),
        crash_line: crash.and_then(|c| c.line),
        category: verdict.map(|v| v.category.to_owned()),
        pattern: verdict.map(|v| v.pattern.clone()),
    }
}

fn skip_reason(longrepr: &str) -> String {
    let text = longrepr.trim();
    text.rsplit_once(", '")
        .map_or(text, |(_, reason)| reason)
        .trim_end_matches(')')
        .trim_end_matches(['\'', '"'])
        .trim_start_matches("Skipped: ")
        .to_owned()
}

/// Tests each pattern took down per whole-suite run, largest now first.
fn pattern_trend(store: &mut dyn Store, runs: &[RunRow]) -> Result<Vec<PatternTrendRow>, AppError> {
    let ids: Vec<i64> = runs.iter().map(|r| r.id).collect();
    let mut rows: Vec<PatternTrendRow> = Vec::new();
    for row in store.patterns(&ids)? {
        let column = ids.iter().position(|id| *id == row.run_id).unwrap_or(0);
        let at = if let Some(at) = rows.iter().position(|r| r.pattern == row.pattern) {
            at
        } else {
            rows.push(PatternTrendRow {
                pattern: row.pattern.clone(),
                title: row.title.clone(),
                blast_radius: vec![0; ids.len()],
            });
            rows.len() - 1
        };
        rows[at].blast_radius[column] = row.blast_radius;
    }
    let last = |r: &PatternTrendRow| r.blast_radius.last().copied().unwrap_or(0);
    let total = |r: &PatternTrendRow| r.blast_radius.iter().sum::<u32>();
    rows.sort_by(|a, b| {
        last(b)
            .cmp(&last(a))
            .then_with(|| total(b).cmp(&total(a)))
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    Ok(rows)
}

/// Every change in the journal, newest first: batch fixes whatever became
/// of them, repairs only when they were kept (a reverted attempt is in
/// `fixpoint attempts`, not among the fixes).
fn fixes(project: &Project, attempts: &[AttemptRow]) -> Result<Vec<FixEntry>, AppError> {
    let by_journal: HashMap<&str, &AttemptRow> = attempts
        .iter()
        .filter_map(|a| a.journal_id.as_deref().map(|id| (id, a)))
        .collect();
    let mut entries: Vec<FixEntry> = Vec::new();
    let mut manifests = fix::journal(project)?;
    manifests.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    for manifest in &manifests {
        let repair = manifest.files.iter().all(|f| f.codes.iter().any(|c| c == "repair"));
        let files: Vec<String> = manifest.files.iter().map(|f| f.path.clone()).collect();
        if repair {
            let Some(attempt) = by_journal.get(manifest.id.as_str()).filter(|a| a.verdict == "fixed") else {
                continue;
            };
            let (added, removed) = diff_stat(&attempt.diff);
            entries.push(FixEntry {
                at: manifest.created_at.clone(),
                kind: "repair".into(),
                by: format!("{} ({}), attempt {}", attempt.model, attempt.provider, attempt.attempt),
                files,
                journal_id: Some(manifest.id.clone()),
                state: state_name(manifest.state).into(),
                test: Some(attempt.nodeid.clone()),
                commit: attempt.git_commit.clone(),
                added,
                removed,
            });
        } else {
            let codes = manifest.codes();
            let (added, removed) = journal_diff_stat(project, manifest);
            entries.push(FixEntry {
                at: manifest.created_at.clone(),
                kind: "fixer".into(),
                by: codes.join(", "),
                files,
                journal_id: Some(manifest.id.clone()),
                state: state_name(manifest.state).into(),
                test: None,
                commit: None,
                added,
                removed,
            });
        }
    }
    Ok(entries)
}

fn state_name(state: State) -> &'static str {
    match state {
        State::Open => "open",
        State::Complete => "complete",
        State::Undone => "undone",
    }
}

/// Lines added and removed by a unified diff.
fn diff_stat(diff: &str) -> (u32, u32) {
    diff.lines().fold((0, 0), |(added, removed), line| {
        if line.starts_with("+++") || line.starts_with("---") {
            (added, removed)
        } else if line.starts_with('+') {
            (added + 1, removed)
        } else if line.starts_with('-') {
            (added, removed + 1)
        } else {
            (added, removed)
        }
    })
}

/// A batch fix's size: its backups against the files, for files still as the
/// fix left them (afterwards the change cannot be told apart from later edits).
fn journal_diff_stat(project: &Project, manifest: &Manifest) -> (u32, u32) {
    let entry_dir = project.root.join(".fixpoint/journal").join(&manifest.id);
    let mut total = (0, 0);
    for file in &manifest.files {
        let Ok(now) = fs::read(project.root.join(&file.path)) else {
            continue;
        };
        if hash(&now) != file.after {
            continue;
        }
        let before = file
            .backup
            .as_ref()
            .and_then(|b| fs::read_to_string(entry_dir.join(b)).ok())
            .unwrap_or_default();
        let diff = fixpoint_fix::engine::unified_diff(&file.path, &before, &String::from_utf8_lossy(&now));
        let (added, removed) = diff_stat(&diff);
        total = (total.0 + added, total.1 + removed);
    }
    total
}

/// Every pattern the history has seen up to the report's run, and where
/// each stands in that run, from the same data REMAINING.md is written from:
/// the run's own patterns are open; any other is solved only when every test
/// it touched ran in the run and passed, and otherwise not run, skipped, or
/// failing under another pattern. Open ones first.
pub fn seen_patterns(store: &mut dyn Store, report: &Report) -> Result<Vec<SeenPattern>, AppError> {
    let latest = report.run.id;
    let ids: Vec<i64> = store
        .runs(10_000)?
        .into_iter()
        .map(|r| r.id)
        .filter(|id| *id <= latest)
        .collect();
    let attempts = store.attempts(None, 10_000)?;
    let explanation = |category: &str| {
        fixpoint_triage::catalog::category(category)
            .map(|c| c.explanation.to_owned())
            .unwrap_or_default()
    };
    let mut seen: BTreeMap<String, SeenPattern> = BTreeMap::new();
    for entry in &report.patterns {
        seen.insert(
            entry.id.clone(),
            SeenPattern {
                id: entry.id.clone(),
                category: entry.category.clone(),
                title: entry.title.clone(),
                explanation: entry.explanation.clone(),
                message: entry.message.clone(),
                first_run: latest,
                last_run: latest,
                peak: entry.blast_radius,
                status: PatternStatus::Open,
                solved_by: String::new(),
                fix: entry.fix.clone(),
                tests: entry.failures.clone(),
            },
        );
    }
    for row in store.patterns(&ids)? {
        let entry = seen.entry(row.pattern.clone()).or_insert_with(|| SeenPattern {
            id: row.pattern.clone(),
            category: row.category.clone(),
            title: row.title.clone(),
            explanation: explanation(&row.category),
            message: row.message.clone(),
            first_run: row.run_id,
            last_run: row.run_id,
            peak: 0,
            status: PatternStatus::NotRun,
            solved_by: String::new(),
            fix: fixpoint_triage::catalog::category(&row.category)
                .map(|c| fix_words(&Suggestion::for_pattern(c.fix, &row.pattern)))
                .unwrap_or_default(),
            tests: Vec::new(),
        });
        entry.first_run = entry.first_run.min(row.run_id);
        entry.last_run = entry.last_run.max(row.run_id);
        entry.peak = entry.peak.max(row.blast_radius);
    }
    // The tests of each pattern that is not open, from the last run it occurred in.
    let mut last_runs: Vec<i64> = seen
        .values()
        .filter(|p| p.status != PatternStatus::Open)
        .map(|p| p.last_run)
        .collect();
    last_runs.sort_unstable();
    last_runs.dedup();
    let verdicts = store.verdicts(&last_runs)?;
    for pattern in seen.values_mut().filter(|p| p.status != PatternStatus::Open) {
        pattern.tests = verdicts
            .iter()
            .filter(|v| v.run_id == pattern.last_run && v.pattern == pattern.id)
            .map(|v| v.nodeid.clone())
            .collect();
        pattern.status = status_in(&pattern.tests, report);
        if pattern.status == PatternStatus::Solved {
            pattern.solved_by = solved_by(pattern, &attempts, report);
        }
    }
    let mut list: Vec<SeenPattern> = seen.into_values().collect();
    list.sort_by(|a, b| {
        a.status
            .rank()
            .cmp(&b.status.rank())
            .then_with(|| b.last_run.cmp(&a.last_run))
            .then_with(|| b.peak.cmp(&a.peak))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(list)
}

/// Where a pattern that is not among the report's own stands, from its
/// tests' results in the report's run. A module that failed to collect
/// stands for the tests it holds once it collects.
fn status_in(tests: &[String], report: &Report) -> PatternStatus {
    let mut status = PatternStatus::Solved;
    if tests.is_empty() {
        return PatternStatus::NotRun;
    }
    for test in tests {
        let now: Vec<&TestEntry> = report
            .tests
            .iter()
            .filter(|t| t.nodeid == *test || (!test.contains("::") && t.path == *test))
            .collect();
        let this = if now.is_empty() {
            PatternStatus::NotRun
        } else if let Some(failing) = now.iter().find(|t| t.pattern.is_some()) {
            PatternStatus::Moved(failing.pattern.clone().unwrap_or_default())
        } else if now
            .iter()
            .any(|t| matches!(t.outcome, Outcome::Skipped | Outcome::XFailed))
        {
            PatternStatus::Skipped
        } else {
            PatternStatus::Solved
        };
        if this.rank() < status.rank() {
            status = this;
        }
    }
    status
}

/// How a pattern that is gone went away: a kept repair for it, a batch fix
/// of its category's fixer, or else by hand.
fn solved_by(pattern: &SeenPattern, attempts: &[AttemptRow], report: &Report) -> String {
    if let Some(attempt) = attempts.iter().find(|a| {
        a.verdict == "fixed" && (a.pattern.as_deref() == Some(&pattern.id) || pattern.tests.contains(&a.nodeid))
    }) {
        return format!("repair by {} (`{}`)", attempt.model, attempt.nodeid);
    }
    let fixer = CATALOG
        .iter()
        .find(|c| c.id == pattern.category)
        .and_then(|c| match c.fix {
            Remedy::Fixer { code, .. } => Some(code),
            _ => None,
        });
    if let Some(code) = fixer
        && report
            .fixes
            .iter()
            .any(|f| f.kind == "fixer" && f.state == "complete" && f.by.contains(code.id()))
    {
        return format!("batch fix {code} ({})", code.name());
    }
    "manual change".to_owned()
}

/// The guideline of every category that occurred.
pub fn guidelines(seen: &[SeenPattern]) -> Vec<Guideline> {
    let mut out: Vec<Guideline> = Vec::new();
    for category in CATALOG {
        let count = seen.iter().filter(|p| p.category == category.id).count() as u32;
        if count == 0 {
            continue;
        }
        out.push(Guideline {
            category: category.id.to_owned(),
            title: category.title.to_owned(),
            rule: fixpoint_triage::guidelines::guideline(category.id)
                .unwrap_or_default()
                .to_owned(),
            // Only a rule `fixpoint check` runs: FP008 and FP004 act on failures.
            check: match category.fix {
                Remedy::Fixer { code, .. } => code.check_command(),
                _ => None,
            },
            patterns: count,
        });
    }
    out
}

/// What `fixpoint docs` did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFile {
    pub path: PathBuf,
    pub changed: bool,
}

/// The latest run's report, every pattern the history has seen and the
/// guidelines for their categories: what the test-health documents and the
/// generated Cursor rules are made of.
pub struct Health {
    pub report: Report,
    pub seen: Vec<SeenPattern>,
    pub guidelines: Vec<Guideline>,
}

pub fn health(store: &mut dyn Store, project: &Project) -> Result<Health, AppError> {
    let report = build(store, project, "latest")?;
    let seen = seen_patterns(store, &report)?;
    let guidelines = guidelines(&seen);
    Ok(Health {
        report,
        seen,
        guidelines,
    })
}

/// The test-health documents (`fixpoint_report::docs::FILES`), rendered.
pub fn docs(store: &mut dyn Store, project: &Project) -> Result<BTreeMap<&'static str, String>, AppError> {
    let health = health(store, project)?;
    Ok(fixpoint_report::docs::render(
        &health.report,
        &health.seen,
        &health.guidelines,
    ))
}

/// Writes the documentation into `out` (relative to the project), each file
/// only when its content changed, atomically.
pub fn write_docs(store: &mut dyn Store, project: &Project, out: &Path) -> Result<Vec<DocFile>, AppError> {
    let files = docs(store, project)?;
    let policy = crate::paths::policy(project)?;
    let out = policy.relative(&out.to_string_lossy())?;
    let dir = policy.writable(&out)?;
    fs::create_dir_all(&dir).map_err(|e| AppError::io(format!("could not create {}", dir.display()), e))?;
    let mut written = Vec::new();
    for (name, content) in files {
        let path = policy.writable(&format!("{out}/{name}"))?;
        let changed = fs::read(&path).map_or(true, |old| old != content.as_bytes());
        if changed {
            write_atomically(&path, content.as_bytes())?;
        }
        written.push(DocFile { path, changed });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_diff_lines() {
        let diff = "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a\n+b\n+c\n d\n";
        assert_eq!(diff_stat(diff), (2, 1));
    }

    #[test]
    fn reads_skip_reasons() {
        assert_eq!(
            skip_reason("('tests/test_a.py', 3, 'Skipped: needs a GPU')"),
            "needs a GPU"
        );
        assert_eq!(skip_reason("needs a GPU"), "needs a GPU");
    }
}
