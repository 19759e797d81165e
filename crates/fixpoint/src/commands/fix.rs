//! `fix`, `undo` and `journal`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use fixpoint_app::fix::{self, FixRequest};
use fixpoint_app::migrate;
use fixpoint_app::{FixerChoice, Project};
use fixpoint_fix::engine::unified_diff;

use super::{command_line, count, print_json};
use crate::ExitStatus;
use crate::cli::{
    FixArgs, GlobalArgs, JournalArgs, MigratePydanticArgs, MigrateSqlalchemyArgs, MigrationStrategy, OutputFormat,
    UndoArgs,
};
use crate::printer::Printer;

pub fn fix(global: &GlobalArgs, args: &FixArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let given = FixerChoice {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        unsafe_fixes: args.unsafe_fixes,
    };
    let request = FixRequest::new(&project, args.paths.clone(), given, args.all);
    let repair_request = args.repair.then(|| {
        let mut repair = super::repair::request_of(global, &args.repair_options);
        repair.fresh_baseline = true;
        repair
    });
    if let Some(repair_request) = &repair_request {
        // Refuse before the batch fixes write anything, not after.
        let env = |name: &str| std::env::var(name).ok();
        fixpoint_app::repair::preflight(&project, repair_request, &env)?;
    }
    let plan = fix::plan(store.as_mut(), &project, &request, args.run.as_deref())?;
    for open in &plan.unfinished {
        printer.warn(&format!(
            "the fix run of {} ({}) did not finish: `fixpoint undo {}` rolls it back",
            open.created_at, open.command, open.id
        ));
    }
    let mut out = io::stdout().lock();
    if args.diff {
        for file in plan.changed() {
            write!(out, "{}", unified_diff(&file.path, &file.original, &file.fixed))?;
        }
        return Ok(ExitStatus::Success);
    }
    print_plan(&mut out, &plan, args.dry_run, printer)?;
    if args.dry_run {
        return Ok(ExitStatus::Success);
    }
    drop(out);
    let written = if args.no_verify {
        fix::apply(&project, &plan, &command_line())?
    } else {
        verify(global, store.as_mut(), &project, &plan, printer)?
    };
    if let Some(entry) = &written {
        let by = if repair_request.is_some() {
            " by the batch fixes"
        } else {
            ""
        };
        printer.note(&format!(
            "journal {}: {} changed{by}; `fixpoint undo {}` restores them",
            entry.id,
            count(entry.files.len(), "file"),
            entry.id
        ));
    }
    if let Some(mut repair_request) = repair_request {
        // The tree was clean before the batch fixes; their changes are not the user's.
        repair_request.allow_dirty = true;
        let report = super::repair::run_loop(global, &project, &repair_request, printer, true)?;
        return Ok(super::repair::status_of(&report, printer));
    }
    Ok(ExitStatus::Success)
}

/// Writes the plan and keeps what the tests confirm; prints what was kept,
/// what was taken back and why, and what it cost.
fn verify(
    global: &GlobalArgs,
    store: &mut dyn fixpoint_store::Store,
    project: &Project,
    plan: &fix::FixPlan,
    printer: Printer,
) -> anyhow::Result<Option<fixpoint_fix::journal::Manifest>> {
    let changed = plan.changed().count();
    if changed == 0 {
        return Ok(None);
    }
    let base = fixpoint_app::RunRequest {
        python: global.python.clone(),
        ..fixpoint_app::RunRequest::default()
    };
    let mut progress = printer.run_progress();
    let verified = fix::apply_verified(
        store,
        project,
        plan,
        &base,
        &command_line(),
        &mut progress,
        crate::interrupt::flag(),
    );
    progress.finish();
    let verified = verified?;
    print_verification(changed, &verified, printer)?;
    Ok(verified.entry)
}

