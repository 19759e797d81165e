use std::collections::HashMap;

use fixpoint_app::order::OrderRequest;
use fixpoint_app::{Project, Recording, RunRequest, run_and_record};

use crate::cli::{GlobalArgs, OutputFormat, RunArgs};
use crate::printer::Printer;
use crate::{ExitStatus, interrupt};

pub fn run(global: &GlobalArgs, args: RunArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let request = RunRequest {
        paths: args.paths,
        keyword: args.keyword,
        markers: args.markers,
        group: args.group,
        python: global.python.clone(),
        jobs: args.jobs,
        shard: args.shard,
        reruns: args.reruns,
        test_timeout: args.test_timeout,
        timeout: args.timeout,
        pytest_args: args.pytest_args,
        durations: HashMap::new(),
        // As the user typed them, from where they stand.
        from_root: false,
        env: Vec::new(),
        ordering: OrderRequest {
            order: args.order,
            budget: args.budget,
            seed: args.seed,
            db: global.db.clone(),
        },
        planned: None,
    };
    let recording = Recording {
        db: global.db.clone(),
        build_id: args.build_id,
        command: super::command_line(),
    };
    let recording = (!args.no_record).then_some(&recording);
    let mut progress = printer.run_progress();
    let outcome = run_and_record(&project, &request, recording, &mut progress, interrupt::flag());
    progress.finish();
    let (run, id) = outcome?;
    match args.output_format {
        OutputFormat::Json => super::print_run_json(&run, id)?,
        OutputFormat::Text => {
            if run.counts.total == 0 {
                printer.warn("no tests ran: check the paths, -k and -m");
            }
            printer.run_summary(&run)?;
            if let Some(id) = id {
                printer.note(&format!("recorded as run {id}"));
            }
        }
    }
    Ok(if run.is_success() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
