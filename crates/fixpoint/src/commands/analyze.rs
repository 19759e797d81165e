//! `analyze` and `context`.

use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_app::context::Selection;

use super::print_json;
use crate::ExitStatus;
use crate::cli::{ContextArgs, ContextFormat, GlobalArgs, OutputFormat};
use crate::printer::Printer;

pub fn analyze(global: &GlobalArgs, format: OutputFormat) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let analysis = fixpoint_app::analyze::analyze(&project);
    if format == OutputFormat::Json {
        print_json(&analysis)?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    writeln!(out, "{}", analysis.project)?;
    writeln!(out, "\nlayout:")?;
    for dir in &analysis.layout {
        writeln!(out, "  {:<30} {:>6} files", dir.path, dir.files)?;
    }
    writeln!(out, "\nlanguages:")?;
    for language in &analysis.languages {
        writeln!(
            out,
            "  {:<22} {:>6} files {:>9} lines",
            language.language, language.files, language.lines
        )?;
    }
    let tests = &analysis.tests;
    writeln!(
        out,
        "\ntests: {} files, {} test functions, config in {}, conftest: {}",
        tests.test_files,
        tests.test_functions,
        tests.config.as_deref().unwrap_or("none"),
        if tests.conftest_files.is_empty() {
            "none".to_owned()
        } else {
            tests.conftest_files.join(", ")
        }
    )?;
    for dir in &tests.directories {
        writeln!(out, "  {dir}")?;
    }
    writeln!(out, "\nframeworks:")?;
    if analysis.frameworks.is_empty() {
        writeln!(out, "  none recognised")?;
    }
    for framework in &analysis.frameworks {
        writeln!(out, "  {:<12} {}", framework.name, framework.evidence.join("; "))?;
    }
    writeln!(out, "\nimport cycles: {}", analysis.import_cycles.len())?;
    for cycle in &analysis.import_cycles {
        writeln!(out, "  {}", cycle.join(" <-> "))?;
    }
    Ok(ExitStatus::Success)
}

pub fn context(global: &GlobalArgs, args: &ContextArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let selection = match &args.for_test {
        Some(nodeid) => Selection::For(nodeid.clone()),
        None => Selection::Paths(args.paths.clone()),
    };
    let mut store = match selection {
        Selection::For(_) => Some(fixpoint_app::store::open_store(&project, global.db.as_deref())?),
        Selection::Paths(_) => None,
    };
    let store: Option<&mut dyn fixpoint_store::Store> = match store.as_mut() {
        Some(store) => Some(store.as_mut()),
        None => None,
    };
    let context = fixpoint_app::context::pack(&project, store, &selection, args.budget)?;
    let format = match args.format {
        ContextFormat::Markdown => "markdown",
        ContextFormat::Xml => "xml",
        ContextFormat::Json => "json",
    };
    io::stdout()
        .lock()
        .write_all(fixpoint_app::context::render(&context, format).as_bytes())?;
    if !context.omitted.is_empty() {
        printer.warn(&format!(
            "{} files did not fit in {} tokens; raise --budget or narrow the paths",
            context.omitted.len(),
            args.budget
        ));
    }
    Ok(ExitStatus::Success)
}