/// What a verified fix kept, took back and cost.
fn print_verification(changed: usize, verified: &fix::Verification, printer: Printer) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    let taken: usize = verified.taken_back.iter().map(|taken| taken.paths.len()).sum();
    let rerun = if verified.entry.is_none() {
        String::new()
    } else if verified.paths.is_empty() {
        "; no test reaches them".to_owned()
    } else {
        format!(
            "; reran {} in {}: {} fixed, {} still failing",
            count(verified.tests as usize, "test"),
            verified.paths.join(" "),
            verified.fixed.len(),
            verified.still_failing.len()
        )
    };
    writeln!(
        out,
        "verify: kept {} of {}{rerun}",
        changed - taken,
        count(changed, "changed file")
    )?;
    for taken in &verified.taken_back {
        const SHOWN: usize = 3;
        let why = if let Some(stopped) = &taken.stopped {
            format!("the suite did not start: {stopped}")
        } else {
            let shown = taken.broke.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
            match taken.broke.len().saturating_sub(SHOWN) {
                0 => format!("broke {shown}"),
                more => format!("broke {shown} and {more} more"),
            }
        };
        writeln!(
            out,
            "  taken back  {} ({}): {why}",
            taken.paths.join(", "),
            taken.codes.join(", ")
        )?;
    }
    for nodeid in &verified.fixed {
        writeln!(out, "  fixed       {nodeid}")?;
    }
    for nodeid in &verified.flaky {
        writeln!(
            out,
            "  flaky       {nodeid}: failed with the fixes, passed when run again; not held against them"
        )?;
    }
    for path in &verified.unreached {
        writeln!(out, "  unchecked   {path}: no test reaches it")?;
    }
    writeln!(
        out,
        "verify cost: {}, {}, {:.1}s",
        count(verified.runs as usize, "pytest run"),
        count(verified.tests_run as usize, "test"),
        verified.seconds
    )?;
    if !verified.taken_back.is_empty() {
        printer.warn(&format!(
            "{taken} of {changed} changed files taken back: their fixes broke what passed before (`--no-verify` writes them anyway)"
        ));
    }
    Ok(())
}

