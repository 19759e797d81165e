use fixpoint_app::{Project, import_run};
use fixpoint_pytest::import::Format;

use crate::ExitStatus;
use crate::cli::{GlobalArgs, ImportArgs, ImportFormat, OutputFormat};
use crate::printer::Printer;

pub fn import(
    global: &GlobalArgs,
    args: &ImportArgs,
    printer: Printer,
) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let format = match args.format {
        ImportFormat::Auto => None,
        ImportFormat::Junit => Some(Format::Junit),
        ImportFormat::Reportlog => Some(Format::Reportlog),
    };
    let run = import_run(&project, &args.file, format)?;
    match args.output_format {
        OutputFormat::Json => super::print_run_json(&run)?,
        OutputFormat::Text => {
            if printer.verbosity != crate::printer::Verbosity::Quiet {
                eprintln!(
                    "Imported {} results from {} ({})",
                    run.counts.total,
                    args.file.display(),
                    run.info.source
                );
            }
            printer.run_summary(&run)?;
        }
    }
    Ok(ExitStatus::Success)
}
