use fixpoint_app::{Project, RunRequest, run_tests};

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
    };
    let mut progress = printer.run_progress();
    let outcome = run_tests(&project, &request, &mut progress, interrupt::flag());
    progress.finish();
    let run = outcome?;
    match args.output_format {
        OutputFormat::Json => super::print_run_json(&run)?,
        OutputFormat::Text => {
            if run.counts.total == 0 {
                printer.warn("no tests ran: check the paths, -k and -m");
            }
            printer.run_summary(&run)?;
        }
    }
    Ok(if run.is_success() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