/// Every fix's log line, then `N fixes applied (CODE: n, ...), M left`.
fn print_plan(out: &mut impl Write, plan: &fix::FixPlan, dry_run: bool, printer: Printer) -> io::Result<()> {
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut left = 0;
    for file in &plan.files {
        if let Some(reason) = &file.skipped {
            printer.warn(&format!("{}: not fixed: {reason}", file.path));
        }
        for note in &file.applied {
            *by_code.entry(note.code.as_str()).or_default() += 1;
            writeln!(out, "{}:{}: {} {}", file.path, note.line, note.code, note.message)?;
        }
        for note in &file.left {
            left += 1;
            writeln!(out, "{}:{}: {} left: {}", file.path, note.line, note.code, note.message)?;
        }
    }
    let applied: usize = by_code.values().sum();
    let codes = by_code
        .iter()
        .map(|(code, n)| format!("{code}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let verb = if dry_run { "would be applied" } else { "applied" };
    let breakdown = if codes.is_empty() {
        String::new()
    } else {
        format!(" ({codes})")
    };
    writeln!(out, "{} {verb}{breakdown}, {left} left", count(applied, "fix"))?;
    Ok(())
}

pub fn migrate_pydantic(
    global: &GlobalArgs,
    args: &MigratePydanticArgs,
    printer: Printer,
) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let strategy = match args.strategy {
        MigrationStrategy::Auto => migrate::Strategy::Auto,
        MigrationStrategy::V2 => migrate::Strategy::V2,
        MigrationStrategy::V1Namespace => migrate::Strategy::V1Namespace,
    };
    if strategy == migrate::Strategy::Auto && !args.no_verify && !args.diff && !args.dry_run {
        return migrate_verified(global, args, &project, printer);
    }
    let migration = migrate::migrate_pydantic(&project, &args.paths, strategy, args.unsafe_fixes)?;
    let mut out = io::stdout().lock();
    if args.diff {
        for file in migration.plan.changed() {
            write!(out, "{}", unified_diff(&file.path, &file.original, &file.fixed))?;
        }
        return Ok(ExitStatus::Success);
    }
    print_migration(&mut out, &migration, args.dry_run, printer)?;
    if !args.dry_run
        && let Some(entry) = fix::apply(&project, &migration.plan, &command_line())?
    {
        note_entry(printer, &entry);
    }
    Ok(ExitStatus::Success)
}

fn note_entry(printer: Printer, entry: &fixpoint_fix::journal::Manifest) {
    printer.note(&format!(
        "journal {}: {} changed; `fixpoint undo {}` restores them",
        entry.id,
        count(entry.files.len(), "file"),
        entry.id
    ));
}

fn print_migration(
    out: &mut impl Write,
    migration: &migrate::Migration,
    dry_run: bool,
    printer: Printer,
) -> io::Result<()> {
    if migration.modules.is_empty() {
        printer.note("no module in the selection imports pydantic");
    }
    for choice in &migration.modules {
        writeln!(out, "{}: {} ({})", choice.path, choice.strategy, choice.reason)?;
    }
    print_plan(out, &migration.plan, dry_run, printer)
}

/// `--strategy auto` checked by the tests: trial runs on v2 and on the v1
/// namespace, then the final choice.
fn migrate_verified(
    global: &GlobalArgs,
    args: &MigratePydanticArgs,
    project: &Project,
    printer: Printer,
) -> anyhow::Result<ExitStatus> {
    let env = |name: &str| std::env::var(name).ok();
    let recording = fixpoint_app::Recording {
        db: global.db.clone(),
        build_id: None,
        command: command_line(),
    };
    let mut events = |event: fixpoint_app::repair::RepairEvent<'_>| super::repair::print_event(printer, &event);
    let repair = if args.repair {
        let mut request = super::repair::request_of(global, &args.repair_options);
        // The repairs go into the migration's journal entry, never a commit:
        // the tree need not be a clean repository.
        request.settings.commit = Some(false);
        request.allow_dirty = true;
        // Refuse before anything is written, not after the trials.
        fixpoint_app::repair::preflight(project, &request, &env)?;
        Some(migrate::MigrationRepair {
            request,
            recording: &recording,
            env: &env,
            events: &mut events,
        })
    } else {
        None
    };
    let mut progress = printer.run_progress();
    let command = command_line();
    let asked = migrate::VerifiedRequest {
        paths: &args.paths,
        unsafe_fixes: args.unsafe_fixes,
        python: global.python.clone(),
        command: &command,
        repair,
    };
    let verified = migrate::migrate_verified(project, asked, &mut progress, crate::interrupt::flag());
    progress.finish();
    let verified = verified?;
    let mut out = io::stdout().lock();
    for group in &verified.groups {
        let repaired = group.repair.as_ref().map(|repair| {
            format!(
                " (the repair loop fixed {} of them in {} attempts)",
                repair.fixed.len(),
                repair.attempts
            )
        });
        let verdict = if group.fell_back {
            format!(
                "v2 broke {} of the tests that pass on pydantic.v1{}; fell back to pydantic.v1",
                group.broken_by_v2.len(),
                repaired.unwrap_or_default()
            )
        } else if let Some(repair) = group.repair.as_ref().filter(|r| r.kept) {
            format!(
                "v2 kept after the repair loop fixed {} of the tests v2 broke",
                repair.fixed.len()
            )
        } else if group.exact_json {
            "v2 kept, with v1's exact `.json()` text (`model_dump_json()` broke tests)".to_owned()
        } else {
            "v2 kept".to_owned()
        };
        let shown: Vec<&str> = group.modules.iter().take(2).map(String::as_str).collect();
        let more = match group.modules.len().saturating_sub(shown.len()) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        writeln!(
            out,
            "verify: {} modules ({}{more}), {} test files: {} pass on v2, {} on pydantic.v1: {verdict}",
            group.modules.len(),
            shown.join(", "),
            group.tests.len(),
            group.passed_v2,
            group.passed_v1
        )?;
        for nodeid in &group.broken_by_v2 {
            writeln!(out, "  broken on v2  {nodeid}")?;
        }
    }
    print_migration(&mut out, &verified.migration, false, printer)?;
    for warning in &verified.deprecated {
        let category = warning.category.rsplit('.').next().unwrap_or(&warning.category);
        let line = warning.line.map(|line| format!(":{line}")).unwrap_or_default();
        let times = if warning.count > 1 {
            format!(" ({} times)", warning.count)
        } else {
            String::new()
        };
        writeln!(
            out,
            "deprecated on v2  {}{line}: {category}: {}{times}",
            warning.path, warning.message
        )?;
    }
    if let Some(entry) = &verified.entry {
        note_entry(printer, entry);
    }
    Ok(ExitStatus::Success)
}

pub fn undo(global: &GlobalArgs, args: &UndoArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let entry = fix::undo(&project, args.id.as_deref(), args.force)?;
    for file in &entry.files {
        printer.note(&format!("restored {}", file.path));
    }
    writeln!(
        io::stdout(),
        "undid {} ({})",
        entry.id,
        count(entry.files.len(), "file")
    )?;
    Ok(ExitStatus::Success)
}

pub fn journal(global: &GlobalArgs, args: &JournalArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    if args.verify {
        let verified = fix::verify_journal(&project)?;
        let unsealed = match verified.unsealed {
            0 => String::new(),
            n => format!(" ({n} written before entries were sealed: their backups checked, their manifests not)"),
        };
        writeln!(
            io::stdout(),
            "The journal proves itself: {} {}, every seal, link and backup hash matches{unsealed}.",
            verified.entries,
            if verified.entries == 1 { "entry" } else { "entries" }
        )?;
        return Ok(ExitStatus::Success);
    }
    let entries = fix::journal(&project)?;
    if args.output_format == OutputFormat::Json {
        print_json(&entries)?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    if entries.is_empty() {
        writeln!(out, "The journal is empty: `fixpoint fix` writes the first entry.")?;
    }
    for entry in &entries {
        let codes = entry.codes();
        writeln!(
            out,
            "{}  {:<8}  {}  {} files  {}",
            entry.id,
            format!("{:?}", entry.state).to_lowercase(),
            entry
                .created_at
                .get(..19)
                .unwrap_or(&entry.created_at)
                .replace('T', " "),
            entry.files.len(),
            codes.join(",")
        )?;
        for file in &entry.files {
            writeln!(out, "    {}", file.path)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// `fixpoint migrate sqlalchemy`: the rounds, each shown as it ends.
pub fn migrate_sqlalchemy(
    global: &GlobalArgs,
    args: &MigrateSqlalchemyArgs,
    printer: Printer,
) -> anyhow::Result<ExitStatus> {
    use fixpoint_app::migrate::sqlalchemy::{self, RoundEvent, SqlalchemyRequest};
    let project = Project::open(global.project.as_deref())?;
    if args.diff || args.dry_run {
        let plan = sqlalchemy::plan_round(&project, &args.paths, &[], None, args.unsafe_fixes)?;
        let mut out = io::stdout().lock();
        if args.diff {
            for file in plan.changed() {
                write!(out, "{}", unified_diff(&file.path, &file.original, &file.fixed))?;
            }
            let left: usize = plan.files.iter().map(|file| file.left.len()).sum();
            if left > 0 {
                printer.warn(&format!(
                    "{} not in the diff (reported, unsafe, or they would not parse): `--dry-run` lists them",
                    count(left, "fix")
                ));
            }
        } else {
            print_plan(&mut out, &plan, true, printer)?;
        }
        return Ok(ExitStatus::Success);
    }
    if args.warnings {
        let mut progress = printer.run_progress();
        let report = sqlalchemy::removed_in_20_warnings(
            &project,
            global.python.clone(),
            &mut progress,
            crate::interrupt::flag(),
        );
        progress.finish();
        let report = report?;
        let mut out = io::stdout().lock();
        for site in &report.sites {
            let line = site.line.map(|line| format!(":{line}")).unwrap_or_default();
            let times = if site.count == 1 {
                String::new()
            } else {
                format!(" ({} times)", site.count)
            };
            writeln!(out, "{}{line}: RemovedIn20Warning: {}{times}", site.path, site.message)?;
        }
        let files: std::collections::BTreeSet<&str> = report.sites.iter().map(|s| s.path.as_str()).collect();
        writeln!(
            out,
            "{} in {} under SQLAlchemy {} ({}: {} passed, {} failing)",
            count(report.sites.len(), "RemovedIn20Warning site"),
            count(files.len(), "file"),
            report.version,
            count(report.tally.total as usize, "test"),
            report.tally.passed,
            report.tally.failing
        )?;
        return Ok(ExitStatus::Success);
    }
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let command = command_line();
    let request = SqlalchemyRequest {
        paths: &args.paths,
        unsafe_fixes: args.unsafe_fixes,
        python: global.python.clone(),
        command: &command,
        max_rounds: args.max_rounds,
    };
    let mut progress = printer.run_progress();
    let mut shown: anyhow::Result<()> = Ok(());
    let mut on_round = |event: RoundEvent<'_>| {
        if shown.is_err() {
            return;
        }
        shown = (|| -> anyhow::Result<()> {
            match event {
                RoundEvent::Ran { round, run: Ok(tests) } => {
                    let tally = sqlalchemy::Tally::of(tests);
                    let skipped = match tally.skipped {
                        0 => String::new(),
                        n => format!(", {n} skipped"),
                    };
                    writeln!(
                        io::stdout().lock(),
                        "round {round}: {}: {} passed, {} failing{skipped}{}",
                        count(tally.total as usize, "test"),
                        tally.passed,
                        tally.failing,
                        uncollected(tally)
                    )?;
                }
                RoundEvent::Ran {
                    round,
                    run: Err(stopped),
                } => {
                    let first = stopped.lines().find(|line| !line.trim().is_empty()).unwrap_or(stopped);
                    writeln!(io::stdout().lock(), "round {round}: the suite did not start: {first}")?;
                }
                RoundEvent::Planned { plan, .. } => print_plan(&mut io::stdout().lock(), plan, false, printer)?,
                RoundEvent::Verified { verification, .. } => {
                    let changed = verification.taken_back.iter().map(|t| t.paths.len()).sum::<usize>()
                        + verification.entry.as_ref().map_or(0, |entry| entry.files.len());
                    print_verification(changed, verification, printer)?;
                }
            }
            Ok(())
        })();
    };
    let migrated = sqlalchemy::migrate_sqlalchemy(
        store.as_mut(),
        &project,
        &request,
        &mut progress,
        crate::interrupt::flag(),
        &mut on_round,
    );
    progress.finish();
    shown?;
    let migrated = migrated?;
    let how = if migrated.settled {
        "the last round brought nothing new"
    } else {
        "stopped at --max-rounds; run it again to go on"
    };
    let state = |tally: Option<sqlalchemy::Tally>| match tally {
        Some(tally) => format!(
            "{} of {} passing{}",
            tally.passed,
            count(tally.total as usize, "test"),
            uncollected(tally)
        ),
        None => "the suite did not start".to_owned(),
    };
    writeln!(
        io::stdout().lock(),
        "migrate sqlalchemy: before, {}; after {}, {} ({how})",
        state(migrated.before),
        count(migrated.rounds, "round"),
        state(migrated.after),
    )?;
    if !migrated.entries.is_empty() {
        let newest_first: Vec<String> = migrated
            .entries
            .iter()
            .rev()
            .map(|id| format!("`fixpoint undo {id}`"))
            .collect();
        printer.note(&format!(
            "journal {}: one entry per round; {} take{} them back",
            migrated.entries.join(", "),
            newest_first.join(" then "),
            if newest_first.len() == 1 { "s" } else { "" }
        ));
    }
    // As `run`: 1 while a test fails, a module does not collect or the suite
    // does not start.
    Ok(if migrated.after.is_some_and(|tally| tally.green()) {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// `, 2 modules did not collect` (nothing when every module did).
fn uncollected(tally: fixpoint_app::migrate::sqlalchemy::Tally) -> String {
    match tally.uncollected {
        0 => String::new(),
        n => format!(", {} did not collect", count(n as usize, "module")),
    }
}
