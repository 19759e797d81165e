//! The Markdown report (also the GitHub job summary) and the terminal text
//! report, which says the same in fewer lines.

use std::fmt::Write as _;

use crate::model::{Report, percent};

/// The whole report in Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let run = &report.run;
    let _ = writeln!(out, "# Test health: {}\n", report.project);
    let _ = writeln!(
        out,
        "Run #{} of {}{}: **{}**, pass rate **{}**.\n",
        run.id,
        run.started_at.get(..19).unwrap_or(&run.started_at).replace('T', " "),
        run.git_commit
            .as_deref()
            .map(|c| format!(" at `{}`", c.get(..10).unwrap_or(c)))
            .unwrap_or_default(),
        run.counts.summary(run.duration),
        percent(run.pass_rate)
    );
    if let (Some(baseline), Some(first)) = (&report.baseline, report.trend.first()) {
        let _ = writeln!(
            out,
            "Since run #{} (the baseline): failing {} → {}, pass rate {} → {} over {} runs.\n",
            baseline.id,
            first.failing,
            run.counts.failing(),
            percent(first.pass_rate),
            percent(run.pass_rate),
            report.trend.len()
        );
    }
    if let Some(comparison) = &report.comparison {
        let _ = writeln!(
            out,
            "Against run #{}: {} new failures, {} fixed.\n",
            comparison.base_run,
            comparison.new_failures.len(),
            comparison.fixed.len()
        );
        for nodeid in &comparison.new_failures {
            let _ = writeln!(out, "- new failure: `{nodeid}`");
        }
        if !comparison.new_failures.is_empty() {
            out.push('\n');
        }
    }

    let _ = writeln!(out, "## Patterns\n");
    if report.patterns.is_empty() {
        let _ = writeln!(out, "No failures.\n");
    } else {
        let _ = writeln!(out, "| pattern | category | tests | cause | fix |");
        let _ = writeln!(out, "| --- | --- | ---: | --- | --- |");
        for pattern in &report.patterns {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                pattern.id,
                pattern.category,
                pattern.blast_radius,
                cell(&pattern.message),
                cell(&pattern.fix)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Fixes applied\n");
    if report.fixes.is_empty() {
        let _ = writeln!(out, "None yet.\n");
    } else {
        let _ = writeln!(out, "| when | kind | by | files | state |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for fix in &report.fixes {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {}{} |",
                fix.at.get(..16).unwrap_or(&fix.at).replace('T', " "),
                fix.kind,
                cell(&fix.by),
                cell(&fix.files.join(", ")),
                fix.state,
                fix.test.as_deref().map(|t| format!(" (`{t}`)")).unwrap_or_default()
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Remaining failures\n");
    let mut any = false;
    for test in report.failures() {
        any = true;
        let _ = writeln!(
            out,
            "- `{}` {}: {}{}",
            test.nodeid,
            test.outcome,
            cell(test.message.as_deref().unwrap_or("")),
            test.pattern
                .as_deref()
                .map(|p| format!(" (pattern `{p}`)"))
                .unwrap_or_default()
        );
    }
    if !any {
        let _ = writeln!(out, "None.");
    }
    out.push('\n');

    let skipped: Vec<_> = report.skipped().collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "## Skipped\n");
        for test in skipped {
            let _ = writeln!(
                out,
                "- `{}` {}: {}",
                test.nodeid,
                test.outcome,
                cell(test.message.as_deref().unwrap_or("no reason given"))
            );
        }
        out.push('\n');
    }

    if !report.flaky.is_empty() {
        let _ = writeln!(out, "## Flaky tests\n");
        for flaky in &report.flaky {
            let _ = writeln!(
                out,
                "- `{}`: {} flips in {} runs, passed on rerun {} times",
                flaky.nodeid, flaky.flips, flaky.runs, flaky.passed_on_rerun
            );
        }
        out.push('\n');
    }

    if !report.slowest.is_empty() {
        let _ = writeln!(out, "## Slowest tests\n");
        let _ = writeln!(out, "| test | duration | share | CPU | peak memory |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
        for slow in &report.slowest {
            let _ = writeln!(
                out,
                "| `{}` | {} | {:.1}% | {} | {} |",
                slow.nodeid,
                crate::seconds(slow.duration),
                slow.share * 100.0,
                slow.cpu_time.map_or_else(|| "-".to_owned(), crate::seconds),
                slow.peak_rss.map_or_else(|| "-".to_owned(), crate::megabytes)
            );
        }
        out.push('\n');
    }

    if !report.slowdowns.is_empty() {
        let _ = writeln!(out, "## Tests that got slower\n");
        let _ = writeln!(out, "| test | since run | before | after | score |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
        for slow in &report.slowdowns {
            let _ = writeln!(
                out,
                "| `{}` | #{} | {} | {} | {:.1} ({}) |",
                slow.nodeid,
                slow.run_id,
                crate::seconds(slow.before_median),
                crate::seconds(slow.after_median),
                slow.score,
                slow.method
            );
        }
        out.push('\n');
    }

    if report.trend.len() > 1 {
        let _ = writeln!(out, "## Trend\n");
        let _ = writeln!(out, "| run | started | tests | failing | pass rate |");
        let _ = writeln!(out, "| ---: | --- | ---: | ---: | ---: |");
        for point in &report.trend {
            let _ = writeln!(
                out,
                "| #{} | {} | {} | {} | {} |",
                point.run_id,
                point
                    .started_at
                    .get(..16)
                    .unwrap_or(&point.started_at)
                    .replace('T', " "),
                point.total,
                point.failing,
                percent(point.pass_rate)
            );
        }
        out.push('\n');
    }
    out
}

/// The terminal report: the summary, the patterns, what was fixed.
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let run = &report.run;
    let _ = writeln!(
        out,
        "run #{}: {} (pass rate {})",
        run.id,
        run.counts.summary(run.duration),
        percent(run.pass_rate)
    );
    if let (Some(baseline), Some(first)) = (&report.baseline, report.trend.first()) {
        let _ = writeln!(
            out,
            "since #{}: failing {} -> {}, pass rate {} -> {}",
            baseline.id,
            first.failing,
            run.counts.failing(),
            percent(first.pass_rate),
            percent(run.pass_rate)
        );
    }
    if let Some(comparison) = &report.comparison {
        let _ = writeln!(
            out,
            "against #{}: {} new failures, {} fixed",
            comparison.base_run,
            comparison.new_failures.len(),
            comparison.fixed.len()
        );
    }
    for pattern in &report.patterns {
        let _ = writeln!(
            out,
            "  {:>4}  {}  {}: {}  [{}]",
            pattern.blast_radius, pattern.id, pattern.category, pattern.message, pattern.fix
        );
    }
    let fixed = report
        .fixes
        .iter()
        .filter(|f| f.state == "complete" || f.state == "fixed")
        .count();
    let _ = writeln!(
        out,
        "{} patterns, {} failing, {} skipped; {} fixes applied",
        report.patterns.len(),
        run.counts.failing(),
        run.counts.skipped,
        fixed
    );
    out
}

/// Text for a table cell: one line, pipes and angle brackets escaped (a
/// renderer would take `<x>` for HTML), at most 160 characters.
pub fn cell(text: &str) -> String {
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    if line.chars().count() > 160 {
        let cut: String = line.chars().take(159).collect();
        format!("{cut}…")
    } else {
        line
    }
}
