//! `testdata discover`, `testdata generate` and `testdata verify`.

use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_app::testdata::{self, FileState, GenerateOptions};
use fixpoint_testdata::model::{Field, ModelGraph};

use super::{command_line, print_json};
use crate::ExitStatus;
use crate::cli::{GlobalArgs, OutputFormat, TestdataCommand};
use crate::printer::Printer;

pub fn testdata(global: &GlobalArgs, command: &TestdataCommand, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    match command {
        TestdataCommand::Discover(args) => {
            let graph = testdata::discover(&project);
            if args.output_format == OutputFormat::Json {
                print_json(&graph)?;
            } else {
                print_graph(&mut io::stdout().lock(), &graph)?;
            }
            Ok(ExitStatus::Success)
        }
        TestdataCommand::Generate(args) => {
            let options = GenerateOptions {
                add_deps: args.add_deps,
                dry_run: args.dry_run,
                force: args.force,
                python: global.python.clone(),
            };
            let report = testdata::generate(&project, &options, &command_line())?;
            let status = if report.incomplete() {
                ExitStatus::Failure
            } else {
                ExitStatus::Success
            };
            if args.output_format == OutputFormat::Json {
                print_json(&report)?;
                return Ok(status);
            }
            let mut out = io::stdout().lock();
            for file in &report.files {
                let state = match (file.state, args.dry_run) {
                    (FileState::Created, false) => "created",
                    (FileState::Created, true) => "would create",
                    (FileState::Updated, false) => "updated",
                    (FileState::Updated, true) => "would update",
                    (FileState::Unchanged, _) => "unchanged",
                    (FileState::Edited, _) => "kept as it is",
                    (FileState::HeldBack, _) => "held back",
                };
                writeln!(out, "{}: {state}", file.path)?;
            }
            for file in report.files.iter().filter(|f| f.state == FileState::Edited) {
                printer.warn(&format!(
                    "{}: `--force` regenerates it (the journal keeps your text for `fixpoint undo`); to keep an edit, move it into a `# CUSTOM:` block",
                    testdata::edited_note(&file.path, &file.lines)
                ));
            }
            if let Some(python) = &report.python
                && let Some(file) = report.files.iter().find(|f| f.state == FileState::HeldBack)
            {
                printer.warn(&format!(
                    "{} not written: {}; the suite could not start with it",
                    file.path,
                    testdata::install_hint(
                        "its fixtures need",
                        std::path::Path::new(python),
                        &report.not_importable
                    )
                ));
            }
            for skipped in &report.skipped {
                printer.warn(&format!(
                    "{} ({}) left out: {}",
                    skipped.model, skipped.path, skipped.reason
                ));
            }
            for decision in &report.decisions.applied {
                if decision.applied {
                    writeln!(
                        out,
                        "decision {} ({}): {}",
                        decision.target, decision.source, decision.effect
                    )?;
                } else {
                    printer.warn(&format!(
                        "decision {} (.workflow/{}) not applied: {}",
                        decision.target, decision.source, decision.effect
                    ));
                }
            }
            for unread in &report.decisions.unread {
                printer.warn(&format!(
                    "not a decision: .workflow/{}: {}",
                    unread.source, unread.reason
                ));
            }
            let changed = report
                .files
                .iter()
                .filter(|f| matches!(f.state, FileState::Created | FileState::Updated))
                .count();
            match &report.journal_id {
                Some(id) => writeln!(
                    out,
                    "{changed} {} written for {} models; `fixpoint undo {id}` takes {} back",
                    if changed == 1 { "file" } else { "files" },
                    report.models,
                    if changed == 1 { "it" } else { "them" }
                )?,
                None if changed == 0 && !report.incomplete() => {
                    writeln!(out, "nothing changed: the models are as they were")?;
                }
                None if changed == 0 => writeln!(out, "nothing written")?,
                None if args.dry_run => writeln!(
                    out,
                    "{changed} {} would change; nothing written",
                    if changed == 1 { "file" } else { "files" }
                )?,
                None => {}
            }
            if let Some(file) = &report.dependencies_added_to {
                writeln!(out, "factory-boy and faker added to {file}")?;
            } else if !report.missing_dependencies.is_empty() {
                printer.warn(&format!(
                    "the generated code needs {}, which the project does not declare: `fixpoint testdata generate --add-deps` adds them",
                    report.missing_dependencies.join(" and ")
                ));
            }
            Ok(status)
        }
        TestdataCommand::Verify(args) => {
            let report = testdata::verify(
                &project,
                global.python.as_deref(),
                global.db.as_deref(),
                &command_line(),
            )?;
            if args.output_format == OutputFormat::Json {
                print_json(&report)?;
            } else {
                let mut out = io::stdout().lock();
                writeln!(out, "database: {}", report.database)?;
                for step in &report.steps {
                    writeln!(
                        out,
                        "{} {}: {}",
                        if step.ok { "ok  " } else { "FAIL" },
                        step.name,
                        step.detail
                    )?;
                }
                for (n, cycle) in report.cycles.iter().enumerate() {
                    writeln!(out, "fix cycle {}: failed: {}", n + 1, cycle.failed)?;
                    writeln!(out, "  diagnosis: {}", cycle.diagnosis)?;
                    match &cycle.change {
                        Some(change) => writeln!(out, "  change: {change}")?,
                        None => writeln!(out, "  change: none")?,
                    }
                }
                if let Some(reason) = &report.escalated {
                    writeln!(out, "escalated: {reason}")?;
                }
                writeln!(
                    out,
                    "{}",
                    if report.ok {
                        "verify: every scenario seeded and the suite passed"
                    } else {
                        "verify: failed"
                    }
                )?;
            }
            Ok(if report.ok {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            })
        }
    }
}

