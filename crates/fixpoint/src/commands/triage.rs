//! `triage`, `explain` and `history --patterns`.

use std::fmt::Write as _;
use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_app::triage;
use fixpoint_store::Store;

use super::print_json;
use crate::ExitStatus;
use crate::cli::{ExplainArgs, GlobalArgs, HistoryArgs, OutputFormat, TriageArgs, TriageFormat};

pub fn triage(global: &GlobalArgs, args: &TriageArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let (run, result) = triage::triage_run(store.as_mut(), &project, &args.run)?;
    match args.output_format {
        TriageFormat::Json => print_json(&serde_json::json!({ "run_id": run.id, "triage": result }))?,
        TriageFormat::Markdown => io::stdout()
            .lock()
            .write_all(triage::render::markdown(&run, &result).as_bytes())?,
        TriageFormat::Text => io::stdout()
            .lock()
            .write_all(triage::render::text(&run, &result).as_bytes())?,
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
    io::stdout()
        .lock()
        .write_all(triage::render::explanation_text(&explanation).as_bytes())?;
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
