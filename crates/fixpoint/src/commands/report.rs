//! `report` and `docs`.

use std::fs::OpenOptions;
use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_report::Format;

use crate::ExitStatus;
use crate::cli::{DocsArgs, GlobalArgs, ReportArgs};

pub fn report(global: &GlobalArgs, args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let report = fixpoint_app::report::build(store.as_mut(), &project, &args.run)?;
    let format = args.format;
    let text = fixpoint_report::render(&report, format, env!("CARGO_PKG_VERSION"));
    match &args.output {
        Some(path) => fixpoint_app::paths::write_output(&project, path, text.as_bytes())?,
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    if format == Format::Github {
        write_step_summary(&fixpoint_report::markdown::render(&report))?;
    }
    Ok(ExitStatus::Success)
}

/// Appends to the file GitHub Actions names in `$GITHUB_STEP_SUMMARY`, if any.
pub fn write_step_summary(markdown: &str) -> anyhow::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("$GITHUB_STEP_SUMMARY ({}): {e}", path.to_string_lossy()))?;
    file.write_all(markdown.as_bytes())?;
    Ok(())
}

pub fn docs(global: &GlobalArgs, args: &DocsArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let files = fixpoint_app::report::write_docs(store.as_mut(), &project, &args.out)?;
    let mut out = io::stdout().lock();
    for file in &files {
        let shown = file.path.strip_prefix(&project.root).unwrap_or(&file.path);
        writeln!(
            out,
            "{} {}",
            if file.changed { "wrote    " } else { "unchanged" },
            shown.display()
        )?;
    }
    Ok(ExitStatus::Success)
}
