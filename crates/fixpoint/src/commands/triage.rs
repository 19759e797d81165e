//! `triage`, `explain` and `history --patterns`.

use std::fmt::Write as _;
use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_app::triage::{self, Explanation};
use fixpoint_store::{RunRow, Store};
use fixpoint_triage::{Package, Pattern, Suggestion, Triage};

use super::{count, print_json};
use crate::ExitStatus;
use crate::cli::{ExplainArgs, GlobalArgs, HistoryArgs, OutputFormat, TriageArgs, TriageFormat};

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

fn text(run: &RunRow, result: &Triage) -> String {
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
    out
}

fn markdown(run: &RunRow, result: &Triage) -> String {
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

pub fn triage(global: &GlobalArgs, args: &TriageArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let (run, result) = triage::triage_run(store.as_mut(), &project, &args.run)?;
    match args.output_format {
        TriageFormat::Json => print_json(&serde_json::json!({ "run_id": run.id, "triage": result }))?,
        TriageFormat::Markdown => io::stdout().lock().write_all(markdown(&run, &result).as_bytes())?,
        TriageFormat::Text => io::stdout().lock().write_all(text(&run, &result).as_bytes())?,
    }
    Ok(ExitStatus::Success)
}

pub fn explain(global: &GlobalArgs, args: &ExplainArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let explanation = triage::explain(store.as_mut(), &project, &args.nodeid, &args.run)?;
    if args.output_format == OutputFormat::Json {
        print_json(&explanation)?;
        return Ok(ExitStatus::Success);
    }
    let Explanation {
        nodeid,
        run_id,
        outcome,
        category,
        pattern,
        related,
    } = &explanation;
    let mut out = io::stdout().lock();
    writeln!(out, "{nodeid}: {outcome} in run {run_id}")?;
    writeln!(out, "category: {category} ({})", pattern.title)?;
    writeln!(out, "  {}", pattern.explanation)?;
    writeln!(
        out,
        "pattern {}: {} failing, {} affected",
        pattern.id,
        pattern.failures.len(),
        count(pattern.blast_radius as usize, "test")
    )?;
    writeln!(out, "  {}", pattern.message)?;
    if !pattern.locations.is_empty() {
        writeln!(out, "  at {}", place(pattern))?;
    }
    writeln!(out, "fix: {}", fix_line(&pattern.fix))?;
    if !related.is_empty() {
        writeln!(out, "related ({}):", related.len())?;
        for other in related {
            writeln!(out, "  {other}")?;
        }
    }
    writeln!(out, "traceback (project frames):")?;
    for line in pattern.traceback.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(ExitStatus::Success)
}

pub fn pattern_history(store: &mut dyn Store, args: &HistoryArgs) -> anyhow::Result<ExitStatus> {
    let history = triage::pattern_history(store, args.limit)?;
    if args.output_format == OutputFormat::Json {
        print_json(&history)?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    if history.runs.is_empty() {
        writeln!(out, "No runs recorded yet: `fixpoint run` records one.")?;
        return Ok(ExitStatus::Success);
    }
    let columns = |values: &mut dyn Iterator<Item = String>| {
        values.fold(String::new(), |mut row, value| {
            let _ = write!(row, "{value:>5}");
            row
        })
    };
    let runs = columns(&mut history.runs.iter().map(i64::to_string));
    writeln!(out, "{:<8}  {:<28}{runs}  CAUSE", "PATTERN", "CATEGORY")?;
    for trend in &history.patterns {
        let counts = columns(&mut trend.blast_radius.iter().map(u32::to_string));
        let cause: String = trend.message.chars().take(60).collect();
        writeln!(out, "{:<8}  {:<28}{counts}  {cause}", trend.pattern, trend.category)?;
    }
    Ok(ExitStatus::Success)
}
