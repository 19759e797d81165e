pub mod analyze;
pub mod ci;
pub mod fix;
pub mod history;
pub mod import;
pub mod mcp;
pub mod repair;
pub mod report;
pub mod rules;
pub mod run;
pub mod slow;
pub mod testdata;
pub mod triage;
pub mod workflow;

use std::io::{self, Write};

use fixpoint_core::Run;
use serde_json::json;

/// The JSON document `--output-format json` prints (docs/json.md).
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The run as one JSON document, with its id in the history when it was recorded.
pub fn print_run_json(run: &Run, run_id: Option<i64>) -> io::Result<()> {
    let document = json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "run_id": run_id,
        "info": run.info,
        "counts": run.counts,
        "tests": run.tests,
    });
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &document)?;
    writeln!(out)
}

pub use fixpoint_report::count;

/// The command line as typed, for the history.
pub fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// Prints any serializable value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)
}
