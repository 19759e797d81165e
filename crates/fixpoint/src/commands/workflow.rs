//! `plan` and `workflow`.

use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_app::workflow;

use super::{count, print_json};
use crate::ExitStatus;
use crate::cli::{GlobalArgs, OutputFormat, PlanArgs, WorkflowArgs, WorkflowCommand};

pub fn plan(global: &GlobalArgs, args: &PlanArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let outcome = workflow::write_plan(store.as_mut(), &project, args.force)?;
    if args.output_format == OutputFormat::Json {
        print_json(&outcome)?;
        return Ok(ExitStatus::Success);
    }
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "Planned {} from run {} ({} new): {}",
        count(outcome.stories.len(), "story"),
        outcome.run_id,
        outcome.added.len(),
        workflow::plan::tally_line(&outcome.stories),
    )?;
    for story in &outcome.stories {
        writeln!(
            out,
            "  {:<11}  {}  {:<28}  {:>9}  {}",
            story.status.as_str(),
            story.id,
            story.category,
            count(story.impact as usize, "test"),
            story.title
        )?;
    }
    let changed = outcome.files.iter().filter(|(_, changed)| *changed).count();
    writeln!(
        out,
        "Wrote {} of {} in .ai/, .cursor/rules/ and AGENTS.md ({} unchanged).",
        changed,
        count(outcome.files.len(), "file"),
        outcome.files.len() - changed
    )?;
    for path in &outcome.kept {
        writeln!(
            out,
            "Left {path} as it is: edited outside its CUSTOM block, or not written by fixpoint (`--force` replaces it)."
        )?;
    }
    Ok(ExitStatus::Success)
}

pub fn workflow(global: &GlobalArgs, args: &WorkflowArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    if let Some(WorkflowCommand::Verify { output_format }) = &args.command {
        let check = workflow::verify(&project)?;
        if *output_format == OutputFormat::Json {
            print_json(&check)?;
        } else {
            match &check.broken {
                None => println!("State chain: {}, no broken links.", count(check.entries, "entry")),
                Some(broken) => println!(
                    "State chain broken at entry {} ({}): {} ({} checked).",
                    broken.index,
                    broken.source,
                    broken.reason,
                    count(check.entries, "entry")
                ),
            }
        }
        return Ok(if check.broken.is_none() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        });
    }
    if args.clean_workflow {
        let removed = workflow::clean(&project)?;
        if removed.is_empty() {
            println!("No execution state to remove; the planning files are untouched.");
        } else {
            println!(
                "Removed {}; the planning files (.ai/, .workflow's decisions) are kept.",
                removed.join(", ")
            );
        }
        return Ok(ExitStatus::Success);
    }
    let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
    let sync = workflow::sync(store.as_mut(), &project)?;
    if args.output_format == OutputFormat::Json {
        print_json(&sync)?;
        return Ok(ExitStatus::Success);
    }
    println!(
        "State chain: {} appended, {} in all. Lessons: {}. Evaluations: {}.",
        count(sync.appended, "entry"),
        sync.entries,
        sync.lessons,
        if sync.tasks == 0 {
            "none (no plan: `fixpoint plan` writes the stories)".to_owned()
        } else {
            count(sync.tasks, "story")
        }
    );
    Ok(ExitStatus::Success)
}
