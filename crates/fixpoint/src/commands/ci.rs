//! `check`, `ci` and `init`: what a project's CI and hooks run.

use std::io::{self, Write};

use fixpoint_app::ci::{Baseline, CiRequest};
use fixpoint_app::init::InitAction;
use fixpoint_app::{Project, Recording, RunRequest};

use super::{command_line, count, print_json};
use crate::ExitStatus;
use crate::cli::{CheckArgs, CiArgs, GlobalArgs, OutputFormat};
use crate::printer::Printer;

pub fn check(global: &GlobalArgs, args: &CheckArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    // `[tool.fixpoint.fix] select` names fixers for `fix`; `check` runs its rules.
    let choice = project.settings.fix.combine(fixpoint_app::FixerChoice {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        unsafe_fixes: false,
    });
    let result = fixpoint_app::check::check(&project, &args.paths, &args.select, &choice.ignore, choice.unsafe_fixes)?;
    for (path, reason) in &result.skipped {
        printer.warn(&format!("{path}: not checked: {reason}"));
    }
    if args.output_format == OutputFormat::Json && !args.fix {
        print_json(&result.findings)?;
        return Ok(if result.findings.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        });
    }
    let mut out = io::stdout().lock();
    let fixable = result.findings.iter().filter(|f| f.fixable).count();
    if args.fix {
        let entry = fixpoint_app::fix::apply(&project, &result.plan, &command_line())?;
        let left: Vec<_> = result.findings.iter().filter(|f| !f.fixable).collect();
        for finding in &left {
            writeln!(
                out,
                "{}:{}: {} {}",
                finding.path, finding.line, finding.code, finding.message
            )?;
        }
        writeln!(out, "Fixed {}, {} left.", count(fixable, "finding"), left.len())?;
        if let Some(entry) = entry {
            printer.note(&format!(
                "journal {}: `fixpoint undo {}` takes the fixes back",
                entry.id, entry.id
            ));
        }
        return Ok(if left.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        });
    }
    for finding in &result.findings {
        writeln!(
            out,
            "{}:{}: {} {}{}",
            finding.path,
            finding.line,
            finding.code,
            if finding.fixable { "[*] " } else { "" },
            finding.message
        )?;
    }
    if result.findings.is_empty() {
        writeln!(out, "All checks passed.")?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "Found {}.", count(result.findings.len(), "finding"))?;
    if fixable > 0 {
        writeln!(out, "[*] {fixable} fixable with `fixpoint check --fix`.")?;
    }
    Ok(ExitStatus::Failure)
}

