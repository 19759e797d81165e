//! The `fixpoint` command line: parses flags, calls the application layer,
//! prints. No logic of its own lives here.

mod cli;
mod commands;
mod interrupt;
mod printer;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::printer::Printer;

/// fixpoint's documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything passed.
    Success = 0,
    /// Tests or checks failed.
    Failure = 1,
    /// A usage or tool error: nothing could be judged.
    Error = 2,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap's own --help and --version are successes, every other exit is a usage error.
            return ExitCode::from(if error.use_stderr() { ExitStatus::Error as u8 } else { 0 });
        }
    };
    let printer = Printer::new(cli.global.quiet, cli.global.verbose, cli.global.no_progress);
    let result = match cli.command {
        Command::Run(args) => commands::run::run(&cli.global, args, printer),
        Command::Import(ref args) => commands::import::import(&cli.global, args, printer),
        Command::History(ref args) => commands::history::history(&cli.global, args),
        Command::Show(ref args) => commands::history::show(&cli.global, args),
        Command::Compare(ref args) => commands::history::compare(&cli.global, args),
        Command::Test(ref args) => commands::history::test(&cli.global, args),
        Command::Flaky(ref args) => commands::history::flaky(&cli.global, args),
        Command::Slow(ref args) => commands::slow::slow(&cli.global, args),
        Command::Progress(ref args) => commands::history::progress(&cli.global, args),
        Command::Triage(ref args) => commands::triage::triage(&cli.global, args),
        Command::Explain(ref args) => commands::triage::explain(&cli.global, args),
        Command::Fix(ref args) => commands::fix::fix(&cli.global, args, printer),
        Command::Undo(ref args) => commands::fix::undo(&cli.global, args, printer),
        Command::Journal(ref args) => commands::fix::journal(&cli.global, args),
        Command::Migrate(cli::MigrateCommand::Pydantic(ref args)) => {
            commands::fix::migrate_pydantic(&cli.global, args, printer)
        }
        Command::Migrate(cli::MigrateCommand::Sqlalchemy(ref args)) => {
            commands::fix::migrate_sqlalchemy(&cli.global, args, printer)
        }
        Command::Repair(ref args) => commands::repair::repair(&cli.global, args, printer),
        Command::Attempts(ref args) => commands::repair::attempts(&cli.global, args),
        Command::Report(ref args) => commands::report::report(&cli.global, args),
        Command::Docs(ref args) => commands::report::docs(&cli.global, args),
        Command::Check(ref args) => commands::ci::check(&cli.global, args, printer),
        Command::Ci(ref args) => commands::ci::ci(&cli.global, args, printer),
        Command::Init => commands::ci::init(&cli.global, printer),
        Command::Mcp(ref args) => commands::mcp::mcp(&cli.global, args, printer),
        Command::Rules(ref command) => commands::rules::rules(&cli.global, command, printer),
        Command::Plan(ref args) => commands::workflow::plan(&cli.global, args),
        Command::Workflow(ref args) => commands::workflow::workflow(&cli.global, args),
        Command::Analyze { output_format } => commands::analyze::analyze(&cli.global, output_format),
        Command::Context(ref args) => commands::analyze::context(&cli.global, args, printer),
        Command::Testdata(ref command) => commands::testdata::testdata(&cli.global, command, printer),
    };
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) => {
            // A closed stdout (`fixpoint run | head`) is not worth a message.
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::from(ExitStatus::Failure as u8);
            }
            printer.error(&format!("{error:#}"));
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}