fn print_graph(out: &mut impl Write, graph: &ModelGraph) -> io::Result<()> {
    let frameworks = if graph.stack.frameworks.is_empty() {
        "none declared".to_owned()
    } else {
        graph.stack.frameworks.join(", ")
    };
    let sources = if graph.stack.sources.is_empty() {
        "no dependency file".to_owned()
    } else {
        graph.stack.sources.join(", ")
    };
    writeln!(out, "stack: {frameworks} (from {sources})")?;
    if !graph.stack.missing.is_empty() {
        writeln!(out, "missing dev dependencies: {}", graph.stack.missing.join(", "))?;
    }
    for model in &graph.models {
        let table = model.table.as_ref().map(|t| format!(", table {t}")).unwrap_or_default();
        writeln!(
            out,
            "\n{} ({}, {}:{}{table})",
            model.name,
            model.framework.name(),
            model.path,
            model.line
        )?;
        let width = model.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for field in &model.fields {
            writeln!(out, "  {:width$}  {}", field.name, describe(field))?;
        }
        for relationship in &model.relationships {
            let cardinality = serde_json::to_value(relationship.cardinality)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} -> {} ({cardinality})",
                relationship.name, relationship.target
            )?;
        }
        for group in model.unique_together.iter().filter(|g| g.len() > 1) {
            writeln!(out, "  unique together: {}", group.join(", "))?;
        }
        for check in &model.checks {
            match &check.name {
                Some(name) => writeln!(out, "  check {name}: {}", check.sql)?,
                None => writeln!(out, "  check: {}", check.sql)?,
            }
        }
    }
    if !graph.order.is_empty() {
        writeln!(out, "\ncreation order: {}", graph.order.join(", "))?;
    }
    for edge in &graph.broken_cycles {
        writeln!(
            out,
            "cycle broken at {}.{} -> {} (nullable: created empty)",
            edge.model, edge.field, edge.target
        )?;
    }
    for cycle in &graph.cycles {
        writeln!(out, "cycle with no nullable key: {}", cycle.join(" -> "))?;
    }
    for seeder in &graph.seeders {
        writeln!(
            out,
            "reference data: {}.{} ({}:{}) seeds {} (fixture `{}`)",
            seeder.module,
            seeder.function,
            seeder.path,
            seeder.line,
            seeder.models.join(", "),
            seeder.fixture
        )?;
    }
    for skipped in &graph.skipped {
        writeln!(
            out,
            "left out: {} ({}): {}",
            skipped.model, skipped.path, skipped.reason
        )?;
    }
    for path in &graph.unreadable {
        writeln!(out, "not Python: {path}")?;
    }
    writeln!(out, "\n{} models", graph.models.len())
}

fn describe(field: &Field) -> String {
    let kind = serde_json::to_value(field.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut parts = vec![kind];
    if field.primary_key {
        parts.push("primary key".into());
    }
    if field.generated {
        parts.push("generated".into());
    }
    parts.push(if field.nullable {
        "null".into()
    } else {
        "not null".into()
    });
    if field.unique {
        parts.push("unique".into());
    }
    if let Some(length) = field.min_length {
        parts.push(format!("min length {length}"));
    }
    if let Some(length) = field.max_length {
        parts.push(format!("max length {length}"));
    }
    if let (Some(p), s) = (field.precision, field.scale) {
        parts.push(format!("precision {p},{}", s.unwrap_or(0)));
    }
    match (field.min, field.max) {
        (Some(lo), Some(hi)) => parts.push(format!("{lo}..={hi}")),
        (Some(lo), None) => parts.push(format!(">= {lo}")),
        (None, Some(hi)) => parts.push(format!("<= {hi}")),
        (None, None) => {}
    }
    if let Some(default) = &field.default {
        parts.push(format!("default {default}"));
    }
    if let Some(fk) = &field.foreign_key {
        parts.push(format!("-> {}.{}", fk.model.as_deref().unwrap_or(&fk.table), fk.column));
    }
    if let Some(choices) = &field.choices {
        let values: Vec<&str> = choices.values.iter().map(|v| v.name.as_str()).collect();
        parts.push(format!(
            "{}[{}]",
            choices.class.as_deref().map(|c| format!("{c} ")).unwrap_or_default(),
            values.join(", ")
        ));
    }
    if let Some(target) = &field.target {
        parts.push(format!("of {target}"));
    }
    parts.join(", ")
}