pub fn ci(global: &GlobalArgs, args: &CiArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let baseline = match (&args.baseline, &args.baseline_run) {
        (Some(file), _) => Baseline::File(file.clone()),
        (None, Some(run)) => Baseline::Run(run.clone()),
        (None, None) => match &args.baseline_branch {
            Some(branch) => Baseline::Branch(branch.clone()),
            None => Baseline::DefaultBranch,
        },
    };
    let request = CiRequest {
        run: RunRequest {
            paths: args.paths.clone(),
            python: global.python.clone(),
            jobs: args.jobs,
            reruns: args.reruns,
            test_timeout: args.test_timeout,
            ..RunRequest::default()
        },
        baseline,
        strict: args.strict,
        detector: args.detector.detector()?,
        fail_on_slowdown: args.fail_on_slowdown,
    };
    let recording = Recording {
        db: global.db.clone(),
        build_id: args.build_id.clone(),
        command: command_line(),
    };
    let mut progress = printer.run_progress();
    let verdict = fixpoint_app::ci::ci(&project, &request, &recording, &mut progress, crate::interrupt::flag());
    progress.finish();
    let verdict = verdict?;
    let report = &verdict.report;
    if let Some(path) = &args.junit {
        let junit = fixpoint_report::junit::render(report);
        fixpoint_app::paths::write_output(&project, path, junit.as_bytes())?;
    }
    let mut out = io::stdout().lock();
    if args.github {
        for failure in &verdict.new_failures {
            write!(out, "{}", annotation(report, &failure.nodeid, "error"))?;
        }
        for failure in &verdict.known_failures {
            write!(out, "{}", annotation(report, &failure.nodeid, "warning"))?;
        }
        let level = if verdict.fail_on_slowdown { "error" } else { "warning" };
        for slow in &verdict.slowdowns {
            let path = fixpoint_core::TestResult::file_of(&slow.nodeid);
            write!(
                out,
                "{}",
                fixpoint_report::github::slowdown_annotation(slow, path, level)
            )?;
        }
        super::report::write_step_summary(&fixpoint_report::markdown::render(report))?;
    }
    if args.output_format == OutputFormat::Json {
        drop(out);
        print_json(&verdict)?;
    } else {
        writeln!(
            out,
            "run #{}: {}",
            report.run.id,
            report.run.counts.summary(report.run.duration)
        )?;
        match &verdict.baseline {
            Some(baseline) => writeln!(out, "baseline: {baseline}")?,
            None => writeln!(
                out,
                "baseline: none (no whole-suite run on {} in the history yet): every failure counts as new",
                verdict.baseline_branch.as_deref().unwrap_or("the branch")
            )?,
        }
        if !verdict.new_failures.is_empty() {
            writeln!(
                out,
                "\n{} new failures (these fail the build):",
                verdict.new_failures.len()
            )?;
            for failure in &verdict.new_failures {
                writeln!(
                    out,
                    "  {} {}: {}{}",
                    failure.nodeid,
                    failure.outcome,
                    failure.message.as_deref().unwrap_or(""),
                    failure
                        .category
                        .as_deref()
                        .map(|c| format!("  [{c}]"))
                        .unwrap_or_default()
                )?;
            }
        }
        if !verdict.known_failures.is_empty() {
            writeln!(
                out,
                "\n{} known failures ({}):",
                verdict.known_failures.len(),
                if verdict.strict {
                    "--strict: these fail the build too"
                } else {
                    "reported, not failing the build; --strict fails on them"
                }
            )?;
            for failure in &verdict.known_failures {
                writeln!(out, "  {} {}", failure.nodeid, failure.outcome)?;
            }
        }
        if !verdict.slowdowns.is_empty() {
            writeln!(
                out,
                "\n{} slower ({}):",
                count(verdict.slowdowns.len(), "test"),
                if verdict.fail_on_slowdown {
                    "--fail-on-slowdown: these fail the build"
                } else {
                    "reported, not failing the build; --fail-on-slowdown fails on them"
                }
            )?;
            for slow in &verdict.slowdowns {
                writeln!(
                    out,
                    "  {} {} -> {} since run {} ({} score {:.1})",
                    slow.nodeid,
                    fixpoint_report::seconds(slow.before_median),
                    fixpoint_report::seconds(slow.after_median),
                    slow.run_id,
                    slow.method,
                    slow.score
                )?;
            }
        }
        if !verdict.fixed.is_empty() {
            writeln!(out, "\n{} fixed since the baseline:", verdict.fixed.len())?;
            for nodeid in &verdict.fixed {
                writeln!(out, "  {nodeid}")?;
            }
        }
        writeln!(out, "\nci: {}", if verdict.passed { "passed" } else { "FAILED" })?;
    }
    Ok(if verdict.passed {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// One failing test's workflow annotation at `level`.
fn annotation(report: &fixpoint_report::Report, nodeid: &str, level: &str) -> String {
    report
        .tests
        .iter()
        .find(|t| t.nodeid == nodeid)
        .map(|test| fixpoint_report::github::annotation(test, level))
        .unwrap_or_default()
}

pub fn init(global: &GlobalArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let outcome = fixpoint_app::init::init(&project, &command_line())?;
    let mut out = io::stdout().lock();
    for (path, action) in &outcome.files {
        match action {
            InitAction::Created => writeln!(out, "created   {path}")?,
            InitAction::Appended => writeln!(out, "appended  {path} ([tool.fixpoint])")?,
            InitAction::AlreadyThere => writeln!(out, "unchanged {path} (already set up)")?,
            InitAction::LeftAlone { snippet } => {
                writeln!(out, "unchanged {path} (it exists; add this yourself):\n{snippet}")?;
            }
        }
    }
    if let Some(entry) = &outcome.journal {
        printer.note(&format!(
            "journal {}: `fixpoint undo {}` removes what init wrote",
            entry.id, entry.id
        ));
    }
    Ok(ExitStatus::Success)
}
