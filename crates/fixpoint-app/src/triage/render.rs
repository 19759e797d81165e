//! The triage as a user reads it: text for the terminal, Markdown for an
//! issue or a pull request, and one failure explained.

use std::fmt::Write as _;

use fixpoint_report::count;
use fixpoint_store::RunRow;
use fixpoint_triage::{OverLimit, Package, Pattern, Suggestion, Triage};

use super::Explanation;

/// One line that says how to fix a pattern, honest about what is built.
fn fix_line(fix: &Suggestion) -> String {
    match (&fix.command, fix.code) {
        (Some(command), Some(code)) => format!(
            "{} (batch fix {code} {}: `{command}`{})",
            fix.manual,
            fix.fixer.unwrap_or_default(),
            if fix.available { "" } else { ", not built yet" }
        ),
        (Some(command), None) if fix.kind == "migrate" => format!("{} (`{command}`)", fix.manual),
        (Some(command), None) => format!(
            "{} (or the repair loop: `{command}`{})",
            fix.manual,
            if fix.available { "" } else { ", not built yet" }
        ),
        _ => fix.manual.to_owned(),
    }
}

/// `pydantic 2.9.2`, or the module when its distribution is not on this machine.
fn installed(package: &Package) -> String {
    match (&package.distribution, &package.version) {
        (Some(name), Some(version)) => format!("{name} {version}"),
        _ => format!("{} (version unknown on this machine)", package.module),
    }
}

fn place(pattern: &Pattern) -> String {
    let mut places = pattern.locations.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if pattern.locations.len() > 3 {
        let _ = write!(places, " and {} more", pattern.locations.len() - 3);
    }
    places
}

/// `fixpoint triage`: the patterns, largest first, each with its fix.
pub fn text(run: &RunRow, result: &Triage) -> String {
    let mut out = format!(
        "Run {}: {} failing, {} affected, {}\n",
        run.id,
        result.failures,
        count(result.tests_affected as usize, "test"),
        count(result.patterns.len(), "pattern")
    );
    if result.patterns.is_empty() {
        out.push_str("Nothing to triage: every test passed.\n");
    }
    for (rank, pattern) in result.patterns.iter().enumerate() {
        let tests = count(pattern.blast_radius as usize, "test");
        let _ = writeln!(
            out,
            "\n{:>2}. {tests:<9} {}  {}  ({})",
            rank + 1,
            pattern.category,
            pattern.id,
            pattern.title
        );
        let _ = writeln!(out, "    {}", pattern.message);
        if !pattern.locations.is_empty() {
            let _ = writeln!(out, "    at {}", place(pattern));
        }
        if let Some(package) = &pattern.package {
            let _ = writeln!(out, "    installed: {}", installed(package));
        }
        let failures = &pattern.failures;
        let shown: Vec<&str> = failures.iter().take(3).map(String::as_str).collect();
        let more = failures.len().saturating_sub(3);
        let _ = writeln!(
            out,
            "    in {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
        let _ = writeln!(out, "    fix: {}", fix_line(&pattern.fix));
    }
    if !result.over_limits.is_empty() {
        let _ = writeln!(
            out,
            "\nOver the limits in [tool.fixpoint] ({}):",
            count(result.over_limits.len(), "test")
        );
        for over in &result.over_limits {
            let _ = writeln!(
                out,
                "  {:<13}  {:>12}  {}",
                over.category,
                limit_value(over),
                over.nodeid
            );
        }
    }
    out
}

/// `4.20s > 1.00s`, `253.1 MB > 150.0 MB`.
fn limit_value(over: &OverLimit) -> String {
    if over.category == "slow" {
        format!(
            "{} > {}",
            fixpoint_report::seconds(over.value),
            fixpoint_report::seconds(over.limit)
        )
    } else {
        format!("{:.1} MB > {:.1} MB", over.value, over.limit)
    }
}

/// `fixpoint triage --output-format markdown`: a table and a section per pattern.
pub fn markdown(run: &RunRow, result: &Triage) -> String {
    let mut out = format!(
        "# Triage of run {}\n\n{} failing, {} affected, {}.\n\n",
        run.id,
        result.failures,
        count(result.tests_affected as usize, "test"),
        count(result.patterns.len(), "pattern")
    );
    out.push_str(
        "| # | Tests | Category | Pattern | Cause | Where | Fix |\n| ---: | ---: | --- | --- | --- | --- | --- |\n",
    );
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    for (rank, pattern) in result.patterns.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | `{}` | {} | {} | {} |",
            rank + 1,
            pattern.blast_radius,
            pattern.category,
            pattern.id,
            cell(&pattern.message),
            cell(&place(pattern)),
            cell(&fix_line(&pattern.fix))
        );
    }
    if !result.over_limits.is_empty() {
        out.push_str("\n| Limit | Test | Value |\n| --- | --- | ---: |\n");
        for over in &result.over_limits {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} |",
                over.category,
                over.nodeid,
                limit_value(over)
            );
        }
    }
    for pattern in &result.patterns {
        let _ = write!(
            out,
            "\n## `{}` {}: {}\n\n{}\n\nFailures: {}\n\n```\n{}\n```\n",
            pattern.id,
            pattern.category,
            pattern.title,
            pattern.explanation,
            pattern
                .failures
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
            pattern.traceback.trim_end()
        );
    }
    out
}

/// `fixpoint explain`: one failure, its category, its pattern and the fix.
pub fn explanation_text(explanation: &Explanation) -> String {
    let Explanation {
        nodeid,
        run_id,
        outcome,
        category,
        pattern,
        related,
    } = explanation;
    let mut out = String::new();
    let _ = writeln!(out, "{nodeid}: {outcome} in run {run_id}");
    let _ = writeln!(out, "category: {category} ({})", pattern.title);
    let _ = writeln!(out, "  {}", pattern.explanation);
    let _ = writeln!(
        out,
        "pattern {}: {} failing, {} affected",
        pattern.id,
        pattern.failures.len(),
        count(pattern.blast_radius as usize, "test")
    );
    let _ = writeln!(out, "  {}", pattern.message);
    if !pattern.locations.is_empty() {
        let _ = writeln!(out, "  at {}", place(pattern));
    }
    let _ = writeln!(out, "fix: {}", fix_line(&pattern.fix));
    if !related.is_empty() {
        let _ = writeln!(out, "related ({}):", related.len());
        for other in related {
            let _ = writeln!(out, "  {other}");
        }
    }
    let _ = writeln!(out, "traceback (project frames):");
    for line in pattern.traceback.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}
