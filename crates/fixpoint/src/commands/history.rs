//! `history`, `show`, `compare`, `test`, `flaky`, `progress`: views of the
//! recorded runs as tables for people or JSON for tools.

use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_app::history::{self, HistoryEntry};
use fixpoint_store::Store;
use fixpoint_store::analysis::Change;
use serde_json::json;

use fixpoint_report::count;

use super::print_json;
use crate::ExitStatus;
use crate::cli::{CompareArgs, FlakyArgs, GlobalArgs, HistoryArgs, OutputFormat, ProgressArgs, ShowArgs, TestArgs};

pub(super) fn store(global: &GlobalArgs) -> anyhow::Result<Box<dyn Store>> {
    let project = Project::open(global.project.as_deref())?;
    Ok(fixpoint_app::store::open_store(&project, global.db.as_deref())?)
}

pub(super) fn short(commit: Option<&str>) -> &str {
    commit.map_or("-", |c| &c[..c.len().min(8)])
}

fn when(timestamp: &str) -> String {
    timestamp.get(..19).unwrap_or(timestamp).replace('T', " ")
}

fn rate(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

pub fn history(global: &GlobalArgs, args: &HistoryArgs) -> anyhow::Result<ExitStatus> {
    let mut store = store(global)?;
    if args.patterns {
        return super::triage::pattern_history(store.as_mut(), args);
    }
    let (entries, trend) = history::history(store.as_mut(), args.limit)?;
    if args.output_format == OutputFormat::Json {
        print_json(&json!({ "runs": entries, "trend": trend }))?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    if entries.is_empty() {
        writeln!(out, "No runs recorded yet: `fixpoint run` records one.")?;
        return Ok(ExitStatus::Success);
    }
    writeln!(
        out,
        "{:>5}  {:<19}  {:<8}  {:<12}  {:>6}  {:>6}  {:>6}  {:>5}  {:>6}  {:>7}  {:>8}",
        "RUN", "STARTED", "COMMIT", "BRANCH", "TESTS", "PASS", "FAIL", "ERR", "OTHER", "RATE", "TIME"
    )?;
    for HistoryEntry { run, pass_rate } in &entries {
        let c = &run.counts;
        let other = c.total - c.passed - c.failed - c.error;
        let branch = run.git_branch.as_deref().unwrap_or("-");
        let mut shard = run.shard.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
        if run.left_out > 0 {
            // Not the suite's state: its rate is of the tests the budget kept.
            shard = format!("{shard} [budget: {} left out]", run.left_out);
        }
        writeln!(
            out,
            "{:>5}  {:<19}  {:<8}  {:<12}  {:>6}  {:>6}  {:>6}  {:>5}  {:>6}  {:>7}  {:>7.1}s{shard}",
            run.id,
            when(&run.started_at),
            short(run.git_commit.as_deref()),
            branch.get(..branch.len().min(12)).unwrap_or(branch),
            c.total,
            c.passed,
            c.failed,
            c.error,
            other,
            rate(*pass_rate),
            run.duration
        )?;
    }
    writeln!(out, "pass rate, oldest to newest: {trend}")?;
    Ok(ExitStatus::Success)
}

pub fn show(global: &GlobalArgs, args: &ShowArgs) -> anyhow::Result<ExitStatus> {
    let mut store = store(global)?;
    let (run, results) = history::show(store.as_mut(), &args.run)?;
    if args.output_format == OutputFormat::Json {
        print_json(&json!({ "run": run, "results": results }))?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "Run {} at {} on {} ({}){}",
        run.id,
        when(&run.started_at),
        short(run.git_commit.as_deref()),
        run.source,
        run.shard.as_deref().map(|s| format!(", shard {s}")).unwrap_or_default()
    )?;
    if let Some(order) = &run.order {
        writeln!(out, "order: {order}")?;
    }
    if run.left_out > 0 {
        writeln!(out, "--budget left out {}", count(run.left_out as usize, "test"))?;
    }
    for result in &results {
        let message = result.message.as_deref().map(|m| format!(" - {m}")).unwrap_or_default();
        writeln!(
            out,
            "{:<8} {}{message}",
            result.outcome.as_str().to_uppercase(),
            result.nodeid
        )?;
    }
    writeln!(out, "{}", run.counts.summary(run.duration))?;
    Ok(ExitStatus::Success)
}

fn changes(out: &mut impl Write, title: &str, changes: &[Change]) -> io::Result<()> {
    writeln!(out, "{title} ({})", changes.len())?;
    let name = |outcome: Option<fixpoint_core::Outcome>| outcome.map_or("-", fixpoint_core::Outcome::as_str);
    for change in changes {
        writeln!(
            out,
            "  {}  ({} -> {})",
            change.nodeid,
            name(change.before),
            name(change.after)
        )?;
    }
    Ok(())
}

pub fn compare(global: &GlobalArgs, args: &CompareArgs) -> anyhow::Result<ExitStatus> {
    let mut store = store(global)?;
    let comparison = history::compare(store.as_mut(), args.base.as_deref(), args.head.as_deref())?;
    if args.output_format == OutputFormat::Json {
        print_json(&comparison)?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    writeln!(out, "Run {} -> run {}", comparison.base, comparison.head)?;
    changes(&mut out, "New failures", &comparison.new_failures)?;
    changes(&mut out, "Fixed", &comparison.fixed)?;
    changes(&mut out, "Still failing", &comparison.still_failing)?;
    changes(&mut out, "New tests", &comparison.added)?;
    changes(&mut out, "Removed tests", &comparison.removed)?;
    if comparison.left_out > 0 {
        writeln!(
            out,
            "{} left out by run {}'s --budget: not compared",
            count(comparison.left_out as usize, "test"),
            comparison.head
        )?;
    }
    Ok(ExitStatus::Success)
}

pub fn test(global: &GlobalArgs, args: &TestArgs) -> anyhow::Result<ExitStatus> {
    let mut store = store(global)?;
    let found = history::test_history(store.as_mut(), &args.nodeid, args.limit)?;
    if args.output_format == OutputFormat::Json {
        print_json(&found)?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    writeln!(out, "{}", found.nodeid)?;
    writeln!(
        out,
        "{:>5}  {:<19}  {:<8}  {:<8}  {:>9}  {:>8}  {:>9}  MESSAGE",
        "RUN", "STARTED", "COMMIT", "OUTCOME", "DURATION", "CPU", "PEAK MEM"
    )?;
    for entry in &found.entries {
        writeln!(
            out,
            "{:>5}  {:<19}  {:<8}  {:<8}  {:>8.3}s  {:>8}  {:>9}  {}",
            entry.run_id,
            when(&entry.started_at),
            short(entry.git_commit.as_deref()),
            entry.outcome.as_str(),
            entry.duration,
            entry
                .cpu_time
                .map_or_else(|| "-".to_owned(), |cpu| format!("{cpu:.3}s")),
            entry
                .peak_rss
                .map_or_else(|| "-".to_owned(), fixpoint_report::megabytes),
            entry.message.as_deref().unwrap_or("")
        )?;
    }
    match &found.failing_since {
        Some(first) => writeln!(
            out,
            "failing since run {} (commit {}, {})",
            first.run_id,
            short(first.git_commit.as_deref()),
            when(&first.started_at)
        )?,
        None => writeln!(out, "not failing in its latest run")?,
    }
    Ok(ExitStatus::Success)
}

pub fn flaky(global: &GlobalArgs, args: &FlakyArgs) -> anyhow::Result<ExitStatus> {
    let mut store = store(global)?;
    let found = history::flaky(store.as_mut(), args.window)?;
    if args.output_format == OutputFormat::Json {
        print_json(&json!({ "window": args.window, "tests": found }))?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    if found.is_empty() {
        writeln!(out, "No flaky tests in the last {} runs.", args.window)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(
        out,
        "{:>9}  {:>5}  {:>12}  {:>4}  {:<8}  TEST",
        "FLIP RATE", "FLIPS", "RERUN PASSES", "RUNS", "LAST"
    )?;
    for test in &found {
        writeln!(
            out,
            "{:>9}  {:>5}  {:>12}  {:>4}  {:<8}  {}",
            rate(Some(test.flip_rate)),
            test.flips,
            test.passed_on_rerun,
            test.runs,
            test.last_outcome.as_str(),
            test.nodeid
        )?;
    }
    Ok(ExitStatus::Success)
}

pub fn progress(global: &GlobalArgs, args: &ProgressArgs) -> anyhow::Result<ExitStatus> {
    let mut store = store(global)?;
    let points = history::progress(store.as_mut(), args.baseline.as_deref())?;
    if args.output_format == OutputFormat::Json {
        print_json(&json!({ "baseline": points.first().map(|p| p.run_id), "runs": points }))?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    let widest = points.iter().map(|p| p.failing).max().unwrap_or(0).max(1);
    writeln!(
        out,
        "{:>5}  {:<19}  {:<8}  {:>7}  {:>5}  {:>12}  FAILING",
        "RUN", "STARTED", "COMMIT", "FAILING", "FIXED", "NEWLY BROKEN"
    )?;
    for point in &points {
        let bar = "█".repeat(((f64::from(point.failing) / f64::from(widest)) * 30.0).round() as usize);
        writeln!(
            out,
            "{:>5}  {:<19}  {:<8}  {:>7}  {:>5}  {:>12}  {bar}",
            point.run_id,
            when(&point.started_at),
            short(point.git_commit.as_deref()),
            point.failing,
            point.fixed,
            point.newly_broken
        )?;
    }
    Ok(ExitStatus::Success)
}
