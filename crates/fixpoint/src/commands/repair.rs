//! `repair` and `attempts`.

use std::io::{self, Write};

use fixpoint_app::repair::{self, RepairEvent, RepairReport, RepairRequest, TargetStatus};
use fixpoint_app::{Project, Recording, RepairSettings, RunRequest};

use super::{command_line, count, print_json};
use crate::ExitStatus;
use crate::cli::{AttemptsArgs, GlobalArgs, OutputFormat, ProviderArg, RepairArgs, RepairOptions};
use crate::printer::Printer;

pub fn repair(global: &GlobalArgs, args: &RepairArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let request = RepairRequest {
        nodeids: args.nodeids.clone(),
        pattern: args.pattern.clone(),
        ..request_of(global, &args.options)
    };
    let report = run_loop(
        global,
        &project,
        &request,
        printer,
        args.output_format == OutputFormat::Text,
    )?;
    if args.output_format == OutputFormat::Json {
        print_json(&report)?;
    }
    Ok(status_of(&report, printer))
}

/// The request the flags make (node ids and pattern left empty).
pub fn request_of(global: &GlobalArgs, options: &RepairOptions) -> RepairRequest {
    RepairRequest {
        settings: RepairSettings {
            model: options.model.clone(),
            base_url: options.base_url.clone(),
            provider: options.provider.map(|p| {
                match p {
                    ProviderArg::Openai => "openai",
                    ProviderArg::Anthropic => "anthropic",
                }
                .to_owned()
            }),
            temperature: options.temperature,
            temperature_step: options.temperature_step,
            max_retries: options.max_retries,
            context_tokens: options.context_tokens,
            max_tokens: options.max_tokens,
            token_budget: options.token_budget,
            requests_per_minute: options.requests_per_minute,
            request_timeout: options.request_timeout,
            http_retries: options.http_retries,
            allow_test_edits: options.allow_test_edits.then_some(true),
            commit: options.no_commit.then_some(false),
        },
        branch: options.branch.clone(),
        allow_dirty: options.allow_dirty,
        run: RunRequest {
            python: global.python.clone(),
            test_timeout: options.test_timeout,
            ..RunRequest::default()
        },
        ..RepairRequest::default()
    }
}

/// Runs the loop, printing each target and attempt as it ends (when `text`).
pub fn run_loop(
    global: &GlobalArgs,
    project: &Project,
    request: &RepairRequest,
    printer: Printer,
    text: bool,
) -> anyhow::Result<RepairReport> {
    let recording = Recording {
        db: global.db.clone(),
        build_id: None,
        command: command_line(),
    };
    let mut progress = printer.inner_run_progress();
    let mut print = |event: RepairEvent<'_>| {
        if text {
            print_event(printer, &event);
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let report = repair::repair(
        project,
        request,
        &recording,
        &env,
        &mut progress,
        &mut print,
        crate::interrupt::flag(),
    );
    progress.finish();
    let report = report?;
    if text {
        let mut out = io::stdout().lock();
        for target in &report.targets {
            if !target.also_fixed.is_empty() {
                writeln!(
                    out,
                    "{}: the fix also made pass: {}",
                    target.nodeid,
                    target.also_fixed.join(", ")
                )?;
            }
        }
        writeln!(
            out,
            "repaired {} of {} in {}; {} tokens ({})",
            report.fixed(),
            count(report.targets.len(), "target"),
            count(report.attempts() as usize, "attempt"),
            report.tokens,
            report.model
        )?;
    }
    Ok(report)
}

/// 0 when every target is repaired (or needed nothing), 2 when the loop
/// could not go on (the model unreachable), else 1.
pub fn status_of(report: &RepairReport, printer: Printer) -> ExitStatus {
    if let Some(reason) = &report.stopped {
        printer.warn(&format!("repair stopped: {reason}"));
    }
    let unreachable = report
        .stopped
        .as_deref()
        .is_some_and(|reason| reason.contains("model endpoint"));
    if unreachable {
        ExitStatus::Error
    } else if report
        .targets
        .iter()
        .all(|t| matches!(t.status, TargetStatus::Fixed | TargetStatus::Skipped(_)))
    {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

pub fn attempts(global: &GlobalArgs, args: &AttemptsArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let rows = repair::attempts(store.as_mut(), args.nodeid.as_deref(), args.limit)?;
    if args.output_format == OutputFormat::Json {
        print_json(&rows)?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    if rows.is_empty() {
        writeln!(out, "No repair attempts yet: `fixpoint repair` makes them.")?;
    }
    for row in &rows {
        let tokens = match (row.prompt_tokens, row.completion_tokens) {
            (Some(p), Some(c)) => format!("{p}+{c} tokens"),
            _ => format!("{}+{} chars", row.prompt_chars, row.response_chars),
        };
        writeln!(
            out,
            "#{} {}  {}  attempt {} at {}  {}  {}: {}",
            row.id,
            row.started_at.get(..19).unwrap_or(&row.started_at).replace('T', " "),
            row.nodeid,
            row.attempt,
            row.temperature,
            row.model,
            row.verdict,
            row.reason
        )?;
        let mut details = vec![tokens];
        if let Some(id) = &row.journal_id {
            details.push(format!("journal {id}"));
        }
        if let Some(commit) = &row.git_commit {
            details.push(format!("commit {}", commit.get(..10).unwrap_or(commit)));
        }
        if let Some(run) = row.run_id {
            details.push(format!("run #{run}"));
        }
        writeln!(out, "    {}", details.join(", "))?;
        if args.diff && !row.diff.is_empty() {
            write!(out, "{}", row.diff)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// One line per event of the repair loop, as `repair` prints them (the slow
/// parts only on a terminal or with `--verbose`).
pub fn print_event(printer: Printer, event: &RepairEvent<'_>) {
    let mut out = io::stdout().lock();
    let _ = match *event {
        RepairEvent::RunningBaseline => {
            printer.note("the history has no run yet: running the suite first");
            Ok(())
        }
        RepairEvent::Target { index, total, nodeid } => writeln!(out, "[{index}/{total}] {nodeid}"),
        RepairEvent::Skipped { reason, .. } => writeln!(out, "  skipped: {reason}"),
        // What is going on during the slow parts, on a terminal or with --verbose.
        RepairEvent::Asking { attempt, temperature } if printer.progress || printer.verbose() => {
            printer.note(&format!(
                "  asking for a fix (attempt {attempt}, temperature {temperature})"
            ));
            Ok(())
        }
        RepairEvent::Verifying { files, paths } if printer.progress || printer.verbose() => {
            printer.note(&format!(
                "  changed {}; rerunning {}",
                files.join(", "),
                paths.join(" ")
            ));
            Ok(())
        }
        RepairEvent::Asking { .. } | RepairEvent::Verifying { .. } => Ok(()),
        RepairEvent::Attempted(row) => {
            let commit = row
                .git_commit
                .as_ref()
                .map(|commit| format!("; commit {}", commit.get(..10).unwrap_or(commit)))
                .unwrap_or_default();
            writeln!(
                out,
                "  attempt {} (temperature {}): {}: {}{commit}",
                row.attempt, row.temperature, row.verdict, row.reason
            )
        }
    };
}
