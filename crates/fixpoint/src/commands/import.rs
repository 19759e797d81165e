use fixpoint_app::{Project, Recording, import_and_record};
use fixpoint_pytest::import::Format;

use crate::ExitStatus;
use crate::cli::{GlobalArgs, ImportArgs, ImportFormat, OutputFormat};
use crate::printer::Printer;

pub fn import(global: &GlobalArgs, args: &ImportArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let format = match args.format {
        ImportFormat::Auto => None,
        ImportFormat::Junit => Some(Format::Junit),
        ImportFormat::Reportlog => Some(Format::Reportlog),
    };
    let recording = Recording {
        db: global.db.clone(),
        build_id: args.build_id.clone(),
        command: super::command_line(),
    };
    let (run, id) = import_and_record(&project, &args.file, format, &recording)?;
    match args.output_format {
        OutputFormat::Json => super::print_run_json(&run, Some(id))?,
        OutputFormat::Text => {
            printer.note(&format!(
                "Imported {} results from {} ({}) as run {id}",
                run.counts.total,
                args.file.display(),
                run.info.source
            ));
            printer.run_summary(&run)?;
        }
    }
    Ok(ExitStatus::Success)
}
